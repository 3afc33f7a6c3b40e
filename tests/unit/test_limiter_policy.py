"""The limiter's arithmetic: how long a subject must wait, from its earlier acquisitions."""

import pytest

from code_screens.limiter import wait_for_caller, wait_milliseconds
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


SHARED = LimitPolicy("shared", cooldown_seconds=60, max_per_window=2, window_seconds=3600, max_per_username=3)


def test_a_caller_waits_for_its_own_cooldown_and_cap_only() -> None:
    attempts = [(0, "a"), (61_000, "a")]

    assert wait_for_caller(SHARED, attempts, "a", 122_000) == 3_600_000 - 122_000  # "a" is at its cap of 2
    assert wait_for_caller(SHARED, attempts, "b", 62_000) == 0  # "b" has made none: a's cooldown is not b's


def test_every_caller_waits_once_the_username_ceiling_is_reached() -> None:
    attempts = [(0, "a"), (10_000, "b"), (20_000, "c")]

    assert wait_for_caller(SHARED, attempts, "d", 30_000) == 3_600_000 - 30_000  # until (0, "a") leaves the window


def test_without_a_ceiling_every_caller_shares_the_per_caller_cap() -> None:
    policy = LimitPolicy("one", cooldown_seconds=0, max_per_window=2, window_seconds=60)

    assert policy.ceiling == 2
    assert wait_for_caller(policy, [(0, "a"), (1_000, "b")], "c", 2_000) == 58_000
