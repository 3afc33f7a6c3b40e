"""The client secret, the SECRET_HASH and seeded users' addresses never appear in a response or a log line."""

from __future__ import annotations

import json

import requests

from code_screens.routes import CONFIRM_SIGN_UP, RESEND_CONFIRMATION_CODE
from local.seed import CONFIRMED_USER, UNCONFIRMED_USER
from tests.leak_scan import LeakWatch
from tests.local_stack import LocalApi

# A code a caller typed is theirs alone: it must not be echoed or logged either.
WRONG_CODE = "424242"

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
]


def test_nothing_sensitive_in_responses_or_logs(local_api: LocalApi) -> None:
    # The same watch as the whole run's (tests/leak_scan.py), over this stack alone, so this test fails on its own.
    watch = LeakWatch()
    watch.add_client(local_api.client_id, local_api.client_secret)
    watch.add_secret_value("unknown e-mail", "ghost@example.com")
    watch.add_secret_value("typed confirmation code", WRONG_CODE)
    watch.add_log(local_api.log_path)

    for method, path, headers, body in REQUESTS:
        response = requests.request(method, f"{local_api.url}{path}", headers=headers, data=body, timeout=10)
        watch.record_response(f"{response.status_code} {dict(response.headers)!r} {response.text}")

    function_lines = [line for line in watch.log_lines() if line.startswith("{")]
    assert len(function_lines) >= len(REQUESTS)  # the function's JSON log lines were captured
    assert watch.findings() == []
