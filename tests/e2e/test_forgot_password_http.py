"""POST /forgot-password and POST /confirm-forgot-password over HTTP against `python -m local`: a real reset from the
code in the outbox to a sign-in with the new password, every refusal, and no enumeration, byte for byte, between an
unknown user, a disabled user, an unconfirmed user, a user without a verified address and a real user.

New passwords are generated per test and handed to the leak scan, which fails the run if one appears in any answer
or log line."""

from __future__ import annotations

import secrets
import string
import uuid
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from code_screens.routes import CONFIRM_FORGOT_PASSWORD, CONFIRM_SIGN_UP, FORGOT_PASSWORD
from code_screens.secret_hash import compute_secret_hash
from local.seed import confirmed_user
from tests.leak_scan import WATCH
from tests.local_stack import LocalApi

NEUTRAL = b'{"message":"If this account exists and can receive a code, a code to reset its password is on its way."}'
RESET = b'{"message":"Your password is reset. You can sign in with the new password now."}'
RESET_CODE_LIFETIME_SECONDS = 3600
Answer = tuple[int, frozenset[tuple[str, str]], bytes]


def new_password() -> str:
    """A fresh password that meets make run's policy (Cognito's default), watched by the leak scan."""
    password = "Pw-" + "".join(secrets.choice(string.ascii_letters) for _ in range(10)) + "7a!Z"
    WATCH.add_secret_value(f"a new password ({uuid.uuid4().hex[:8]})", password)
    return password


def post(local: LocalApi, path: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{local.url}{path}", json=body, headers={"Origin": local.url}, timeout=30)


def comparable(response: requests.Response) -> Answer:
    # Everything but the Date header, which only tells the time.
    headers = frozenset((k.lower(), v) for k, v in response.headers.items() if k.lower() != "date")
    return response.status_code, headers, response.content


def forgot(local: LocalApi, username: str) -> requests.Response:
    return post(local, FORGOT_PASSWORD.path, {"username": username})


def reset(local: LocalApi, username: str, code: str, password: str) -> requests.Response:
    body = {"username": username, "confirmationCode": code, "password": password}
    return post(local, CONFIRM_FORGOT_PASSWORD.path, body)


def reset_codes(local: LocalApi, username: str) -> list[str]:
    """The reset codes sent to `username`, newest first (the outbox shows them apart from sign-up codes)."""
    return [m["code"] for m in local.outbox() if m["username"] == username and m.get("purpose") == "ForgotPassword"]


def confirmed(local: LocalApi, prefix: str = "reset") -> tuple[str, str]:
    """A fresh CONFIRMED user with a verified e-mail: (username, its current password)."""
    username, password = f"{prefix}-{uuid.uuid4().hex[:10]}@example.com", new_password()
    confirmed_user(
        local.aws("cognito-idp"), local.user_pool_id, local.client_id, local.client_secret, username, password
    )
    return username, password


def disabled(local: LocalApi) -> str:
    username, _ = confirmed(local, "disabled")
    local.aws("cognito-idp").admin_disable_user(UserPoolId=local.user_pool_id, Username=username)
    return username


def without_verified_address(local: LocalApi) -> str:
    """A CONFIRMED user whose e-mail was never verified (confirmed by an administrator)."""
    username = local.sign_up("unverified")
    local.aws("cognito-idp").admin_confirm_sign_up(UserPoolId=local.user_pool_id, Username=username)
    return username


def sign_in(local: LocalApi, username: str, password: str) -> str:
    """AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH: "ok" or Cognito's error code."""
    try:
        local.aws("cognito-idp").admin_initiate_auth(
            UserPoolId=local.user_pool_id,
            ClientId=local.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": username,
                "PASSWORD": password,
                "SECRET_HASH": compute_secret_hash(username, local.client_id, local.client_secret),
            },
        )
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return "ok"


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# --- the whole reset ---


def test_a_reset_code_from_the_outbox_sets_the_new_password(local_api: LocalApi) -> None:
    username, old = confirmed(local_api)
    password = new_password()

    asked = forgot(local_api, username)
    (code,) = reset_codes(local_api, username)
    done = reset(local_api, username, code, password)

    assert (asked.status_code, asked.content) == (200, NEUTRAL)
    assert (done.status_code, done.content) == (200, RESET)
    assert done.headers["Content-Type"] == "application/json"
    assert sign_in(local_api, username, password) == "ok"
    assert sign_in(local_api, username, old) == "NotAuthorizedException"


def test_a_code_typed_with_spaces_and_dashes_resets_as_confirm_sign_up_reads_it(local_api: LocalApi) -> None:
    username, _ = confirmed(local_api)
    forgot(local_api, username)
    code = reset_codes(local_api, username)[0]
    password = new_password()

    done = reset(local_api, username, f" {code[:3]}-{code[3:]} ", password)

    assert done.status_code == 200 and sign_in(local_api, username, password) == "ok"


def test_the_password_is_checked_before_cognito_and_spends_no_attempt(local_api: LocalApi) -> None:
    username, old = confirmed(local_api)
    forgot(local_api, username)
    code = reset_codes(local_api, username)[0]
    before = local_api.calls("cognito-idp:ConfirmForgotPassword")

    weak = reset(local_api, username, code, "weak")

    assert weak.status_code == 400
    problem = weak.json()
    assert problem["code"] == "invalid_password" and weak.headers["Content-Type"] == "application/problem+json"
    assert [e["code"] for e in problem["errors"]] == [
        "password_too_short",
        "password_needs_uppercase",
        "password_needs_number",
        "password_needs_symbol",
    ]
    assert local_api.calls("cognito-idp:ConfirmForgotPassword") == before
    # The code is still good: the refusal used nothing up.
    password = new_password()
    assert reset(local_api, username, code, password).status_code == 200
    assert sign_in(local_api, username, old) == "NotAuthorizedException"


