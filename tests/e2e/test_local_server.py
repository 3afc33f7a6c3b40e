"""The local server's HTTP edges, spoken to over real sockets: framing it cannot trust, ports already taken, and
web pages that try to reach it through DNS rebinding or cross-origin writes."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from code_screens.routes import RESEND_CONFIRMATION_CODE
from local.seed import UNCONFIRMED_USER
from tests.conftest import ROOT
from tests.local_stack import FUNCTION_SETTINGS, LocalApi

RESEND = "cognito-idp:ResendConfirmationCode"


def raw_exchange(url: str, request: bytes, timeout: float = 10) -> bytes:
    """Send bytes as they are and read until the server closes the connection."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as conn:
        conn.sendall(request)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


def status_and_json(response: bytes) -> tuple[int, dict[str, object], bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"content-type: application/json" in head.lower(), head
    return status, json.loads(body), head


# --- framing ---


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "12, 12"])
def test_a_content_length_that_is_not_a_number_is_a_json_400_and_the_connection_closes(
    local_api: LocalApi, length: str
) -> None:
    request = (
        f"POST {RESEND_CONFIRMATION_CODE.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n{{}}"
    ).encode()

    status, document, head = status_and_json(raw_exchange(local_api.url, request))

    assert status == 400 and "Content-Length" in str(document["message"])
    assert b"connection: close" in head.lower()


def test_a_chunked_body_reaches_the_function_whole(local_api: LocalApi) -> None:
    payload = json.dumps({"username": UNCONFIRMED_USER}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (payload[:7], payload[7:19], payload[19:]))
    request = (
        (
            f"POST {RESEND_CONFIRMATION_CODE.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        ).encode()
        + chunks
        + b"0\r\n\r\n"
    )
    before = len(local_api.outbox())

    status, document, _ = status_and_json(raw_exchange(local_api.url, request))

    assert status == 200 and "on its way" in str(document["message"])
    assert len(local_api.outbox()) == before + 1


def test_a_malformed_chunked_body_is_a_json_400(local_api: LocalApi) -> None:
    request = (
        f"POST {RESEND_CONFIRMATION_CODE.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
    ).encode()

    status, _, _ = status_and_json(raw_exchange(local_api.url, request))

    assert status == 400


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/1.1 extra\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
    ],
    ids=["unknown-version", "extra-word", "header-too-long"],
)
def test_a_malformed_request_is_answered_in_json_not_html(local_api: LocalApi, request_bytes: bytes) -> None:
    response = raw_exchange(local_api.url, request_bytes)

    head, _, body = response.partition(b"\r\n\r\n")
    assert b"content-type: application/json" in head.lower(), response
    assert b"<html" not in body.lower() and json.loads(body)["message"]


def test_a_body_over_api_gateways_limit_is_a_json_413(local_api: LocalApi) -> None:
    response = requests.post(
        f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}",
        data=b"x" * (10 * 1024 * 1024 + 1),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )

    assert response.status_code == 413 and response.headers["Content-Type"] == "application/json"


# --- DNS rebinding and cross-origin writes ---


@pytest.mark.parametrize("path", ["/_local/outbox", "/_local/calls", "/", "/openapi.json"])
@pytest.mark.parametrize("host", ["evil.example", "evil.example:3000", "127.0.0.1.nip.io", "localhost.evil.example"])
def test_a_rebinding_host_is_refused(local_api: LocalApi, path: str, host: str) -> None:
    response = requests.get(f"{local_api.url}{path}", headers={"Host": host}, timeout=5)

    assert response.status_code == 403 and response.headers["Content-Type"] == "application/json"
    assert "127.0.0.1" in response.json()["message"]


def test_a_rebinding_host_cannot_send_codes_or_reach_the_emulator(local_api: LocalApi) -> None:
    before = local_api.calls(RESEND)

    api = requests.post(
        f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}",
        json={"username": UNCONFIRMED_USER},
        headers={"Host": "evil.example"},
        timeout=5,
    )
    emulator = requests.post(
        local_api.emulator_endpoint,
        headers={"Host": "evil.example", "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools"},
        data="{}",
        timeout=5,
    )

    assert api.status_code == 403 and emulator.status_code == 403
    assert local_api.calls(RESEND) == before


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST"])
def test_loopback_names_are_served(local_api: LocalApi, host: str) -> None:
    port = urlsplit(local_api.url).port
    response = requests.get(f"{local_api.url}/_local/calls", headers={"Host": f"{host}:{port}"}, timeout=5)

    assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},  # another loopback server is another origin
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_cross_origin_writes_to_the_developer_routes_are_refused(local_api: LocalApi, headers: dict[str, str]) -> None:
    fault = {"operation": RESEND, "errorCode": "InternalErrorException"}

    armed = requests.post(f"{local_api.url}/_local/faults", json=fault, headers=headers, timeout=5)
    disarmed = requests.delete(f"{local_api.url}/_local/faults", headers=headers, timeout=5)
    after = requests.post(
        f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": UNCONFIRMED_USER}, timeout=5
    )

    assert armed.status_code == 403 and disarmed.status_code == 403
    assert after.status_code == 200, "the refused fault was not armed"


