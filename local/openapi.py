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

from code_screens.doors.cognito_shape import (
    COGNITO_ERRORS,
    MEDIA_TYPE,
    TARGET_PREFIX,
    UNKNOWN_OPERATION,
    cognito_request_schema,
    cognito_success_schema,
)
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


# --- the Cognito door: POST / in Cognito's JSON 1.1 protocol (doors/cognito_protocol.py) ---

COGNITO_PATH = "/"
COGNITO_ERROR_REF = {"$ref": "#/components/schemas/CognitoError"}
COGNITO_HEADERS: dict[str, Any] = {
    **CORS_HEADERS,
    "Access-Control-Expose-Headers": {
        "description": "x-amzn-ErrorType, x-amzn-RequestId and Retry-After, so Amplify in a page can read them.",
        "schema": {"type": "string"},
    },
    "x-amzn-RequestId": {"description": "API Gateway's id of the request.", "schema": {"type": "string"}},
}


def _cognito_name(title: str) -> str:
    return f"Cognito{title}"


def _cognito_schema(schema: dict[str, Any], into: dict[str, Any]) -> dict[str, Any]:
    """A schema in Cognito's names with its $defs moved into `into` as Cognito<name>: the same models (e.g.
    UserContextData) in the JSON door's names are components already, and must stay as they are."""
    renamed = {**schema, "$defs": {_cognito_name(name): sub for name, sub in schema.get("$defs", {}).items()}}
    text = json.dumps(renamed)
    for name in schema.get("$defs", {}):
        text = text.replace(f'"#/$defs/{name}"', f'"#/$defs/{_cognito_name(name)}"')
    return _schema(json.loads(text), into)


def _cognito_error_response(status: int, problems: list[ProblemType]) -> dict[str, Any]:
    """The door's answer for one status: the error types COGNITO_ERRORS gives it, as header and body `__type`."""
    error_types = sorted({COGNITO_ERRORS[p.code].error_type for p in problems})
    lines = "\n".join(f"- `{COGNITO_ERRORS[p.code].error_type}`: {p.detail}" for p in problems)
    headers: dict[str, Any] = {
        **COGNITO_HEADERS,
        # Amplify and the Smithy SDKs read the error's name here first (botocore reads the body's __type only).
        "x-amzn-ErrorType": {
            "description": "The error's name, the same as the body's `__type`.",
            "required": True,
            "schema": {"type": "string", "enum": error_types},
        },
    }
    if any(p.retry_after_seconds is not None for p in problems):
        headers["Retry-After"] = {**RETRY_AFTER, "required": True}
    schema = {
        "allOf": [
            COGNITO_ERROR_REF,
            {"properties": {"__type": {"enum": error_types}}},
        ]
    }
    return {
        "description": f"{HTTPStatus(status).phrase}, in Cognito's shape. `__type` is one of:\n{lines}",
        "headers": headers,
        # The function answers in the protocol's media type; API Gateway's own answers (throttling, the
        # validator) carry the same body, under whichever of the two the request asked for.
        "content": {MEDIA_TYPE: {"schema": schema}, "application/json": {"schema": schema}},
    }


