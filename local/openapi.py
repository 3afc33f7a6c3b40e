"""The OpenAPI 3.1 document of the endpoint, generated from the code: the request and response models, the problem
catalog and the route. `python -m local.openapi` prints it; `make openapi` writes docs/openapi.json, and a test
fails when that file is stale. The local server serves it at GET /openapi.json.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel

from resend_code.problems import CATALOG, ProblemType
from resend_code.request_model import portable_json_schema
from resend_code.response_model import AcceptedResponse, ProblemDocument
from resend_code.route import MAX_BODY_BYTES, ROUTE_METHOD, ROUTE_PATH

REF = "#/components/schemas/{model}"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
REQUEST_REF = "#/components/schemas/ResendConfirmationCodeRequest"
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


def _schema(model: type[BaseModel], mode: str, into: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, ref_template=REF, mode=mode)  # type: ignore[arg-type]
    into.update(schema.pop("$defs", {}))
    return schema


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


def openapi_document() -> dict[str, Any]:
    """The whole document, as a JSON-ready dict."""
    schemas: dict[str, Any] = {}
    request = portable_json_schema(ref_template=REF)
    schemas.update(request.pop("$defs", {}))
    schemas["ResendConfirmationCodeRequest"] = request
    schemas["AcceptedResponse"] = _schema(AcceptedResponse, "serialization", schemas)
    problem = _schema(ProblemDocument, "serialization", schemas)
    problem["properties"]["code"]["enum"] = [p.code for p in CATALOG]
    schemas["Problem"] = problem

    by_status: dict[int, list[ProblemType]] = defaultdict(list)
    for problem_type in CATALOG:
        by_status[problem_type.status].append(problem_type)

    post_responses: dict[str, Any] = {
        "200": {
            "description": "Accepted. The same status, headers and body whether a code was sent, the account does "
            "not exist, it is already confirmed, or Cognito failed for it (attempt limit, delivery, the pool's "
            "triggers): no account enumeration. An answer that reached Cognito takes at least the configured "
            "response-time floor.",
            "headers": CORS_HEADERS,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AcceptedResponse"}}},
        }
    }
    for status in sorted(by_status):
        if status not in _OTHER_ROUTES:
            post_responses[str(status)] = _problem_response(by_status[status])

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Resend confirmation code",
            "version": "1.0.0",
            "summary": "Resend a Cognito sign-up confirmation code without shipping the app client secret.",
            "description": "The server reads the app client's secret from Secrets Manager, computes SECRET_HASH "
            "and calls Cognito ResendConfirmationCode, supplying the caller's IP address. Errors are RFC 9457 "
            "problems with a stable `code`. Each username, existing or not, gets a limited number of codes (by "
            "default one a minute and five a day, whichever IPs ask): over it, 429 `attempt_limit_exceeded` with "
            "Retry-After. CORS: only origins in ALLOWED_ORIGINS get CORS headers; a request with any other Origin "
            "is refused with 403 `origin_not_allowed`.",
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
        "paths": {
            ROUTE_PATH: {
                ROUTE_METHOD.lower(): {
                    "operationId": "resendConfirmationCode",
                    "summary": "Send a new sign-up confirmation code",
                    "requestBody": {
                        "required": True,
                        "description": f"UTF-8 JSON, at most {MAX_BODY_BYTES} bytes.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ResendConfirmationCodeRequest"}
                            }
                        },
                    },
                    "responses": post_responses,
                },
                "options": {
                    "operationId": "resendConfirmationCodePreflight",
                    "summary": "CORS preflight (answered only when ALLOWED_ORIGINS is set)",
                    "responses": {
                        "204": {
                            "description": "Preflight accepted; CORS headers only for an allowed Origin.",
                            "headers": CORS_HEADERS,
                        },
                        "405": _problem_response([p for p in CATALOG if p.status == 405]),
                    },
                },
            }
        },
        "components": {"schemas": schemas},
    }


def render() -> str:
    """The document as committed: indented, keys in generation order, trailing newline."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
