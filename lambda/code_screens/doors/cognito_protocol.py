"""The Cognito door: Amazon Cognito's own JSON 1.1 wire protocol at the API's root, so unmodified Amplify JS, the AWS
SDKs and boto3 work by changing only their endpoint.

`POST /` with `Content-Type: application/x-amz-json-1.1`, `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`
and a body in Cognito's field names (`ClientId`, `Username`, `ConfirmationCode`, ...). Only the operations the JSON
door serves (routes.ROUTES) are run, through the same pipeline and the same request models; any other target is
refused before anything else, since forwarding it with the secret hash would publish the secret. Answers are in
Cognito's shape: a success body as Cognito returns it, an error as `x-amzn-ErrorType` plus a body of `__type` and
`message` (never a `code` field: Amplify reads `code` before `__type`). COGNITO_ERRORS is the one table from the
catalog's problems to Cognito's error types.

Retries: Amplify and the AWS SDKs retry up to 3 times (429, 5xx, LimitExceededException, TooManyRequestsException)
with the same `amz-sdk-invocation-id`. The first answer that reached Cognito is kept for REPLAY_WINDOW_SECONDS in the
limiter's table under an HMAC of (operation, invocation id, the username's pseudonym), so a retry gets that answer
again instead of sending a second code or meeting the per-username limit, and an id never reads another username's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from botocore.exceptions import BotoCoreError, ClientError

from code_screens import limiter, pipeline
from code_screens import metric_names as names
from code_screens.app_secrets import load_pseudonym_key
from code_screens.doors.cognito_shape import (
    COGNITO_ERRORS,
    MEDIA_TYPE,
    TARGET_PREFIX,
    UNKNOWN_OPERATION,
    cognito_path,
    error_body,
    field_names_for,
    invalid_password_message,
    success_document,
)
from code_screens.observability import count, logger, record_rejection, record_upstream_failure
from code_screens.operations import Operation
from code_screens.operations.models import ResponseBody
from code_screens.problems import INVALID_PASSWORD, UNSUPPORTED_MEDIA_TYPE, UPSTREAM_TIMEOUT, Problem, UpstreamProblem
from code_screens.routes import route_named
from code_screens.settings import Settings

PATH = "/"
TARGET_HEADER = "x-amz-target"
INVOCATION_ID_HEADER = "amz-sdk-invocation-id"

__all__ = ["COGNITO_ERRORS", "MEDIA_TYPE", "TARGET_PREFIX", "UNKNOWN_OPERATION", "field_names_for", "success_document"]

COMMON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


# --- answers ---


def _headers(request_id: str | None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    headers = {**COMMON_HEADERS, **(extra or {})}
    if request_id:
        headers["x-amzn-RequestId"] = request_id
    return headers


def error_response(problem: Problem, request_id: str | None = None) -> Response[str]:
    """A problem in Cognito's shape: status and `x-amzn-ErrorType` from COGNITO_ERRORS, body `{__type, message}`."""
    cognito = COGNITO_ERRORS[problem.problem_type.code]
    message = problem.detail
    if problem.problem_type is INVALID_PASSWORD:
        # Cognito's own sentence with the first rule broken, as apps written against Cognito read it.
        message = invalid_password_message(problem.errors[0].message if problem.errors else None)
    elif problem.errors:
        details = "; ".join(
            f"Value at '{cognito_path(e.field)}' failed: {e.message.replace('~', '')}" for e in problem.errors
        )
        message = f"{len(problem.errors)} validation error(s) detected: {details}"
    headers = dict(problem.headers)
    if problem.problem_type.retry_after_seconds is not None:
        headers.setdefault("Retry-After", str(problem.problem_type.retry_after_seconds))
    headers["x-amzn-ErrorType"] = cognito.error_type
    return Response(
        status_code=cognito.status,
        content_type=MEDIA_TYPE,
        body=error_body(problem.problem_type, message),
        headers=_headers(request_id, headers),
    )


def _json(document: Any) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def success_response(body: ResponseBody, request_id: str | None = None) -> Response[str]:
    """A 200 in Cognito's shape."""
    return Response(
        status_code=200, content_type=MEDIA_TYPE, body=_json(success_document(body)), headers=_headers(request_id)
    )


