"""The function's timeout is the worst case of the calls one request can make, computed from the clients' bounds and
the settings, and docs/operations.md states the same figure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from code_screens.call_limits import DYNAMODB, LIMITER_MAX_ROUNDS, SECRETS_MANAGER
from code_screens.settings import (
    COGNITO_CONNECT_TIMEOUT_SECONDS,
    COGNITO_READ_TIMEOUT_SECONDS,
    DEFAULT_RESPONSE_TIME_FLOOR_MS,
)
from infra.config import ConfigError
from infra.timeout_budget import HANDLER_OVERHEAD_SECONDS, call_seconds, timeout_budget
from tests.synth import Synthesized, synthesize

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def test_the_budget_adds_up_every_call_of_the_worst_case_request() -> None:
    budget = timeout_budget(DEFAULT_RESPONSE_TIME_FLOOR_MS)

    # Written out by hand, from the brief's description of the worst case: two attempts and one backoff of up to
    # 1 s per Secrets Manager and DynamoDB call; Cognito once.
    secret = 2 * (1 + 2) + 1
    dynamodb = 2 * (0.5 + 1) + 1
    cognito = 1 + 3
    assert (budget.secret_read, budget.cognito_call) == (secret, cognito)
    assert budget.limiter == 3 * 2 * dynamodb
    assert budget.calls == 3 * secret + 3 * 2 * dynamodb + 2 * cognito
    assert budget.timeout_seconds == 54
    assert budget.outlives_the_gateway  # said in docs/operations.md: the gateway answers 504 first


def test_the_budget_reads_the_clients_constants_not_copies_of_them() -> None:
    budget = timeout_budget(0)

    assert budget.secret_read == call_seconds(SECRETS_MANAGER)
    assert budget.limiter == LIMITER_MAX_ROUNDS * 2 * call_seconds(DYNAMODB)
    assert budget.cognito_call == COGNITO_CONNECT_TIMEOUT_SECONDS.default + COGNITO_READ_TIMEOUT_SECONDS.default


def test_the_floor_counts_only_when_it_outlasts_the_calls() -> None:
    # The floor pads up to a time from the request's start: it is a lower bound, not an extra wait.
    assert timeout_budget(0).total == timeout_budget(5_000).total
    assert timeout_budget(90_000_000 // 1000).total == 90 + HANDLER_OVERHEAD_SECONDS


def test_a_budget_beyond_lambdas_ceiling_stops_synth_naming_the_setting() -> None:
    with pytest.raises(ConfigError, match=r"^responseTimeFloorMs: .* beyond Lambda's 900 s"):
        timeout_budget(1_000_000)


@pytest.fixture(scope="module")
def longest_floor(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize({"responseTimeFloorMs": "5000"}, tmp_path_factory.mktemp("longest-floor"))


def test_the_synthesized_function_timeout_is_the_computed_one(demo: Synthesized, longest_floor: Synthesized) -> None:
    for synthesized, floor in ((demo, DEFAULT_RESPONSE_TIME_FLOOR_MS), (longest_floor, 5_000)):
        (function,) = [
            r["Properties"]
            for r in synthesized.of_type("AWS::Lambda::Function").values()
            if r["Properties"].get("Handler") == "handler.lambda_handler"
        ]
        assert function["Timeout"] == timeout_budget(floor).timeout_seconds


def test_the_docs_timeout_figure_is_the_computed_one() -> None:
    budget = timeout_budget(DEFAULT_RESPONSE_TIME_FLOOR_MS)
    text = " ".join(OPERATIONS.read_text().split())

    (sentence,) = re.findall(r"Worst case at the defaults: [^)]*\)", text)
    assert f"{budget.timeout_seconds} s" in sentence
    assert f"{budget.secret_read:g} s per secret read" in sentence
    assert f"{budget.limiter:g} s for the limiter" in sentence
    assert f"{budget.cognito_call:g} s per Cognito call" in sentence
    assert f"({budget.timeout_seconds} s at the defaults)" in text  # the "What is deployed" table
