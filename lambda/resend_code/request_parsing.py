"""Turn an HTTP body into a validated request, or a Problem that says exactly what is wrong with it."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from resend_code.problems import (
    INVALID_JSON,
    INVALID_REQUEST,
    PAYLOAD_TOO_LARGE,
    SERVER_SUPPLIED_FIELD,
    UNSUPPORTED_MEDIA_TYPE,
    FieldError,
    Problem,
)
from resend_code.request_model import RequestModel, ResendConfirmationCodeRequest
from resend_code.route import MAX_BODY_BYTES

Model = TypeVar("Model", bound=BaseModel)


def raw_body(body: str | None, is_base64_encoded: bool) -> bytes:
    """The body's bytes as the caller sent them (API Gateway base64-encodes binary bodies)."""
    if body is None:
        return b""
    if is_base64_encoded:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as error:
            raise Problem(INVALID_JSON) from error
    return body.encode("utf-8", errors="surrogatepass")


def check_content_type(content_type: str | None) -> None:
    """Accept application/json, with no charset or charset=utf-8 only (RFC 8259 says JSON is UTF-8)."""
    media_type, _, parameters = (content_type or "").partition(";")
    if media_type.strip().lower() != "application/json":
        raise Problem(UNSUPPORTED_MEDIA_TYPE)
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise Problem(UNSUPPORTED_MEDIA_TYPE, "Only the UTF-8 charset is accepted for application/json.")


def check_size(body: bytes) -> None:
    """Refuse bodies over the shared limit before any parsing work is spent on them."""
    if len(body) > MAX_BODY_BYTES:
        raise Problem(PAYLOAD_TOO_LARGE, f"The body is larger than {MAX_BODY_BYTES} bytes.")


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        # Parsers disagree on which duplicate wins; refusing is the only answer every client can predict.
        raise ValueError("duplicate key")
    return document


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_json(body: bytes) -> Any:
    """Strict JSON: UTF-8, no duplicate keys, no NaN/Infinity; anything else is invalid_json."""
    try:
        text = body.decode("utf-8")
        return json.loads(text, object_pairs_hook=_object_without_duplicate_keys, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        # ValueError covers JSONDecodeError, duplicates, NaN and ints beyond Python's digit limit;
        # RecursionError covers deep nesting that still fits under the size limit.
        raise Problem(INVALID_JSON) from error


def _field_path(location: tuple[str | int, ...], context: dict[str, Any] | None) -> str:
    parts = [str(part) for part in location]
    if context and "field" in context:  # a server-supplied field: name it, not the object holding it
        parts.append(str(context["field"]))
    return ".".join(parts) or "(body)"


def validate_request(document: Any, model: type[Model] = ResendConfirmationCodeRequest) -> Model:  # type: ignore[assignment]
    """Validate a parsed document against the route's request model; never echo the input back."""
    try:
        return model.model_validate(document)
    except ValidationError as error:
        details = error.errors(include_url=False, include_input=False)
        errors = tuple(
            FieldError(_field_path(item["loc"], item.get("ctx")), item["type"], item["msg"]) for item in details
        )
        if any(item["type"] == "server_supplied_field" for item in details):
            raise Problem(SERVER_SUPPLIED_FIELD, errors=errors) from None
        raise Problem(INVALID_REQUEST, errors=errors) from None


CLIENT_METADATA_KEY_NOT_ALLOWED = "client_metadata_key_not_allowed"


def check_client_metadata_keys(request: RequestModel, allowed: frozenset[str] | None) -> None:
    """Refuse clientMetadata keys outside the operator's allow-list (ALLOWED_CLIENT_METADATA_KEYS; None = any).

    Raises Problem(INVALID_REQUEST) with one error per refused key, at `clientMetadata.<key>`; keys compare
    exactly, as the trigger reads them.
    """
    if allowed is None or not request.client_metadata:
        return
    refused = sorted(key for key in request.client_metadata if key not in allowed)
    if refused:
        errors = tuple(
            FieldError(
                f"clientMetadata.{key}", CLIENT_METADATA_KEY_NOT_ALLOWED, "This clientMetadata key is not accepted"
            )
            for key in refused
        )
        raise Problem(INVALID_REQUEST, errors=errors)


def parse_request(
    body: bytes,
    content_type: str | None,
    model: type[Model] = ResendConfirmationCodeRequest,  # type: ignore[assignment]
) -> Model:
    """Size, content type, JSON, schema: in that order, so the cheapest refusal comes first."""
    check_size(body)
    check_content_type(content_type)
    return validate_request(parse_json(body), model)
