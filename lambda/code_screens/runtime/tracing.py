"""X-Ray tracing through Powertools' Tracer, built only when a request is sampled.

Importing the X-Ray SDK and patching libraries is a fixed cost of every cold start (tens of milliseconds, see
docs/performance.md), yet the stack samples 5 % of requests and an unsampled request records nothing. So the
Tracer, and with it the X-Ray SDK, is built on the first sampled invocation of an execution environment, and it
patches botocore alone: every boto3 call (Secrets Manager, Cognito) is still a subsegment of a sampled trace,
and nothing else this function never uses (requests, httplib, sqlite3...) is imported or patched.

Lambda says whether an invocation is sampled in the `_X_AMZN_TRACE_ID` variable it sets for each one
(https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

TRACE_HEADER_VARIABLE = "_X_AMZN_TRACE_ID"
PATCHED_MODULES = ("botocore",)

Handler = TypeVar("Handler", bound=Callable[..., Any])


def is_sampled(trace_header: str | None) -> bool:
    """True when an X-Ray trace header ("Root=...;Parent=...;Sampled=1") says the request is sampled."""
    if not trace_header:
        return False
    return any(part.strip() == "Sampled=1" for part in trace_header.split(";"))


def traced_when_sampled(handler: Handler) -> Handler:
    """Decorate a Lambda handler: Tracer.capture_lambda_handler on sampled invocations, a plain call otherwise.

    The Tracer is built on the first sampled invocation and kept for the environment's life.
    """
    invocations = 0
    traced: Callable[..., Any] | None = None

    @functools.wraps(handler)
    def wrapper(event: Any, context: Any) -> Any:
        nonlocal invocations, traced
        invocations += 1
        if not is_sampled(os.environ.get(TRACE_HEADER_VARIABLE)):
            return handler(event, context)
        if traced is None:
            traced = _build_traced(handler, first_invocation=invocations == 1)
        return traced(event, context)

    return wrapper  # type: ignore[return-value]


def _build_traced(handler: Callable[..., Any], *, first_invocation: bool) -> Callable[..., Any]:
    from aws_lambda_powertools import Tracer
    from aws_lambda_powertools.tracing import tracer as tracer_module

    # Powertools annotates its first traced invocation as the cold start; built late, that one is not.
    if not first_invocation:
        tracer_module.is_cold_start = False
    tracer = Tracer(patch_modules=PATCHED_MODULES)
    # capture_response=False: a response may carry a masked destination; X-Ray is not the place for it.
    return tracer.capture_lambda_handler(handler, capture_response=False)
