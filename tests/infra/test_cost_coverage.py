"""The cost model prices every billed resource type the stack creates, from one list (bench/cost_model.py)."""

from __future__ import annotations

import pytest

from bench.cost_model import RESOURCE_PRICES, Measured, monthly_cost, stack_design, unpriced
from tests.synth import Synthesized, synthesize

MEASURED = Measured(warm_valid_ms=1.0, cold_ms=500.0, log_bytes_per_request=800.0)


@pytest.fixture(scope="module")
def with_remedy(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """A stack with every optional resource type on: provisioned concurrency (alias, version), the logging role,
    WAF logging (its logging configuration and log delivery's resource policy)."""
    context = {
        "provisionedConcurrency": "1",
        "apiGatewayCloudWatchRole": "true",
        "alarmEmail": "ops@example.com",
        "wafLogging": "true",
    }
    return synthesize(context, tmp_path_factory.mktemp("remedy"))


@pytest.mark.slow  # synthesizes a stack per mode
@pytest.mark.parametrize("mode", ["demo", "existing", "with_remedy"])
def test_every_resource_type_in_the_template_is_priced(mode: str, request: pytest.FixtureRequest) -> None:
    synthesized: Synthesized = request.getfixturevalue(mode)
    types = {resource["Type"] for resource in synthesized.resources.values()}

    assert unpriced(types) == set(), "add these to bench/cost_model.py's RESOURCE_PRICES with their bill line"


def test_a_resource_type_added_without_a_price_is_caught() -> None:
    assert unpriced({"AWS::Lambda::Function", "AWS::SQS::Queue"}) == {"AWS::SQS::Queue"}


def test_every_priced_line_is_on_the_bill() -> None:
    bill = monthly_cost(stack_design(256), MEASURED, 1_000_000)

    lines = set(RESOURCE_PRICES.values()) - {"free"}
    assert lines <= set(bill), lines - set(bill)
    assert all(bill[line] > 0 for line in lines - {"X-Ray"})  # X-Ray is inside its free tier at a million


def test_the_floor_is_billed_time() -> None:
    bill = monthly_cost(stack_design(256), MEASURED, 1_000_000)

    # 1 M requests x at least 0.5 s x 0.25 GB at the arm64 price
    assert bill["Lambda duration"] >= 1_000_000 * 0.5 * 0.25 * 0.0000133334
