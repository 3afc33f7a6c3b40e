"""Cognito's JSON 1.1 protocol as the Cognito door (cognito_protocol.py) writes it, kept apart from the door so the
stack can read it at synth without Powertools or botocore (as problem_details.py is for the JSON door): the one table
from the catalog's problems to Cognito's error types and statuses, Cognito's field names ↔ the request models', and
the success bodies in Cognito's shape."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from code_screens.problems import (
    ATTEMPT_LIMIT_EXCEEDED,
    CATALOG,
    CODE_MISMATCH,
    INTERNAL_ERROR,
    INVALID_JSON,
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
    "This endpoint serves only ResendConfirmationCode and ConfirmSignUp.",
)


@dataclass(frozen=True)
class CognitoError:
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

# --- Cognito's field names ↔ the request models' ---


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _names_of(model: type[BaseModel]) -> dict[str, tuple[str, type[BaseModel] | None]]:
    """Cognito's name of each field of `model` → (the model's alias, the nested model when it is an object)."""
    names: dict[str, tuple[str, type[BaseModel] | None]] = {}
    for name, model_field in model.model_fields.items():
        alias = model_field.alias or name
        names[_pascal(alias)] = (alias, _nested_model(model_field.annotation))
    return names


def _rename(document: Any, model: type[BaseModel]) -> Any:
    if not isinstance(document, dict):
        return document
    names = _names_of(model)
    renamed: dict[str, Any] = {}
    for key, value in document.items():
        if key in names:
            alias, nested = names[key]
            # ClientMetadata's keys are the caller's own and reach the trigger as sent: never renamed.
            renamed[alias] = _rename(value, nested) if nested is not None else value
        else:
            # Not a Cognito name: kept, behind a mark, so a camelCase `username` is an unknown field here (as in
            # Cognito) rather than the JSON door's, and `SecretHash` or `IpAddress` is still refused by name
            # (models.is_server_supplied ignores the mark).
            renamed[f"~{key}"] = value
    return renamed


def field_names_for(model: type[BaseModel]) -> Any:
    """The pipeline's `field_names` for `model`: Cognito's PascalCase names → the model's camelCase aliases."""
    return lambda document: _rename(document, model)


def cognito_path(path: str) -> str:
    """A field's dotted path (the model's names) in Cognito's names, for error messages."""
    return ".".join(part.removeprefix("~") if part.startswith("~") else _pascal(part) for part in path.split("."))


def _pascal_keys(document: Any) -> Any:
    if isinstance(document, dict):
        return {_pascal(key): _pascal_keys(value) for key, value in document.items()}
    return document


def success_document(body: BaseModel) -> dict[str, Any]:
    """The operation's success body as Cognito returns it: its fields in Cognito's names, without the JSON door's
    `message` sentence; an absent object (resend's CodeDeliveryDetails without REVEAL_DELIVERY_DETAILS) is `{}`, the
    same for every username."""
    document: dict[str, Any] = {}
    for name, model_field in type(body).model_fields.items():
        if name == "message":
            continue
        value = getattr(body, name)
        key = _pascal(model_field.alias or name)
        if isinstance(value, BaseModel):
            document[key] = _pascal_keys(value.model_dump(by_alias=True, exclude_none=True))
        elif value is None and _nested_model(model_field.annotation) is not None:
            document[key] = {}
        elif value is not None:
            document[key] = value
    return document


def error_body(problem_type: ProblemType, message: str | None = None) -> str:
    """A problem's body in Cognito's shape, `{"__type", "message"}` (the stack writes the gateway's own answers with
    it too)."""
    document = {"__type": COGNITO_ERRORS[problem_type.code].error_type, "message": message or problem_type.detail}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)
