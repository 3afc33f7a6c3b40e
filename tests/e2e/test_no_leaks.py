"""The client secret, the SECRET_HASH and seeded users' addresses never appear in a response or a log line."""

from __future__ import annotations

import json

import requests

from local.seed import CONFIRMED_USER, UNCONFIRMED_USER
from resend_code.route import ROUTE_PATH
from resend_code.secret_hash import compute_secret_hash
from tests.e2e.conftest import LocalApi

# One of each kind of answer: sent, neutral refusals, each class of bad input, unknown route, wrong method.
REQUESTS: list[tuple[str, str, dict[str, str], bytes]] = [
    ("POST", ROUTE_PATH, {"Content-Type": "application/json"}, json.dumps({"username": UNCONFIRMED_USER}).encode()),
    ("POST", ROUTE_PATH, {"Content-Type": "application/json"}, json.dumps({"username": CONFIRMED_USER}).encode()),
    ("POST", ROUTE_PATH, {"Content-Type": "application/json"}, b'{"username": "ghost@example.com"}'),
    ("POST", ROUTE_PATH, {"Content-Type": "application/json"}, b'{"username": "unconfirmed@example.com", "x": 1}'),
    ("POST", ROUTE_PATH, {"Content-Type": "application/json"}, b'{"username": "unconfirmed@example.com",'),
    ("POST", ROUTE_PATH, {"Content-Type": "text/plain"}, b"unconfirmed@example.com"),
    ("POST", ROUTE_PATH, {"Content-Type": "application/json"}, b'{"username":"a","secretHash":"x"}'),
    ("GET", ROUTE_PATH, {}, b""),
    ("GET", "/elsewhere", {}, b""),
]


def test_nothing_sensitive_in_responses_or_logs(local_api: LocalApi) -> None:
    client_id = local_api.log().split("app client ", 1)[1].split(" ", 1)[0]
    forbidden = {
        "client secret": local_api.client_secret,
        "secret hash (unconfirmed)": compute_secret_hash(UNCONFIRMED_USER, client_id, local_api.client_secret),
        "secret hash (confirmed)": compute_secret_hash(CONFIRMED_USER, client_id, local_api.client_secret),
        "unconfirmed e-mail": UNCONFIRMED_USER,
        "confirmed e-mail": CONFIRMED_USER,
        "unknown e-mail": "ghost@example.com",
    }
    seen: list[str] = []
    for method, path, headers, body in REQUESTS:
        response = requests.request(method, f"{local_api.url}{path}", headers=headers, data=body, timeout=10)
        seen.append(f"{response.status_code} {dict(response.headers)!r} {response.text}")

    log_lines = [line for line in local_api.log().splitlines() if line.startswith("{")]
    assert len(log_lines) >= len(REQUESTS)  # the function's JSON log lines were captured
    for label, value in forbidden.items():
        assert value, label
        assert not [s for s in seen if value in s], f"{label} in a response"
        assert not [line for line in log_lines if value in line], f"{label} in a log line"
