"""The embedded AWS emulator: moto in server mode on loopback, taught ResendConfirmationCode and ConfirmSignUp.

moto implements Cognito user pools and Secrets Manager but not ResendConfirmationCode, nor the client-secret
rotation calls (AddUserPoolClientSecret, ListUserPoolClientSecrets, DeleteUserPoolClientSecret); its SignUp sends
no code and its ConfirmSignUp checks neither the secret hash nor the code. This module adds or replaces them on
moto's own user-pool model, with the errors real Cognito gives, and keeps every code it "sends" (at sign-up and
on resend) in an outbox, which is both what a developer reads and what ConfirmSignUp checks codes against. It
also counts the AWS calls it serves and can be told to fail one (fault injection for tests): both sit on moto's
request dispatch, so boto3 sees real HTTP answers either way.

Every Cognito request is first checked against botocore's service model, as Cognito checks it (so malformed input
is a 400, never a 500 from a Python exception), and Cognito calls are served one at a time under COGNITO_LOCK.

For `make preflight` it also answers Lambda's GetAccountSettings (moto has no such route) from a concurrency
limit tests can set, and can publish parameters in AWS's reserved `/aws/service/` tree (PutParameter refuses
those names, as AWS does).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from dataclasses import replace as replace_fields
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import botocore.session
from botocore.model import OperationModel
from botocore.validate import ParamValidator
from moto.awslambda import urls as lambda_urls
from moto.awslambda.responses import LambdaResponse
from moto.cognitoidp.exceptions import (
    CodeMismatchException,
    ExpiredCodeException,
    InvalidParameterException,
    NotAuthorizedError,
    ResourceNotFoundError,
    UserNotFoundError,
)
from moto.cognitoidp.models import (
    CognitoIdpBackend,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolClient,
    UserStatus,
)
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.core.responses import ActionResult, BaseResponse
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.ssm.models import Parameter, ssm_backends
from werkzeug.serving import BaseWSGIServer, make_server

from local.loopback import LoopbackGuard, listening_socket


@dataclass(frozen=True)
class OutboxMessage:
    """A confirmation code the emulator 'sent'."""

    username: str
    destination: str
    medium: str
    code: str
    time: str
    client_metadata: dict[str, str] = field(default_factory=dict)
    ip_address: str | None = None
    encoded_data: str | None = None
    # Whose code it is, as Cognito knows the user (whatever alias the request named): ConfirmSignUp's key.
    user_pool_id: str = ""
    user_sub: str = ""
    attribute_name: str = ""


@dataclass
class Fault:
    """Delay the next `times` calls of service:action, then answer with an AWS error (or, with no error code,
    answer normally: a slow service; or, with no error code and a `body`, answer 200 with that body instead: an
    answer of a shape the emulator would not give, such as a success without CodeDeliveryDetails)."""

    error_code: str | None
    message: str = "Injected fault"
    status: int = 400
    delay_seconds: float = 0.0
    times: int = 1
    body: dict[str, Any] | None = None


class EmulatorState:
    """What the emulator has sent, the calls it has served and the faults it is armed with; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # How long a real send takes (the trigger and the hand-off to SES/SNS that Cognito does in AWS); an
        # unknown or confirmed user never waits it. EMULATOR_SEND_DELAY_MS sets it for timing tests.
        self.send_delay_seconds = 0.0
        self._outbox: list[OutboxMessage] = []
        self._confirmations: list[dict[str, str | None]] = []
        self._calls: Counter[str] = Counter()
        self._faults: dict[str, Fault] = {}
        # Lambda's concurrent-executions quota for GetAccountSettings; AWS's default is 1,000, a new account's
        # can be 10.
        self.lambda_concurrency_limit = 1000

    def deliver(self, message: OutboxMessage) -> None:
        with self._lock:
            self._outbox.append(message)

    def outbox(self) -> list[dict[str, Any]]:
        """Every message sent, newest first."""
        with self._lock:
            return [asdict(message) for message in reversed(self._outbox)]

    def record_confirmation(self, username: str, user_context_data: dict[str, Any] | None) -> None:
        context = user_context_data or {}
        entry = {
            "username": username,
            "ip_address": context.get("IpAddress"),
            "encoded_data": context.get("EncodedData"),
        }
        with self._lock:
            self._confirmations.append(entry)

    def confirmations(self) -> list[dict[str, str | None]]:
        """Every ConfirmSignUp served (whatever its answer), newest first: the username and the UserContextData's
        IpAddress and EncodedData it carried, as the outbox records them for ResendConfirmationCode."""
        with self._lock:
            return [dict(entry) for entry in reversed(self._confirmations)]

    def codes_for(self, user_pool_id: str, user_sub: str) -> list[OutboxMessage]:
        """The codes sent to one user, newest first."""
        with self._lock:
            return [m for m in reversed(self._outbox) if (m.user_pool_id, m.user_sub) == (user_pool_id, user_sub)]

    def age_codes(self, seconds: float, username: str | None = None) -> int:
        """Make the codes sent (to `username`, or to everybody) `seconds` older, as if time had passed; returns
        how many were aged. Tests use it to reach Cognito's 24-hour code lifetime."""
        with self._lock:
            aged = 0
            for index, message in enumerate(self._outbox):
                if username is None or message.username == username:
                    sent = datetime.fromisoformat(message.time) - timedelta(seconds=seconds)
                    self._outbox[index] = replace_fields(message, time=sent.isoformat(timespec="milliseconds"))
                    aged += 1
            return aged

    def count(self, operation: str) -> None:
        with self._lock:
            self._calls[operation] += 1

    def calls(self) -> dict[str, int]:
        with self._lock:
            return dict(self._calls)

    def arm(self, operation: str, fault: Fault) -> None:
        """Fail the next calls of operation as `fault` says; a copy is armed (serving counts it down), so one
        Fault can be armed again, as a test parameter is in every session that runs it."""
        with self._lock:
            self._faults[operation] = replace_fields(fault)

    def disarm(self) -> None:
        with self._lock:
            self._faults.clear()

    def take_fault(self, operation: str) -> Fault | None:
        with self._lock:
            fault = self._faults.get(operation)
            if fault is None:
                return None
            fault.times -= 1
            if fault.times <= 0:
                del self._faults[operation]
            return fault


