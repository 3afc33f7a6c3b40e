"""Faults of Secrets Manager and Cognito, over HTTP against the local stack: each gets its documented status and
code, reveals nothing, and the first request after recovery succeeds.

The function in this stack reaches both services through TCP proxies a test can take down (a real refused
connection), and reads the secret on every request (POWERTOOLS_PARAMETERS_MAX_AGE=0) so each secret fault is
seen at once; the cached behaviour (rotation) runs on the ordinary stack.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from code_screens.operations.resend_confirmation_code import OUTCOMES as RESEND_OUTCOMES
from code_screens.routes import RESEND_CONFIRMATION_CODE
from local.seed import CONFIRMED_USER, UNCONFIRMED_USER
from tests.e2e.tcp_proxy import TcpProxy, free_port
from tests.local_stack import LocalApi, start_local_api, stop_local_api

pytestmark = pytest.mark.slow  # servers of its own (behind TCP proxies, one per misconfiguration), time-outs waited out

RESEND = "cognito-idp:ResendConfirmationCode"
GET_SECRET = "secretsmanager:GetSecretValue"
# Put in every injected AWS error message: it must never reach a caller.
CANARY = "INJECTED-DETAIL-7f3c"


@dataclass
class FaultStack:
    local: LocalApi
    secrets_proxy: TcpProxy
    cognito_proxy: TcpProxy


@pytest.fixture(scope="module")
def stack() -> Iterator[FaultStack]:
    emulator_port = free_port()
    secrets_proxy, cognito_proxy = TcpProxy(emulator_port), TcpProxy(emulator_port)
    secrets_proxy.up()
    cognito_proxy.up()
    local = start_local_api(
        "local-api-faults",
        {
            "EMULATOR_PORT": str(emulator_port),
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": secrets_proxy.url,
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": cognito_proxy.url,
            "POWERTOOLS_PARAMETERS_MAX_AGE": "0",
        },
    )
    yield FaultStack(local, secrets_proxy, cognito_proxy)
    stop_local_api(local)
    secrets_proxy.down()
    cognito_proxy.down()


@pytest.fixture(autouse=True)
def recovers(stack: FaultStack) -> Iterator[None]:
    """After each fault: disarm, and prove the very next request succeeds and sends a code."""
    yield
    stack.local.disarm_faults()
    before = len(stack.local.outbox())
    assert resend(stack.local).status_code == 200
    assert len(stack.local.outbox()) == before + 1


def resend(local: LocalApi, username: str = UNCONFIRMED_USER) -> requests.Response:
    return requests.post(f"{local.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": username}, timeout=30)


def assert_problem(response: requests.Response, status: int, code: str) -> None:
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert CANARY not in response.text and "Traceback" not in response.text


def function_log_entries(local: LocalApi, message: str) -> list[dict[str, object]]:
    entries = [json.loads(line) for line in local.log().splitlines() if line.startswith('{"level"')]
    return [entry for entry in entries if entry["message"] == message]


@pytest.mark.parametrize("proxy", ["secrets_proxy", "cognito_proxy"], ids=["secrets-manager", "cognito"])
def test_unreachable_service(stack: FaultStack, proxy: str) -> None:
    getattr(stack, proxy).down()
    try:
        response = resend(stack.local)
    finally:
        getattr(stack, proxy).up()

    assert_problem(response, 503, "upstream_unavailable")
    assert response.headers["Retry-After"] == "5"


# --- Secrets Manager ---


def test_secrets_manager_slower_than_the_timeout(stack: FaultStack) -> None:
    # Both attempts (read timeout 2 s each) outlast the client's patience.
    stack.local.arm_fault(GET_SECRET, None, delaySeconds=2.5, times=2)

    assert_problem(resend(stack.local), 504, "upstream_timeout")


def test_secrets_manager_access_denied(stack: FaultStack) -> None:
    stack.local.arm_fault(GET_SECRET, "AccessDeniedException", message=CANARY)

    assert_problem(resend(stack.local), 500, "internal_error")
    logged = function_log_entries(stack.local, "Upstream call failed")[-1]
    assert (logged["source"], logged["reason"]) == ("secretsmanager", "AccessDeniedException")


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ("not json at all", "not a JSON document"),
        ('{"clientId": "CLIENT"}', "no clientSecret"),
        ('{"clientId": "someone-else", "clientSecret": "x"}', "clientId"),
    ],
    ids=["not-json", "missing-secret", "wrong-client-id"],
)
def test_malformed_secret(stack: FaultStack, document: str, reason: str) -> None:
    sm = stack.local.aws("secretsmanager")
    arn = stack.local.secret_arn()
    good = sm.get_secret_value(SecretId=arn)["SecretString"]
    sm.put_secret_value(SecretId=arn, SecretString=document.replace("CLIENT", stack.local.client_id))
    try:
        response = resend(stack.local)
    finally:
        sm.put_secret_value(SecretId=arn, SecretString=good)

    assert_problem(response, 500, "internal_error")
    assert reason in str(function_log_entries(stack.local, "Upstream call failed")[-1]["reason"])


# --- Cognito ---


def test_cognito_slower_than_the_timeout(stack: FaultStack) -> None:
    stack.local.arm_fault(RESEND, None, delaySeconds=3.5)
    before, sent_before = stack.local.calls(RESEND), len(stack.local.outbox())

    response = resend(stack.local)

    assert_problem(response, 504, "upstream_timeout")
    assert response.headers["Retry-After"] == "30"  # the code may be on its way: callers cool down
    # Cognito still sends the code after the function gave up on the answer: that is why the call is never
    # retried (a retry would send a second code).
    deadline = time.monotonic() + 5
    while len(stack.local.outbox()) == sent_before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(stack.local.outbox()) == sent_before + 1
    assert stack.local.calls(RESEND) - before == 1


# What the caller is told for each Cognito error on resend (None: the neutral success).
COGNITO_ERRORS = {code: outcome.answer for code, outcome in RESEND_OUTCOMES.items()}
NEUTRAL = {code for code, problem in COGNITO_ERRORS.items() if problem is None}


@pytest.mark.parametrize("error_code", [*sorted(COGNITO_ERRORS), "SomethingNewException"])
def test_each_cognito_error(stack: FaultStack, error_code: str) -> None:
    neutral = resend(stack.local, CONFIRMED_USER)  # Cognito's own neutral case, for comparison
    stack.local.arm_fault(RESEND, error_code, message=CANARY)

    response = resend(stack.local)

    if error_code in NEUTRAL:
        assert (response.status_code, response.content) == (200, neutral.content)
    else:
        problem = COGNITO_ERRORS.get(error_code) or COGNITO_ERRORS["InternalErrorException"]
        assert problem is not None
        assert_problem(response, problem.status, problem.code)
        if problem.retry_after_seconds is not None:
            assert response.headers["Retry-After"] == str(problem.retry_after_seconds)
    logged = [line for line in stack.local.log().splitlines() if f'"ErrorCode":"{error_code}"' in line]
    assert logged, "the Cognito error is counted in the CognitoError metric"


# --- configuration ---


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("APP_CLIENTS", "{not json"),
        ("REVEAL_DELIVERY_DETAILS", "sometimes"),
        ("COGNITO_READ_TIMEOUT_SECONDS", "0"),
    ],
)
def test_cold_start_misconfiguration(setting: str, value: str) -> None:
    local = start_local_api(f"local-api-misconfigured-{setting.lower()}", {setting: value})
    try:
        before = local.calls(RESEND)
        response = resend(local)
        assert_problem(response, 500, "internal_error")
        assert setting not in response.text
        assert local.calls(RESEND) == before
        errors = function_log_entries(local, "Invalid configuration")
        assert errors and setting in str(errors[-1]["configuration_error"])
    finally:
        stop_local_api(local)


def test_no_fault_log_line_holds_the_canary_or_a_username(stack: FaultStack) -> None:
    lines = [line for line in stack.local.log().splitlines() if line.startswith("{")]

    assert lines
    assert not [line for line in lines if CANARY in line]
    assert not [line for line in lines if re.search(r"(un)?confirmed@example\.com", line)]
