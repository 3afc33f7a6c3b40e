"""What every request goes through before its route's own Cognito call: the origin check, the body parsed against
the route's model, the app client and its credentials, the username's pseudonym (the log's user_ref and the
limiter's key) and the caller's IP address."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from botocore.client import BaseClient

from resend_code.client_secrets import AppClientCredentials
from resend_code.cognito_call import cognito_client, load_credentials, load_pseudonym_key
from resend_code.problems import ORIGIN_NOT_ALLOWED, UNKNOWN_CLIENT_ID, Problem
from resend_code.pseudonym import user_reference
from resend_code.request_model import ConfirmSignUpRequest, ResendConfirmationCodeRequest
from resend_code.request_parsing import check_client_metadata_keys, parse_request, raw_body
from resend_code.settings import Settings

Request = TypeVar("Request", ResendConfirmationCodeRequest, ConfirmSignUpRequest)

# Not a child logger: Logger() with the same service name shares the handler's logging.Logger, its formatter and
# appended keys, and never raises, whereas a child created before its parent (a module imported before the
# environment names the service) cannot append keys at all.
logger = Logger()


@dataclass(frozen=True)
class PreparedRequest(Generic[Request]):
    """A valid request and everything its Cognito call needs."""

    request: Request
    credentials: AppClientCredentials
    subject: str | None
    """The username's keyed pseudonym (limiter key, log user_ref); None when no pseudonym key is configured."""
    caller_ip: str | None
    client: BaseClient
    refresh_credentials: Callable[[], AppClientCredentials]
    started: float
    """time.monotonic() when the request arrived, for the response time floor."""


def check_origin(settings: Settings, origin: str | None) -> None:
    """Refuse a browser Origin that is not allowed (raises Problem origin_not_allowed)."""
    # Browsers always send Origin on a cross-origin POST; refusing here, not only in the preflight, means a
    # disallowed page gets nothing sent even when a preflight was skipped or forged.
    if origin is not None and origin not in settings.allowed_origins:
        raise Problem(ORIGIN_NOT_ALLOWED)


def prepare(event: APIGatewayProxyEvent, settings: Settings, model: type[Request]) -> PreparedRequest[Request]:
    """Origin, body, app client, credentials: raises Problem (4xx) or UpstreamProblem before anything reaches
    Cognito when one of them is wrong."""
    started = time.monotonic()
    check_origin(settings, event.headers.get("origin"))
    body = raw_body(event.body, bool(event.is_base64_encoded))
    request = parse_request(body, event.headers.get("content-type"), model)
    check_client_metadata_keys(request, settings.allowed_client_metadata_keys)

    client_id = request.client_id or settings.default_client_id
    secret_id = settings.secret_id_for(client_id)
    if secret_id is None:
        raise Problem(UNKNOWN_CLIENT_ID)
    subject = _pseudonym(settings, request.username)
    credentials = load_credentials(client_id, secret_id)

    return PreparedRequest(
        request=request,
        credentials=credentials,
        subject=subject,
        caller_ip=event.request_context.identity.source_ip if settings.forward_caller_ip else None,
        client=cognito_client(settings.cognito_connect_timeout_seconds, settings.cognito_read_timeout_seconds),
        refresh_credentials=lambda: load_credentials(client_id, secret_id, force_fetch=True),
        started=started,
    )


def _pseudonym(settings: Settings, username: str) -> str | None:
    """The username's keyed pseudonym, also added to every log line as user_ref; None when no key is set."""
    if settings.pseudonym_key_secret_id is None:
        return None
    subject = user_reference(username, load_pseudonym_key(settings.pseudonym_key_secret_id))
    logger.append_keys(user_ref=subject)
    return subject
