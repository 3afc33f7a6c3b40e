"""Tracing for sampled requests only: the X-Ray SDK is not even imported for an unsampled one, and a sampled one
still gets its handler subsegment and a subsegment per AWS call, sent to a real UDP socket standing where Lambda's
X-Ray daemon listens. Each case runs in a fresh process with the variables Lambda sets (the SDK patches botocore
process-wide, and reads LAMBDA_TASK_ROOT at import)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from code_screens.runtime.tracing import is_sampled

LAMBDA_DIR = Path(__file__).resolve().parents[2] / "lambda"
ROOT_ID = "1-6749a000-0123456789abcdef01234567"

FUNCTION = """
import json, os, sys
import boto3
from botocore.config import Config
from code_screens.runtime.tracing import traced_when_sampled

client = boto3.client("secretsmanager", endpoint_url="http://127.0.0.1:9", config=Config(
    connect_timeout=0.5, retries={"total_max_attempts": 1, "mode": "standard"}))

class Context:
    function_name = "test"; aws_request_id = "r"; invoked_function_arn = "arn:aws:lambda:us-east-1:1:function:test"
    memory_limit_in_mb = 256; function_version = "$LATEST"

@traced_when_sampled
def lambda_handler(event, context):
    try:
        client.list_secrets()
    except Exception:
        pass
    return {"statusCode": 200}

report = []
for number, sampled in enumerate(json.loads(sys.argv[1])):
    os.environ["_X_AMZN_TRACE_ID"] = f"Root={sys.argv[2]};Parent={number + 1:016x};Sampled={sampled}"
    lambda_handler({}, Context())
    report.append("aws_xray_sdk" in sys.modules)
from aws_xray_sdk.core import patcher
print(json.dumps({"xray_imported": report, "patched": sorted(getattr(patcher, "_PATCHED_MODULES", []))}))
"""


def run_function(sampled: list[int], tmp_path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as daemon:
        daemon.bind(("127.0.0.1", 0))
        daemon.settimeout(0.5)
        env = {
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(LAMBDA_DIR),
            "LAMBDA_TASK_ROOT": str(tmp_path),
            "AWS_LAMBDA_FUNCTION_NAME": "test",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.14",
            "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{daemon.getsockname()[1]}",
            "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "POWERTOOLS_SERVICE_NAME": "resend-confirmation-code",
        }
        completed = subprocess.run(
            [sys.executable, "-c", FUNCTION, json.dumps(sampled), ROOT_ID],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert completed.returncode == 0, completed.stderr[-3000:]
        documents = []
        while True:
            try:
                datagram = daemon.recv(65536).decode()
            except TimeoutError:
                break
            documents.append(json.loads(datagram.split("\n", 1)[1]))
    return json.loads(completed.stdout.splitlines()[-1]), documents


@pytest.mark.parametrize(
    ("header", "sampled"),
    [
        (f"Root={ROOT_ID};Parent=53995c3f42cd8ad8;Sampled=1", True),
        (f"Root={ROOT_ID};Parent=53995c3f42cd8ad8;Sampled=0", False),
        (f"Root={ROOT_ID}; Sampled=1 ;Lineage=1:abc:0", True),
        (f"Root={ROOT_ID};Sampled=?", False),
        (f"Root={ROOT_ID}", False),
        ("", False),
        (None, False),
    ],
)
def test_reads_the_sampling_decision_from_the_trace_header(header: str | None, sampled: bool) -> None:
    assert is_sampled(header) is sampled


def test_an_unsampled_request_never_imports_the_xray_sdk(tmp_path: Path) -> None:
    report, documents = run_function([0, 0], tmp_path)

    assert report["xray_imported"] == [False, False]
    assert documents == []


def test_a_sampled_request_traces_the_handler_and_its_aws_call_patching_botocore_alone(tmp_path: Path) -> None:
    report, documents = run_function([0, 1], tmp_path)

    assert report["xray_imported"] == [False, True]
    assert report["patched"] == ["botocore"]
    names = {document["name"] for document in documents}
    assert "## lambda_handler" in names
    (aws_call,) = [d for d in documents if d.get("namespace") == "aws"]
    assert aws_call["name"] == "secretsmanager" and aws_call["aws"]["operation"] == "ListSecrets"
    assert all(document["trace_id"] == ROOT_ID for document in documents)
    (handler,) = [d for d in documents if d["name"] == "## lambda_handler"]
    # Built on the environment's second invocation, the Tracer must not call that one a cold start.
    assert handler["annotations"]["ColdStart"] is False


def test_a_sampled_first_invocation_is_the_cold_start(tmp_path: Path) -> None:
    _, documents = run_function([1], tmp_path)

    (handler,) = [d for d in documents if d["name"] == "## lambda_handler"]
    assert handler["annotations"]["ColdStart"] is True