def test_the_servers_own_page_may_write_to_the_developer_routes(local_api: LocalApi) -> None:
    headers = {"Origin": local_api.url, "Sec-Fetch-Site": "same-origin"}

    response = requests.delete(f"{local_api.url}/_local/faults", headers=headers, timeout=5)

    assert response.status_code == 200


def test_the_emulator_refuses_cross_origin_calls(local_api: LocalApi) -> None:
    response = requests.post(
        local_api.emulator_endpoint,
        headers={"Origin": "https://evil.example", "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools"},
        data="{}",
        timeout=5,
    )

    assert response.status_code == 403


SIGNED_FOR_SECRETS_MANAGER = (
    "AWS4-HMAC-SHA256 Credential=test/20261129/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=x"
)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_the_emulator_refuses_cross_origin_reads_and_preflights(local_api: LocalApi, method: str) -> None:
    # moto runs an action named by X-Amz-Target on a GET too, and answers CORS for any origin: before, a page on
    # evil.example could preflight these headers and then GET the app client's secret (or call any write action).
    secret_id = "local/resend-confirmation-code/app-client"
    response = requests.request(
        method,
        f"{local_api.emulator_endpoint}/?SecretId={secret_id}",
        headers={
            "Origin": "https://evil.example",
            "X-Amz-Target": "secretsmanager.GetSecretValue",
            "Authorization": SIGNED_FOR_SECRETS_MANAGER,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization, x-amz-target",
        },
        timeout=5,
    )

    assert response.status_code == 403, response.text[:300]
    assert "clientSecret" not in response.text
    assert "access-control-allow-origin" not in {name.lower() for name in response.headers}


def test_an_unknown_fault_operation_is_refused_with_the_known_ones(local_api: LocalApi) -> None:
    response = requests.post(
        f"{local_api.url}/_local/faults",
        json={"operation": "cognito-idp:ResendConfirmCode", "errorCode": "X"},
        timeout=5,
    )

    assert response.status_code == 400
    document = response.json()
    assert "cognito-idp:ResendConfirmCode" in document["message"]
    assert {RESEND, "secretsmanager:GetSecretValue"} <= set(document["knownOperations"])


@pytest.mark.parametrize(
    "fault",
    [
        {"delaySeconds": -1},
        {"delaySeconds": 1e308},  # a forgotten fault that never ends
        {"times": 0},
        {"errorCode": "InternalErrorException", "status": 200},
        {"errorCode": "InternalErrorException", "status": 99999},
    ],
)
def test_a_fault_the_emulator_cannot_play_as_asked_is_refused(local_api: LocalApi, fault: dict[str, Any]) -> None:
    # Armed before, each of these fired as some other failure (time.sleep raising made the emulator answer 500,
    # which the function reported as upstream_error), or fired though asked for zero times.
    response = requests.post(
        f"{local_api.url}/_local/faults", json={"operation": RESEND, "errorCode": None} | fault, timeout=5
    )

    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert requests.delete(f"{local_api.url}/_local/faults", timeout=5).json() == {"armed": None}


def test_infinite_and_nan_delays_are_refused(local_api: LocalApi) -> None:
    # Python's json reads the non-standard Infinity and NaN literals, so a client can send them.
    for literal in ("Infinity", "NaN"):
        body = f'{{"operation": "{RESEND}", "errorCode": null, "delaySeconds": {literal}}}'
        response = requests.post(f"{local_api.url}/_local/faults", data=body, timeout=5)

        assert response.status_code == 400, (literal, response.text)
        assert "delaySeconds" in response.json()["message"]


# --- ports already taken ---


def _start_with_port_taken(variable: str) -> tuple[int, float, str, int]:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        busy = blocker.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k not in FUNCTION_SETTINGS and not k.startswith("AWS_")}
        env.update({"PORT": "0", "EMULATOR_PORT": "0", variable: str(busy)})
        started = time.monotonic()
        try:
            finished = subprocess.run(
                [sys.executable, "-m", "local"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=10
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"python -m local still running 10 s after starting with {variable} taken")
        return finished.returncode, time.monotonic() - started, finished.stderr, busy


@pytest.mark.slow  # starts a server process of its own per case
@pytest.mark.parametrize("variable", ["PORT", "EMULATOR_PORT"])
def test_a_taken_port_ends_the_run_at_once_naming_port_and_variable(variable: str) -> None:
    code, elapsed, stderr, busy = _start_with_port_taken(variable)

    assert code != 0
    assert elapsed < 10
    assert str(busy) in stderr and f"{variable}=" in stderr
    assert "Traceback" not in stderr


def test_every_request_gets_an_access_log_line_refusals_included(local_api: LocalApi) -> None:
    requests.post(f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": "a b"}, timeout=5)
    requests.get(f"{local_api.url}/_local/calls", headers={"Host": "evil.example"}, timeout=5)

    lines = local_api.log().splitlines()
    assert any(re.fullmatch(rf"POST {RESEND_CONFIRMATION_CODE.path} 400 \d+\.\d ms", line) for line in lines)
    assert any(re.fullmatch(r"GET /_local/calls 403 \d+\.\d ms", line) for line in lines)
