"""What every request goes through, whichever door it came in by and whichever operation it asks for.

In order, cheapest refusal first: the browser origin; the body's size, media type and strict JSON; the operation's
request schema (validate_request, the one place of validation); the clientMetadata allow-list; the operation's own
check (Operation.check: a new password against the pool's policy); the app client; no
account `sub` as a username; the username's pseudonym (the log's user_ref and the limiter's key); the client's
credentials; the per-username limit, per caller network; then the Cognito call under the response-time floor, its
outcome read from the operation's table, logged and counted. A door turns HTTP into a `DoorRequest` and the
`Answer` back into HTTP; a refusal before Cognito is a raised Problem (or UpstreamProblem, when Secrets Manager
failed), which the door renders.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple

from code_screens import cognito, limiter
from code_screens.app_secrets import load_credentials, load_pseudonym_key
from code_screens.observability import logger, record_floor_exceeded, record_outcome
from code_screens.operations import SUCCEEDED, Kind, Operation, Outcome
from code_screens.operations.models import MAX_BODY_BYTES, ResponseBody
from code_screens.operations.validation import SERVER_SUPPLIED, Refused, code_and_message
from code_screens.origins import origin_of_request
from code_screens.problems import (
    INTERNAL_ERROR,
    INVALID_JSON,
    INVALID_REQUEST,
    ORIGIN_NOT_ALLOWED,
    PAYLOAD_TOO_LARGE,
    SERVER_SUPPLIED_FIELD,
    UNKNOWN_CLIENT_ID,
    UNSUPPORTED_MEDIA_TYPE,
    FieldError,
    Problem,
    ProblemType,
)
from code_screens.pseudonym import caller_reference, user_reference
from code_screens.settings import Settings

JSON_MEDIA_TYPE = "application/json"
CLIENT_METADATA_KEY_NOT_ALLOWED = "client_metadata_key_not_allowed"


class DoorRequest(NamedTuple):
    """One HTTP request as a door read it."""

    body: str | None
    """The body as API Gateway passes it (base64 when `is_base64_encoded`)."""
    is_base64_encoded: bool
    content_type: str | None
    origin: str | None
    """The browser's Origin header; None from native apps and servers."""
    caller_ip: str | None
    """API Gateway's sourceIp (never a header or the body)."""
    started: float
    """time.monotonic() when the request arrived, for the response-time floor."""
    media_type: str = JSON_MEDIA_TYPE
    """The one media type the door accepts (application/json; the Cognito door's application/x-amz-json-1.1)."""
    field_names: Callable[[Any], Any] | None = None
    """The door's field names → the request model's, applied to the parsed body before the one validation."""
    before_limit: Callable[[str], None] | None = None
    """Called with the username's keyed pseudonym once the request is valid, before the limiter and Cognito; it may
    raise to answer at once (the Cognito door replays a retry's first answer this way)."""


class Answer(NamedTuple):
    """What the caller is told: the operation's success body, or a problem from the catalog."""

    body: ResponseBody | None = None
    problem: ProblemType | None = None


def door_request(event: Any, started: float, **door_specifics: Any) -> DoorRequest:
    """What every door reads from an API Gateway REST proxy event (Powertools' APIGatewayProxyEvent): the body, its
    content type, the browser's origin and API Gateway's sourceIp; `door_specifics` are a door's own DoorRequest
    fields (media_type, field_names, before_limit)."""
    return DoorRequest(
        body=event.body,
        is_base64_encoded=bool(event.is_base64_encoded),
        content_type=event.headers.get("content-type"),
        origin=event.headers.get("origin"),
        caller_ip=event.request_context.identity.source_ip,
        started=started,
        **door_specifics,
    )


def settings_of(context: Mapping[str, Any]) -> Settings:
    """The settings handler.py hands every door through the resolver's context; a configuration that could not be
    read is logged and answered with Problem(INTERNAL_ERROR)."""
    settings: Settings | None = context.get("settings")
    if settings is None:
        logger.error("Invalid configuration", extra={"configuration_error": context.get("configuration_error")})
        raise Problem(INTERNAL_ERROR)
    return settings


