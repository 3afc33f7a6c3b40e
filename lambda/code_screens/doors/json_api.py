"""The JSON API door: one route per operation (routes.py), a JSON body in, a JSON body or an RFC 9457 problem out.

It turns an API Gateway event into the pipeline's DoorRequest, runs the route's operation, and renders what comes
back: the operation's success body as camelCase JSON, or a problem from the catalog as `application/problem+json`
with a stable `code` (and Retry-After where the problem has one). It knows nothing of Cognito's error names.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from code_screens import pipeline
from code_screens.doors.problem_details import PROBLEM_CONTENT_TYPE, render_problem
from code_screens.observability import record_rejection, record_upstream_failure
from code_screens.operations import Operation
from code_screens.operations.models import ResponseBody
from code_screens.problems import (
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    Problem,
    UpstreamProblem,
)
from code_screens.routes import ROUTES, Route, route_for

# Responses carry per-user outcomes: nothing in between may cache them, and browsers must not sniff types.
COMMON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


def json_response(body: ResponseBody, status: int = 200) -> Response[str]:
    """A JSON answer from a response model, camelCase, without null fields."""
    return Response(
        status_code=status,
        content_type="application/json",
        body=body.to_json(),
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


def _logged_fields(problem: Problem, operation: Operation | None) -> list[str]:
    # Field names a caller invents (unknown fields, clientMetadata keys) could hold anything, an address included:
    # rejections log only the operation's own top-level request field names.
    known = operation.request_model.SCHEMA.fields if operation is not None else ()
    return [top if (top := error.field.split(".")[0]) in known else "(other)" for error in problem.errors]


def rejected(problem: Problem, operation: Operation | None = None) -> Response[str]:
    """The answer to a request refused before AWS: logged and counted by its code (a 5xx is this deployment's
    fault, logged where it happened, and not counted as a rejection). `operation`: the route's, when there is one."""
    if problem.problem_type.status < 500:
        record_rejection(problem, _logged_fields(problem, operation))
    return problem_response(problem)


def not_found(path: str, *, cors: bool) -> Response[str]:
    """404 for a path no route serves; 405 with Allow for another method on a route's path."""
    route = route_for(path)
    if route is not None:
        allowed = f"{route.method}, OPTIONS" if cors else route.method
        return rejected(Problem(METHOD_NOT_ALLOWED, headers={"Allow": allowed}))
    return rejected(Problem(NOT_FOUND))


def serve(route: Route) -> Response[str]:
    """Serve one request of `route`'s operation from the current event."""
    event = router.current_event
    started = time.monotonic()
    operation = route.operation  # imported on the route's first request, inside the response-time floor
    try:
        request = pipeline.door_request(event, started)
        answer = pipeline.serve(operation, request, pipeline.settings_of(router.context))
    except UpstreamProblem as problem:
        record_upstream_failure(problem.source, problem.reason, problem.problem_type)
        return problem_response(problem)
    except Problem as problem:
        return rejected(problem, operation)
    if answer.problem is not None:
        return problem_response(Problem(answer.problem))
    assert answer.body is not None  # an answer without a problem has the operation's body
    return json_response(answer.body)


def _endpoint(route: Route) -> Callable[[], Response[str]]:
    def endpoint() -> Response[str]:
        return serve(route)

    endpoint.__name__ = endpoint.__qualname__ = route.operation_id
    endpoint.__doc__ = route.summary
    return endpoint


for _route in ROUTES:
    router.route(_route.path, _route.method)(_endpoint(_route))
