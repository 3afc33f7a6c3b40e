"""Each alarm on the function's own metrics watches what a real invocation prints: namespace, name and the exact
dimension set (an alarm that differs in any of them stays in OK forever)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from infra.function_construct import METRICS_NAMESPACE, SERVICE_NAME
from infra.monitoring import FUNCTION_METRIC_ALARMS
from local.emulator import STATE, Fault
from local.seed import UNCONFIRMED_USER
from resend_code import metric_names as names
from tests.conftest import SeededEmulator
from tests.integration.conftest import Invoke

RESEND = "cognito-idp:ResendConfirmationCode"


def scenario(alarm_id: str, make_invoke: Callable[..., Invoke], emulator: SeededEmulator) -> None:
    """Make the function emit the metric behind alarm_id, through the handler, as in AWS."""
    fresh = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    if alarm_id == "CognitoFailuresAnsweredNeutrally":
        invoke = make_invoke()
        STATE.arm(RESEND, Fault("CodeDeliveryFailureException"))
        invoke({"username": UNCONFIRMED_USER})
    elif alarm_id == "LimiterUnavailable":
        make_invoke(LIMITER_TABLE_NAME="no-such-table")({"username": fresh})
    elif alarm_id == "UsernameLimitReached":
        invoke = make_invoke(LIMITER_TABLE_NAME=emulator.limiter_table_name)
        invoke({"username": fresh})
        invoke({"username": fresh})
    elif alarm_id == "ResponseTimeFloorExceeded":
        # A 1 ms floor: any real Cognito round trip overruns it.
        make_invoke(RESPONSE_TIME_FLOOR_MS="1")({"username": fresh})
    else:
        raise AssertionError(f"no scenario for the alarm {alarm_id}: add one")


def emitted(out: str, metric_name: str) -> list[tuple[str, dict[str, Any]]]:
    """(namespace, {dimension: value}) of each EMF line in out that carries metric_name."""
    found = []
    for line in out.splitlines():
        if not line.startswith('{"_aws"'):
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            if any(m["Name"] == metric_name for m in directive["Metrics"]):
                for dimension_set in directive["Dimensions"]:
                    found.append((directive["Namespace"], {d: document[d] for d in dimension_set}))
    return found


@pytest.mark.usefixtures("disarm_faults")
@pytest.mark.parametrize("alarm_id", sorted(FUNCTION_METRIC_ALARMS))
def test_the_alarm_matches_an_emitted_metric(
    alarm_id: str,
    make_invoke: Callable[..., Invoke],
    emulator: SeededEmulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The function's environment as the stack sets it (infra/function_construct.py).
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", SERVICE_NAME)
    monkeypatch.setenv(names.NAMESPACE_SETTING, METRICS_NAMESPACE)
    metric_name, dimensions, _ = FUNCTION_METRIC_ALARMS[alarm_id]
    capsys.readouterr()

    scenario(alarm_id, make_invoke, emulator)

    expected = (METRICS_NAMESPACE, {names.SERVICE_DIMENSION: SERVICE_NAME, **dimensions})
    assert expected in emitted(capsys.readouterr().out, metric_name)
