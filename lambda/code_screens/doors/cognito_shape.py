"""Cognito's JSON 1.1 protocol as the Cognito door (cognito_protocol.py) writes it, kept apart from the door so the
stack can read it at synth without Powertools or botocore (as problem_details.py is for the JSON door): the one table
from the catalog's problems to Cognito's error types and statuses, Cognito's field names ↔ the request models', and
the success bodies in Cognito's shape."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields
from typing import Any, NamedTuple, get_type_hints

from code_screens.operations.models import ResponseBody, camel
from code_screens.problems import (
    ATTEMPT_LIMIT_EXCEEDED,
    CATALOG,
    CODE_MISMATCH,
    INTERNAL_ERROR,
    INVALID_JSON,
    INVALID_PASSWORD,
    INVALID_REQUEST,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    ORIGIN_NOT_ALLOWED,
    PAYLOAD_TOO_LARGE,
    RATE_LIMITED,
    REQUEST_BLOCKED,
    SERVER_SUPPLIED_FIELD,
    UNKNOWN_CLIENT_ID,
    UNSUPPORTED_MEDIA_TYPE,
    UPSTREAM_ERROR,
    UPSTREAM_TIMEOUT,
    UPSTREAM_UNAVAILABLE,
    ProblemType,
)

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
MEDIA_TYPE = "application/x-amz-json-1.1"

# Any other target: Cognito's own name for an operation a service does not have, which no SDK retries.
UNKNOWN_OPERATION = ProblemType(
    "unknown_operation",
    400,
    "Unknown operation",
    "This endpoint serves only ResendConfirmationCode, ConfirmSignUp, ForgotPassword and ConfirmForgotPassword.",
)


class CognitoError(NamedTuple):
    """How one problem is written in Cognito's protocol: the error type (`__type`, `x-amzn-ErrorType`) and status."""

    error_type: str
    status: int


# Every problem the JSON door can answer → Cognito's error type and the HTTP status (docs/api.md has the same table;
# tests/unit/test_cognito_protocol.py checks it row by row and that it covers the catalog). The types are the ones
# the libraries know for these operations where Cognito has one. What decides the status: whether the SDKs retry
# (429, 500, 502, 503, 504 and the names TooManyRequestsException, LimitExceededException are retried, with the same
# invocation id, which the replay store answers; a 4xx with another name is not).
COGNITO_ERRORS: Mapping[str, CognitoError] = {
    INVALID_JSON.code: CognitoError("SerializationException", 400),
    INVALID_REQUEST.code: CognitoError("InvalidParameterException", 400),
    SERVER_SUPPLIED_FIELD.code: CognitoError("InvalidParameterException", 400),
    # An unknown, confirmed or disabled user and an expired code answer this too (operations/confirm_sign_up.py).
    CODE_MISMATCH.code: CognitoError("CodeMismatchException", 400),
    # A new password that breaks the pool's policy, checked before Cognito (or Cognito's own refusal of it).
    INVALID_PASSWORD.code: CognitoError("InvalidPasswordException", 400),
    # What Cognito says of a client id it does not have.
    UNKNOWN_CLIENT_ID.code: CognitoError("ResourceNotFoundException", 400),
    ORIGIN_NOT_ALLOWED.code: CognitoError("ForbiddenException", 403),
    REQUEST_BLOCKED.code: CognitoError("ForbiddenException", 403),
    NOT_FOUND.code: CognitoError("UnknownOperationException", 404),
    METHOD_NOT_ALLOWED.code: CognitoError("UnknownOperationException", 405),
    PAYLOAD_TOO_LARGE.code: CognitoError("InvalidParameterException", 413),
    UNSUPPORTED_MEDIA_TYPE.code: CognitoError("SerializationException", 415),
    RATE_LIMITED.code: CognitoError("TooManyRequestsException", 429),
    # The endpoint's own per-username limit: the same for every username, as the issue asks (Cognito's name for it).
    ATTEMPT_LIMIT_EXCEEDED.code: CognitoError("LimitExceededException", 429),
    INTERNAL_ERROR.code: CognitoError("InternalErrorException", 500),
    UPSTREAM_ERROR.code: CognitoError("InternalErrorException", 502),
    UPSTREAM_UNAVAILABLE.code: CognitoError("InternalErrorException", 503),
    # A code may already be on its way: 408 and a name no SDK retries, so none resends blindly (the JSON door's 504
    # is retried by every SDK). Retry-After still says how long to wait.
    UPSTREAM_TIMEOUT.code: CognitoError("InternalErrorException", 408),
    UNKNOWN_OPERATION.code: CognitoError("UnknownOperationException", 400),
}
assert {problem.code for problem in CATALOG} <= set(COGNITO_ERRORS), "every catalog problem needs a Cognito error"

