"""The password resets' limits over HTTP against `python -m local` with make run's settings (the limiter on, its
defaults), from several loopback source addresses (the local server passes each on as API Gateway's sourceIp): a
cooldown per network for reset codes, a cap per network and a ceiling per username for reset attempts, apart from the
sign-up policies, the same for every username, and a weak password spends nothing."""

from __future__ import annotations

import uuid

import pytest

from code_screens.routes import CONFIRM_FORGOT_PASSWORD, CONFIRM_SIGN_UP, FORGOT_PASSWORD
from code_screens.settings import DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT, DEFAULT_FORGOT_PASSWORD_LIMIT
from tests.e2e.test_forgot_password_http import confirmed, new_password, reset_codes, sign_in, wrong
from tests.e2e.test_limits_per_account import post_from
from tests.local_stack import LocalApi

pytestmark = pytest.mark.slow  # every answer that reaches Cognito is held to make run's 500 ms floor

CONFIRM_FORGOT = "cognito-idp:ConfirmForgotPassword"


def reset_from(local: LocalApi, source_ip: str, username: str, code: str, password: str) -> tuple[int, dict]:
    body = {"username": username, "confirmationCode": code, "password": password}
    return post_from(local, source_ip, CONFIRM_FORGOT_PASSWORD.path, body)


def test_a_second_reset_code_within_the_cooldown_is_refused_the_same_for_every_username(
    make_run_api: LocalApi,
) -> None:
    real, _ = confirmed(make_run_api, "cooldown")
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"

    answers = {
        name: [post_from(make_run_api, "127.0.3.1", FORGOT_PASSWORD.path, {"username": name}) for _ in range(2)]
        for name in (real, unknown)
    }
    # Another network has a cooldown of its own: a stranger's request never holds back the user's.
    other_network = post_from(make_run_api, "127.0.3.2", FORGOT_PASSWORD.path, {"username": real})

    assert [status for status, _ in answers[real]] == [200, 429]
    assert answers[real] == answers[unknown]
    assert answers[real][1][1]["code"] == "attempt_limit_exceeded"
    assert other_network[0] == 200
    assert len(reset_codes(make_run_api, real)) == 2
    assert DEFAULT_FORGOT_PASSWORD_LIMIT.cooldown_seconds == 60


def test_a_strangers_guesses_never_stop_the_users_right_code_from_another_network(make_run_api: LocalApi) -> None:
    # Given a stranger who has used up its network's reset attempts on a real account
    username, _ = confirmed(make_run_api, "guessed")
    post_from(make_run_api, "127.0.4.1", FORGOT_PASSWORD.path, {"username": username})
    right = reset_codes(make_run_api, username)[0]
    guesses = [
        reset_from(make_run_api, "127.0.4.2", username, wrong(right), new_password())[0]
        for _ in range(DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT.max_per_window)
    ]

    # When the stranger goes on with the right code, and the user sends it from their own network
    password = new_password()
    refused = reset_from(make_run_api, "127.0.4.2", username, right, new_password())
    done = reset_from(make_run_api, "127.0.4.3", username, right, password)

    # Then the stranger is refused before Cognito and the user's password is reset
    assert guesses == [400] * DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT.max_per_window
    assert (refused[0], refused[1]["code"]) == (429, "attempt_limit_exceeded")
    assert done[0] == 200
    assert sign_in(make_run_api, username, password) == "ok"


def test_every_network_together_stops_at_the_usernames_ceiling_and_sign_up_keeps_its_own_budget(
    make_run_api: LocalApi,
) -> None:
    username = f"nobody-{uuid.uuid4().hex[:10]}@example.com"
    limit = DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT
    for network in range(limit.ceiling // limit.max_per_window):
        for _ in range(limit.max_per_window):
            assert reset_from(make_run_api, f"127.0.5.{network + 1}", username, "123456", new_password())[0] == 400

    status, problem = reset_from(make_run_api, "127.0.6.1", username, "123456", new_password())
    sign_up = post_from(
        make_run_api, "127.0.6.1", CONFIRM_SIGN_UP.path, {"username": username, "confirmationCode": "1"}
    )

    assert (status, problem["code"]) == (429, "attempt_limit_exceeded")
    # The sign-up confirmation's policy is another budget: this username's confirm attempts are untouched (the answer
    # is the schema's refusal of a one-digit code, not a 429).
    assert (sign_up[0], sign_up[1]["code"]) == (400, "invalid_request")


def test_a_weak_password_spends_no_attempt(make_run_api: LocalApi) -> None:
    username = f"nobody-{uuid.uuid4().hex[:10]}@example.com"
    calls_before = make_run_api.calls(CONFIRM_FORGOT)

    weak = [reset_from(make_run_api, "127.0.7.1", username, "123456", "weak") for _ in range(8)]
    attempt = reset_from(make_run_api, "127.0.7.1", username, "123456", new_password())

    assert {(status, problem["code"]) for status, problem in weak} == {(400, "invalid_password")}
    assert (attempt[0], attempt[1]["code"]) == (400, "code_mismatch")
    assert make_run_api.calls(CONFIRM_FORGOT) == calls_before + 1
