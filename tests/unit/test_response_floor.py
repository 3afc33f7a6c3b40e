"""The response-time floor pads whatever happened inside it, and counts an answer that overran it."""

from __future__ import annotations

import json

import pytest

from code_screens import metric_names as names
from code_screens import pipeline as response_floor
from code_screens.pipeline import response_time_floor


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A fake monotonic clock that sleeping advances."""
    now = [100.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    monkeypatch.setattr(response_floor.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(response_floor.time, "sleep", sleep)
    monkeypatch.setenv(names.NAMESPACE_SETTING, "ResendConfirmationCode")
    return now


def test_a_fast_answer_is_held_until_the_floor(clock: list[float]) -> None:
    with response_time_floor(0.5, started=100.0):
        clock[0] += 0.12

    assert clock[0] == pytest.approx(100.5)


def test_a_failing_call_is_held_too(clock: list[float]) -> None:
    with pytest.raises(RuntimeError), response_time_floor(0.5, started=100.0):
        clock[0] += 0.05
        raise RuntimeError("Cognito failed")

    assert clock[0] == pytest.approx(100.5)


def test_no_floor_no_wait(clock: list[float]) -> None:
    with response_time_floor(0.0, started=100.0):
        clock[0] += 0.01

    assert clock[0] == pytest.approx(100.01)


def test_an_overrun_is_counted_not_padded(clock: list[float], capsys: pytest.CaptureFixture[str]) -> None:
    with response_time_floor(0.5, started=100.0):
        clock[0] += 0.7

    assert clock[0] == pytest.approx(100.7)
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert [m[names.RESPONSE_TIME_FLOOR_EXCEEDED] for m in metrics] == [[1.0]]