STATE = EmulatorState()

# The services the function and the ops tools (preflight, smoke) call; a fault can be armed on any of their operations.
FAULT_SERVICES = ("cognito-idp", "secretsmanager", "dynamodb", "ssm", "lambda", "sts")


@cache
def known_operations() -> tuple[str, ...]:
    """Every `service:Operation` a fault may be armed on, from botocore's service models (the names moto counts)."""
    session = botocore.session.get_session()
    return tuple(
        sorted(
            f"{service}:{name}"
            for service in FAULT_SERVICES
            for name in session.get_service_model(service).operation_names
        )
    )


def _mask(user: CognitoIdpUser, attribute: str) -> str:
    # Cognito masks destinations itself ("a***@e***", "+*******0100"); do the same so nothing local shows more.
    value = str(user.attribute_lookup.get(attribute, ""))
    if attribute == "email" and "@" in value:
        local, domain = value.split("@", 1)
        return f"{local[:1]}***@{domain[:1]}***"
    return "+*******" + value[-4:]


def secret_hash_matches(client_secret: str, client_id: str, username: str, secret_hash: str) -> bool:
    """Cognito's check of SECRET_HASH, over UTF-8 as Cognito and the SDKs compute it.

    moto's own check_secret_hash encodes as Latin-1, so it fails (or raises) for usernames outside Latin-1;
    this emulator must accept every username Cognito accepts.
    """
    digest = hmac.new(client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256).digest()
    return same_text(base64.b64encode(digest).decode("ascii"), secret_hash)


def same_text(expected: str, given: str) -> bool:
    """A constant-time comparison of two strings of any characters.

    hmac.compare_digest takes `str` only when both are ASCII and raises TypeError otherwise, which moto answers
    500: a code or secret hash with one non-ASCII character must be a plain mismatch, as it is for Cognito.
    """
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


MAX_CLIENT_SECRETS = 2  # Cognito allows two active secrets per app client, for rotation


def client_secrets(client: CognitoIdpUserPoolClient) -> list[dict[str, Any]]:
    """The client's active secrets, oldest first; moto's single `secret` is the first."""
    if not hasattr(client, "rotation_secrets"):
        client.rotation_secrets = [  # type: ignore[attr-defined]
            {
                "ClientSecretId": f"{client.id}--{secrets.token_hex(4)}",
                "ClientSecretValue": client.secret,
                "ClientSecretCreateDate": time.time(),
            }
        ]
    active: list[dict[str, Any]] = client.rotation_secrets  # type: ignore[attr-defined]
    return active


def _find_pool(backend: CognitoIdpBackend, client_id: str) -> CognitoIdpUserPool:
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            return pool
    raise ResourceNotFoundError(client_id)


