"""The response-time floor over HTTP: with a real send made slow in the emulator, "sent" and "unknown" answer
times overlap under the floor, and (the control) stand apart without it."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Iterator

import pytest
import requests

from code_screens.routes import RESEND_CONFIRMATION_CODE
from local.seed import UNCONFIRMED_USER
from tests.local_stack import LocalApi, start_local_api, stop_local_api

pytestmark = pytest.mark.slow  # timing: rounds of requests against two servers of its own, timed

SEND_DELAY_MS = 150  # what a real send costs in AWS on top of an unknown user's call (trigger, SES hand-off)
FLOOR_MS = 400
ROUNDS = 12


def stack(name: str, floor_ms: int) -> Iterator[LocalApi]:
    local = start_local_api(
        name, {"EMULATOR_SEND_DELAY_MS": str(SEND_DELAY_MS), "RESPONSE_TIME_FLOOR_MS": str(floor_ms)}
    )
    yield local
    stop_local_api(local)


@pytest.fixture(scope="module")
def floored() -> Iterator[LocalApi]:
    yield from stack("local-api-floor", FLOOR_MS)


@pytest.fixture(scope="module")
def unfloored() -> Iterator[LocalApi]:
    yield from stack("local-api-no-floor", 0)


def timings(local: LocalApi) -> tuple[list[float], list[float]]:
    """Milliseconds per answer for a real send and for unknown usernames, interleaved so drift hits both."""
    session = requests.Session()

    def timed(username: str) -> float:
        started = time.perf_counter()
        response = session.post(f"{local.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": username}, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200
        return elapsed

    timed(UNCONFIRMED_USER)  # warm: the first request pays the imports and the secret reads
    sent, unknown = [], []
    for _ in range(ROUNDS):
        sent.append(timed(UNCONFIRMED_USER))
        unknown.append(timed(f"nobody-{uuid.uuid4().hex[:8]}@example.com"))
    return sent, unknown


def test_without_the_floor_a_real_send_is_told_apart_by_its_time(unfloored: LocalApi) -> None:
    sent, unknown = timings(unfloored)

    # The control: the injected delay shows in the medians, so the test below can see a leak.
    assert statistics.median(sent) - statistics.median(unknown) >= 0.75 * SEND_DELAY_MS


def test_with_the_floor_sent_and_unknown_answer_times_overlap(floored: LocalApi) -> None:
    sent, unknown = timings(floored)

    # Both distributions sit on the floor: their medians differ by far less than the send delay, and each
    # one's range reaches into the other's.
    assert abs(statistics.median(sent) - statistics.median(unknown)) <= 0.2 * SEND_DELAY_MS
    assert min(sent) <= max(unknown) and min(unknown) <= max(sent)
    assert min(sent + unknown) >= FLOOR_MS
