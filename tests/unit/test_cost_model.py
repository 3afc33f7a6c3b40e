"""The cost model's arithmetic, on made-up measurements (the benchmark feeds it real ones)."""

import pytest

from bench import cost_model
from bench.cost_model import NAIVE, Measured, break_even, monthly_cost, stack_design

MEASURED = Measured(warm_valid_ms=1.0, cold_ms=500.0, log_bytes_per_request=800.0)


def test_the_naive_design_pays_secrets_manager_per_request() -> None:
    bill = monthly_cost(NAIVE, MEASURED, 1_000_000)

    assert bill["Secrets Manager"] == pytest.approx(0.40 + 1_000_000 / 10_000 * 0.05)
    assert bill["WAF"] == 0 and bill["X-Ray"] == 0 and bill["Metrics and alarms"] == 0


def test_the_stack_reads_the_secret_once_per_cache_period_per_environment() -> None:
    cached_reads = cost_model.ENVIRONMENTS * cost_model.SECONDS_PER_MONTH / 300

    bill = monthly_cost(stack_design(256), MEASURED, 10_000_000)

    assert bill["Secrets Manager"] == pytest.approx(0.40 + cached_reads / 10_000 * 0.05)


def test_xray_is_free_up_to_its_free_tier() -> None:
    free_volume = int(cost_model.XRAY_FREE_TRACES / cost_model.TRACE_SAMPLING_RATE)

    assert monthly_cost(stack_design(256), MEASURED, free_volume)["X-Ray"] == 0
    assert monthly_cost(stack_design(256), MEASURED, 10_000_000)["X-Ray"] == pytest.approx(2.0)


def test_more_memory_costs_more_per_request_but_waits_the_same_on_aws() -> None:
    small, large = stack_design(128), stack_design(1024)

    assert cost_model.warm_latency_ms(small, MEASURED) > cost_model.warm_latency_ms(large, MEASURED)
    assert cost_model.warm_latency_ms(large, MEASURED) >= cost_model.COGNITO_LATENCY_MS
    assert (
        monthly_cost(large, MEASURED, 1_000_000)["Lambda duration"]
        > monthly_cost(small, MEASURED, 1_000_000)["Lambda duration"]
    )


def test_break_even_is_where_the_stack_first_costs_less() -> None:
    stack = stack_design(256)
    volume = break_even(stack, MEASURED, NAIVE, MEASURED)

    assert volume is not None
    assert sum(monthly_cost(stack, MEASURED, volume).values()) < sum(monthly_cost(NAIVE, MEASURED, volume).values())
    smaller = volume // 2
    assert sum(monthly_cost(stack, MEASURED, smaller).values()) >= sum(monthly_cost(NAIVE, MEASURED, smaller).values())