def _find_client(backend: CognitoIdpBackend, client_id: str) -> CognitoIdpUserPoolClient:
    client: CognitoIdpUserPoolClient = _find_pool(backend, client_id).clients[client_id]
    return client


def add_client_secret(backend: CognitoIdpBackend, params: dict[str, Any]) -> dict[str, Any]:
    """AddUserPoolClientSecret: a second active secret, generated unless one is given."""
    client = _find_client(backend, params.get("ClientId", ""))
    active = client_secrets(client)
    if len(active) >= MAX_CLIENT_SECRETS:
        raise InvalidParameterException("The app client already has the maximum number of client secrets.")
    descriptor = {
        "ClientSecretId": f"{client.id}--{secrets.token_hex(4)}",
        "ClientSecretValue": params.get("ClientSecret") or secrets.token_urlsafe(38),
        "ClientSecretCreateDate": time.time(),
    }
    active.append(descriptor)
    return {"ClientSecretDescriptor": descriptor}


def list_client_secrets(backend: CognitoIdpBackend, params: dict[str, Any]) -> dict[str, Any]:
    """ListUserPoolClientSecrets: metadata only, as Cognito returns it."""
    client = _find_client(backend, params.get("ClientId", ""))
    return {"ClientSecrets": [{k: v for k, v in s.items() if k != "ClientSecretValue"} for s in client_secrets(client)]}


def delete_client_secret(backend: CognitoIdpBackend, params: dict[str, Any]) -> dict[str, Any]:
    """DeleteUserPoolClientSecret: the last secret cannot be deleted."""
    client = _find_client(backend, params.get("ClientId", ""))
    active = client_secrets(client)
    remaining = [s for s in active if s["ClientSecretId"] != params.get("ClientSecretId")]
    if len(remaining) == len(active):
        raise ResourceNotFoundError("No such client secret.")
    if not remaining:
        raise InvalidParameterException("The last client secret of an app client cannot be deleted.")
    active[:] = remaining
    client.secret = remaining[0]["ClientSecretValue"]
    return {}


def _check_secret_hash(client: CognitoIdpUserPoolClient, params: dict[str, Any]) -> None:
    """Cognito's SECRET_HASH check for a client with a secret, against each of its active secrets."""
    if not client.generate_secret:
        return
    secret_hash = params.get("SecretHash")
    if not secret_hash:
        raise NotAuthorizedError(f"Client {client.id} is configured with secret but SECRET_HASH was not received")
    username = params.get("Username", "")
    if not any(
        secret_hash_matches(s["ClientSecretValue"], client.id, username, secret_hash) for s in client_secrets(client)
    ):
        raise NotAuthorizedError(f"Unable to verify secret hash for client {client.id}")


def _send_code(user: CognitoIdpUser, username: str, params: dict[str, Any]) -> dict[str, str]:
    """Put a new six-digit code in the outbox for `user` and return Cognito's CodeDeliveryDetails."""
    attribute = "email" if "email" in user.attribute_lookup else "phone_number"
    if attribute not in user.attribute_lookup:
        raise InvalidParameterException("Cannot resend codes. No verified email or phone_number.")
    code = f"{secrets.randbelow(1_000_000):06d}"
    user.confirmation_code = code
    details = {
        "Destination": _mask(user, attribute),
        "DeliveryMedium": "EMAIL" if attribute == "email" else "SMS",
        "AttributeName": attribute,
    }
    context = params.get("UserContextData") or {}
    # Slept once the call has let go of COGNITO_LOCK (_serve), so one slow send holds up no other caller.
    _SEND.delay = STATE.send_delay_seconds
    STATE.deliver(
        OutboxMessage(
            username=username,
            destination=user.attribute_lookup[attribute],
            medium=details["DeliveryMedium"],
            code=code,
            time=datetime.now(UTC).isoformat(timespec="milliseconds"),
            client_metadata=params.get("ClientMetadata") or {},
            ip_address=context.get("IpAddress"),
            encoded_data=context.get("EncodedData"),
            user_pool_id=user.user_pool_id,
            user_sub=user.id,
            attribute_name=attribute,
        )
    )
    return details