def serve(operation: Operation, request: DoorRequest, settings: Settings) -> Answer:
    """Run one request of `operation` through the whole pipeline (see the module).

    Raises Problem (4xx) or UpstreamProblem (Secrets Manager) for what it refuses before Cognito; nothing reaches
    Cognito for a request that failed any check.
    """
    check_origin(settings, request.origin)
    body = raw_body(request.body, request.is_base64_encoded)
    call = parse_request(body, request.content_type, operation.request_model, request.media_type, request.field_names)
    check_client_metadata_keys(call, settings.allowed_client_metadata_keys)
    if operation.check is not None:
        operation.check(call, settings)
    client_id = call.client_id or settings.default_client_id
    secret_id = settings.secret_id_for(client_id)
    if secret_id is None:
        raise Problem(UNKNOWN_CLIENT_ID)
    check_username(call.username, settings)
    pseudonym_key = _pseudonym_key(settings)
    if pseudonym_key is not None:
        # The username's keyed pseudonym: the limiter's key, and user_ref on every log line from here on.
        subject = user_reference(call.username, pseudonym_key)
        logger.append_keys(user_ref=subject)
        if request.before_limit is not None:
            request.before_limit(subject)
    credentials = load_credentials(client_id, secret_id)
    if pseudonym_key is not None:
        # Before Cognito, and keyed on the string alone: the same limit for every username, account or not; per
        # caller network, so a stranger's attempts never use up the user's own.
        limiter.acquire(operation.limit(settings), subject, caller_reference(request.caller_ip, pseudonym_key))

    caller_ip = request.caller_ip if settings.forward_caller_ip else None
    client = cognito.cognito_client(settings.cognito_connect_timeout_seconds, settings.cognito_read_timeout_seconds)
    # Every answer that reached Cognito, success, refusal or failure, leaves no sooner than the floor: a real
    # account and nobody may take Cognito different times.
    with response_time_floor(settings.response_floor_seconds, request.started):
        result = cognito.call(
            client,
            operation.client_method,
            lambda current: operation.parameters(call, current, caller_ip),
            credentials,
            lambda: load_credentials(client_id, secret_id, force_fetch=True),
        )
    outcome, reason = _outcome(operation, result)
    record_outcome(operation, outcome, reason, result.response, secret_refreshed=result.secret_refreshed)
    if outcome.answer is not None:
        return Answer(problem=outcome.answer)
    return Answer(body=operation.answer(result.response, settings))


def _outcome(operation: Operation, result: cognito.CognitoResult) -> tuple[Outcome, str]:
    if result.transport is not None:
        return Outcome(result.transport, Kind.FAILED), result.transport_reason
    if result.error is None:
        return SUCCEEDED, ""
    outcome = operation.outcome_of(result.error)
    # A failure is logged under Cognito's own error code; a refusal under the operation's reason for it.
    reason = result.error.code if outcome.kind is Kind.FAILED else operation.reason(result.error)
    return outcome, reason


def check_origin(settings: Settings, origin: str | None) -> None:
    """Refuse a browser Origin that is not allowed (raises Problem origin_not_allowed, or internal_error when
    ALLOWED_ORIGINS itself is wrong)."""
    # Browsers always send Origin on a cross-origin POST; refusing here, not only in the preflight, means a
    # disallowed page gets nothing sent even when a preflight was skipped or forged. Native HTTP clients send
    # no Origin: a broken ALLOWED_ORIGINS must not take them down with it.
    if origin is None:
        return
    if settings.allowed_origins_error:
        logger.error("Invalid configuration", extra={"configuration_error": settings.allowed_origins_error})
        raise Problem(INTERNAL_ERROR)
    if origin_of_request(origin) not in settings.allowed_origins:
        raise Problem(ORIGIN_NOT_ALLOWED)


# An account's `sub` as Cognito writes it: a UUID, lower-case hex in 8-4-4-4-12 groups (any case accepted here).
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
USERNAME_IS_A_SUB = "username_is_a_sub"


def check_username(username: str, settings: Settings) -> None:
    """Refuse a UUID-shaped username unless the pool's usernames are UUIDs (USERNAMES_ARE_UUIDS).

    Cognito accepts an account's `sub` as its username too, so each account would have a second limiter budget
    under it; the same answer for every UUID, account or not. Raises Problem(INVALID_REQUEST).
    """
    if not settings.usernames_are_uuids and _UUID.fullmatch(username):
        raise Problem(
            INVALID_REQUEST,
            errors=(
                FieldError(
                    "username",
                    USERNAME_IS_A_SUB,
                    "Send the username or e-mail address the user signed up with, not the account's sub",
                ),
            ),
        )


