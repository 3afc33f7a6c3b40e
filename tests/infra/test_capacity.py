"""The stage throttle is a whole-API figure, and the concurrency it calls for is computed, in the docs too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra.api_construct import RECOVERY_METHODS, RECOVERY_ROUTES, THROTTLED_METHODS
from infra.capacity import ACCOUNT_RECOVERY_QUOTA_RPS, UNFLOORED_REQUEST_MS, capacity, recovery_throttle
from infra.config import ConfigError, StackConfig
from tests.synth import EXISTING_CONTEXT, Synthesized, synthesize

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def test_the_routes_throttles_add_up_to_the_whole_api_figure(each_mode: Synthesized) -> None:
    # Given the stage's per-method throttle (API Gateway applies it to each method alone)
    # (the JSON API's; the Cognito door's stage has the same per-method figures: tests/infra/test_cognito_api.py)
    (stage,) = [s for k, s in each_mode.of_type("AWS::ApiGateway::Stage").items() if "CognitoDoor" not in k]
    (settings,) = [m for m in stage["Properties"]["MethodSettings"] if m["ResourcePath"] == "/*"]
    context = EXISTING_CONTEXT if "webclient123" in str(each_mode.resources) else {}
    config = StackConfig.from_mapping(context)

    # Then each method's share is the configured whole-API rate over the routes and the Cognito door (the password
    # resets and the door may get less: the account-recovery budget below), and at most its burst
    assert settings["ThrottlingRateLimit"] * THROTTLED_METHODS == pytest.approx(config.throttle_rate_limit)
    assert settings["ThrottlingBurstLimit"] * THROTTLED_METHODS <= config.throttle_burst_limit


def test_concurrency_is_rate_times_the_floor_and_a_burst_on_top() -> None:
    with_floor = capacity(20, 40, 2, 500)
    without = capacity(20, 40, 2, 0)

    assert (with_floor.route_rate, with_floor.route_burst) == (10, 20)
    assert (with_floor.steady_concurrency, with_floor.peak_concurrency) == (10, 50)
    assert without.request_seconds == UNFLOORED_REQUEST_MS / 1000
    assert without.steady_concurrency == 6
    assert capacity(3, 3, 4, 500).route_burst == 1  # never a burst of 0, which would refuse everything


def test_the_docs_capacity_figures_are_the_computed_ones() -> None:
    # Given the default settings
    config = StackConfig.from_mapping({})
    computed = capacity(
        config.throttle_rate_limit, config.throttle_burst_limit, THROTTLED_METHODS, config.response_time_floor_ms
    )
    text = " ".join(OPERATIONS.read_text().split())

    # Then docs/operations.md states exactly those figures (a changed default or route count fails until updated)
    (sentence,) = re.findall(r"Capacity at the defaults: .*?\.(?=\s|$)", text)  # a decimal point is not the end
    assert f"{config.throttle_rate_limit} requests a second for the whole API" in sentence
    assert f"{computed.route_rate:g} per route" in sentence
    assert f"{computed.steady_concurrency} concurrent executions" in sentence
    assert f"{computed.peak_concurrency} during a full burst" in sentence


@pytest.mark.parametrize("context", [{}, {"throttleRateLimit": "5000", "throttleBurstLimit": "5000"}])
@pytest.mark.slow  # synthesizes stacks of its own
def test_the_methods_that_reach_account_recovery_stay_within_cognitos_quota(
    context: dict[str, str], tmp_path: Path
) -> None:
    # Given a stack, at the defaults and at the largest whole-API throttle it accepts
    synthesized = synthesize(context, tmp_path)
    config = StackConfig.from_mapping(context)
    recovery = []
    for stage_id, stage in synthesized.of_type("AWS::ApiGateway::Stage").items():
        settings = {m["ResourcePath"]: m for m in stage["Properties"]["MethodSettings"]}
        if "CognitoDoor" in stage_id:
            recovery.append(settings["/*"])  # POST / carries every operation, the resets included
        else:
            recovery += [settings["/" + route.path.replace("/", "~1")] for route in RECOVERY_ROUTES]

    # Then the two reset routes and the door, each a token bucket, admit at most Cognito's 30 a second together,
    # bursts included, and share the configured budget equally
    assert len(recovery) == RECOVERY_METHODS == 3
    worst_second = sum(m["ThrottlingRateLimit"] + m["ThrottlingBurstLimit"] for m in recovery)
    assert worst_second <= ACCOUNT_RECOVERY_QUOTA_RPS
    assert sum(m["ThrottlingRateLimit"] for m in recovery) == pytest.approx(config.account_recovery_rate_limit)


def test_the_recovery_budget_never_exceeds_the_quota_in_a_second_and_never_raises_a_share() -> None:
    for rate in range(1, 16):
        share = recovery_throttle(capacity(20, 40, THROTTLED_METHODS, 0), rate, RECOVERY_METHODS)
        assert share.worst_second <= ACCOUNT_RECOVERY_QUOTA_RPS
        assert share.method_rate <= 20 / THROTTLED_METHODS
    # A whole-API share below the budget's is kept: the budget only ever lowers a method's throttle.
    small = recovery_throttle(capacity(3, 3, THROTTLED_METHODS, 0), 15, RECOVERY_METHODS)
    assert (small.method_rate, small.method_burst) == (3 / THROTTLED_METHODS, 1)
    with pytest.raises(ValueError, match="account-recovery quota"):
        recovery_throttle(capacity(5_000, 5_000, THROTTLED_METHODS, 0), 30, RECOVERY_METHODS)


@pytest.mark.parametrize("value", ["0", "16"])
def test_the_recovery_budget_is_bounded_in_the_context(value: str) -> None:
    with pytest.raises(ConfigError, match="accountRecoveryRateLimit"):
        StackConfig.from_mapping({"accountRecoveryRateLimit": value})


def test_the_docs_recovery_figures_are_the_computed_ones() -> None:
    config = StackConfig.from_mapping({})
    share = recovery_throttle(
        capacity(config.throttle_rate_limit, config.throttle_burst_limit, THROTTLED_METHODS, 0),
        config.account_recovery_rate_limit,
        RECOVERY_METHODS,
    )
    text = " ".join(OPERATIONS.read_text().split())

    assert (
        f"{config.account_recovery_rate_limit} rps is {share.method_rate:.3g} rps and a burst of "
        f"{share.method_burst} each, at most {share.worst_second:g} requests in any one second" in text
    )