def resend_confirmation_code(backend: CognitoIdpBackend, params: dict[str, Any]) -> dict[str, Any]:
    """ResendConfirmationCode on moto's user-pool model, with Cognito's errors for each failure."""
    client_id, username = params.get("ClientId", ""), params.get("Username", "")
    pool = _find_pool(backend, client_id)
    _check_secret_hash(pool.clients[client_id], params)
    user = pool._get_user(username)
    if user is None:
        raise UserNotFoundError("Username/client id combination not found.")
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    if user.status == UserStatus.CONFIRMED:
        raise InvalidParameterException("User is already confirmed.")
    return {"CodeDeliveryDetails": _send_code(user, username, params)}


# A sign-up confirmation code is valid for 24 hours (Cognito Developer Guide; AWS's answers in
# amazon-cognito-identity-js #54 and #380).
CODE_LIFETIME = timedelta(hours=24)


def confirm_sign_up(backend: CognitoIdpBackend, params: dict[str, Any]) -> dict[str, Any]:
    """ConfirmSignUp as Cognito answers it, checked against the codes in the outbox.

    Only the newest code sent confirms. An older one, once a newer one was sent, answers ExpiredCodeException
    ("Invalid code provided, please request a code again."), as a code past its 24 hours does: resending
    replaces the code (public reports: aws-sdk-net-extensions-cognito #137, amazon-cognito-identity-js #380;
    emulators that follow Cognito, e.g. floci #2071, do the same). Success confirms the user and marks the
    address the code went to as verified.
    """
    client_id, username = params.get("ClientId", ""), params.get("Username", "")
    code = params.get("ConfirmationCode", "")
    STATE.record_confirmation(username, params.get("UserContextData"))
    pool = _find_pool(backend, client_id)
    _check_secret_hash(pool.clients[client_id], params)
    user = pool._get_user(username)
    if user is None:
        raise UserNotFoundError("Username/client id combination not found.")
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    if user.status == UserStatus.CONFIRMED:
        raise NotAuthorizedError("User cannot be confirmed. Current status is CONFIRMED")
    sent = STATE.codes_for(user.user_pool_id, user.id)
    if sent and same_text(sent[0].code, code):
        if datetime.now(UTC) - datetime.fromisoformat(sent[0].time) > CODE_LIFETIME:
            raise ExpiredCodeException("Invalid code provided, please request a code again.")
        user.status = UserStatus.CONFIRMED
        user.confirmation_code = None
        user.update_attributes([{"Name": f"{sent[0].attribute_name}_verified", "Value": "true"}])
        return {}
    if any(same_text(older.code, code) for older in sent[1:]):
        raise ExpiredCodeException("Invalid code provided, please request a code again.")
    raise CodeMismatchException("Invalid verification code provided, please try again.")


_original_sign_up = CognitoIdpResponse.sign_up


def _sign_up(self: CognitoIdpResponse) -> ActionResult:
    """moto's SignUp, then the code Cognito sends an unconfirmed user with an address, into the outbox."""
    result = _original_sign_up(self)
    client_id, username = self._get_param("ClientId"), self._get_param("Username")
    backend = self._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    user = _find_pool(backend, client_id)._get_user(username)
    if (
        user is not None
        and user.status == UserStatus.UNCONFIRMED
        and ("email" in user.attribute_lookup or "phone_number" in user.attribute_lookup)
    ):
        _send_code(user, username, self.parameters)
    return result


def _action(operation: Any) -> Any:
    def action(self: CognitoIdpResponse) -> ActionResult:
        # Unauthenticated Cognito calls are not region-bound by credentials: find the backend owning the
        # client, as moto's own sign_up does.
        client_id = self.parameters.get("ClientId", "")
        backend = self._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
        return ActionResult(operation(backend, self.parameters))

    return action


# werkzeug serves each request on a thread of its own, and moto's Cognito model is plain dictionaries: every call
# walks them (_find_backend_for_clientid walks each account's backends, created per region on first use; a user
# look-up walks a pool's users) while SignUp, AdminCreateUser or a confirmation change them, and the outbox and a
# user's status must change together. Concurrent SignUps raised "dictionary changed size during iteration" (a 500).
# So each Cognito call is served under one lock; the emulated send delay is slept after it is released.
COGNITO_LOCK = threading.RLock()
_SEND = threading.local()

_original_call_action = BaseResponse.call_action
_original_setup_class = BaseResponse.setup_class


def _setup_class(
    self: BaseResponse,
    request: Any,
    full_url: str | None = None,
    headers: Any = None,
    use_raw_body: bool | None = None,
) -> None:
    """moto's set-up, which decodes the body as UTF-8 and raises (a 500) on any other bytes: such a body is kept
    raw, and _refusal answers it with the SerializationException Cognito gives."""
    data = request.data
    self._unreadable_body = False  # type: ignore[attr-defined]
    if isinstance(data, bytes):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            self._unreadable_body = True  # type: ignore[attr-defined]
            use_raw_body = True
    _original_setup_class(self, request, full_url, headers, use_raw_body)


