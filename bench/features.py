"""What the per-username limiter and the response-time floor cost, per request and per million requests.

The limiter's calls are measured on the emulator (moto's DynamoDB over loopback HTTP, through the function's
own limiter.py and botocore); what they cost in AWS is priced from DynamoDB's on-demand request units and the
Lambda time they add. The floor is pure billed Lambda time: the padding between a request's own duration (the
cost model's warm estimate) and the floor.
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import time
import uuid
from typing import Any

import boto3

from bench import cost_model
from code_screens import limiter
from code_screens.problems import Problem
from code_screens.settings import DEFAULT_RESEND_LIMIT, DEFAULT_RESPONSE_TIME_FLOOR_MS
from local.emulator import Emulator, aws_environment
from local.seed import create_limiter_table

# --- DynamoDB on-demand list prices, us-east-1 (per million request units) ---
DYNAMODB_PER_MILLION_WRU = 0.625
DYNAMODB_PER_MILLION_RRU = 0.125
# A strongly consistent read of an item under 4 KB is 1 RRU; a write of an item under 1 KB is 1 WRU. The item
# (key, at most max_per_window timestamps, version, TTL) is about 150 bytes.
RRU_PER_CHECK = 1
WRU_PER_ALLOWED = 1
# --- assumption (stated in the output) ---
DYNAMODB_ROUND_TRIP_MS = 5.0  # GetItem or PutItem from Lambda in the same Region
STACK_MEMORY_MB = 256  # the stack's default memorySize (infra/config.py)
ACQUISITIONS = int(os.environ.get("BENCH_LIMITER_ACQUISITIONS", "200"))


def _measure_on_emulator(count: int) -> dict[str, float]:
    """Median ms of an allowed and of a refused acquire() against moto's DynamoDB over HTTP."""
    emulator = Emulator("127.0.0.1", 0)
    endpoint = emulator.start()
    saved = dict(os.environ)
    os.environ.update(aws_environment(endpoint, "us-east-1"))
    # The refusals print their metric (EMF) as in Lambda; it needs a namespace, and not this report's stdout.
    os.environ["POWERTOOLS_METRICS_NAMESPACE"] = "Bench"
    limiter._client.cache_clear()
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            return _acquisitions(count)
        finally:
            limiter.configure(None)
            limiter._client.cache_clear()
            os.environ.clear()
            os.environ.update(saved)
            emulator.stop()


def _acquisitions(count: int) -> dict[str, float]:
    table = create_limiter_table(boto3.client("dynamodb"), f"bench-limits-{uuid.uuid4().hex[:8]}")
    limiter.configure(table)
    allowed, refused = [], []
    for _ in range(count):
        subject = uuid.uuid4().hex[:16]
        started = time.perf_counter()
        limiter.acquire(DEFAULT_RESEND_LIMIT, subject)
        allowed.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        try:
            limiter.acquire(DEFAULT_RESEND_LIMIT, subject)
        except Problem:  # the 429 inside the cooldown: what is timed here
            refused.append((time.perf_counter() - started) * 1000)
    return {"allowed_ms": statistics.median(allowed), "refused_ms": statistics.median(refused)}


def _lambda_usd_per_million(ms: float, memory_mb: int) -> float:
    return ms / 1000 * memory_mb / 1024 * cost_model.LAMBDA_ARM_PER_GB_SECOND * 1e6


def feature_costs(warm_request_ms: float, memory_mb: int) -> dict[str, Any]:
    """The figures behind report_lines(); warm_request_ms is the cost model's warm request without the features."""
    measured = _measure_on_emulator(ACQUISITIONS)
    allowed_aws_ms = 2 * DYNAMODB_ROUND_TRIP_MS
    floor_ms = DEFAULT_RESPONSE_TIME_FLOOR_MS
    padding_ms = max(0.0, floor_ms - warm_request_ms - allowed_aws_ms)
    return {
        "emulator": measured,
        "limiter_allowed_aws_ms": allowed_aws_ms,
        "limiter_allowed_usd_per_million": (
            RRU_PER_CHECK * DYNAMODB_PER_MILLION_RRU
            + WRU_PER_ALLOWED * DYNAMODB_PER_MILLION_WRU
            + _lambda_usd_per_million(allowed_aws_ms, memory_mb)
        ),
        "limiter_refused_usd_per_million": RRU_PER_CHECK * DYNAMODB_PER_MILLION_RRU
        + _lambda_usd_per_million(DYNAMODB_ROUND_TRIP_MS, memory_mb),
        "floor_ms": floor_ms,
        "floor_padding_ms": padding_ms,
        "floor_usd_per_million": _lambda_usd_per_million(padding_ms, memory_mb),
        "per_100ms_of_floor_usd_per_million": _lambda_usd_per_million(100, memory_mb),
    }


def report_lines(warm_request_ms: float = cost_model.COGNITO_LATENCY_MS, memory_mb: int = STACK_MEMORY_MB) -> list[str]:
    """Markdown lines for the bench report (bench/run.py calls it with no arguments): the limiter's and the
    floor's cost per request and per million. warm_request_ms is a warm request's own duration in Lambda, by
    default the cost model's Cognito round trip (the handler's own CPU adds a few ms, so the padding is a little
    overstated)."""
    c = feature_costs(warm_request_ms, memory_mb)
    return [
        "",
        f"Per-username limiter and response-time floor ({memory_mb} MB arm64, us-east-1 list prices; "
        "bench/features.py):",
        "",
        "| feature | per request | US$ per million requests |",
        "|---|---|---|",
        f"| limiter, allowed request: 1 GetItem (1 RRU) + 1 conditional PutItem (1 WRU) | "
        f"{c['emulator']['allowed_ms']:.1f} ms on the emulator; ~{c['limiter_allowed_aws_ms']:.0f} ms in AWS "
        f"(assumed {DYNAMODB_ROUND_TRIP_MS:.0f} ms a call) | {c['limiter_allowed_usd_per_million']:.2f} "
        "(DynamoDB 0.75 + the Lambda ms when no floor absorbs them) |",
        f"| limiter, refused request: 1 GetItem (1 RRU) | {c['emulator']['refused_ms']:.1f} ms on the emulator | "
        f"{c['limiter_refused_usd_per_million']:.2f} |",
        f"| response-time floor {c['floor_ms']} ms (default) | {c['floor_padding_ms']:.0f} ms of billed padding "
        f"(floor - {warm_request_ms:.0f} ms warm request - limiter) | {c['floor_usd_per_million']:.2f} |",
        f"| each further 100 ms of floor | 100 ms billed | {c['per_100ms_of_floor_usd_per_million']:.2f} |",
        "",
        "The floor starts when the request reaches the function, so the limiter's DynamoDB time is inside it: with "
        "the floor on, the limiter adds no billed time, only its request units.",
    ]
