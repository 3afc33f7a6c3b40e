"""The OpenAPI 3.1 document of the endpoint, generated from the code: the route table, each route's request and
response schemas, and the problem catalog. `python -m local.openapi` prints it; `make openapi` writes
docs/openapi.json, and a test fails when that file is stale. The local server serves it at GET /openapi.json.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from http import HTTPStatus
from typing import Any

from code_screens.doors.problem_details import ProblemDocument
from code_screens.operations.models import MAX_BODY_BYTES, portable_json_schema
from code_screens.problems import CATALOG, METHOD_NOT_ALLOWED, ProblemType
from code_screens.routes import ROUTES, Route

REF = "#/components/schemas/{model}"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 0},
}
CORS_HEADERS: dict[str, Any] = {
    "Access-Control-Allow-Origin": {
        "description": "The request's Origin, when it is one of ALLOWED_ORIGINS; absent otherwise.",
        "schema": {"type": "string"},
    },
    "Access-Control-Expose-Headers": {
        "description": "Retry-After, so a page on an allowed origin can read it.",
        "schema": {"type": "string"},
    },
}
# Answered for this route only by other methods (405) or by API Gateway for other paths (404).
_OTHER_ROUTES = {404, 405}


def _schema(schema: dict[str, Any], into: dict[str, Any]) -> dict[str, Any]:
    """A schema with its $refs pointed at the components, its $defs moved into `into`."""
    portable = portable_json_schema(schema, ref_template=REF)
    into.update(portable.pop("$defs", {}))
    return portable


def _problem_response(problems: list[ProblemType]) -> dict[str, Any]:
    status = problems[0].status
    lines = "\n".join(f"- `{p.code}`: {p.detail}" for p in problems)
    response: dict[str, Any] = {
        "description": f"{HTTPStatus(status).phrase}. `code` is one of:\n{lines}",
        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    }
    headers = dict(CORS_HEADERS)
    if any(p.retry_after_seconds is not None for p in problems):
        headers["Retry-After"] = {**RETRY_AFTER, "required": True}
    response["headers"] = headers
    return response


def _path_item(route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    request_title = route.operation.request_model.SCHEMA.title
    response_title = route.operation.response_model.SCHEMA["title"]
    schemas[request_title] = _schema(route.operation.request_model.SCHEMA.schema, schemas)
    schemas[response_title] = _schema(route.operation.response_model.SCHEMA, schemas)

    by_status: dict[int, list[ProblemType]] = defaultdict(list)
    for problem_type in route.problems:
        by_status[problem_type.status].append(problem_type)
    responses: dict[str, Any] = {
        "200": {
            "description": route.success,
            "headers": CORS_HEADERS,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=response_title)}}},
        }
    }
    for status in sorted(by_status):
        if status not in _OTHER_ROUTES:
            responses[str(status)] = _problem_response(by_status[status])

    return {
        route.method.lower(): {
            "operationId": route.operation_id,
            "summary": route.summary,
            "requestBody": {
                "required": True,
                "description": f"UTF-8 JSON, at most {MAX_BODY_BYTES} bytes.",
                "content": {"application/json": {"schema": {"$ref": REF.format(model=request_title)}}},
            },
            "responses": responses,
        },
        "options": {
            "operationId": f"{route.operation_id}Preflight",
            "summary": "CORS preflight (answered only when ALLOWED_ORIGINS is set)",
            "responses": {
                "204": {
                    "description": "Preflight accepted; CORS headers only for an allowed Origin.",
                    "headers": CORS_HEADERS,
                },
                "405": _problem_response([METHOD_NOT_ALLOWED]),
            },
        },
    }


def openapi_document() -> dict[str, Any]:
    """The whole document, as a JSON-ready dict."""
    schemas: dict[str, Any] = {}
    paths = {route.path: _path_item(route, schemas) for route in ROUTES}
    problem = _schema(ProblemDocument.SCHEMA, schemas)
    problem["properties"]["code"]["enum"] = [p.code for p in CATALOG]
    schemas["Problem"] = problem

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Confirm sign-up and resend confirmation code",
            "version": "1.1.0",
            "summary": "Cognito's sign-up confirmation calls for an app client with a secret, without shipping it.",
            "description": "The server reads the app client's secret from Secrets Manager, computes SECRET_HASH "
            "and calls Cognito (ResendConfirmationCode, ConfirmSignUp), supplying the caller's IP address. Errors "
            "are RFC 9457 problems with a stable `code`. Neither route tells whether an account exists. Each "
            "username, existing or not, gets a limited number of codes (by default one a minute and five a day) "
            "and of confirmation attempts (by default five in 15 minutes), whichever IPs ask: over it, 429 "
            "`attempt_limit_exceeded` with Retry-After. CORS: only origins in ALLOWED_ORIGINS get CORS headers; a "
            "request with any other Origin is refused with 403 `origin_not_allowed`.",
        },
        "servers": [
            {"url": "http://127.0.0.1:3000", "description": "make run (local emulator)"},
            {
                "url": "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}",
                "description": "Deployed (the stack's EndpointUrl output, without the path)",
                "variables": {
                    "apiId": {"default": "abc123defg"},
                    "region": {"default": "us-east-1"},
                    "stage": {"default": "v1"},
                },
            },
        ],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def render() -> str:
    """The document as committed: indented, keys in generation order, trailing newline."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
