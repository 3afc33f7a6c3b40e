"""The function's timeout, from the worst case of every AWS call one request can make: one computation for the
stack and docs/operations.md.

Each call is bounded by its client's timeouts and attempts (code_screens/call_limits.py, and the Cognito timeouts
in the settings table), so a request is bounded by their sum: the pseudonym key's read, the app client's
credentials' read, the limiter's rounds of GetItem + PutItem, the Cognito call, and, after Cognito rejects the
secret hash, one more read of the credentials and one more Cognito call. The response-time floor pads the answer
up to `responseTimeFloorMs` from the request's start, so it adds nothing once the calls take longer than it.

A timeout below this would cut a slow request mid-call, with no log line and no metric saying whether a code went
out; so the function's timeout follows it. Exceeding API Gateway's 29 s integration timeout is possible (and is,
at the defaults): the caller then reads the gateway's 504 while the function finishes, logs and counts its outcome.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from code_screens.call_limits import (
    COGNITO_ATTEMPTS,
    DYNAMODB,
    LIMITER_MAX_ROUNDS,
    RETRY_BACKOFF_MAX_SECONDS,
    SECRETS_MANAGER,
    CallLimits,
)
from code_screens.settings import COGNITO_CONNECT_TIMEOUT_SECONDS, COGNITO_READ_TIMEOUT_SECONDS
from infra.config import ConfigError

# The handler's own work around the calls (parsing, the hash, log lines, the metrics flush): milliseconds warm,
# rounded up generously, so a request that used every call's bound still ends before the timeout.
HANDLER_OVERHEAD_SECONDS = 1.0
# Lambda's own ceiling on a function's timeout.
LAMBDA_MAX_TIMEOUT_SECONDS = 900
# API Gateway REST's default integration timeout: a request longer than this is answered 504 by the gateway.
API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS = 29


def call_seconds(limits: CallLimits) -> float:
    """The longest one call can take: every attempt to its connect and read timeouts, and the backoff between."""
    return (
        limits.attempts * (limits.connect_timeout + limits.read_timeout)
        + (limits.attempts - 1) * RETRY_BACKOFF_MAX_SECONDS
    )


@dataclass(frozen=True)
class TimeoutBudget:
    """The worst case of one request, part by part (seconds), and the function timeout that covers it."""

    secret_read: float
    limiter: float
    cognito_call: float
    calls: float  # every call of the worst case, in sequence
    floor: float
    total: float  # what the request can take, the handler's own work included

    @property
    def timeout_seconds(self) -> int:
        """The function's timeout: the total, rounded up to whole seconds (Lambda's unit)."""
        return math.ceil(self.total)

    @property
    def outlives_the_gateway(self) -> bool:
        """True when a request may still run after API Gateway has answered the caller 504."""
        return self.timeout_seconds > API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS


def timeout_budget(response_time_floor_ms: int) -> TimeoutBudget:
    """The worst case for the stack's settings (the floor) and the function's defaults for the Cognito timeouts,
    which the stack does not change. Raises ConfigError (synth stops with its message) when no Lambda timeout can
    cover it."""
    secret_read = call_seconds(SECRETS_MANAGER)
    # Each round is a GetItem and a PutItem; another round follows only a lost conditional write.
    limiter = LIMITER_MAX_ROUNDS * 2 * call_seconds(DYNAMODB)
    cognito_call = call_seconds(
        CallLimits(
            connect_timeout=float(COGNITO_CONNECT_TIMEOUT_SECONDS.default),
            read_timeout=float(COGNITO_READ_TIMEOUT_SECONDS.default),
            attempts=COGNITO_ATTEMPTS,
        )
    )
    # The pseudonym key, the credentials, the limiter, Cognito; then the credentials again and Cognito again.
    calls = secret_read + secret_read + limiter + cognito_call + secret_read + cognito_call
    floor = response_time_floor_ms / 1000
    total = max(calls, floor) + HANDLER_OVERHEAD_SECONDS
    budget = TimeoutBudget(secret_read, limiter, cognito_call, calls, floor, total)
    if budget.timeout_seconds > LAMBDA_MAX_TIMEOUT_SECONDS:
        raise ConfigError(
            f"responseTimeFloorMs: the function's worst case is {budget.timeout_seconds} s, beyond Lambda's "
            f"{LAMBDA_MAX_TIMEOUT_SECONDS} s: lower it or the clients' timeouts (lambda/code_screens/call_limits.py)"
        )
    return budget
