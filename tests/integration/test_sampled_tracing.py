"""A sampled request through the handler in this process: the Tracer is built then, and a real UDP socket standing
where Lambda's X-Ray daemon listens receives what it records.

tests/unit/test_tracing.py proves the same in a fresh process per case (where the SDK is never imported for an
unsampled request), but mutmut's per-test selection cannot see into a subprocess: these tests are what judge
tracing.traced_when_sampled and tracing._build_traced. The X-Ray SDK patches botocore process-wide and keeps its
state in module globals; the `xray_daemon` fixture puts every one of them back, so no later test makes traced AWS
calls.
"""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import botocore.client
import botocore.endpoint
import pytest

from local.seed import UNCONFIRMED_USER
from tests.invoke import Invoke

ROOT_ID = "1-6749a000-0123456789abcdef01234567"
SAMPLED = f"Root={ROOT_ID};Parent=53995c3f42cd8ad8;Sampled=1"
UNSAMPLED = f"Root={ROOT_ID};Parent=53995c3f42cd8ad8;Sampled=0"
HANDLER_SUBSEGMENT = "## lambda_handler"


@pytest.fixture
def xray_daemon(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[socket.socket]:
    """A UDP socket as the X-Ray daemon, the variables Lambda sets, and every global the SDK and Powertools'
    Tracer change (botocore's patched methods, the SDK's patched-module set and recorder, the Tracer's shared
    config, the cold-start flag) restored afterwards."""
    monkeypatch.setenv("LAMBDA_TASK_ROOT", str(tmp_path))  # the SDK and Powertools trace only inside Lambda
    monkeypatch.setenv("AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR")
    # Undone by monkeypatch: wrapt replaces these two class attributes when the SDK patches botocore.
    for owner, name in (
        (botocore.client.BaseClient, "_make_api_call"),
        (botocore.endpoint.Endpoint, "prepare_request"),
    ):
        monkeypatch.setattr(owner, name, owner.__dict__[name])

    from aws_lambda_powertools import Tracer
    from aws_lambda_powertools.tracing import tracer as tracer_module
    from aws_xray_sdk.core import patcher, xray_recorder
    from aws_xray_sdk.core.emitters.udp_emitter import UDPEmitter
    from aws_xray_sdk.core.lambda_launcher import LambdaContext

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as daemon:
        daemon.bind(("127.0.0.1", 0))
        daemon.setblocking(False)
        address = f"127.0.0.1:{daemon.getsockname()[1]}"
        monkeypatch.setenv("AWS_XRAY_DAEMON_ADDRESS", address)
        monkeypatch.setattr(patcher, "_PATCHED_MODULES", set())
        monkeypatch.setattr(Tracer, "_config", copy.copy(Tracer._default_config))
        monkeypatch.setattr(tracer_module, "is_cold_start", True)  # a fresh execution environment
        # The recorder was built at the SDK's first import, maybe outside Lambda: give it Lambda's context.
        monkeypatch.setattr(xray_recorder, "context", LambdaContext())
        monkeypatch.setattr(xray_recorder, "emitter", UDPEmitter(address))
        monkeypatch.setattr(xray_recorder, "streaming_threshold", xray_recorder.streaming_threshold)
        try:
            yield daemon
        finally:
            if hasattr(botocore.client, "_xray_enabled"):
                delattr(botocore.client, "_xray_enabled")


def received(daemon: socket.socket) -> list[dict[str, Any]]:
    """The segment documents sent so far (UDP on loopback is delivered by the time sendto returns)."""
    documents = []
    while True:
        try:
            datagram = daemon.recv(65536).decode()
        except BlockingIOError:
            return documents
        documents.append(json.loads(datagram.split("\n", 1)[1]))


@pytest.fixture
def invoke_traced(make_invoke: Callable[..., Invoke], monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Any]:
    """invoke_traced(trace_header) sends a resend request for an unconfirmed user under that trace header, to a
    handler loaded with tracing on (as the stack sets it), in a fresh execution environment."""
    invoke = make_invoke(POWERTOOLS_TRACE_DISABLED=None)

    def run(trace_header: str) -> Any:
        monkeypatch.setenv("_X_AMZN_TRACE_ID", trace_header)
        return invoke({"username": UNCONFIRMED_USER})

    return run


def test_a_sampled_cold_start_traces_the_handler_and_each_aws_call_without_the_response(
    xray_daemon: socket.socket, invoke_traced: Callable[[str], Any]
) -> None:
    """A sampled first invocation is traced as the cold start: one handler subsegment annotated ColdStart and
    Service, without the response, and under it exactly the AWS calls the request made, botocore alone patched."""
    from aws_xray_sdk.core import patcher

    response = invoke_traced(SAMPLED)

    assert response.status == 200
    documents = received(xray_daemon)
    (handler,) = [d for d in documents if d["name"] == HANDLER_SUBSEGMENT]
    assert handler["annotations"] == {"ColdStart": True, "Service": "resend-confirmation-code"}
    assert "metadata" not in handler  # capture_response=False: the answer may carry a masked destination
    aws_calls = sorted((d["name"], d["aws"]["operation"]) for d in documents if d.get("namespace") == "aws")
    assert set(aws_calls) == {("secretsmanager", "GetSecretValue"), ("cognito-idp", "ResendConfirmationCode")}
    assert all(d["parent_id"] == handler["id"] for d in documents if d.get("namespace") == "aws")
    assert {d["trace_id"] for d in documents} == {ROOT_ID}
    assert len(documents) == len(aws_calls) + 1  # nothing but the handler and its AWS calls
    assert sorted(patcher._PATCHED_MODULES) == ["botocore"]  # botocore alone, not patch_all()


def test_a_tracer_built_after_the_cold_start_does_not_call_its_first_trace_one(
    xray_daemon: socket.socket, invoke_traced: Callable[[str], Any]
) -> None:
    """The environment's first invocation was not sampled, its second is: the second is not annotated as a
    cold start, although its Tracer is built then."""
    assert invoke_traced(UNSAMPLED).status == 200
    assert received(xray_daemon) == []

    assert invoke_traced(SAMPLED).status == 200

    (handler,) = [d for d in received(xray_daemon) if d["name"] == HANDLER_SUBSEGMENT]
    assert handler["annotations"]["ColdStart"] is False
