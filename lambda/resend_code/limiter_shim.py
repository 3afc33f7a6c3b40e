"""TEMPORARY SHIM for issue 10's per-username limiter (`resend_code/limiter.py`, not merged yet): the same
interface, `LimitPolicy(name, cooldown_seconds, max_per_window, window_seconds)` and `acquire(policy, subject)`,
and it limits nothing. The confirm route's cap is written against it; merging issue 10 replaces this module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LimitPolicy:
    """A cooldown between two acquisitions for one subject and a cap per rolling window (seconds)."""

    name: str
    cooldown_seconds: int
    max_per_window: int
    window_seconds: int


def acquire(policy: LimitPolicy, subject: str) -> None:
    """Issue 10's limiter raises Problem(ATTEMPT_LIMIT_EXCEEDED) with Retry-After here; the shim never does."""
