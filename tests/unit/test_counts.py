"""observability.count: each count is one EMF document of its own, leaves nothing for the next, and no debugging
switch silences it (the alarms watch these counts)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from code_screens import observability


@pytest.fixture
def emitted(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    monkeypatch.delenv("POWERTOOLS_DEV", raising=False)
    monkeypatch.setattr(observability.metrics, "namespace", "CodeScreensTest")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "code-screens-test")
    capsys.readouterr()

    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]

    return read


def _metric(document: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "CodeScreensTest"
    return [metric["Name"] for metric in directive["Metrics"]], directive["Dimensions"]


def test_each_count_is_one_document_with_only_its_own_dimension(emitted: Any) -> None:
    observability.count("CodeSent", "DeliveryMedium", "EMAIL")
    observability.count("CognitoFailure")

    first, second = emitted()

    assert _metric(first) == (["CodeSent"], [["DeliveryMedium", "service"]])
    assert (first["CodeSent"], first["DeliveryMedium"], first["service"]) == ([1.0], "EMAIL", "code-screens-test")
    assert _metric(second) == (["CognitoFailure"], [["service"]])
    assert "DeliveryMedium" not in second and "CodeSent" not in second


@pytest.mark.parametrize("switch", ["POWERTOOLS_METRICS_DISABLED", "POWERTOOLS_DEV"])
def test_a_debugging_switch_does_not_silence_the_counts_the_alarms_watch(
    emitted: Any, monkeypatch: pytest.MonkeyPatch, switch: str
) -> None:
    monkeypatch.setenv(switch, "true")
    observability.count("RequestRejected", "Reason", "invalid_request")
    observability.count("CognitoFailure")

    first, second = emitted()
    assert _metric(first) == (["RequestRejected"], [["Reason", "service"]])
    assert _metric(second) == (["CognitoFailure"], [["service"]])
    assert "RequestRejected" not in second and "Reason" not in second
