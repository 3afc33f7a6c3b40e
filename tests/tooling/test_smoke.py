"""`make smoke` against `make run`'s server: green on a working endpoint, red on a mismatch, and no code sent."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from code_screens.doors.cognito_shape import MEDIA_TYPE, TARGET_PREFIX
from code_screens.routes import (
    CONFIRM_FORGOT_PASSWORD,
    CONFIRM_SIGN_UP,
    FORGOT_PASSWORD,
    RESEND_CONFIRMATION_CODE,
    ROUTES,
)
from ops.smoke import COGNITO_MEDIA_TYPE as SMOKE_MEDIA_TYPE
from ops.smoke import COGNITO_TARGET_PREFIX as SMOKE_TARGET_PREFIX
from ops.smoke import CONFIRM_FORGOT_PASSWORD_PATH as SMOKE_CONFIRM_FORGOT_PATH
from ops.smoke import CONFIRM_SIGN_UP_PATH as SMOKE_CONFIRM_PATH
from ops.smoke import FORGOT_PASSWORD_PATH as SMOKE_FORGOT_PATH
from ops.smoke import REFUSED_OPERATION as SMOKE_REFUSED
from tests.conftest import ROOT
from tests.local_stack import LocalApi


def smoke(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ops.smoke", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_smoke_passes_against_the_local_endpoint_and_sends_nothing(local_api: LocalApi) -> None:
    sent_before = len(local_api.outbox())

    result = smoke(
        f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}",
        "--origin",
        local_api.url,
        "--cognito-endpoint",
        f"{local_api.url}/",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "PASS  neutral answer",
        "PASS  confirm route",
        "PASS  forgot-password route",
        "PASS  confirm-forgot-password route",
        "PASS  cors preflight",
        "PASS  unknown route",
        "PASS  bad body",
        "PASS  cognito door",
    ]
    assert len(local_api.outbox()) == sent_before
    # The refused operation never reached the emulator's Cognito (which counts every call it serves, by operation).
    assert local_api.calls("cognito-idp:InitiateAuth") == 0
    # The forgot-password probe names a user no account has: no reset code either.
    assert not [m for m in local_api.outbox() if m.get("purpose") == "ForgotPassword" and "smoke-" in m["username"]]


def test_the_cognito_door_probe_fails_on_an_endpoint_that_is_not_the_door(local_api: LocalApi) -> None:
    # The JSON route answers problem+json (a `code`, no __type): the probe must tell the two doors apart.
    result = smoke(
        f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}",
        "--cognito-endpoint",
        f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}",
    )

    assert result.returncode == 1
    assert "FAIL  cognito door" in result.stdout


def test_smoke_knows_the_cognito_protocol() -> None:
    assert (SMOKE_MEDIA_TYPE, SMOKE_TARGET_PREFIX) == (MEDIA_TYPE, TARGET_PREFIX)
    assert SMOKE_REFUSED not in {route.operation.name for route in ROUTES}


def test_smoke_fails_on_an_origin_the_endpoint_does_not_allow(local_api: LocalApi) -> None:
    result = smoke(f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}", "--origin", "https://not-allowed.example")

    assert result.returncode == 1
    assert "FAIL  cors preflight" in result.stdout


def test_smoke_fails_against_something_that_is_not_the_endpoint(local_api: LocalApi) -> None:
    # The emulator answers HTTP, but not as the endpoint does: every probe must notice.
    result = smoke(f"{local_api.emulator_endpoint}{RESEND_CONFIRMATION_CODE.path}")

    assert result.returncode == 1
    assert result.stdout.count("FAIL  ") >= 3, result.stdout


def test_smoke_fails_when_nothing_listens() -> None:
    result = smoke("http://127.0.0.1:9/resend-confirmation-code")

    assert result.returncode == 1 and "unreachable" in result.stdout


def test_smoke_knows_the_confirm_routes_path() -> None:
    assert CONFIRM_SIGN_UP.path == SMOKE_CONFIRM_PATH
    assert (FORGOT_PASSWORD.path, CONFIRM_FORGOT_PASSWORD.path) == (SMOKE_FORGOT_PATH, SMOKE_CONFIRM_FORGOT_PATH)


@pytest.fixture
def not_http() -> Iterator[str]:
    """A TCP server that answers as another protocol does (an SSH banner): a wrong port in ENDPOINT_URL."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                connection.sendall(b"SSH-2.0-OpenSSH_9.0\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}{RESEND_CONFIRMATION_CODE.path}"
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize("kind", ["not http", "malformed url"])
def test_a_wrong_endpoint_url_is_a_failed_line_not_a_traceback(kind: str, request: pytest.FixtureRequest) -> None:
    # Before: http.client.BadStatusLine and urllib's ValueError ("Invalid IPv6 URL") escaped as tracebacks.
    url = request.getfixturevalue("not_http") if kind == "not http" else "http://[::1/resend-confirmation-code"

    result = smoke(url)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "FAIL  endpoint" in result.stdout
