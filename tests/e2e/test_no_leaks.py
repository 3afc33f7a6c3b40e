"""The client secret, the SECRET_HASH and seeded users' addresses never appear in a response or a log line."""

from __future__ import annotations

import json

import requests

from code_screens.doors.cognito_shape import MEDIA_TYPE, TARGET_PREFIX
from code_screens.routes import CONFIRM_FORGOT_PASSWORD, CONFIRM_SIGN_UP, FORGOT_PASSWORD, RESEND_CONFIRMATION_CODE
from local.seed import CONFIRMED_USER, UNCONFIRMED_USER
from tests.leak_scan import LeakWatch
from tests.local_stack import LocalApi

# A code a caller typed is theirs alone: it must not be echoed or logged either.
WRONG_CODE = "424242"
# New passwords a caller sent: one the policy refuses and one it accepts (refused by Cognito for the wrong code), in
# the body and in a malformed body; none may be echoed, logged or traced.
WEAK_PASSWORD = "weakling"
STRONG_PASSWORD = "Leak-Canary-Pa55w0rd!"
_JSON = {"Content-Type": "application/json"}
_COGNITO = {"Content-Type": MEDIA_TYPE}

# One of each kind of answer: sent, neutral refusals, each class of bad input, unknown route, wrong method.
REQUESTS: list[tuple[str, str, dict[str, str], bytes]] = [
    (
        "POST",
        RESEND_CONFIRMATION_CODE.path,
        {"Content-Type": "application/json"},
        json.dumps({"username": UNCONFIRMED_USER}).encode(),
    ),
    (
        "POST",
        RESEND_CONFIRMATION_CODE.path,
        {"Content-Type": "application/json"},
        json.dumps({"username": CONFIRMED_USER}).encode(),
    ),
    ("POST", RESEND_CONFIRMATION_CODE.path, {"Content-Type": "application/json"}, b'{"username": "ghost@example.com"}'),
    (
        "POST",
        RESEND_CONFIRMATION_CODE.path,
        {"Content-Type": "application/json"},
        b'{"username": "unconfirmed@example.com", "x": 1}',
    ),
    (
        "POST",
        RESEND_CONFIRMATION_CODE.path,
        {"Content-Type": "application/json"},
        b'{"username": "unconfirmed@example.com",',
    ),
    ("POST", RESEND_CONFIRMATION_CODE.path, {"Content-Type": "text/plain"}, b"unconfirmed@example.com"),
    ("POST", RESEND_CONFIRMATION_CODE.path, {"Content-Type": "application/json"}, b'{"username":"a","secretHash":"x"}'),
    ("GET", RESEND_CONFIRMATION_CODE.path, {}, b""),
    ("GET", "/elsewhere", {}, b""),
    # The confirm route: a wrong code for an unconfirmed, a confirmed and an unknown user, and bad input.
    *[
        ("POST", CONFIRM_SIGN_UP.path, {"Content-Type": "application/json"}, json.dumps(body).encode())
        for body in (
            {"username": UNCONFIRMED_USER, "confirmationCode": WRONG_CODE},
            {"username": CONFIRMED_USER, "confirmationCode": WRONG_CODE},
            {"username": "ghost@example.com", "confirmationCode": WRONG_CODE},
            {"username": "ghost@example.com", "confirmationCode": WRONG_CODE, "secretHash": "x"},
            {"username": "ghost@example.com"},
        )
    ],
    # The password resets: neutral answers, a weak and a strong password for real and unknown users, bad input.
    *[
        ("POST", FORGOT_PASSWORD.path, _JSON, json.dumps({"username": user}).encode())
        for user in (CONFIRMED_USER, UNCONFIRMED_USER, "ghost@example.com")
    ],
    *[
        ("POST", CONFIRM_FORGOT_PASSWORD.path, _JSON, json.dumps(body).encode())
        for body in (
            {"username": CONFIRMED_USER, "confirmationCode": WRONG_CODE, "password": WEAK_PASSWORD},
            {"username": CONFIRMED_USER, "confirmationCode": WRONG_CODE, "password": STRONG_PASSWORD},
            {"username": "ghost@example.com", "confirmationCode": WRONG_CODE, "password": STRONG_PASSWORD},
            {"username": "ghost@example.com", "confirmationCode": "12", "password": STRONG_PASSWORD},
            {"username": "ghost@example.com", "confirmationCode": WRONG_CODE, "password": STRONG_PASSWORD, "x": 1},
            {"username": "ghost@example.com", "confirmationCode": WRONG_CODE, "password": STRONG_PASSWORD * 20},
        )
    ],
    (
        "POST",
        CONFIRM_FORGOT_PASSWORD.path,
        _JSON,
        f'{{"username": "ghost@example.com", "password": "{STRONG_PASSWORD}"'.encode(),
    ),
    # The same through the Cognito door, in Cognito's names.
    *[
        ("POST", "/", {**_COGNITO, "X-Amz-Target": TARGET_PREFIX + "ConfirmForgotPassword"}, json.dumps(body).encode())
        for body in (
            {"Username": CONFIRMED_USER, "ConfirmationCode": WRONG_CODE, "Password": WEAK_PASSWORD},
            {"Username": CONFIRMED_USER, "ConfirmationCode": WRONG_CODE, "Password": STRONG_PASSWORD},
            {"Username": "ghost@example.com", "ConfirmationCode": WRONG_CODE, "Password": STRONG_PASSWORD, "X": 1},
        )
    ],
]


def test_nothing_sensitive_in_responses_or_logs(local_api: LocalApi) -> None:
    # The same watch as the whole run's (tests/leak_scan.py), over this stack alone, so this test fails on its own.
    watch = LeakWatch()
    watch.add_client(local_api.client_id, local_api.client_secret)
    watch.add_secret_value("unknown e-mail", "ghost@example.com")
    watch.add_secret_value("typed confirmation code", WRONG_CODE)
    watch.add_secret_value("a weak new password", WEAK_PASSWORD)
    watch.add_secret_value("a strong new password", STRONG_PASSWORD)
    watch.add_log(local_api.log_path)

    for method, path, headers, body in REQUESTS:
        response = requests.request(method, f"{local_api.url}{path}", headers=headers, data=body, timeout=10)
        watch.record_response(f"{response.status_code} {dict(response.headers)!r} {response.text}")

    function_lines = [line for line in watch.log_lines() if line.startswith("{")]
    assert len(function_lines) >= len(REQUESTS)  # the function's JSON log lines were captured
    assert watch.findings() == []