def _lower_camel(path: str) -> str:
    return ".".join(part[:1].lower() + part[1:] for part in path.strip(".").split("."))


@cache
def _cognito_operation(action: str) -> OperationModel | None:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    return model.operation_model(action) if action in model.operation_names else None


def _refusal(self: BaseResponse) -> tuple[int, dict[str, str], str] | None:
    """The 400 Cognito answers before looking at any user, or None for a request it would go on with.

    moto reads the body as it comes (a number as the username, a string as UserContextData, a JSON array as the
    whole body) and its operations, and this module's, then fail with a Python exception, a 500. Cognito checks the
    request against its service model first: a body that is not a JSON object, or a member of the wrong type, is a
    SerializationException; a missing member, one too short or too long, or one off its pattern, an
    InvalidParameterException. The messages name the member, never its value (a code, a secret hash).
    """
    if getattr(self, "_unreadable_body", False):
        return _error(400, "SerializationException", "The request body is not valid UTF-8 JSON.")
    operation = _cognito_operation(self._get_action())
    if operation is None or operation.input_shape is None:
        return None
    try:
        document = json.loads(self.body or "{}")
    except ValueError:
        return _error(400, "SerializationException", "The request body is not valid JSON.")
    if not isinstance(document, dict):
        return _error(400, "SerializationException", "The request body must be a JSON object.")
    found = ParamValidator().validate(document, operation.input_shape)._errors
    if any(kind == "invalid type" for kind, _, _ in found):
        name = next(_lower_camel(path) for kind, path, _ in found if kind == "invalid type")
        return _error(400, "SerializationException", f"Value at '{name}' is not of the type the member requires.")
    problems = [
        f"Value at '{_lower_camel(path)}' failed to satisfy constraint: Member must not be null"
        if kind == "missing required field"
        else f"Value at '{_lower_camel(path)}' failed to satisfy constraint: Member must have length greater than "
        "or equal to 1"
        for kind, path, _ in found
        if kind in ("missing required field", "invalid length")
    ]
    # What botocore leaves to the service: each top-level string's maximum length and pattern (a pattern Python's
    # re cannot read, such as the username's \p{L} classes, is left to the function's own validation).
    for name, shape in operation.input_shape.members.items():
        value = document.get(name)
        if shape.type_name != "string" or not isinstance(value, str):
            continue
        if "max" in shape.metadata and len(value) > shape.metadata["max"]:
            problems.append(
                f"Value at '{_lower_camel(name)}' failed to satisfy constraint: Member must have length less than "
                f"or equal to {shape.metadata['max']}"
            )
        pattern = _pattern(shape.metadata.get("pattern"))
        if pattern is not None and value and not pattern.fullmatch(value):
            problems.append(
                f"Value at '{_lower_camel(name)}' failed to satisfy constraint: Member must satisfy regular "
                f"expression pattern: {shape.metadata['pattern']}"
            )
    if problems:
        count = f"{len(problems)} validation error{'s' if len(problems) > 1 else ''} detected: "
        return _error(400, "InvalidParameterException", count + "; ".join(problems))
    return None


@cache
def _pattern(source: str | None) -> re.Pattern[str] | None:
    if source is None:
        return None
    try:
        return re.compile(source, re.ASCII)
    except re.error:
        return None


def _error(status: int, error_code: str, message: str) -> tuple[int, dict[str, str], str]:
    body = json.dumps({"__type": error_code, "message": message})
    return status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": error_code}, body


def _serve(self: BaseResponse) -> Any:
    """moto's answer; for Cognito, checked first as Cognito checks a request, and under COGNITO_LOCK."""
    if self.service_name != "cognito-idp":
        return _original_call_action(self)
    refused = _refusal(self)
    if refused is not None:
        return refused
    _SEND.delay = 0.0
    with COGNITO_LOCK:
        answer = _original_call_action(self)
    delay, _SEND.delay = _SEND.delay, 0.0
    time.sleep(delay)
    return answer


