"""What the stage throttle lets through, per route and in Lambda concurrency: one computation for the stack, the docs
and `make preflight`.

API Gateway applies a stage's throttle to each method on its own, so a stage set to 20 rps lets 20 rps through per
route (40 for two routes, more as routes are added). The stack's `throttleRateLimit` and `throttleBurstLimit` are
whole-API figures instead, shared out equally among the routes of the route table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# A request that reached Cognito lasts at least the response-time floor; without a floor, a warm request takes about
# this long (Cognito's send, and the secret, pseudonym-key and limiter reads when their caches are cold).
UNFLOORED_REQUEST_MS = 300


@dataclass(frozen=True)
class Capacity:
    """The stage throttle of each route and the Lambda concurrency the whole-API throttle can call for."""

    route_rate: float  # requests per second per route (API Gateway takes a fraction)
    route_burst: int  # burst per route (API Gateway takes a whole number)
    request_seconds: float  # how long one admitted request holds an execution environment
    steady_concurrency: int  # at the whole-API rate, sustained
    peak_concurrency: int  # a full burst on top of the sustained rate, for one request's duration


def capacity(rate: int, burst: int, routes: int, response_time_floor_ms: int) -> Capacity:
    """The per-route throttle and the concurrency a whole-API `rate`/`burst` needs (Little's law: rate x duration).

    A token bucket admits at most `burst + rate x d` requests in any window of `d` seconds, so that many can be
    running at once when each takes `d`.
    """
    seconds = max(response_time_floor_ms, UNFLOORED_REQUEST_MS) / 1000
    return Capacity(
        route_rate=rate / routes,
        # At least one: a burst of 0 refuses every request.
        route_burst=max(1, burst // routes),
        request_seconds=seconds,
        steady_concurrency=math.ceil(rate * seconds),
        peak_concurrency=math.ceil(burst + rate * seconds),
    )


# Cognito's account-recovery quota category (ForgotPassword and ConfirmForgotPassword among its operations): 30
# requests a second per account and Region, not adjustable, shared with every other caller of those operations there
# ("Quotas in Amazon Cognito", Amazon Cognito Developer Guide).
ACCOUNT_RECOVERY_QUOTA_RPS = 30
# The operations of the route table that count against it.
ACCOUNT_RECOVERY_OPERATIONS = frozenset({"ForgotPassword", "ConfirmForgotPassword"})


@dataclass(frozen=True)
class RecoveryThrottle:
    """The per-method throttle of every method that can call Cognito's account-recovery operations: the two JSON
    routes and the Cognito door's POST / (which carries every operation, so its throttle must fit the budget too)."""

    methods: int
    method_rate: float
    method_burst: int

    @property
    def worst_second(self) -> float:
        """The most requests these methods can admit in any one second: each bucket's burst plus a second's rate."""
        return self.methods * (self.method_burst + self.method_rate)


def recovery_throttle(route_share: Capacity, recovery_rate: int, methods: int) -> RecoveryThrottle:
    """The account-recovery budget `recovery_rate` (requests a second over all `methods`) shared out equally, never
    above a method's share of the whole-API throttle (`route_share`). Raises ValueError when the methods could admit
    more than Cognito's quota in a second, bursts included."""
    share = recovery_rate / methods
    throttle = RecoveryThrottle(
        methods=methods,
        method_rate=min(route_share.route_rate, share),
        # Whole requests, at least the rate (a bucket smaller than a second's refill would refuse a steady stream
        # that the rate admits), never above the whole-API share's burst.
        method_burst=max(1, min(route_share.route_burst, math.ceil(share))),
    )
    if throttle.worst_second > ACCOUNT_RECOVERY_QUOTA_RPS:
        raise ValueError(
            f"accountRecoveryRateLimit: {methods} methods at {throttle.method_rate:g} rps with a burst of "
            f"{throttle.method_burst} can admit {throttle.worst_second:g} requests in a second, above Cognito's "
            f"{ACCOUNT_RECOVERY_QUOTA_RPS} rps account-recovery quota"
        )
    return throttle