def _cognito_path_item(schemas: dict[str, Any]) -> dict[str, Any]:
    """`POST /`: one method for every allowed operation, chosen by `X-Amz-Target` (the route table's operations);
    the bodies are the operations' own schemas in Cognito's field names (cognito_shape, as the stack's model)."""
    requests, successes = [], []
    for route in ROUTES:
        request_title = _cognito_name(route.operation.request_model.SCHEMA.title)
        response_title = _cognito_name(route.operation.response_model.SCHEMA["title"])
        request = _cognito_schema(cognito_request_schema(route.operation.request_model.SCHEMA.schema), schemas)
        schemas[request_title] = {**request, "title": request_title}
        success = _cognito_schema(cognito_success_schema(route.operation.response_model.SCHEMA), schemas)
        schemas[response_title] = {**success, "title": response_title}
        requests.append({"$ref": REF.format(model=request_title)})
        successes.append({"$ref": REF.format(model=response_title)})

    by_status: dict[int, list[ProblemType]] = defaultdict(list)
    for problem_type in (*CATALOG, UNKNOWN_OPERATION):
        by_status[COGNITO_ERRORS[problem_type.code].status].append(problem_type)
    targets = [TARGET_PREFIX + route.operation.name for route in ROUTES]
    responses: dict[str, Any] = {
        "200": {
            "description": "The operation's answer as Cognito gives it. ResendConfirmationCode: "
            "`CodeDeliveryDetails` is `{}` for every username unless delivery details are revealed (no account "
            "enumeration). ConfirmSignUp: `{}`.",
            "headers": COGNITO_HEADERS,
            "content": {MEDIA_TYPE: {"schema": {"anyOf": successes}}},
        }
    }
    for status in sorted(by_status):
        if status not in _OTHER_ROUTES:
            responses[str(status)] = _cognito_error_response(status, by_status[status])
    return {
        "post": {
            "operationId": "cognitoProtocol",
            "summary": "Cognito's own JSON 1.1 protocol (the SDKs' endpoint): "
            + ", ".join(route.operation.name for route in ROUTES),
            "description": "Point Amplify JS (`userPoolEndpoint`) or an AWS SDK (`endpoint`, `endpoint_url`) here and "
            "leave the secret out. Deployed, this is the root of the Cognito door's own REST API (the stack's "
            "CognitoEndpointUrl output), not of the JSON routes' API. Any other target, every Admin* and token "
            f"operation included, is refused with 400 `{COGNITO_ERRORS[UNKNOWN_OPERATION.code].error_type}` "
            "without calling Cognito. A retry with the same `amz-sdk-invocation-id` gets the first answer again.",
            "parameters": [
                {
                    "name": "X-Amz-Target",
                    "in": "header",
                    "required": True,
                    "description": "The operation, as the SDKs name it.",
                    "schema": {"type": "string", "enum": targets},
                },
                {
                    "name": "amz-sdk-invocation-id",
                    "in": "header",
                    "required": False,
                    "description": "The same on every attempt of one call: a retry's first answer is replayed. "
                    "Only 1-64 letters, digits and dashes name a call; any other value is ignored (no replay), "
                    "not refused.",
                    "schema": {"type": "string"},
                },
            ],
            "requestBody": {
                "required": True,
                "description": f"UTF-8 JSON in Cognito's field names, at most {MAX_BODY_BYTES} bytes: the "
                "operation's body, as X-Amz-Target names it.",
                "content": {MEDIA_TYPE: {"schema": {"anyOf": requests}}},
            },
            "responses": responses,
        }
    }


def openapi_document() -> dict[str, Any]:
    """The whole document, as a JSON-ready dict."""
    schemas: dict[str, Any] = {}
    paths = {route.path: _path_item(route, schemas) for route in ROUTES}
    paths[COGNITO_PATH] = _cognito_path_item(schemas)
    problem = _schema(ProblemDocument.SCHEMA, schemas)
    problem["properties"]["code"]["enum"] = [p.code for p in CATALOG]
    schemas["Problem"] = problem
    error_types = sorted({error.error_type for error in COGNITO_ERRORS.values()})
    schemas["CognitoError"] = {
        "title": "CognitoError",
        "description": "An error as Cognito writes it: no `code` field (Amplify would read it before `__type`).",
        "type": "object",
        "properties": {
            "__type": {"type": "string", "enum": error_types},
            "message": {"type": "string"},
        },
        "required": ["__type", "message"],
        "additionalProperties": False,
    }

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Confirm sign-up, resend confirmation code, forgot password",
            "version": "1.2.0",
            "summary": "Cognito's code-screen calls (sign-up confirmation, password reset) for an app client with a "
            "secret, without shipping it.",
            "description": "The server reads the app client's secret from Secrets Manager, computes SECRET_HASH "
            "and calls Cognito (ResendConfirmationCode, ConfirmSignUp, ForgotPassword, ConfirmForgotPassword), "
            "supplying the caller's IP address. Errors are RFC 9457 problems with a stable `code`. No route tells "
            "whether an account exists; a new password is checked against the pool's policy before Cognito "
            "(400 `invalid_password`, the same for every username). Each username, existing or not, gets a limited "
            "number of codes (by default one a minute and five a day, sign-up and reset codes apart) and of "
            "attempts (by default five in 15 minutes), whichever IPs ask: over it, 429 "
            "`attempt_limit_exceeded` with Retry-After. CORS: only origins in ALLOWED_ORIGINS get CORS headers; a "
            "request with any other Origin is refused with 403 `origin_not_allowed`. `POST /` is the same "
            "operations in Cognito's own JSON 1.1 protocol, for unmodified SDKs; its errors are Cognito's "
            "(`x-amzn-ErrorType`, `__type`), not problems.",
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
