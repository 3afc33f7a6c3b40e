"""answers.count: one CloudWatch metric per call, dimensioned only when both the dimension and its value are given."""

from __future__ import annotations

import json

import pytest

from code_screens.observability import count


def dimensions_printed(printed: str) -> list[str]:
    """Every dimension name of the EMF lines printed (the service dimension only when the service is named)."""
    return [
        name
        for line in printed.splitlines()
        if '"_aws"' in line
        for directive in json.loads(line)["_aws"]["CloudWatchMetrics"]
        for group in directive["Dimensions"]
        for name in group
        if name != "service"
    ]


@pytest.mark.parametrize("value", [None, ""])
def test_a_dimension_without_a_value_is_left_out_not_sent_empty(
    value: str | None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "ResendConfirmationCode")
    capsys.readouterr()

    count("SomeCount", "Reason", value)

    assert dimensions_printed(capsys.readouterr().out) == []


def test_a_dimension_with_a_value_is_sent(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "ResendConfirmationCode")
    capsys.readouterr()

    count("SomeCount", "Reason", "CodeMismatchException")

    assert dimensions_printed(capsys.readouterr().out) == ["Reason"]
