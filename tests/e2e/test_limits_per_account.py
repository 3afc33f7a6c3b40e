"""The limits count accounts, not spellings, and no stranger can lock a user out; codes as people type and paste
them. Over HTTP against `python -m local` with make run's settings (the limiter on, its defaults), from several
loopback source addresses: the local server passes each connection's address on as API Gateway's sourceIp."""

from __future__ import annotations

import http.client
import json
import unicodedata
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest

from code_screens.routes import CONFIRM_SIGN_UP, RESEND_CONFIRMATION_CODE
from code_screens.settings import DEFAULT_CONFIRM_LIMIT
from tests.local_stack import LocalApi

pytestmark = pytest.mark.slow  # every answer that reaches Cognito is held to make run's 500 ms floor

CONFIRM = "cognito-idp:ConfirmSignUp"
RESEND = "cognito-idp:ResendConfirmationCode"


def post_from(local: LocalApi, source_ip: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST `body` from the loopback address `source_ip`; (status, JSON answer)."""
    url = urlsplit(local.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30, source_address=(source_ip, 0))
    try:
        connection.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def confirm_from(local: LocalApi, source_ip: str, username: str, code: str) -> tuple[int, dict[str, Any]]:
    return post_from(local, source_ip, CONFIRM_SIGN_UP.path, {"username": username, "confirmationCode": code})


def wrong_code(right: str) -> str:
    return "000000" if right != "000000" else "111111"


def test_a_strangers_guesses_from_one_network_never_stop_the_users_right_code_from_another(
    make_run_api: LocalApi,
) -> None:
    # Given a stranger who has used up its own network's attempts on a real account
    username = make_run_api.sign_up()
    right = make_run_api.newest_code(username)
    guesses = [confirm_from(make_run_api, "127.0.0.2", username, wrong_code(right)) for _ in range(5)]
    assert [status for status, _ in guesses] == [400] * 5

    # When the stranger goes on, and the user sends the right code from their own network
    refused = confirm_from(make_run_api, "127.0.0.2", username, right)
    confirmed = confirm_from(make_run_api, "127.0.0.3", username, right)

    # Then the stranger is refused, even with the right code, and the user is confirmed
    assert (refused[0], refused[1]["code"]) == (429, "attempt_limit_exceeded")
    assert confirmed[0] == 200
    assert make_run_api.user_status(username)[0] == "CONFIRMED"


def test_every_network_together_stops_at_the_usernames_ceiling(make_run_api: LocalApi) -> None:
    # Given as many networks as it takes to reach the ceiling, each at its own cap
    username = f"nobody-{uuid.uuid4().hex[:10]}@example.com"
    networks = DEFAULT_CONFIRM_LIMIT.ceiling // DEFAULT_CONFIRM_LIMIT.max_per_window
    for network in range(networks):
        for _ in range(DEFAULT_CONFIRM_LIMIT.max_per_window):
            assert confirm_from(make_run_api, f"127.0.1.{network + 1}", username, "123456")[0] == 400

    # Then one more network, which has made no attempt, is refused too: the ceiling bounds distributed guessing
    status, problem = confirm_from(make_run_api, "127.0.2.1", username, "123456")
    assert (status, problem["code"]) == (429, "attempt_limit_exceeded")


def test_every_spelling_of_one_username_shares_one_budget(make_run_api: LocalApi) -> None:
    # Given one username spelled five ways: NFC, NFD, another case, full-width letters, surrounding whitespace
    nfc = f"jos\u00e9.{uuid.uuid4().hex[:8]}@example.com"
    spellings = [
        nfc,
        unicodedata.normalize("NFD", nfc),
        nfc.upper(),
        "\uff4a\uff4f\uff53" + nfc[3:],  # "jos" in full-width letters
        f" {nfc}\t",
    ]
    calls_before = make_run_api.calls(CONFIRM)

    # When each spelling is tried once from one network, then the first once more
    answers = [confirm_from(make_run_api, "127.0.0.4", spelling, "123456")[0] for spelling in spellings]
    sixth, problem = confirm_from(make_run_api, "127.0.0.4", nfc, "123456")

    # Then the five count against one budget and the sixth is refused before Cognito
    assert answers == [400] * 5
    assert (sixth, problem["code"]) == (429, "attempt_limit_exceeded")
    assert make_run_api.calls(CONFIRM) == calls_before + 5


@pytest.mark.parametrize("path", [RESEND_CONFIRMATION_CODE.path, CONFIRM_SIGN_UP.path])
def test_a_uuid_shaped_username_is_refused_before_cognito(make_run_api: LocalApi, path: str) -> None:
    # An account's sub works as its username too: a second name, with a second budget. The same 400 for any UUID.
    calls_before = make_run_api.calls(RESEND) + make_run_api.calls(CONFIRM)
    body = {"username": str(uuid.uuid4()).upper(), "confirmationCode": "123456"}
    if path == RESEND_CONFIRMATION_CODE.path:
        del body["confirmationCode"]

    status, problem = post_from(make_run_api, "127.0.0.5", path, body)

    assert (status, problem["code"]) == (400, "invalid_request")
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [("username", "username_is_a_sub")]
    assert make_run_api.calls(RESEND) + make_run_api.calls(CONFIRM) == calls_before


def test_a_code_pasted_with_dashes_and_invisible_characters_confirms(make_run_api: LocalApi) -> None:
    username = make_run_api.sign_up()
    code = make_run_api.newest_code(username)

    status, _ = confirm_from(make_run_api, "127.0.0.6", username, f"\u200e{code[:3]}\u2013\u200b{code[3:]} ")

    assert status == 200
    assert make_run_api.user_status(username)[0] == "CONFIRMED"


def test_a_code_that_is_not_six_digits_is_refused_without_spending_an_attempt(make_run_api: LocalApi) -> None:
    # Given a user who sends six codes that are not codes at all (a letter, a minus sign, seven digits...)
    username = make_run_api.sign_up()
    code = make_run_api.newest_code(username)
    calls_before = make_run_api.calls(CONFIRM)
    for typed in ("12345O", f"{code[:3]}\u2212{code[3:]}", code + "7", code[:5], "abc-def", "1 2 3"):
        status, problem = confirm_from(make_run_api, "127.0.0.7", username, typed)
        assert (status, problem["code"]) == (400, "invalid_request")

    # Then nothing reached Cognito, no attempt was spent, and the right code still confirms from that network
    assert make_run_api.calls(CONFIRM) == calls_before
    assert confirm_from(make_run_api, "127.0.0.7", username, code)[0] == 200