def _call_action(self: BaseResponse) -> Any:
    operation = f"{self.service_name}:{self._get_action()}"
    STATE.count(operation)
    fault = STATE.take_fault(operation)
    if fault is None:
        return _serve(self)
    time.sleep(fault.delay_seconds)
    if fault.error_code is None and fault.body is not None:
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(fault.body)
    if fault.error_code is None:
        return _serve(self)
    return _error(fault.status, fault.error_code, fault.message)


def get_account_settings(self: LambdaResponse) -> ActionResult:
    """Lambda's GetAccountSettings: the quota, and what is left unreserved (no function here reserves any)."""
    limit = STATE.lambda_concurrency_limit
    return ActionResult(
        {
            "AccountLimit": {
                "TotalCodeSize": 80 * 1024**3,
                "CodeSizeUnzipped": 250 * 1024**2,
                "CodeSizeZipped": 50 * 1024**2,
                "ConcurrentExecutions": limit,
                "UnreservedConcurrentExecutions": limit,
            },
            "AccountUsage": {"TotalCodeSize": 0, "FunctionCount": 0},
        }
    )


def publish_public_parameter(name: str, value: str, region: str, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Make a parameter of AWS's own `/aws/service/...` tree exist in the emulator, as AWS publishes it."""
    # moto marks its CloudFormation hooks abstract; nothing here uses them.
    parameter = Parameter(  # type: ignore[abstract]
        account_id=account_id,
        name=name,
        value=value,
        parameter_type="String",
        description=None,
        allowed_pattern=None,
        keyid=None,
        last_modified_date=datetime.now(UTC),
        version=1,
        data_type="text",
    )
    ssm_backends[account_id][region]._parameters[name].append(parameter)


def install() -> None:
    """Teach moto ResendConfirmationCode and ConfirmSignUp, send codes at SignUp, and put the call counter and
    fault hook on its dispatch (idempotent)."""
    CognitoIdpResponse.resend_confirmation_code = _action(resend_confirmation_code)  # type: ignore[attr-defined]
    CognitoIdpResponse.confirm_sign_up = _action(confirm_sign_up)  # type: ignore[method-assign]
    CognitoIdpResponse.sign_up = _sign_up  # type: ignore[method-assign]
    CognitoIdpResponse.add_user_pool_client_secret = _action(add_client_secret)  # type: ignore[attr-defined]
    CognitoIdpResponse.list_user_pool_client_secrets = _action(list_client_secrets)  # type: ignore[attr-defined]
    CognitoIdpResponse.delete_user_pool_client_secret = _action(delete_client_secret)  # type: ignore[attr-defined]
    BaseResponse.call_action = _call_action  # type: ignore[method-assign]
    CognitoIdpResponse.setup_class = _setup_class  # type: ignore[method-assign]
    LambdaResponse.get_account_settings = get_account_settings  # type: ignore[attr-defined]
    lambda_urls.url_paths[r"{0}/(?P<api_version>[^/]+)/account-settings/?$"] = LambdaResponse.dispatch


def aws_environment(endpoint: str, region: str) -> dict[str, str]:
    """Environment that points every boto3 client of a process at the emulator, with throwaway credentials.

    AWS_ENDPOINT_URL is boto3's standard switch, so the function's code needs no local-only branch.
    """
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }


class Emulator:
    """moto's WSGI application with the extensions installed, behind the loopback guard, on a threaded werkzeug
    server bound to loopback only (as moto's ThreadedMotoServer serves it, minus its hang on a busy port)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        port_variable: str = "EMULATOR_PORT",
        send_delay_seconds: float = 0.0,
    ) -> None:
        install()
        STATE.send_delay_seconds = send_delay_seconds
        # werkzeug logs every request line; the local server's own log is what a developer wants to read.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._host, self._port, self._port_variable = host, port, port_variable
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Bind (PortInUseError names the port variable when the port is taken), serve in a thread, and return
        the endpoint URL for AWS_ENDPOINT_URL."""
        sock = listening_socket(self._host, self._port, self._port_variable)
        try:
            # No web page of another origin may call it with any method: moto runs the action an X-Amz-Target
            # header names on a GET too, and answers any origin's CORS preflight. AWS SDKs send no Origin.
            app = LoopbackGuard(
                DomainDispatcherApplication(create_backend_app), write_guarded_prefix="/", every_method=True
            )
            self._server = make_server(
                self._host, self._port, app, threaded=True, request_handler=MotoRequestHandler, fd=sock.fileno()
            )
        finally:
            sock.close()  # werkzeug serves a duplicate of the descriptor
        self._thread = threading.Thread(target=self._server.serve_forever, name="emulator", daemon=True)
        self._thread.start()
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
