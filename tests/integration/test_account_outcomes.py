"""Outcomes only an existing account can cause are answered like an unknown user, and counted for the operator."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from code_screens import metric_names as names
from code_screens.operations import Kind
from code_screens.operations.resend_confirmation_code import OUTCOMES as RESEND_OUTCOMES
from local.emulator import STATE, Fault
from local.seed import UNCONFIRMED_USER
from tests.invoke import Invoke

RESEND = "cognito-idp:ResendConfirmationCode"


def emf(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]


def metric_named(lines: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (line,) = [line for line in lines if name in line]
    return line


# The resend table's account faults: answered neutrally, counted apart.
ACCOUNT_FAULTS = {code for code, outcome in RESEND_OUTCOMES.items() if outcome.kind is Kind.ACCOUNT_FAULT}


@pytest.mark.usefixtures("disarm_faults")
@pytest.mark.parametrize("error_code", sorted(ACCOUNT_FAULTS))
def test_an_account_fault_is_answered_like_an_unknown_user_and_counted(
    make_invoke: Callable[..., Invoke], capsys: pytest.CaptureFixture[str], error_code: str
) -> None:
    invoke = make_invoke()
    unknown = invoke({"username": f"nobody-{uuid.uuid4().hex[:8]}@example.com"})
    capsys.readouterr()
    STATE.arm(RESEND, Fault(error_code, message="Injected per-account failure"))

    answered = invoke({"username": UNCONFIRMED_USER, "clientMetadata": {"trigger": "fail"}})

    assert answered.status == unknown.status == 200
    assert answered.body == unknown.body
    assert dict(answered.headers) == dict(unknown.headers)
    lines = emf(capsys.readouterr().out)
    hidden = metric_named(lines, names.COGNITO_FAILURE_ANSWERED_NEUTRALLY)
    # The alarm watches this metric with exactly the service dimension (infra/monitoring.py).
    assert hidden["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [[names.SERVICE_DIMENSION]]
    assert metric_named(lines, names.COGNITO_ERROR)[names.ERROR_CODE] == error_code
    assert not any(names.COGNITO_FAILURE in line for line in lines)


def test_a_limited_request_is_counted_by_policy(
    make_invoke: Callable[..., Invoke], capsys: pytest.CaptureFixture[str], emulator: Any
) -> None:
    invoke = make_invoke(LIMITER_TABLE_NAME=emulator.limiter_table_name)
    username = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    invoke({"username": username})
    capsys.readouterr()

    assert invoke({"username": username}).status == 429

    reached = metric_named(emf(capsys.readouterr().out), names.LIMIT_REACHED)
    assert reached[names.POLICY] == "resend"
    assert sorted(reached["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]) == sorted(
        [names.POLICY, names.SERVICE_DIMENSION]
    )
