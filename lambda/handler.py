"""Lambda entry point for every request of the API Gateway REST API (Lambda proxy integration).

INIT, in order: the garbage collector off and three Powertools packages deferred (runtime/), Powertools and the
settings, the resolver with each door's router, the AWS clients, the operations only where INIT runs ahead of traffic
(runtime/preload.py; otherwise each on its route's first request), then the exception handlers and `lambda_handler`
(logger context, then metrics).
A request's story is told elsewhere: its door (code_screens/doors/), the pipeline every request goes through
(code_screens/pipeline.py) and its operation (code_screens/operations/); docs/architecture.md is the map.
"""

from __future__ import annotations

import gc

# The garbage collector would run dozens of times during INIT's imports (about 30 ms of a cold start) and find
# nothing to free: everything imported lives as long as the environment. It is off until INIT ends, then those
# objects are frozen out of its sight (gc.freeze) so later collections skip them. No gc.collect(): it costs more.
gc.disable()

# Three Powertools packages import every module beside them (every resolver, every event class, every parameter
# provider) where this function uses one or two of each: their names load on first use instead
# (code_screens/runtime/lazy_packages.py). It must come before anything imports them.
from code_screens.runtime.lazy_packages import defer_package_inits, imported_whole

defer_package_inits()

import os
import warnings
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from code_screens import app_secrets, cognito, limiter
from code_screens.doors import cognito_protocol, json_api
from code_screens.observability import logger, metrics
from code_screens.problems import INTERNAL_ERROR, NOT_FOUND, Problem
from code_screens.runtime import snapstart
from code_screens.runtime.preload import preload_operations
from code_screens.settings import ConfigurationError, Settings

# Every count goes through single_metric (observability.py), so the decorator's flush has nothing of its own to
# publish but the cold start: that is expected here, not a mistake worth a warning on every request.
warnings.filterwarnings("ignore", message="No application metrics to publish")

for package in imported_whole():
    # Its __init__ now does more than bind names (a newer layer): it was imported whole, which is correct, only
    # slower to start. Said once per execution environment, at INIT.
    logger.warning("Powertools package imported whole", extra={"package": package})

# Read once per execution environment. A bad setting must not crash the import (API Gateway would answer a
# bare 502): it is kept, logged on each request and answered with a generic 500.
try:
    SETTINGS: Settings | None = Settings.from_env()
    CONFIGURATION_ERROR: str | None = None
except ConfigurationError as configuration_error:
    SETTINGS, CONFIGURATION_ERROR = None, str(configuration_error)
if SETTINGS is not None and SETTINGS.allowed_origins_error:
    # Said once at INIT, and again on each request it refuses (pipeline.check_origin).
    logger.error("Invalid configuration", extra={"configuration_error": SETTINGS.allowed_origins_error})


def _cors(settings: Settings | None) -> CORSConfig | None:
    if settings is None or not settings.allowed_origins:
        return None
    first, *others = settings.allowed_origins
    # Retry-After must be exposed, or a cross-origin page cannot read how long to wait after a 429; x-amzn-ErrorType
    # too, or Amplify in a browser cannot read the Cognito door's error names. The request headers are the ones
    # Amplify JS and the AWS SDK for JavaScript send to the Cognito door.
    return CORSConfig(
        allow_origin=first,
        extra_origins=others,
        allow_headers=list(COGNITO_REQUEST_HEADERS),
        expose_headers=["Retry-After", "x-amzn-ErrorType", "x-amzn-RequestId"],
        max_age=600,
    )


COGNITO_REQUEST_HEADERS = (
    "x-amz-target",
    "x-amz-user-agent",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
    "cache-control",
)


CORS = _cors(SETTINGS)
app = APIGatewayRestResolver(cors=CORS)
app.include_router(json_api.router)
app.include_router(cognito_protocol.router)

# The AWS clients are built during INIT, with no network call: loading botocore's service models is most of a
# cold start's CPU work, and INIT runs before the first caller waits (and, where Lambda initialises ahead of
# traffic, before any caller). The secrets themselves are read on first use.
if SETTINGS is not None:
    # With SnapStart, environments restored from one snapshot must not share these clients' connections.
    limiter_client = limiter.configure(SETTINGS.limiter_table_name)
    snapstart.register_hooks(
        [
            cognito.cognito_client(SETTINGS.cognito_connect_timeout_seconds, SETTINGS.cognito_read_timeout_seconds),
            app_secrets.prepare(),
            *([limiter_client] if limiter_client is not None else []),
        ]
    )

# Each route imports its operation on its first request, except where INIT runs ahead of traffic (SnapStart,
# provisioned concurrency): there every operation is imported now (runtime/preload.py).
preload_operations(os.environ)

# End of INIT's heavy part (see gc.disable() above).
gc.freeze()
gc.enable()


@app.not_found
def _not_found(_: NotFoundError) -> Response[str]:
    event = app.current_event
    if cognito_protocol.speaks_cognito(event.headers):
        # A Cognito client at a wrong path or with a wrong method: answered in the shape it parses.
        return cognito_protocol.refused(Problem(NOT_FOUND), [], event.request_context.request_id)
    return json_api.not_found(app.current_event.path, cors=CORS is not None)


@app.exception_handler(Exception)
def _unexpected(error: Exception) -> Response[str]:
    # The stack trace goes to the log only; the caller gets the generic problem.
    logger.exception("Unhandled error", extra={"error_type": type(error).__name__})
    if cognito_protocol.speaks_cognito(app.current_event.headers):
        return cognito_protocol.error_response(Problem(INTERNAL_ERROR))
    return json_api.problem_response(Problem(INTERNAL_ERROR))


# Tracing is Lambda's and API Gateway's own active tracing (the stack turns it on), with no X-Ray SDK in the
# function: the SDK reaches end of support on 2027-02-25 (docs/operations.md, "Tracing after the X-Ray SDK").
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """API Gateway REST proxy event in, proxy response out."""
    # The doors' routers read the settings from the resolver's context, which is cleared after every request.
    app.append_context(settings=SETTINGS, configuration_error=CONFIGURATION_ERROR)  # type: ignore[no-untyped-call]
    return app.resolve(event, context)