def _pseudonym_key(settings: Settings) -> str | None:
    """The key of the username's and the caller's pseudonyms; None when none is configured (no user_ref, no
    limiter)."""
    if settings.pseudonym_key_secret_id is None:
        return None
    return load_pseudonym_key(settings.pseudonym_key_secret_id)


# --- the body: size, media type, strict JSON, the request schema ---


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


def parse_request(
    body: bytes,
    content_type: str | None,
    model: Any,
    media_type: str = JSON_MEDIA_TYPE,
    field_names: Callable[[Any], Any] | None = None,
) -> Any:
    """Size, content type, JSON, the request schema: in that order, so the cheapest refusal comes first.

    `model` is an operation's request type (Operation.request_model); `field_names` turns a door's field names into
    the schema's before validation. Returns an instance of `model`; raises Problem with the first check that
    fails."""
    check_size(body)
    check_content_type(content_type, media_type)
    document = parse_json(body)
    return validate_request(field_names(document) if field_names else document, model)


def check_content_type(content_type: str | None, expected: str = JSON_MEDIA_TYPE) -> None:
    """Accept `expected` (application/json by default), with no charset or charset=utf-8 only (RFC 8259 says JSON
    is UTF-8)."""
    media_type, _, parameters = (content_type or "").partition(";")
    if media_type.strip().lower() != expected:
        # The door's own media type: the Cognito door's callers must not be told to send application/json.
        raise Problem(UNSUPPORTED_MEDIA_TYPE, f"Send the body as Content-Type: {expected} (UTF-8).")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise Problem(UNSUPPORTED_MEDIA_TYPE, f"Only the UTF-8 charset is accepted for {expected}.")


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


def validate_request(document: Any, model: Any) -> Any:
    """Validate a parsed document against an operation's request (Operation.request_model: its SCHEMA, the
    validator generated from it and the rules beside it, operations/validation.py); never echo the input back.

    The one place every door's request is validated. Returns the typed request; raises Problem
    server_supplied_field or invalid_request, with one FieldError per violation.
    """
    try:
        return model.from_document(model.SCHEMA.accept(document))
    except Refused as refused:
        errors = tuple(FieldError(v.path, *code_and_message(v)) for v in refused.violations)
        if any(v.rule == SERVER_SUPPLIED for v in refused.violations):
            raise Problem(SERVER_SUPPLIED_FIELD, errors=errors) from None
        raise Problem(INVALID_REQUEST, errors=errors) from None


def check_client_metadata_keys(request: Any, allowed: frozenset[str] | None) -> None:
    """Refuse clientMetadata keys outside the operator's allow-list (ALLOWED_CLIENT_METADATA_KEYS; None = any).

    Raises Problem(INVALID_REQUEST) with one error per refused key, at `clientMetadata.<key>`; keys compare
    exactly, as the trigger reads them.
    """
    metadata: Mapping[str, str] | None = request.client_metadata
    if allowed is None or not metadata:
        return
    refused = sorted(key for key in metadata if key not in allowed)
    if refused:
        errors = tuple(
            FieldError(
                f"clientMetadata.{key}", CLIENT_METADATA_KEY_NOT_ALLOWED, "This clientMetadata key is not accepted"
            )
            for key in refused
        )
        raise Problem(INVALID_REQUEST, errors=errors)


# --- the response-time floor ---


@contextmanager
def response_time_floor(floor_seconds: float, started: float) -> Iterator[None]:
    """Run the block, then sleep until `started + floor_seconds` (time.monotonic() seconds), whatever the block
    did, exceptions included. A floor of 0 does nothing; a block that overran the floor is counted.

    Why: in AWS a real send runs the pool's custom message trigger and hands the message to SES or SNS; an unknown
    or confirmed user does neither, so it answers sooner. Holding every answer that reached Cognito until the same
    floor hides that difference, as long as the real send is faster than the floor. What it does not hide: a send
    slower than the floor (counted as ResponseTimeFloorExceeded, so the operator can raise it), the limiter's 429s
    (they never reach Cognito and are the same for every username anyway), and anything outside this function's
    time (the delivery itself). The floor is billed Lambda time: docs/performance.md prices it.
    """
    try:
        yield
    finally:
        if floor_seconds > 0:
            remaining = started + floor_seconds - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)
            else:
                record_floor_exceeded(round(-remaining * 1000))
