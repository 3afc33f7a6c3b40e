"""INIT's cold-start remedies leave the environment as it should be: the garbage collector back on with the
import's objects frozen out of its sight, no X-Ray SDK, and the operations imported only where they are wanted."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from code_screens.routes import ROUTES
from local.seed import UNCONFIRMED_USER
from tests.conftest import ROOT
from tests.invoke import Invoke


def test_the_collector_is_back_on_after_init_with_the_imports_frozen(make_invoke: Callable[..., Invoke]) -> None:
    gc.unfreeze()

    invoke = make_invoke()

    assert gc.isenabled()
    assert gc.get_freeze_count() > 10_000  # everything the import left alive
    assert invoke({"username": UNCONFIRMED_USER}).status == 200
    gc.unfreeze()  # give the rest of the test run its collector back as it was


def test_a_cold_start_imports_no_xray_sdk(function_env: dict[str, str | None]) -> None:
    # Tracing is Lambda's own active tracing: the X-Ray SDK (end of support 2027-02-25) is neither built nor
    # imported, even where it is installed (Powertools' layer ships it).
    env = {**os.environ, **{k: v for k, v in function_env.items() if v is not None}, "PYTHONPATH": "lambda"}
    probe = "import sys, handler; print(sorted(m for m in sys.modules if m.split('.')[0] == 'aws_xray_sdk'))"

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )

    assert result.stdout.strip().splitlines()[-1] == "[]"


OPERATIONS_PROBE = """
import json, sys
import handler
from code_screens.routes import ROUTES
from local.api_gateway_event import LocalLambdaContext, build_event

def loaded():
    return sorted(route.operation_name for route in ROUTES if route.module in sys.modules)

report = {"init": loaded()}
json_door = build_event(
    "POST", "/confirm-sign-up", [("Content-Type", "application/json")], b'{"username": "a@example.com"}',
    "203.0.113.7", "/confirm-sign-up",
)
report["json_status"] = handler.lambda_handler(json_door, LocalLambdaContext())["statusCode"]
report["after_json_door"] = loaded()
cognito_door = build_event(
    "POST", "/",
    [
        ("Content-Type", "application/x-amz-json-1.1"),
        ("X-Amz-Target", "AWSCognitoIdentityProviderService.ForgotPassword"),
    ],
    json.dumps({"ClientId": sys.argv[1], "Username": sys.argv[2]}).encode(), "203.0.113.7", "/",
)
report["cognito_status"] = handler.lambda_handler(cognito_door, LocalLambdaContext())["statusCode"]
report["after_cognito_door"] = loaded()
print(json.dumps(report))
"""


def _operations_loaded(function_env: dict[str, str | None], initialization_type: str | None) -> dict[str, object]:
    env = {**os.environ, **{k: v for k, v in function_env.items() if v is not None}, "PYTHONPATH": f"lambda:{ROOT}"}
    env.pop("AWS_LAMBDA_INITIALIZATION_TYPE", None)
    if initialization_type is not None:
        env["AWS_LAMBDA_INITIALIZATION_TYPE"] = initialization_type
    (client_id,) = json.loads(str(function_env["APP_CLIENTS"]))
    result = subprocess.run(
        [sys.executable, "-c", OPERATIONS_PROBE, client_id, UNCONFIRMED_USER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("initialization_type", [None, "on-demand"])
def test_an_on_demand_cold_start_imports_only_the_operation_it_serves(
    function_env: dict[str, str | None], initialization_type: str | None
) -> None:
    # Each operation module (schema, generated validator, typed request, outcome table) is imported on its route's
    # first request: a cold start pays for its own operation only (docs/performance.md).
    report = _operations_loaded(function_env, initialization_type)

    assert report["init"] == []
    assert (report["json_status"], report["after_json_door"]) == (400, ["ConfirmSignUp"])
    assert (report["cognito_status"], report["after_cognito_door"]) == (200, ["ConfirmSignUp", "ForgotPassword"])


@pytest.mark.parametrize("initialization_type", ["snap-start", "provisioned-concurrency"])
def test_init_ahead_of_traffic_imports_every_operation(
    function_env: dict[str, str | None], initialization_type: str
) -> None:
    # With SnapStart the snapshot holds them, with provisioned concurrency INIT runs before any caller waits.
    report = _operations_loaded(function_env, initialization_type)

    assert report["init"] == sorted(route.operation_name for route in ROUTES)
    assert (report["json_status"], report["cognito_status"]) == (400, 200)
