"""The clients are built from code_screens/call_limits.py, the numbers the stack's timeout budget reads, and the
backoff figure there is botocore's own."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from botocore.retries.standard import ExponentialBackoff

from code_screens import app_secrets, call_limits, limiter
from code_screens.call_limits import DYNAMODB, SECRETS_MANAGER, CallLimits


def config_limits(config: object) -> CallLimits:
    """The bounds a botocore Config really carries."""
    retries = getattr(config, "retries")  # noqa: B009  (botocore sets its attributes dynamically)
    return CallLimits(
        getattr(config, "connect_timeout"),  # noqa: B009
        getattr(config, "read_timeout"),  # noqa: B009
        retries["total_max_attempts"],
    )


def test_the_secrets_client_uses_the_budgeted_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")  # building a client needs a Region, not a call
    app_secrets.clear_cache()
    try:
        client = app_secrets.prepare()
        assert config_limits(client.meta.config) == SECRETS_MANAGER
        assert client.meta.config.retries["mode"] == "standard"
    finally:
        app_secrets.clear_cache()


def test_the_limiter_client_uses_the_budgeted_bounds_and_rounds() -> None:
    assert config_limits(limiter._CLIENT_CONFIG) == DYNAMODB
    assert limiter._MAX_ROUNDS == call_limits.LIMITER_MAX_ROUNDS


def test_the_budgeted_backoff_is_botocores_longest_wait_before_a_second_attempt() -> None:
    # rand() at its top, a throttling error (the longer base scale), after the first attempt, no retry-after header
    backoff = ExponentialBackoff(
        random=lambda: 1.0, throttling_detector=SimpleNamespace(is_throttling_error_from_context=lambda context: True)
    )
    context = SimpleNamespace(attempt_number=1, http_response=None)

    assert backoff.delay_amount(context) == call_limits.RETRY_BACKOFF_MAX_SECONDS
