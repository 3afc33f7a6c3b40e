"""How every route answers: JSON bodies and problems with the same headers, and per-reason metric counts."""

from __future__ import annotations

from aws_lambda_powertools import Metrics, single_metric
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel

from resend_code import metric_names as names
from resend_code.problems import PROBLEM_CONTENT_TYPE, Problem, render_problem
from resend_code.refusal_kinds import is_setup_refusal

# Responses carry per-user outcomes: nothing in between may cache them, and browsers must not sniff types.
COMMON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

# Metrics instances share one set of metrics and the namespace from POWERTOOLS_METRICS_NAMESPACE; the handler's
# instance flushes them.
_metrics = Metrics()


def json_response(body: BaseModel, status: int = 200) -> Response[str]:
    """A JSON answer from a response model, camelCase, without null fields."""
    return Response(
        status_code=status,
        content_type="application/json",
        body=body.model_dump_json(by_alias=True, exclude_none=True),
        headers=dict(COMMON_HEADERS),
    )


def problem_response(problem: Problem) -> Response[str]:
    """An RFC 9457 answer, with Retry-After when the problem type has one."""
    rendered = render_problem(problem)
    return Response(
        status_code=problem.problem_type.status,
        content_type=PROBLEM_CONTENT_TYPE,
        body=rendered.body,
        headers={**COMMON_HEADERS, **rendered.headers},
    )


def count(name: str, dimension: str | None = None, value: str | None = None) -> None:
    """Count one `name` (a metric_names constant), with one dimension when given."""
    # One metric per dimension value: Powertools' Metrics shares dimensions across a flush, so per-reason
    # counts go through single_metric.
    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=_metrics.namespace) as metric:
        if dimension and value:
            metric.add_dimension(name=dimension, value=value)


def count_setup_refusal(error_code: str) -> None:
    """Count a Cognito refusal that points at the pool's, client's or account's set-up (refusal_kinds.py)."""
    # Undimensioned, so one alarm can take its share of all requests (metric_names.COGNITO_SETUP_REFUSAL).
    if is_setup_refusal(error_code):
        _metrics.add_metric(name=names.COGNITO_SETUP_REFUSAL, unit=MetricUnit.Count, value=1)