def speaks_cognito(headers: Mapping[str, str]) -> bool:
    """True when a request was sent by a Cognito client (it names a target): its errors are answered in kind."""
    return any(name.lower() == TARGET_HEADER for name in headers)


def refused(problem: Problem, fields: list[str], request_id: str | None) -> Response[str]:
    """A request refused before AWS: logged and counted by its code, answered in Cognito's shape."""
    if problem.problem_type.status < 500:
        record_rejection(problem, fields)
    return error_response(problem, request_id)


# --- replaying a retry's first answer ---

REPLAY_WINDOW_SECONDS = 300
"""How long a first answer is kept: the SDKs' three attempts end within a minute (their backoff is at most 20 s)."""
_INVOCATION_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


class Replayed(Exception):
    """Raised from the pipeline's before_limit hook to answer a retry with its first answer."""

    def __init__(self, response: Response[str]) -> None:
        super().__init__("replayed")
        self.response = response


def _client_id_of(body: str | None, is_base64_encoded: bool) -> str | None:
    """The body's ClientId as sent, for the replay key alone (the pipeline validates it); None when there is none."""
    try:
        document = json.loads(pipeline.raw_body(body, is_base64_encoded) or b"null")
    except (Problem, ValueError, RecursionError):
        return None
    client_id = document.get("ClientId") if isinstance(document, dict) else None
    return client_id if isinstance(client_id, str) else None


# A timeout is kept for the window like an answer: a code may already be on its way, so a retry must not send
# another (cognito_shape: 408, a name no SDK retries).
UPSTREAM_TIMEOUT_STATUS = COGNITO_ERRORS[UPSTREAM_TIMEOUT.code].status


