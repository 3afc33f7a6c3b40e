"""Lambda entry point: POST /resend-confirmation-code behind an API Gateway REST API (Lambda proxy integration).

The story of a request: check the origin, parse and validate the body, pick the app client, read its secret
(cached), compute SECRET_HASH, call Cognito, and answer the same thing whether or not the account exists.
"""

from __future__ import annotations

import gc

# The garbage collector would run dozens of times during INIT's imports (about 30 ms of a cold start) and find
# nothing to free: everything imported lives as long as the environment. It is off until INIT ends, then those
# objects are frozen out of its sight (gc.freeze) so later collections skip them. No gc.collect(): it costs more.
gc.disable()

import warnings
from typing import Any

from aws_lambda_powertools import Logger, Metrics, single_metric
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from resend_code import client_secrets, snapstart
from resend_code import metric_names as names
from resend_code.problems import (
    INTERNAL_ERROR,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    ORIGIN_NOT_ALLOWED,
    PROBLEM_CONTENT_TYPE,
    UNKNOWN_CLIENT_ID,
    Problem,
    render_problem,
)
from resend_code.pseudonym import user_reference
from resend_code.refusal_kinds import is_setup_refusal
from resend_code.request_model import ResendConfirmationCodeRequest
from resend_code.request_parsing import parse_request, raw_body
from resend_code.resend import (
    ResendOutcome,
    UpstreamProblem,
    cognito_client,
    load_credentials,
    resend_confirmation_code,
)
from resend_code.response_model import AcceptedResponse, CodeDeliveryDetails
from resend_code.route import ROUTE_METHOD, ROUTE_PATH
from resend_code.settings import ConfigurationError, Settings
from resend_code.tracing import traced_when_sampled

# Whatever happened, the caller reads this one sentence: a sent code, an unknown user and a confirmed user
# must be indistinguishable (see docs/api.md, "Account enumeration").
NEUTRAL_MESSAGE = "If this account exists and still needs confirming, a new code is on its way."

# Responses carry per-user outcomes: nothing in between may cache them, and browsers must not sniff types.
COMMON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

logger = Logger()
metrics = Metrics()
# Outcome counts go through single_metric (per-reason dimensions), so the decorator's flush often has nothing of
# its own to publish; that is expected here, not a mistake worth a warning on every request.
warnings.filterwarnings("ignore", message="No application metrics to publish")
# Tracing: see resend_code/tracing.py (the Tracer and the X-Ray SDK are built on the first sampled request).

# Read once per execution environment. A bad setting must not crash the import (API Gateway would answer a
# bare 502): it is kept, logged on each request and answered with a generic 500.
try:
    SETTINGS: Settings | None = Settings.from_env()
    CONFIGURATION_ERROR: str | None = None
except ConfigurationError as configuration_error:
    SETTINGS, CONFIGURATION_ERROR = None, str(configuration_error)


def _cors(settings: Settings | None) -> CORSConfig | None:
    if settings is None or not settings.allowed_origins:
        return None
    first, *others = settings.allowed_origins
    # Retry-After must be exposed, or a cross-origin page cannot read how long to wait after a 429.
    return CORSConfig(allow_origin=first, extra_origins=others, expose_headers=["Retry-After"], max_age=600)


CORS = _cors(SETTINGS)
app = APIGatewayRestResolver(cors=CORS)

# Both AWS clients are built during INIT, with no network call: loading botocore's service models is most of a
# cold start's CPU work, and INIT runs before the first caller waits (and, where Lambda initialises ahead of
# traffic, before any caller). The secret itself is read on first use.
if SETTINGS is not None:
    # With SnapStart, environments restored from one snapshot must not share these clients' connections.
    snapstart.register_hooks(
        [
            cognito_client(SETTINGS.cognito_connect_timeout_seconds, SETTINGS.cognito_read_timeout_seconds),
            client_secrets.prepare(),
        ]
    )

# End of INIT's heavy part (see gc.disable() above).
gc.freeze()
gc.enable()


# No @tracer.capture_method here: it logs every exception with a stack trace, and a Problem is an answer, not
# a fault. The handler's segment and Tracer's automatic boto3 subsegments already show where time goes.
@app.post(ROUTE_PATH)
def post_resend_confirmation_code() -> Response[str]:
    """Resend a sign-up confirmation code for the username in the body."""
    settings = _settings()
    event = app.current_event
    _check_origin(settings, event.headers.get("origin"))
    request = parse_request(raw_body(event.body, bool(event.is_base64_encoded)), event.headers.get("content-type"))

    client_id = request.client_id or settings.default_client_id
    secret_id = settings.secret_id_for(client_id)
    if secret_id is None:
        raise Problem(UNKNOWN_CLIENT_ID)
    credentials = load_credentials(client_id, secret_id)
    logger.append_keys(user_ref=user_reference(request.username, credentials.client_secret))

    caller_ip = event.request_context.identity.source_ip if settings.forward_caller_ip else None
    client = cognito_client(settings.cognito_connect_timeout_seconds, settings.cognito_read_timeout_seconds)
    outcome = resend_confirmation_code(
        client,
        request,
        credentials,
        caller_ip,
        refresh_credentials=lambda: load_credentials(client_id, secret_id, force_fetch=True),
    )
    _record(outcome)
    return _accepted(outcome, reveal=settings.reveal_delivery_details)