# --- every refusal answers confirm-sign-up's wrong code, byte for byte ---


@pytest.fixture
def wrong_code_answer(local_api: LocalApi) -> Answer:
    """Confirm-sign-up's answer to a wrong code for a fresh unconfirmed user."""
    username = local_api.sign_up("sign-up")
    answer = post(local_api, CONFIRM_SIGN_UP.path, {"username": username, "confirmationCode": "000000"})
    if local_api.newest_code(username) == "000000":  # one chance in a million: the right code
        pytest.skip("the emulator sent 000000")
    assert answer.status_code == 400 and answer.json()["code"] == "code_mismatch"
    return comparable(answer)


def test_a_wrong_code_answers_like_confirm_sign_up_s_wrong_code(local_api: LocalApi, wrong_code_answer: Answer) -> None:
    username, old = confirmed(local_api)
    forgot(local_api, username)
    code = reset_codes(local_api, username)[0]

    assert comparable(reset(local_api, username, wrong(code), new_password())) == wrong_code_answer
    assert sign_in(local_api, username, old) == "ok"


def test_an_expired_code_answers_like_a_wrong_one(local_api: LocalApi, wrong_code_answer: Answer) -> None:
    username, old = confirmed(local_api)
    forgot(local_api, username)
    code = reset_codes(local_api, username)[0]
    body = {"seconds": RESET_CODE_LIFETIME_SECONDS + 1, "username": username, "purpose": "ForgotPassword"}
    requests.post(f"{local_api.url}/_local/outbox/age", json=body, timeout=5).raise_for_status()

    assert comparable(reset(local_api, username, code, new_password())) == wrong_code_answer
    assert sign_in(local_api, username, old) == "ok"


def test_a_superseded_code_answers_like_a_wrong_one(local_api: LocalApi, wrong_code_answer: Answer) -> None:
    username, _ = confirmed(local_api)
    forgot(local_api, username)
    forgot(local_api, username)
    newest, older = reset_codes(local_api, username)[:2]
    if newest == older:
        pytest.skip("the emulator sent the same code twice")

    assert comparable(reset(local_api, username, older, new_password())) == wrong_code_answer


def test_a_used_code_answers_like_a_wrong_one(local_api: LocalApi, wrong_code_answer: Answer) -> None:
    username, _ = confirmed(local_api)
    forgot(local_api, username)
    code = reset_codes(local_api, username)[0]
    assert reset(local_api, username, code, new_password()).status_code == 200

    assert comparable(reset(local_api, username, code, new_password())) == wrong_code_answer


def test_a_sign_up_code_never_resets_a_password(local_api: LocalApi, wrong_code_answer: Answer) -> None:
    username = local_api.sign_up("sign-up-code")
    sign_up_code = local_api.newest_code(username)

    assert comparable(reset(local_api, username, sign_up_code, new_password())) == wrong_code_answer


# --- no enumeration: five kinds of username, one answer ---


@pytest.fixture
def five_usernames(local_api: LocalApi) -> dict[str, str]:
    """An unknown user, a disabled user, an unconfirmed user, a user without a verified address and a real one."""
    return {
        "unknown": f"nobody-{uuid.uuid4().hex[:10]}@example.com",
        "disabled": disabled(local_api),
        "unconfirmed": local_api.sign_up("unconfirmed"),
        "no verified address": without_verified_address(local_api),
        "real": confirmed(local_api)[0],
    }


def test_forgot_password_answers_every_kind_of_username_byte_for_byte_alike(
    local_api: LocalApi, five_usernames: dict[str, str]
) -> None:
    answers = {kind: comparable(forgot(local_api, username)) for kind, username in five_usernames.items()}

    assert answers["real"][:1] == (200,) and answers["real"][2] == NEUTRAL
    assert {kind: answer == answers["real"] for kind, answer in answers.items()} == dict.fromkeys(answers, True)
    # Only the real user got a code; the others none (Cognito sends nothing, yet the answer is the same).
    sent = {m["username"] for m in local_api.outbox() if m.get("purpose") == "ForgotPassword"}
    assert {kind for kind, username in five_usernames.items() if username in sent} == {"real"}


def test_confirm_forgot_password_answers_every_kind_of_username_byte_for_byte_alike(
    local_api: LocalApi, five_usernames: dict[str, str], wrong_code_answer: Answer
) -> None:
    for username in five_usernames.values():
        forgot(local_api, username)
    real_code = reset_codes(local_api, five_usernames["real"])[0]

    answers = {
        kind: comparable(reset(local_api, username, wrong(real_code), new_password()))
        for kind, username in five_usernames.items()
    }

    assert {kind: answer == wrong_code_answer for kind, answer in answers.items()} == dict.fromkeys(answers, True)


def test_a_weak_password_answers_every_kind_of_username_byte_for_byte_alike(
    local_api: LocalApi, five_usernames: dict[str, str]
) -> None:
    answers = {
        kind: comparable(reset(local_api, username, "123456", "password")) for kind, username in five_usernames.items()
    }

    assert answers["real"][0] == 400
    assert {kind: answer == answers["real"] for kind, answer in answers.items()} == dict.fromkeys(answers, True)
