"""The limiter's arithmetic: how long a subject must wait, from its earlier acquisitions."""

import pytest

from code_screens.limiter import wait_milliseconds
from code_screens.settings import LimitPolicy

POLICY = LimitPolicy("resend", cooldown_seconds=60, max_per_window=3, window_seconds=3600)
NOW = 10_000_000


def test_a_first_acquisition_waits_for_nothing() -> None:
    assert wait_milliseconds(POLICY, [], NOW) == 0


@pytest.mark.parametrize(("elapsed_ms", "wait_ms"), [(1, 59_999), (30_000, 30_000), (59_999, 1), (60_000, 0)])
def test_the_cooldown_runs_from_the_latest_acquisition(elapsed_ms: int, wait_ms: int) -> None:
    assert wait_milliseconds(POLICY, [NOW - 500_000, NOW - elapsed_ms], NOW) == wait_ms


def test_the_cap_waits_for_the_oldest_of_the_last_max_to_leave_the_window() -> None:
    # Three acquisitions in the last hour, the oldest 3000 s ago: it leaves the window in 600 s.
    sends = [NOW - 3_000_000, NOW - 2_000_000, NOW - 1_000_000]

    assert wait_milliseconds(POLICY, sends, NOW) == 600_000
    # One fewer and only the cooldown (long over) applies.
    assert wait_milliseconds(POLICY, sends[1:], NOW) == 0


def test_the_longer_of_cooldown_and_cap_wins() -> None:
    sends = [NOW - 3_599_000, NOW - 2_000_000, NOW - 10_000]

    assert wait_milliseconds(POLICY, sends, NOW) == 50_000


def test_no_cooldown_means_only_the_cap() -> None:
    policy = LimitPolicy("confirm", cooldown_seconds=0, max_per_window=2, window_seconds=60)

    assert wait_milliseconds(policy, [NOW - 1], NOW) == 0
    assert wait_milliseconds(policy, [NOW - 2, NOW - 1], NOW) == 59_998
