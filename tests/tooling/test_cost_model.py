"""The cost model's arithmetic, on made-up measurements (the benchmark feeds it real ones)."""

import dataclasses

import pytest

from bench import cost_model
from bench.cost_model import NAIVE, Measured, break_even, monthly_cost, stack_design

MEASURED = Measured(warm_valid_ms=1.0, cold_ms=500.0, log_bytes_per_request=800.0)


def test_the_naive_design_pays_secrets_manager_per_request() -> None:
    bill = monthly_cost(NAIVE, MEASURED, 1_000_000)

    assert bill["Secrets Manager"] == pytest.approx(0.40 + 1_000_000 / 10_000 * 0.05)
    assert bill["WAF"] == 0 and bill["X-Ray"] == 0 and bill["Metrics and alarms"] == 0


def test_the_stack_reads_each_secret_once_per_cache_period_per_environment() -> None:
    # Two secrets: the app client's and the pseudonym key
    cached_reads = cost_model.SECRETS * cost_model.ENVIRONMENTS * cost_model.SECONDS_PER_MONTH / 300

    bill = monthly_cost(stack_design(256), MEASURED, 10_000_000)

    assert bill["Secrets Manager"] == pytest.approx(cost_model.SECRETS * 0.40 + cached_reads / 10_000 * 0.05)


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
    # Against a naive design that waits 2 s on AWS per request: there is a volume from which the stack is cheaper.
    stack, slow_naive = stack_design(256), dataclasses.replace(NAIVE, aws_calls_ms=2_000)
    volume = break_even(stack, MEASURED, slow_naive, MEASURED)

    assert volume is not None
    naive = slow_naive
    assert sum(monthly_cost(stack, MEASURED, volume).values()) < sum(monthly_cost(naive, MEASURED, volume).values())
    smaller = volume // 2
    assert sum(monthly_cost(stack, MEASURED, smaller).values()) >= sum(monthly_cost(naive, MEASURED, smaller).values())


def test_provisioned_concurrency_costs_one_environment_all_month_less_what_it_saves() -> None:
    stack = stack_design(256)
    always_on = 0.25 * cost_model.SECONDS_PER_MONTH * cost_model.PROVISIONED_ARM_PER_GB_SECOND

    few = cost_model.cold_start_remedy_cost(cost_model.PROVISIONED, stack, MEASURED, 100_000)
    many = cost_model.cold_start_remedy_cost(cost_model.PROVISIONED, stack, MEASURED, 1_000_000)

    assert always_on == pytest.approx(2.16, abs=0.01)
    assert many < few < always_on  # its cheaper duration and the INIT it saves grow with traffic


def test_snap_start_costs_its_cached_snapshot_and_a_restore_per_cold_start() -> None:
    stack = stack_design(256)
    cache = 0.25 * cost_model.SECONDS_PER_MONTH * cost_model.SNAPSTART_CACHE_PER_GB_SECOND
    restores = cost_model.COLD_STARTS_PER_MONTH * 0.25 * cost_model.SNAPSTART_RESTORE_PER_GB
    init = cost_model.COLD_STARTS_PER_MONTH * 0.5 * 0.25 * cost_model.LAMBDA_ARM_PER_GB_SECOND

    cost = cost_model.cold_start_remedy_cost(cost_model.SNAPSTART, stack, MEASURED, 1_000_000)

    assert cost == pytest.approx(cache + restores - init)
    with pytest.raises(ValueError, match="unknown cold-start remedy"):
        cost_model.cold_start_remedy_cost("warmer", stack, MEASURED, 1_000_000)