# --- Cognito's field names ↔ the request schemas' ---


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _object_properties(node: Any, defs: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The properties of the object a schema node stands for ($ref and `anyOf [..., null]` followed), or None
    when it is no object with named properties (clientMetadata's keys are the caller's own)."""
    for candidate in (node, *node.get("anyOf", ())) if isinstance(node, dict) else ():
        if "$ref" in candidate:
            candidate = defs[candidate["$ref"].rsplit("/", 1)[-1]]
        if candidate.get("type") == "object" and "properties" in candidate:
            properties: Mapping[str, Any] = candidate["properties"]
            return properties
    return None


def _names_of(
    properties: Mapping[str, Any], defs: Mapping[str, Any]
) -> dict[str, tuple[str, Mapping[str, Any] | None]]:
    """Cognito's name of each field → (the schema's name, the nested object's properties when it is one)."""
    return {_pascal(name): (name, _object_properties(node, defs)) for name, node in properties.items()}


def _rename(document: Any, properties: Mapping[str, Any] | None, defs: Mapping[str, Any]) -> Any:
    if not isinstance(document, dict) or properties is None:
        return document
    names = _names_of(properties, defs)
    renamed: dict[str, Any] = {}
    for key, value in document.items():
        if key in names:
            name, nested = names[key]
            # ClientMetadata's keys are the caller's own and reach the trigger as sent: never renamed.
            renamed[name] = _rename(value, nested, defs) if nested is not None else value
        else:
            # Not a Cognito name: kept, behind a mark, so a camelCase `username` is an unknown field here (as in
            # Cognito) rather than the JSON door's, and `SecretHash` or `IpAddress` is still refused by name
            # (models.is_server_supplied ignores the mark).
            renamed[f"~{key}"] = value
    return renamed


def field_names_for(request_type: Any) -> Any:
    """The pipeline's `field_names` for an operation's request type (its SCHEMA): Cognito's PascalCase names →
    the schema's camelCase ones."""
    schema: Mapping[str, Any] = request_type.SCHEMA.schema
    defs: Mapping[str, Any] = schema.get("$defs", {})
    return lambda document: _rename(document, schema["properties"], defs)


# A field whose keys are the caller's own (they reach the pool's trigger as sent): never renamed, in a body or a schema.
_CALLERS_KEYS = "clientMetadata"


def cognito_path(path: str) -> str:
    """A field's dotted path (the model's names) in Cognito's names, for error messages; a key of the caller's own
    (in ClientMetadata) as it was sent."""
    if path.startswith(_CALLERS_KEYS + "."):
        return _pascal(_CALLERS_KEYS) + path.removeprefix(_CALLERS_KEYS)
    return ".".join(part.removeprefix("~") if part.startswith("~") else _pascal(part) for part in path.split("."))


# The JSON door's sentence in every success body; Cognito's bodies have none (success_document drops it).
_DOOR_ONLY_FIELD = "message"


def _schema_in_cognito_names(node: Any) -> Any:
    if isinstance(node, list):
        return [_schema_in_cognito_names(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {
                _pascal(name): sub if name == _CALLERS_KEYS else _schema_in_cognito_names(sub)
                for name, sub in value.items()
            }
        elif key == "required":
            out[key] = [_pascal(name) for name in value]
        elif key in ("$defs", "definitions"):
            # Model names (AnalyticsMetadata, ...) are already Cognito's; only their properties are renamed.
            out[key] = {name: _schema_in_cognito_names(sub) for name, sub in value.items()}
        elif key == "examples":
            out[key] = value  # a field's example values, not field names
        else:
            out[key] = _schema_in_cognito_names(value)
    return out


def cognito_request_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """An operation's request JSON Schema (or a translation of it: API Gateway's draft 4, OpenAPI's) in Cognito's
    field names, which is what this door reads (field_names_for is the same renaming, the other way). The one
    derivation the stack's validator model of `POST /` and the OpenAPI document both use."""
    renamed: dict[str, Any] = _schema_in_cognito_names(dict(schema))
    return renamed


def cognito_success_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """An operation's response JSON Schema as success_document writes the body: Cognito's names, without the JSON
    door's `message`, and an absent nested answer (resend's CodeDeliveryDetails when delivery details are not
    revealed) as `{}` rather than null (tests/unit/test_cognito_protocol.py validates real bodies against it)."""
    document = dict(schema)
    properties = {name: node for name, node in document.get("properties", {}).items() if name != _DOOR_ONLY_FIELD}
    for name, node in properties.items():
        if isinstance(node, dict) and any("$ref" in alternative for alternative in node.get("anyOf", ())):
            properties[name] = {
                **node,
                "anyOf": [
                    {"type": "object", "maxProperties": 0} if alternative == {"type": "null"} else alternative
                    for alternative in node["anyOf"]
                ],
            }
            properties[name].pop("default", None)  # the null default is not Cognito's
    document["properties"] = properties
    document["required"] = [name for name in document.get("required", []) if name != _DOOR_ONLY_FIELD]
    if not document["required"]:
        del document["required"]
    return cognito_request_schema(document)


def _pascal_keys(document: Any) -> Any:
    if isinstance(document, dict):
        return {_pascal(key): _pascal_keys(value) for key, value in document.items()}
    return document


def success_document(body: ResponseBody) -> dict[str, Any]:
    """The operation's success body as Cognito returns it: its fields in Cognito's names, without the JSON door's
    `message` sentence; an absent object (resend's CodeDeliveryDetails without REVEAL_DELIVERY_DETAILS) is `{}`, the
    same for every username."""
    document: dict[str, Any] = {}
    hints = get_type_hints(type(body))
    for field in fields(body):  # type: ignore[arg-type]
        if field.name == "message":
            continue
        value = getattr(body, field.name)
        key = _pascal(camel(field.name))
        if isinstance(value, ResponseBody):
            document[key] = _pascal_keys(value.to_document())
        elif value is None and _is_body_type(hints[field.name]):
            document[key] = {}
        elif value is not None:
            document[key] = value
    return document


def _is_body_type(annotation: Any) -> bool:
    return any(
        isinstance(candidate, type) and issubclass(candidate, ResponseBody)
        for candidate in (annotation, *getattr(annotation, "__args__", ()))
    )


# Cognito's own wording for a password its policy refuses, which apps show or match on.
INVALID_PASSWORD_PREFIX = "Password does not conform to policy: "


def invalid_password_message(first_rule: str | None) -> str:
    """The message of an invalid_password answer in Cognito's words: the first broken rule's message after Cognito's
    prefix, or, when Cognito itself refused the password (no rule known), the catalog's detail."""
    return INVALID_PASSWORD_PREFIX + (first_rule or INVALID_PASSWORD.detail)


def error_body(problem_type: ProblemType, message: str | None = None) -> str:
    """A problem's body in Cognito's shape, `{"__type", "message"}` (the stack writes the gateway's own answers with
    it too)."""
    document = {"__type": COGNITO_ERRORS[problem_type.code].error_type, "message": message or problem_type.detail}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)
