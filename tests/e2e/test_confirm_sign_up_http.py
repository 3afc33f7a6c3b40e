"""POST /confirm-sign-up over HTTP, as `make run` serves it: each answer of docs/api.md, from the emulator's real
ConfirmSignUp (and injected faults where only a real Cognito could answer)."""

from __future__ import annotations

import pytest
import requests

from code_screens.routes import CONFIRM_SIGN_UP, RESEND_CONFIRMATION_CODE
from local.seed import CONFIRMED_USER
from tests.local_stack import LocalApi

CONFIRM = "cognito-idp:ConfirmSignUp"
PER_REQUEST_HEADERS = {"date"}


def confirm(local: LocalApi, username: str, code: str, **headers: str) -> requests.Response:
    body = {"username": username, "confirmationCode": code}
    return requests.post(f"{local.url}{CONFIRM_SIGN_UP.path}", json=body, headers=headers, timeout=10)


def wrong_code_for(local: LocalApi, username: str) -> str:
    return "000000" if local.newest_code(username) != "000000" else "111111"


def test_the_newest_code_confirms(local_api: LocalApi) -> None:
    username = local_api.sign_up()

    response = confirm(local_api, username, local_api.newest_code(username))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json() == {"message": "Your account is confirmed. You can sign in now."}
    assert local_api.user_status(username)[0] == "CONFIRMED"


def test_a_wrong_code_is_400_code_mismatch(local_api: LocalApi) -> None:
    username = local_api.sign_up()

    response = confirm(local_api, username, wrong_code_for(local_api, username))

    assert (response.status_code, response.json()["code"]) == (400, "code_mismatch")
    assert response.headers["Content-Type"] == "application/problem+json"


def test_an_expired_code_and_a_replaced_code_answer_byte_for_byte_like_a_wrong_code(local_api: LocalApi) -> None:
    # Only an account that was sent a code has one that can expire, and anybody can make an account's code
    # superseded by asking for a new one: an answer of its own would tell that the account exists.
    aged, replaced = local_api.sign_up(), local_api.sign_up()
    local_api.age_codes(24 * 3600 + 1, aged)
    first = local_api.newest_code(replaced)
    requests.post(f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": replaced}, timeout=10)
    if local_api.newest_code(replaced) == first:
        pytest.skip("the emulator drew the same six digits twice (1 in a million)")

    answers = [
        confirm(local_api, aged, local_api.newest_code(aged)),
        confirm(local_api, replaced, first),
        confirm(local_api, replaced, wrong_code_for(local_api, replaced)),
    ]

    assert {(r.status_code, r.json()["code"]) for r in answers} == {(400, "code_mismatch")}
    assert len({r.content for r in answers}) == 1
    headers = [{k: v for k, v in r.headers.items() if k.lower() not in PER_REQUEST_HEADERS} for r in answers]
    assert all(h == headers[0] for h in headers)


def test_unknown_confirmed_and_disabled_users_answer_exactly_like_a_wrong_code(local_api: LocalApi) -> None:
    real, disabled = local_api.sign_up(), local_api.sign_up()
    local_api.aws("cognito-idp").admin_disable_user(UserPoolId=local_api.user_pool_id, Username=disabled)

    answers = [
        confirm(local_api, username, "999999")
        for username in (real, "nobody-has-this-name@example.com", CONFIRMED_USER, disabled)
    ]

    assert {(r.status_code, r.json()["code"]) for r in answers} == {(400, "code_mismatch")}
    assert len({r.content for r in answers}) == 1
    headers = [{k: v for k, v in r.headers.items() if k.lower() not in PER_REQUEST_HEADERS} for r in answers]
    assert all(h == headers[0] for h in headers)


@pytest.mark.parametrize(
    ("error_code", "status", "code", "retry_after"),
    [
        ("TooManyFailedAttemptsException", 400, "code_mismatch", None),
        ("LimitExceededException", 400, "code_mismatch", None),
        ("TooManyRequestsException", 429, "rate_limited", "1"),
        ("AliasExistsException", 400, "code_mismatch", None),  # only a real account has a taken alias
        ("InternalErrorException", 502, "upstream_error", None),
    ],
)
def test_cognitos_limits_and_faults(
    local_api: LocalApi, error_code: str, status: int, code: str, retry_after: str | None
) -> None:
    username = local_api.sign_up()
    local_api.arm_fault(CONFIRM, error_code)
    try:
        response = confirm(local_api, username, local_api.newest_code(username))
    finally:
        local_api.disarm_faults()

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.headers.get("Retry-After") == retry_after
    assert local_api.user_status(username)[0] == "UNCONFIRMED"


def test_wrong_method_is_405_and_bad_input_never_reaches_cognito(local_api: LocalApi) -> None:
    before = local_api.calls(CONFIRM)

    wrong_method = requests.get(f"{local_api.url}{CONFIRM_SIGN_UP.path}", timeout=5)
    no_code = requests.post(f"{local_api.url}{CONFIRM_SIGN_UP.path}", json={"username": "a"}, timeout=5)
    hash_sent = requests.post(
        f"{local_api.url}{CONFIRM_SIGN_UP.path}",
        json={"username": "a", "confirmationCode": "1", "secretHash": "x"},
        timeout=5,
    )

    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "method_not_allowed")
    assert wrong_method.headers["Allow"] == "POST, OPTIONS"
    assert (no_code.status_code, no_code.json()["code"]) == (400, "invalid_request")
    assert no_code.json()["errors"][0]["field"] == "confirmationCode"
    assert (hash_sent.status_code, hash_sent.json()["code"]) == (400, "server_supplied_field")
    assert local_api.calls(CONFIRM) == before


def test_cors_for_an_allowed_origin_and_refusal_for_others(local_api: LocalApi) -> None:
    username = local_api.sign_up()
    allowed = local_api.url
    preflight_headers = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}

    preflight = requests.options(
        f"{local_api.url}{CONFIRM_SIGN_UP.path}", headers={"Origin": allowed, **preflight_headers}, timeout=5
    )
    ok = confirm(local_api, username, "999999", Origin=allowed)
    refused = confirm(local_api, username, "999999", Origin="https://evil.example")

    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == allowed
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert ok.headers["Access-Control-Allow-Origin"] == allowed
    assert "Retry-After" in ok.headers["Access-Control-Expose-Headers"]
    assert (refused.status_code, refused.json()["code"]) == (403, "origin_not_allowed")


@pytest.mark.slow  # timing: a dozen answers, each held to make run's 500 ms floor
def test_the_attempt_cap_is_the_same_for_every_username(make_run_api: LocalApi) -> None:
    # make run's own settings: 5 confirm attempts per username per 15 minutes, the response floor on.
    real = make_run_api.sign_up()
    wrong = wrong_code_for(make_run_api, real)

    for username in (real, "nobody-at-all-here@example.com"):
        answers = [confirm(make_run_api, username, wrong) for _ in range(6)]
        assert [r.status_code for r in answers] == [400] * 5 + [429]
        capped = answers[-1]
        assert capped.json()["code"] == "attempt_limit_exceeded"
        assert 0 < int(capped.headers["Retry-After"]) <= 900

    # The right code is refused too while capped: the cap cannot be stepped around with a lucky guess.
    assert confirm(make_run_api, real, make_run_api.newest_code(real)).status_code == 429
    assert make_run_api.user_status(real)[0] == "UNCONFIRMED"
