"""The endpoint over HTTP, as `make run` serves it: codes are sent, accounts are not revealed, junk is refused."""

from __future__ import annotations

import json
import socket

import pytest
import requests

from code_screens.routes import RESEND_CONFIRMATION_CODE
from local.seed import CONFIRMED_USER, UNCONFIRMED_USER
from tests.local_stack import LocalApi, start_local_api, stop_local_api

RESEND = "cognito-idp:ResendConfirmationCode"
JSON = {"Content-Type": "application/json"}


def post(local: LocalApi, body: bytes | str, headers: dict[str, str] | None = None) -> requests.Response:
    data = body.encode() if isinstance(body, str) else body
    return requests.post(
        f"{local.url}{RESEND_CONFIRMATION_CODE.path}",
        data=data,
        headers=JSON if headers is None else headers,
        timeout=10,
    )


def test_a_valid_request_puts_a_fresh_code_in_the_outbox(local_api: LocalApi) -> None:
    before = len(local_api.outbox())

    response = post(local_api, json.dumps({"username": UNCONFIRMED_USER}))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    outbox = local_api.outbox()
    assert len(outbox) == before + 1
    newest = outbox[0]
    assert newest["username"] == UNCONFIRMED_USER and newest["medium"] == "EMAIL"
    assert len(newest["code"]) == 6 and newest["code"].isdigit()
    assert newest["ip_address"] == "127.0.0.1"


def test_sent_unknown_and_confirmed_are_indistinguishable(local_api: LocalApi) -> None:
    responses = [
        post(local_api, json.dumps({"username": username}))
        for username in (UNCONFIRMED_USER, "nobody-here@example.com", CONFIRMED_USER)
    ]

    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    header_sets = [{k: v for k, v in r.headers.items() if k != "Date"} for r in responses]
    assert header_sets[0] == header_sets[1] == header_sets[2]


def test_unknown_route_is_404_and_wrong_method_is_405(local_api: LocalApi) -> None:
    missing = requests.post(f"{local_api.url}/nope", json={"username": "a"}, timeout=5)
    wrong_method = requests.get(f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}", timeout=5)

    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "method_not_allowed")
    assert wrong_method.headers["Allow"] == "POST, OPTIONS"


def test_cors_answers_allowed_origins_only(local_api: LocalApi) -> None:
    allowed = local_api.url
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}

    ok = requests.options(
        f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}", headers={"Origin": allowed, **preflight}, timeout=5
    )
    refused = requests.options(
        f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}",
        headers={"Origin": "https://evil.example", **preflight},
        timeout=5,
    )
    posted = post(local_api, json.dumps({"username": UNCONFIRMED_USER}), {**JSON, "Origin": allowed})

    assert ok.status_code == 204 and ok.headers["Access-Control-Allow-Origin"] == allowed
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert posted.status_code == 200
    assert posted.headers["Access-Control-Allow-Origin"] == allowed
    assert "Retry-After" in posted.headers["Access-Control-Expose-Headers"]


@pytest.mark.slow  # starts and stops a server process of its own
@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["terminal", "background-job"])
def test_ctrl_c_stops_the_server_and_the_emulator(sigint_ignored: bool) -> None:
    # A background job (`make run &`, nohup) starts with SIGINT ignored: Ctrl-C must still stop it.
    local = start_local_api("local-api-stop", sigint_ignored=sigint_ignored)
    port = int(local.url.rsplit(":", 1)[1])
    emulator_port = int(local.emulator_endpoint.rsplit(":", 1)[1])

    exit_code = stop_local_api(local)

    assert exit_code == 0
    assert "Stopped." in local.log()
    for freed in (port, emulator_port):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", freed)) != 0


def test_the_ip_sent_to_cognito_is_the_connections_whatever_headers_say(local_api: LocalApi) -> None:
    tempting = {
        "X-Forwarded-For": "192.0.2.66",
        "X-Real-IP": "192.0.2.67",
        "Forwarded": "for=192.0.2.68",
        "True-Client-IP": "192.0.2.69",
    }

    response = post(local_api, json.dumps({"username": UNCONFIRMED_USER}), {**JSON, **tempting})

    assert response.status_code == 200
    assert local_api.outbox()[0]["ip_address"] == "127.0.0.1"


def test_the_functions_answers_keep_their_security_headers_through_the_server(local_api: LocalApi) -> None:
    answers = {
        "200": post(local_api, json.dumps({"username": UNCONFIRMED_USER})),
        "400": post(local_api, "{"),
        "403": post(local_api, json.dumps({"username": "a"}), {**JSON, "Origin": f"{local_api.url}.evil.example"}),
        "404": requests.post(f"{local_api.url}/nope", json={"username": "a"}, timeout=5),
        "405": requests.get(f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}", timeout=5),
        "415": post(local_api, json.dumps({"username": "a"}), {"Content-Type": "text/plain"}),
    }

    for status, response in answers.items():
        assert str(response.status_code) == status
        assert response.headers.get("X-Content-Type-Options") == "nosniff", status
        assert response.headers.get("Cache-Control") == "no-store", status
