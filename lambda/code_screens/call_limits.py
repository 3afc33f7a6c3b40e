"""How long each AWS call of the function may take: timeouts, attempts and rounds, as plain numbers.

The clients (app_secrets.py, limiter.py, cognito.py) build their botocore configs from these, and the stack reads
them at synth to compute the function's timeout (infra/timeout_budget.py), so the two cannot drift apart. Nothing
here imports boto3, botocore or Powertools: the stack imports this module at synth time.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class CallLimits(NamedTuple):
    """One client's bounds: per attempt a connect and a read timeout (seconds), and how many attempts."""

    connect_timeout: float
    read_timeout: float
    attempts: int

    def botocore_config(self) -> dict[str, Any]:
        """Keyword arguments for botocore's Config: these timeouts, standard retries, this many attempts in all."""
        return {
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.read_timeout,
            "retries": {"total_max_attempts": self.attempts, "mode": "standard"},
        }


# Secrets Manager answers in tens of milliseconds; short timeouts keep a stalled call from eating the function's
# whole timeout. Reading is idempotent, so one retry (standard mode, jittered) is safe.
SECRETS_MANAGER = CallLimits(connect_timeout=1, read_timeout=2, attempts=2)
# DynamoDB answers in single-digit milliseconds; short timeouts keep an unreachable table from holding the request
# for long before the limiter fails open. Standard retries (2 attempts) absorb a throttled or dropped call.
DYNAMODB = CallLimits(connect_timeout=0.5, read_timeout=1, attempts=2)
# Rounds of read-then-conditional-write before the limiter gives up on a subject that others keep acquiring.
LIMITER_MAX_ROUNDS = 3
# Cognito is called once per call, never retried by the SDK (a retry could send a second code); its timeouts are
# settings (COGNITO_CONNECT_TIMEOUT_SECONDS, COGNITO_READ_TIMEOUT_SECONDS in settings.py).
COGNITO_ATTEMPTS = 1
# botocore's standard mode waits up to rand(0, 1) x 1 s (its throttling base scale) before a second attempt;
# tests/unit/test_call_limits.py holds this to botocore's own figure.
RETRY_BACKOFF_MAX_SECONDS = 1.0