@dataclass
class Replay:
    """The replay record of one request: its key once the username's pseudonym is known."""

    operation: str
    invocation_id: str | None
    settings: Settings
    client_id: str | None
    request_id: str | None
    key: str | None = field(default=None)

    def recall(self, subject: str) -> None:
        """The pipeline's before_limit hook: raise Replayed with the first answer of this (operation, invocation
        id, username), if there is one in the window."""
        store = limiter.table()
        if self.invocation_id is None or store is None or self.settings.pseudonym_key_secret_id is None:
            return
        secret = load_pseudonym_key(self.settings.pseudonym_key_secret_id).encode("utf-8")
        message = f"replay\0{self.operation}\0{self.client_id}\0{self.invocation_id}\0{subject}".encode()
        self.key = "replay#" + hmac.new(secret, message, hashlib.sha256).hexdigest()
        client, table_name = store
        try:
            item = client.get_item(TableName=table_name, Key={"pk": {"S": self.key}}, ConsistentRead=True).get("Item")
        except (ClientError, BotoCoreError) as error:
            _replay_unavailable(error)
            return
        # DynamoDB's TTL deletes late (within days): an item past its time is treated as gone.
        if item is None or int(item["expiresAt"]["N"]) <= time.time():
            return
        headers = {name: value["S"] for name, value in item.get("headers", {}).get("M", {}).items()}
        logger.info("Retry answered with its first answer", extra={"operation": self.operation})
        count(names.REQUEST_REJECTED, names.REASON, "replayed")
        raise Replayed(
            Response(
                status_code=int(item["status"]["N"]),
                content_type=MEDIA_TYPE,
                body=item["body"]["S"],
                headers=_headers(self.request_id, headers),
            )
        )

    def keep(self, response: Response[str]) -> None:
        """Keep an answer that reached Cognito for the window (the first one wins): a success or a refusal, and a
        timeout (a code may already be on its way); never a 429 or 5xx, which the SDK retries so the retry can
        succeed (a confirm sends nothing, a resend is still bounded by the per-username limit)."""
        store = limiter.table()
        if self.key is None or store is None:
            return
        if response.status_code >= 429 and response.status_code != UPSTREAM_TIMEOUT_STATUS:
            return
        client, table_name = store
        kept = {
            name: {"S": str(value)}
            for name, value in response.headers.items()
            if name in ("Retry-After", "x-amzn-ErrorType")
        }
        item = {
            "pk": {"S": self.key},
            "status": {"N": str(response.status_code)},
            "body": {"S": str(response.body)},
            "headers": {"M": kept},
            "expiresAt": {"N": str(int(time.time()) + REPLAY_WINDOW_SECONDS)},
        }
        try:
            client.put_item(TableName=table_name, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                _replay_unavailable(error)
        except BotoCoreError as error:
            _replay_unavailable(error)


def _replay_unavailable(error: Exception) -> None:
    # Fails open like the limiter: without the store a retry is served as a new request (the per-username limit
    # still stands between it and a second code).
    logger.error("Replay store unavailable: request served anew", extra={"reason": type(error).__name__})
    count(names.LIMITER_UNAVAILABLE)


# --- the route ---


def _target_name(target: str | None) -> str:
    """The operation a target names, for the log: only a plausible name, never arbitrary caller text."""
    name = (target or "").removeprefix(TARGET_PREFIX)
    return name if re.fullmatch(r"[A-Za-z]{1,64}", name) else "(other)"


def _header_values(name: str) -> list[str]:
    event = router.current_event
    # Powertools reads both header maps case-insensitively (CaseInsensitiveDict, empty when the event has none).
    values = event.multi_value_headers.get(name)
    if values:
        return [part.strip() for value in values for part in value.split(",") if part.strip()]
    single = event.headers.get(name)
    return [part.strip() for part in single.split(",") if part.strip()] if single else []


@router.route(PATH, "POST")
def cognito_protocol() -> Response[str]:
    """Serve one Cognito JSON 1.1 call: one of the route table's operations (ResendConfirmationCode, ConfirmSignUp,
    ForgotPassword, ConfirmForgotPassword)."""
    event = router.current_event
    request_id = event.request_context.request_id
    target = event.headers.get(TARGET_HEADER)
    operation_name = target.removeprefix(TARGET_PREFIX) if target and target.startswith(TARGET_PREFIX) else None
    # The operations this door runs are exactly the JSON door's: the route table's (one source of truth).
    route = route_named(operation_name) if operation_name else None
    if route is None:
        # Nothing else is read: an operation this door does not serve never reaches Cognito with the secret.
        logger.info("Unknown operation refused", extra={"target": _target_name(target)})
        return refused(Problem(UNKNOWN_OPERATION), [], request_id)
    # The clock starts before the operation's module is first imported, as on the JSON door: the response-time
    # floor covers that import too.
    started = time.monotonic()
    operation = route.operation
    try:
        settings = pipeline.settings_of(router.context)
        content_types = _header_values("content-type")
        if len(content_types) > 1:
            # Two media types at once: no single reading of the body is right.
            raise Problem(UNSUPPORTED_MEDIA_TYPE, f"Send exactly one Content-Type: {MEDIA_TYPE}.")
        invocation_id = event.headers.get(INVOCATION_ID_HEADER)
        replay = Replay(
            operation.name,
            invocation_id if invocation_id and _INVOCATION_ID.fullmatch(invocation_id) else None,
            settings,
            _client_id_of(event.body, bool(event.is_base64_encoded)),
            request_id,
        )
        request = pipeline.door_request(
            event,
            started,
            media_type=MEDIA_TYPE,
            field_names=field_names_for(operation.request_model),
            before_limit=replay.recall,
        )
        answer = pipeline.serve(operation, request, settings)
    except Replayed as replayed:
        return replayed.response
    except UpstreamProblem as problem:
        record_upstream_failure(problem.source, problem.reason, problem.problem_type)
        return error_response(problem, request_id)
    except Problem as problem:
        return refused(problem, _logged_fields(problem, operation), request_id)
    # Only an answer that reached Cognito comes back from serve(): that is what a retry must get again.
    if answer.problem is not None:
        response = error_response(Problem(answer.problem), request_id)
    else:
        assert answer.body is not None  # an answer without a problem has the operation's body
        response = success_response(answer.body, request_id)
    replay.keep(response)
    return response


def _logged_fields(problem: Problem, operation: Operation) -> list[str]:
    # The operation's own request field names; a name the caller invented could hold anything, an address included.
    known = operation.request_model.SCHEMA.schema["properties"]
    return [top if (top := error.field.split(".")[0]) in known else "(other)" for error in problem.errors]