def _settings() -> Settings:
    if SETTINGS is None:
        logger.error("Invalid configuration", extra={"configuration_error": CONFIGURATION_ERROR})
        raise Problem(INTERNAL_ERROR)
    return SETTINGS


def _check_origin(settings: Settings, origin: str | None) -> None:
    # Browsers always send Origin on a cross-origin POST; refusing here, not only in the preflight, means a
    # disallowed page gets nothing sent even when a preflight was skipped or forged.
    if origin is not None and origin not in settings.allowed_origins:
        raise Problem(ORIGIN_NOT_ALLOWED)


def _record(outcome: ResendOutcome) -> None:
    if outcome.secret_refreshed:
        _count(names.SECRET_REFRESHED)
    if outcome.delivery is not None:
        logger.info("Code sent", extra={"delivery_medium": outcome.delivery.delivery_medium})
        _count(names.CODE_SENT, names.DELIVERY_MEDIUM, outcome.delivery.delivery_medium or "UNKNOWN")
    else:
        logger.info("Resend refused by Cognito; answered neutrally", extra={"cognito_error": outcome.suppressed_error})
        _count(names.COGNITO_ERROR, names.ERROR_CODE, outcome.suppressed_error or "Unknown")
        _count_setup_refusal(outcome.suppressed_error or "Unknown")


def _accepted(outcome: ResendOutcome, *, reveal: bool) -> Response[str]:
    details = None
    if reveal and outcome.delivery is not None:
        details = CodeDeliveryDetails(
            destination=outcome.delivery.destination,
            delivery_medium=outcome.delivery.delivery_medium,
            attribute_name=outcome.delivery.attribute_name,
        )
    body = AcceptedResponse(message=NEUTRAL_MESSAGE, code_delivery_details=details)
    return Response(
        status_code=200,
        content_type="application/json",
        body=body.model_dump_json(by_alias=True, exclude_none=True),
        headers=dict(COMMON_HEADERS),
    )


def _count(name: str, dimension: str | None = None, value: str | None = None) -> None:
    # One metric per dimension value: Powertools' Metrics shares dimensions across a flush, so per-reason
    # counts go through single_metric.
    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=metrics.namespace) as metric:
        if dimension and value:
            metric.add_dimension(name=dimension, value=value)


def _count_setup_refusal(error_code: str) -> None:
    # Undimensioned, so one alarm can take its share of all requests (metric_names.COGNITO_SETUP_REFUSAL).
    if is_setup_refusal(error_code):
        metrics.add_metric(name=names.COGNITO_SETUP_REFUSAL, unit=MetricUnit.Count, value=1)


def _problem_response(problem: Problem) -> Response[str]:
    rendered = render_problem(problem)
    return Response(
        status_code=problem.problem_type.status,
        content_type=PROBLEM_CONTENT_TYPE,
        body=rendered.body,
        headers={**COMMON_HEADERS, **rendered.headers},
    )


@app.exception_handler(UpstreamProblem)
def _upstream_problem(problem: UpstreamProblem) -> Response[str]:
    log = logger.error if problem.problem_type.status >= 500 else logger.warning
    log(
        "Upstream call failed",
        extra={"source": problem.source, "reason": problem.reason, "code": problem.problem_type.code},
    )
    if problem.source == "cognito-idp":
        _count(names.COGNITO_ERROR, names.ERROR_CODE, problem.reason)
        # One undimensioned count of failures the caller saw, for a single CloudWatch alarm.
        metrics.add_metric(name=names.COGNITO_FAILURE, unit=MetricUnit.Count, value=1)
        _count_setup_refusal(problem.reason)
    else:
        _count(names.SECRETS_MANAGER_ERROR, names.REASON, problem.reason)
    return _problem_response(problem)


@app.exception_handler(Problem)
def _problem(problem: Problem) -> Response[str]:
    return _rejected(problem)


def _rejected(problem: Problem) -> Response[str]:
    if problem.problem_type.status >= 500:
        return _problem_response(problem)
    logger.info("Request rejected", extra={"code": problem.problem_type.code, "fields": _logged_fields(problem)})
    _count(names.REQUEST_REJECTED, names.REASON, problem.problem_type.code)
    return _problem_response(problem)


# Field names a caller invents (unknown fields, clientMetadata keys) could hold anything, an address included:
# rejections log only the request's own top-level field names.
REQUEST_FIELDS = frozenset(field.alias or name for name, field in ResendConfirmationCodeRequest.model_fields.items())


def _logged_fields(problem: Problem) -> list[str]:
    return [top if (top := error.field.split(".")[0]) in REQUEST_FIELDS else "(other)" for error in problem.errors]


@app.not_found
def _not_found(_: NotFoundError) -> Response[str]:
    if app.current_event.path == ROUTE_PATH:
        allowed = f"{ROUTE_METHOD}, OPTIONS" if CORS else ROUTE_METHOD
        return _rejected(Problem(METHOD_NOT_ALLOWED, headers={"Allow": allowed}))
    return _rejected(Problem(NOT_FOUND))


@app.exception_handler(Exception)
def _unexpected(error: Exception) -> Response[str]:
    # The stack trace goes to the log only; the caller gets the generic problem.
    logger.exception("Unhandled error", extra={"error_type": type(error).__name__})
    return _problem_response(Problem(INTERNAL_ERROR))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
@traced_when_sampled
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """API Gateway REST proxy event in, proxy response out."""
    return app.resolve(event, context)
