"""Over HTTP against `python -m local`: every outcome that depends on the account answers byte-identically to an
unknown username (each injected through the emulator's fault route), on the resend and the forgot-password routes
(tests/e2e/test_forgot_password_http.py has the real disabled, unconfirmed and unverified users)."""

from __future__ import annotations

import uuid

import pytest
import requests

from code_screens.operations import Kind
from code_screens.operations.forgot_password import OUTCOMES as FORGOT_OUTCOMES
from code_screens.operations.resend_confirmation_code import OUTCOMES as RESEND_OUTCOMES
from code_screens.routes import FORGOT_PASSWORD, RESEND_CONFIRMATION_CODE
from local.seed import CONFIRMED_USER, UNCONFIRMED_USER
from tests.local_stack import LocalApi

RESEND = "cognito-idp:ResendConfirmationCode"
# What Cognito itself answers for a user that is disabled (with PreventUserExistenceErrors LEGACY, also for an
# unknown one), on top of the faults only a real, unconfirmed account can cause.
ACCOUNT_FAULTS = {code for code, outcome in RESEND_OUTCOMES.items() if outcome.kind is Kind.ACCOUNT_FAULT}
PER_ACCOUNT = sorted(ACCOUNT_FAULTS | {"UserNotFoundException", "NotAuthorizedException"})


def answer(local: LocalApi, username: str) -> tuple[int, frozenset[tuple[str, str]], bytes]:
    response = requests.post(
        f"{local.url}{RESEND_CONFIRMATION_CODE.path}",
        json={"username": username, "clientMetadata": {"locale": "fr"}},
        headers={"Origin": local.url},
        timeout=30,
    )
    # Everything but the Date header, which only tells the time.
    headers = frozenset((k.lower(), v) for k, v in response.headers.items() if k.lower() != "date")
    return response.status_code, headers, response.content


@pytest.fixture
def unknown_answer(local_api: LocalApi) -> tuple[int, frozenset[tuple[str, str]], bytes]:
    return answer(local_api, f"nobody-{uuid.uuid4().hex[:8]}@example.com")


@pytest.mark.parametrize("error_code", PER_ACCOUNT)
def test_a_per_account_outcome_answers_like_an_unknown_username(
    local_api: LocalApi, unknown_answer: tuple[int, frozenset[tuple[str, str]], bytes], error_code: str
) -> None:
    local_api.arm_fault(RESEND, error_code, message="Injected per-account outcome")
    try:
        assert answer(local_api, UNCONFIRMED_USER) == unknown_answer
    finally:
        local_api.disarm_faults()


def test_sent_and_already_confirmed_answer_like_an_unknown_username(
    local_api: LocalApi, unknown_answer: tuple[int, frozenset[tuple[str, str]], bytes]
) -> None:
    assert answer(local_api, UNCONFIRMED_USER) == unknown_answer
    assert answer(local_api, CONFIRMED_USER) == unknown_answer
    assert unknown_answer[0] == 200


# --- forgot password: every per-account outcome answers like an unknown username ---

FORGOT = "cognito-idp:ForgotPassword"
FORGOT_PER_ACCOUNT = sorted(
    {code for code, outcome in FORGOT_OUTCOMES.items() if outcome.kind is Kind.ACCOUNT_FAULT}
    | {"UserNotFoundException", "NotAuthorizedException", "InvalidParameterException"}
)


def forgot_answer(local: LocalApi, username: str) -> tuple[int, frozenset[tuple[str, str]], bytes]:
    response = requests.post(
        f"{local.url}{FORGOT_PASSWORD.path}",
        json={"username": username, "clientMetadata": {"locale": "fr"}},
        headers={"Origin": local.url},
        timeout=30,
    )
    headers = frozenset((k.lower(), v) for k, v in response.headers.items() if k.lower() != "date")
    return response.status_code, headers, response.content


@pytest.mark.parametrize("error_code", FORGOT_PER_ACCOUNT)
def test_a_per_account_reset_outcome_answers_like_an_unknown_username(local_api: LocalApi, error_code: str) -> None:
    unknown = forgot_answer(local_api, f"nobody-{uuid.uuid4().hex[:8]}@example.com")
    local_api.arm_fault(FORGOT, error_code, message="Injected per-account outcome")
    try:
        assert forgot_answer(local_api, CONFIRMED_USER) == unknown
    finally:
        local_api.disarm_faults()
    assert unknown[0] == 200
