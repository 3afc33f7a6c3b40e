"""Lambda entry point for every route of the API Gateway REST API (Lambda proxy integration).

This file is what every request goes through: Powertools, the resolver and CORS, the exception handlers that turn
a Problem into an RFC 9457 answer. Each route's own story is a module of its own, listed in resend_code.routes:
resend_route.py (POST /resend-confirmation-code) and confirm_route.py (POST /confirm-sign-up).
"""

from __future__ import annotations

import gc

# The garbage collector would run dozens of times during INIT's imports (about 30 ms of a cold start) and find
# nothing to free: everything imported lives as long as the environment. It is off until INIT ends, then those
# objects are frozen out of its sight (gc.freeze) so later collections skip them. No gc.collect(): it costs more.
gc.disable()

# Three Powertools packages import every module beside them (every resolver, every event class, every parameter
# provider) where this function uses one or two of each: their names load on first use instead
# (resend_code/lazy_packages.py). It must come before anything imports them.
from resend_code.lazy_packages import defer_package_inits

defer_package_inits()

import warnings
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from resend_code import client_secrets, confirm_route, limiter, resend_route, snapstart
from resend_code import metric_names as names
from resend_code.answers import count, count_setup_refusal, problem_response
from resend_code.cognito_call import UpstreamProblem, cognito_client
from resend_code.problems import INTERNAL_ERROR, METHOD_NOT_ALLOWED, NOT_FOUND, Problem
from resend_code.routes import CONFIRM_SIGN_UP, RESEND_CONFIRMATION_CODE, ROUTES, route_for
from resend_code.settings import ConfigurationError, Settings
from resend_code.tracing import traced_when_sampled

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
if SETTINGS is not None and SETTINGS.allowed_origins_error:
    # Said once at INIT, and again on each request it refuses (see _check_origin).
    logger.error("Invalid configuration", extra={"configuration_error": SETTINGS.allowed_origins_error})


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
    limiter_client = limiter.configure(SETTINGS.limiter_table_name)
    snapstart.register_hooks(
        [
            cognito_client(SETTINGS.cognito_connect_timeout_seconds, SETTINGS.cognito_read_timeout_seconds),
            client_secrets.prepare(),
            *([limiter_client] if limiter_client is not None else []),
        ]
    )

# End of INIT's heavy part (see gc.disable() above).
gc.freeze()
gc.enable()


# No @tracer.capture_method here: it logs every exception with a stack trace, and a Problem is an answer, not
# a fault. The handler's segment and Tracer's automatic boto3 subsegments already show where time goes.
@app.post(RESEND_CONFIRMATION_CODE.path)
def post_resend_confirmation_code() -> Response[str]:
    """Resend a sign-up confirmation code for the username in the body (resend_route.py)."""
    return resend_route.handle(app.current_event, _settings())


@app.post(CONFIRM_SIGN_UP.path)
def post_confirm_sign_up() -> Response[str]:
    """Confirm a sign-up with the code the user received (confirm_route.py)."""
    return confirm_route.handle(app.current_event, _settings())


def _settings() -> Settings:
    if SETTINGS is None:
        logger.error("Invalid configuration", extra={"configuration_error": CONFIGURATION_ERROR})
        raise Problem(INTERNAL_ERROR)
    return SETTINGS


@app.exception_handler(UpstreamProblem)
def _upstream_problem(problem: UpstreamProblem) -> Response[str]:
    log = logger.error if problem.problem_type.status >= 500 else logger.warning
    log(
        "Upstream call failed",
        extra={"source": problem.source, "reason": problem.reason, "code": problem.problem_type.code},
    )
    if problem.source == "cognito-idp":
        count(names.COGNITO_ERROR, names.ERROR_CODE, problem.reason)
        # One undimensioned count of failures the caller saw, for a single CloudWatch alarm.
        metrics.add_metric(name=names.COGNITO_FAILURE, unit=MetricUnit.Count, value=1)
        count_setup_refusal(problem.reason)
    else:
        count(names.SECRETS_MANAGER_ERROR, names.REASON, problem.reason)
    return problem_response(problem)


@app.exception_handler(Problem)
def _problem(problem: Problem) -> Response[str]:
    return _rejected(problem)


def _rejected(problem: Problem) -> Response[str]:
    if problem.problem_type.status >= 500:
        return problem_response(problem)
    logger.info("Request rejected", extra={"code": problem.problem_type.code, "fields": _logged_fields(problem)})
    count(names.REQUEST_REJECTED, names.REASON, problem.problem_type.code)
    return problem_response(problem)


# Field names a caller invents (unknown fields, clientMetadata keys) could hold anything, an address included:
# rejections log only the request's own top-level field names.
REQUEST_FIELDS = frozenset(
    field.alias or name for route in ROUTES for name, field in route.request_model.model_fields.items()
)


def _logged_fields(problem: Problem) -> list[str]:
    return [top if (top := error.field.split(".")[0]) in REQUEST_FIELDS else "(other)" for error in problem.errors]


@app.not_found
def _not_found(_: NotFoundError) -> Response[str]:
    route = route_for(app.current_event.path)
    if route is not None:
        allowed = f"{route.method}, OPTIONS" if CORS else route.method
        return _rejected(Problem(METHOD_NOT_ALLOWED, headers={"Allow": allowed}))
    return _rejected(Problem(NOT_FOUND))


@app.exception_handler(Exception)
def _unexpected(error: Exception) -> Response[str]:
    # The stack trace goes to the log only; the caller gets the generic problem.
    logger.exception("Unhandled error", extra={"error_type": type(error).__name__})
    return problem_response(Problem(INTERNAL_ERROR))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
@traced_when_sampled
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """API Gateway REST proxy event in, proxy response out."""
    return app.resolve(event, context)
