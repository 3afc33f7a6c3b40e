"""The stage throttle is a whole-API figure, and the concurrency it calls for is computed, in the docs too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra.api_construct import THROTTLED_METHODS
from infra.capacity import UNFLOORED_REQUEST_MS, capacity
from infra.config import StackConfig
from tests.synth import EXISTING_CONTEXT, Synthesized

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def test_the_routes_throttles_add_up_to_the_whole_api_figure(each_mode: Synthesized) -> None:
    # Given the stage's per-method throttle (API Gateway applies it to each method alone)
    # (the JSON API's; the Cognito door's stage has the same per-method figures: tests/infra/test_cognito_api.py)
    (stage,) = [s for k, s in each_mode.of_type("AWS::ApiGateway::Stage").items() if "CognitoDoor" not in k]
    (settings,) = stage["Properties"]["MethodSettings"]
    context = EXISTING_CONTEXT if "webclient123" in str(each_mode.resources) else {}
    config = StackConfig.from_mapping(context)

    # Then the routes and the Cognito door together get the configured whole-API rate, and at most its burst
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
