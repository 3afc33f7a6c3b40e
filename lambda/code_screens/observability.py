"""Observability, once: the function's one logger, its one way to count, and what each outcome logs and counts.

Metric names live beside this module (metric_names.py), where the stack reads them without importing Powertools.
Every count is one EMF line of its own (Powertools' single_metric), so each can carry its own dimension; the
handler's `@metrics.log_metrics` flushes Powertools' ColdStart metric alone. Log lines carry the request's
user_ref (a keyed pseudonym of the username, appended by the pipeline), never a username, code or secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger, Metrics, single_metric
from aws_lambda_powertools.metrics import MetricUnit

from code_screens import metric_names as names
from code_screens.operations import Kind, Operation, Outcome
from code_screens.problems import Problem, ProblemType

# One logger for the whole function: Logger() takes the service (POWERTOOLS_SERVICE_NAME) when this module is
# imported, which Lambda's environment, the local server and the tests all name first.
logger = Logger()
metrics = Metrics()


def count(name: str, dimension: str | None = None, value: str | None = None) -> None:
    """Count one `name` (a metric_names constant), with one dimension when both `dimension` and `value` are given:
    one EMF document of its own, written at once, whatever Powertools' debugging switches say (single_metric does
    not read them: the alarms watch these counts).

    Powertools adds the `service` dimension; the namespace is POWERTOOLS_METRICS_NAMESPACE.
    """
    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=metrics.namespace) as metric:
        if dimension and value:
            metric.add_dimension(name=dimension, value=value)


def record_rejection(problem: Problem, fields: list[str]) -> None:
    """A request refused before it reached AWS (bad input, origin, route, method, the per-username limit).

    `fields`: the top-level request fields the errors are about, never a name the caller invented.
    """
    logger.info("Request rejected", extra={"code": problem.problem_type.code, "fields": fields})
    count(names.REQUEST_REJECTED, names.REASON, problem.problem_type.code)


def record_upstream_failure(source: str, reason: str, answer: ProblemType) -> None:
    """Cognito ("cognito-idp") or Secrets Manager ("secretsmanager") failed and the caller is answered `answer`;
    `reason` is the AWS error code or the network failure's name."""
    log = logger.error if answer.status >= 500 else logger.warning
    log("Upstream call failed", extra={"source": source, "reason": reason, "code": answer.code})
    if source == "cognito-idp":
        count(names.COGNITO_ERROR, names.ERROR_CODE, reason)
        # One undimensioned count of failures the caller saw, for a single CloudWatch alarm.
        count(names.COGNITO_FAILURE)
    else:
        count(names.SECRETS_MANAGER_ERROR, names.REASON, reason)


def record_outcome(
    operation: Operation,
    outcome: Outcome,
    reason: str,
    response: Mapping[str, Any] | None,
    *,
    secret_refreshed: bool,
) -> None:
    """Log and count what one Cognito call came to, as the operation's outcome table says.

    `reason`: the refusal's or failure's reason (unused on success); `response`: Cognito's answer on success.
    """
    if secret_refreshed:
        count(names.SECRET_REFRESHED)
    if outcome.kind is Kind.SUCCEEDED:
        success = operation.success(response or {})
        logger.info(operation.success_log, extra=dict(success.log_fields))
        count(operation.success_metric, operation.success_dimension, success.dimension_value)
    elif outcome.kind is Kind.FAILED:
        assert outcome.answer is not None  # a failure is always answered with a problem
        record_upstream_failure("cognito-idp", reason, outcome.answer)
    else:
        fields = {operation.reason_log_field: reason}
        if outcome.answer is not None:
            fields["code"] = outcome.answer.code
        if outcome.kind is Kind.ACCOUNT_FAULT:
            logger.warning(operation.account_fault_log, extra=fields)
            count(names.COGNITO_FAILURE_ANSWERED_NEUTRALLY)
        else:
            logger.info(operation.refused_log, extra=fields)
        count(operation.refusal_metric, operation.refusal_dimension, reason)
    if outcome.setup:
        # Undimensioned, so one alarm can take its share of all requests (metric_names.COGNITO_SETUP_REFUSAL).
        count(names.COGNITO_SETUP_REFUSAL)


def record_floor_exceeded(over_ms: int) -> None:
    """An answer that reached Cognito took `over_ms` longer than the response-time floor: its timing showed."""
    logger.warning("Response time floor exceeded", extra={"over_ms": over_ms})
    count(names.RESPONSE_TIME_FLOOR_EXCEEDED)
