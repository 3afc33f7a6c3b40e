"""The embedded AWS emulator: moto in server mode on loopback, taught ResendConfirmationCode, ConfirmSignUp,
ForgotPassword and ConfirmForgotPassword.

moto implements Cognito user pools and Secrets Manager but not ResendConfirmationCode, nor the client-secret
rotation calls (AddUserPoolClientSecret, ListUserPoolClientSecrets, DeleteUserPoolClientSecret); its SignUp sends
no code, its ConfirmSignUp checks neither the secret hash nor the code, and its ForgotPassword and
ConfirmForgotPassword check neither the secret hash, the user, the code nor the password policy. This module adds
or replaces them on moto's own user-pool model, with the errors real Cognito gives, and keeps every code it "sends"
(at sign-up, on resend, and for a password reset, each marked with its `purpose`) in an outbox, which is both what
a developer reads and what ConfirmSignUp and ConfirmForgotPassword check codes against. It also counts the AWS
calls it serves and can be told to fail one (fault injection for tests): both sit on moto's request dispatch, so
boto3 sees real HTTP answers either way.

Every Cognito request is first checked against botocore's service model, as Cognito checks it (so malformed input
is a 400, never a 500 from a Python exception), and Cognito calls are served one at a time under COGNITO_LOCK.

Secrets Manager's RotateSecret runs a rotation function registered here (register_rotation_function) in this
process, step by step as Secrets Manager invokes one in AWS, instead of moto's Lambda (which needs Docker); and
moving AWSCURRENT with UpdateSecretVersionStage changes what GetSecretValue returns, as in AWS.

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
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
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
    DEFAULT_USER_POOL_CONFIG,
    CognitoIdpBackend,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolClient,
    UserStatus,
)
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.exceptions import JsonRESTError
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.core.responses import ActionResult, BaseResponse
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.secretsmanager.exceptions import InvalidParameterException as SecretsInvalidParameterException
from moto.secretsmanager.exceptions import InvalidRequestException, ResourceNotFoundException, SecretNotFoundException
from moto.secretsmanager.models import FakeSecret, SecretsManagerBackend
from moto.ssm.models import Parameter, ssm_backends
from werkzeug.serving import BaseWSGIServer, make_server

from local.loopback import LoopbackGuard, listening_socket

# What a code is for: Cognito keeps a sign-up confirmation code and a password-reset code apart (one never does the
# other's job, and sending one leaves the other valid), and so does the outbox.
CONFIRM_SIGN_UP = "ConfirmSignUp"
FORGOT_PASSWORD = "ForgotPassword"
PURPOSES = (CONFIRM_SIGN_UP, FORGOT_PASSWORD)


@dataclass(frozen=True)
class OutboxMessage:
    """A code the emulator 'sent': a sign-up confirmation code or a password-reset code (`purpose`)."""

    username: str
    destination: str
    medium: str
    code: str
    time: str
    purpose: str = CONFIRM_SIGN_UP
    # True once the code has done its job (confirmed the sign-up, reset the password): it never works again.
    used: bool = False
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
        self._confirmations: dict[str, list[dict[str, str | None]]] = {purpose: [] for purpose in PURPOSES}
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

    def record_confirmation(
        self, username: str, user_context_data: dict[str, Any] | None, purpose: str = CONFIRM_SIGN_UP
    ) -> None:
        context = user_context_data or {}
        entry = {
            "username": username,
            "ip_address": context.get("IpAddress"),
            "encoded_data": context.get("EncodedData"),
        }
        with self._lock:
            self._confirmations[purpose].append(entry)

    def confirmations(self, purpose: str = CONFIRM_SIGN_UP) -> list[dict[str, str | None]]:
        """Every ConfirmSignUp (or, with purpose FORGOT_PASSWORD, every ConfirmForgotPassword) served, whatever its
        answer, newest first: the username and the UserContextData's IpAddress and EncodedData it carried, as the
        outbox records them for the calls that send a code."""
        with self._lock:
            return [dict(entry) for entry in reversed(self._confirmations[purpose])]

    def codes_for(self, user_pool_id: str, user_sub: str, purpose: str = CONFIRM_SIGN_UP) -> list[OutboxMessage]:
        """The codes of one purpose sent to one user, newest first."""
        with self._lock:
            return [
                m
                for m in reversed(self._outbox)
                if (m.user_pool_id, m.user_sub, m.purpose) == (user_pool_id, user_sub, purpose)
            ]

    def mark_used(self, message: OutboxMessage) -> None:
        """Record that `message`'s code did its job, so it never works again."""
        with self._lock:
            index = self._outbox.index(message)
            self._outbox[index] = replace_fields(message, used=True)

    def age_codes(self, seconds: float, username: str | None = None, purpose: str | None = None) -> int:
        """Make the codes sent (to `username`, or to everybody; of `purpose`, or of both) `seconds` older, as if
        time had passed; returns how many were aged. Tests use it to reach Cognito's code lifetimes (24 hours for
        a sign-up code, 1 hour for a reset code)."""
        with self._lock:
            aged = 0
            for index, message in enumerate(self._outbox):
                if (username is None or message.username == username) and purpose in (None, message.purpose):
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


class LimitExceededException(JsonRESTError):
    """Cognito's LimitExceededException (moto has none)."""

    def __init__(self, message: str) -> None:
        super().__init__(error_type="LimitExceededException", message=message)


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
        # LimitExceededException is among the operation's errors in botocore's model; AWS does not document which
        # one a third secret gets (unverified): the rotation function treats any refusal as a failed step.
        raise LimitExceededException("The app client already has the maximum number of client secrets (2).")
    descriptor = {
        "ClientSecretId": f"{client.id}--{secrets.token_hex(4)}",
        "ClientSecretValue": params.get("ClientSecret") or _generated_client_secret(),
        "ClientSecretCreateDate": time.time(),
    }
    active.append(descriptor)
    return {"ClientSecretDescriptor": descriptor}


def _generated_client_secret() -> str:
    # The service model's ClientSecretValue: 24-64 characters of [\w+]; token_urlsafe's '-' is outside it.
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(51))


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


def _send_code(
    user: CognitoIdpUser,
    username: str,
    params: dict[str, Any],
    purpose: str = CONFIRM_SIGN_UP,
    attribute: str | None = None,
) -> dict[str, str]:
    """Put a new six-digit code for `purpose` in the outbox for `user` (to `attribute`, or to its e-mail, else its
    phone) and return Cognito's CodeDeliveryDetails."""
    if attribute is None:
        attribute = "email" if "email" in user.attribute_lookup else "phone_number"
    if attribute not in user.attribute_lookup:
        raise InvalidParameterException("Cannot resend codes. No verified email or phone_number.")
    code = f"{secrets.randbelow(1_000_000):06d}"
    if purpose == CONFIRM_SIGN_UP:
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
            purpose=purpose,
            client_metadata=params.get("ClientMetadata") or {},
            ip_address=context.get("IpAddress"),
            encoded_data=context.get("EncodedData"),
            user_pool_id=user.user_pool_id,
            user_sub=user.id,
            attribute_name=attribute,
        )
    )
    return details


def _enabled_user(
    backend: CognitoIdpBackend, client_id: str, username: str, params: dict[str, Any]
) -> tuple[CognitoIdpUserPool, CognitoIdpUser]:
    """The pool and the user a code-screen call names, after what Cognito checks first on all four: the client's
    secret hash, then that the user exists (UserNotFoundException) and is enabled (NotAuthorizedException)."""
    pool = _find_pool(backend, client_id)
    _check_secret_hash(pool.clients[client_id], params)
    user = pool._get_user(username)
    if user is None:
        raise UserNotFoundError("Username/client id combination not found.")
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    return pool, user


def resend_confirmation_code(backend: CognitoIdpBackend, params: dict[str, Any]) -> dict[str, Any]:
    """ResendConfirmationCode on moto's user-pool model, with Cognito's errors for each failure."""
    client_id, username = params.get("ClientId", ""), params.get("Username", "")
    _, user = _enabled_user(backend, client_id, username, params)
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
    _, user = _enabled_user(backend, client_id, username, params)
    if user.status == UserStatus.CONFIRMED:
        raise NotAuthorizedError("User cannot be confirmed. Current status is CONFIRMED")
    sent = STATE.codes_for(user.user_pool_id, user.id, CONFIRM_SIGN_UP)
    if sent and same_text(sent[0].code, code):
        if datetime.now(UTC) - datetime.fromisoformat(sent[0].time) > CODE_LIFETIME:
            raise ExpiredCodeException("Invalid code provided, please request a code again.")
        user.status = UserStatus.CONFIRMED
        user.confirmation_code = None
        user.update_attributes([{"Name": f"{sent[0].attribute_name}_verified", "Value": "true"}])
        STATE.mark_used(sent[0])
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


# "ForgotPassword sends a recovery code to a verified email or a verified phone number. The recovery code is valid
# for one hour." (Cognito Developer Guide, "Recovering user accounts":
# https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-recover-a-user-account.html)
RESET_CODE_LIFETIME = timedelta(hours=1)

NO_VERIFIED_ADDRESS = "Cannot reset password for the user as there is no registered/verified email or phone_number"
# Cognito's legacy choice when a pool has no AccountRecoverySetting: a verified phone first, else a verified e-mail
# (the same Developer Guide page).
LEGACY_RECOVERY = [{"Name": "verified_phone_number", "Priority": 1}, {"Name": "verified_email", "Priority": 2}]
RECOVERY_ATTRIBUTES = {"verified_email": "email", "verified_phone_number": "phone_number"}


class InvalidPasswordError(JsonRESTError):
    """Cognito's InvalidPasswordException with the rule broken (moto's own has one fixed, misspelt message)."""

    def __init__(self, message: str) -> None:
        super().__init__(error_type="InvalidPasswordException", message=message)


def _recovery_attribute(pool: CognitoIdpUserPool, user: CognitoIdpUser) -> str:
    """The attribute a reset code goes to: the pool's recovery mechanisms in priority order, the first the user has
    verified. NotAuthorizedException when only an administrator may reset passwords; InvalidParameterException when
    the user has no verified address (ForgotPassword's API reference: "If neither a verified phone number nor a
    verified email exists, Amazon Cognito responds with an InvalidParameterException error")."""
    setting = pool.extended_config.get("AccountRecoverySetting") or {}
    mechanisms = sorted(setting.get("RecoveryMechanisms") or LEGACY_RECOVERY, key=lambda m: m["Priority"])
    if any(m["Name"] == "admin_only" for m in mechanisms):
        raise NotAuthorizedError("Contact administrator to reset password.")
    for mechanism in mechanisms:
        attribute = RECOVERY_ATTRIBUTES[mechanism["Name"]]
        if attribute in user.attribute_lookup and user.attribute_lookup.get(f"{attribute}_verified") == "true":
            return attribute
    raise InvalidParameterException(NO_VERIFIED_ADDRESS)


def forgot_password(backend: CognitoIdpBackend, params: dict[str, Any]) -> dict[str, Any]:
    """ForgotPassword as Cognito answers it: a new six-digit reset code in the outbox (purpose ForgotPassword) for a
    user with a verified address, and Cognito's error for each user who cannot get one.

    An UNCONFIRMED user who signed up has no verified address yet (ConfirmSignUp verifies it), so gets the
    no-verified-address InvalidParameterException and no code, as public reports of real Cognito show
    (aws/aws-sdk-net #1984; AWS's answer in aws-amplify/aws-sdk-android #142: "the forgot password functionality
    relies on a verified email or phone number"). An UNCONFIRMED user whose address an administrator marked verified
    gets a code: the documented rule is the verified address, not the status (unverified against real Cognito). A
    user created by an administrator who has not yet chosen a password (FORCE_CHANGE_PASSWORD) is refused with
    NotAuthorizedException "User password cannot be reset in the current state." (aws-solutions/
    distributed-load-testing-on-aws #1; moto's AdminResetUserPassword says the same).
    """
    client_id, username = params.get("ClientId", ""), params.get("Username", "")
    pool, user = _enabled_user(backend, client_id, username, params)
    if user.status == UserStatus.FORCE_CHANGE_PASSWORD:
        raise NotAuthorizedError("User password cannot be reset in the current state.")
    attribute = _recovery_attribute(pool, user)
    return {"CodeDeliveryDetails": _send_code(user, username, params, FORGOT_PASSWORD, attribute)}


# The characters Cognito's password policy counts as symbols (Cognito Developer Guide, "Password policies":
# https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html). Whether an inner space
# also counts is not settled by the sources found here, so it does not: like the function's own check, the emulator
# counts only what Cognito surely counts, so a password it accepts Cognito accepts too.
PASSWORD_SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")
# Java's \s, which Cognito's `^\S.*\S$` password pattern uses: only these six ASCII characters.
_JAVA_WHITESPACE = frozenset(" \t\n\x0b\f\r")
POLICY_PREFIX = "Password does not conform to policy: "


def password_policy(pool: CognitoIdpUserPool) -> dict[str, Any]:
    """The pool's PasswordPolicy, Cognito's default policy (8 characters, all four kinds) for what it leaves out."""
    default: dict[str, Any] = DEFAULT_USER_POOL_CONFIG["Policies"]["PasswordPolicy"]
    configured = (pool.extended_config.get("Policies") or {}).get("PasswordPolicy") or {}
    return {**default, **configured}


def password_problem(policy: dict[str, Any], password: str) -> str | None:
    """The message of Cognito's InvalidPasswordException for the first rule `password` breaks, or None.

    Length counts code points. Upper and lower case mean A-Z and a-z, numbers 0-9, symbols PASSWORD_SYMBOLS: only
    what Cognito surely counts. AWS documents no messages: these are spelt as public code that handles
    ConfirmForgotPassword's answers spells them ("Password does not conform to policy: Password not long enough",
    "... Password must have numeric characters", and for surrounding whitespace "... Password must satisfy regular
    expression pattern: ^\\S.*\\S$"; SignUp words them "Password did not conform with policy: ..."). Which rule
    Cognito names first when several are broken is not documented (unverified).
    """
    if password and (password[0] in _JAVA_WHITESPACE or password[-1] in _JAVA_WHITESPACE):
        return POLICY_PREFIX + "Password must satisfy regular expression pattern: ^\\S.*\\S$"
    rules = [
        (len(password) < int(policy["MinimumLength"]), "Password not long enough"),
        (
            policy["RequireUppercase"] and not any("A" <= c <= "Z" for c in password),
            "Password must have uppercase characters",
        ),
        (
            policy["RequireLowercase"] and not any("a" <= c <= "z" for c in password),
            "Password must have lowercase characters",
        ),
        (
            policy["RequireNumbers"] and not any("0" <= c <= "9" for c in password),
            "Password must have numeric characters",
        ),
        (
            policy["RequireSymbols"] and not any(c in PASSWORD_SYMBOLS for c in password),
            "Password must have symbol characters",
        ),
    ]
    return next((POLICY_PREFIX + message for broken, message in rules if broken), None)


def confirm_forgot_password(backend: CognitoIdpBackend, params: dict[str, Any]) -> dict[str, Any]:
    """ConfirmForgotPassword as Cognito answers it, checked against the reset codes in the outbox.

    Only the newest reset code works, for one hour: an older one, one past its hour, or one already used is
    ExpiredCodeException ("Invalid code provided, please request a code again."), as for ConfirmSignUp; any other
    string, a sign-up confirmation code included, is CodeMismatchException. Then the pool's password policy:
    InvalidPasswordException with the rule broken, the code still good for another try. Success sets the password
    (the old one no longer signs in), uses the code up, and leaves sign-up codes alone; a user in RESET_REQUIRED, or
    an UNCONFIRMED one (who can only have a reset code if an administrator marked an address verified), becomes
    CONFIRMED, as AdminSetUserPassword makes one (aws/aws-sdk-js #2976; for ConfirmForgotPassword, unverified).
    Whether Cognito checks the code or the password first is not documented: this checks the code first.
    """
    client_id, username = params.get("ClientId", ""), params.get("Username", "")
    code, password = params.get("ConfirmationCode", ""), params.get("Password", "")
    STATE.record_confirmation(username, params.get("UserContextData"), FORGOT_PASSWORD)
    pool, user = _enabled_user(backend, client_id, username, params)
    sent = STATE.codes_for(user.user_pool_id, user.id, FORGOT_PASSWORD)
    if not (sent and same_text(sent[0].code, code)):
        if any(same_text(older.code, code) for older in sent[1:]):
            raise ExpiredCodeException("Invalid code provided, please request a code again.")
        raise CodeMismatchException("Invalid verification code provided, please try again.")
    if sent[0].used or datetime.now(UTC) - datetime.fromisoformat(sent[0].time) > RESET_CODE_LIFETIME:
        raise ExpiredCodeException("Invalid code provided, please request a code again.")
    problem = password_problem(password_policy(pool), password)
    if problem is not None:
        raise InvalidPasswordError(problem)
    user.password = password
    if user.status in (UserStatus.RESET_REQUIRED, UserStatus.UNCONFIRMED):
        user.status = UserStatus.CONFIRMED
    STATE.mark_used(sent[0])
    return {}


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
        # A password is the exception: the model says [\S]+, but Cognito takes inner spaces and answers a leading
        # or trailing one with InvalidPasswordException (password_problem), never with this validation error.
        pattern = None if shape.name == "PasswordType" else _pattern(shape.metadata.get("pattern"))
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


# --- Secrets Manager rotation, run in this process ---

# A rotation function's ARN → the callable that runs one invocation of it with Secrets Manager's event
# ({"Step", "SecretId", "ClientRequestToken"}); raising is a failed invocation.
RotationFunction = Callable[[dict[str, str]], object]
ROTATION_FUNCTIONS: dict[str, RotationFunction] = {}
ROTATION_STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
PENDING, CURRENT = "AWSPENDING", "AWSCURRENT"
# What AWS answers RotateSecret while an earlier rotation's AWSPENDING version is not yet AWSCURRENT; it then
# reattempts that rotation (https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot_rotation.html).
PREVIOUS_ROTATION_INCOMPLETE = "A previous rotation isn't complete. That rotation will be reattempted."

_original_rotate_secret = SecretsManagerBackend.rotate_secret
_original_update_secret_version_stage = SecretsManagerBackend.update_secret_version_stage


def register_rotation_function(arn: str, function: RotationFunction) -> None:
    """Make `arn` a rotation function RotateSecret can name: each step runs `function(event)` in this process."""
    ROTATION_FUNCTIONS[arn] = function


def _run_steps(function: RotationFunction, secret_arn: str, token: str, steps: Sequence[str]) -> bool:
    """Invoke the steps in order, as Secrets Manager does; stop at the first that fails. True when all succeeded.

    In AWS the rotation runs asynchronously after RotateSecret answers, so a failed step is not RotateSecret's
    error: it shows in the rotation function's log and metrics, and its AWSPENDING version stays behind.
    """
    for step in steps:
        try:
            function({"Step": step, "SecretId": secret_arn, "ClientRequestToken": token})
        except Exception:  # any failure of the function is a failed invocation, as in Lambda
            logging.getLogger(__name__).warning("rotation step %s failed for version %s", step, token)
            return False
    return True


def _rotate_secret(
    self: SecretsManagerBackend,
    secret_id: str,
    client_request_token: str | None = None,
    rotation_lambda_arn: str | None = None,
    rotation_rules: dict[str, Any] | None = None,
    rotate_immediately: bool = True,
) -> str:
    """RotateSecret for a secret whose rotation function is registered here; moto's own for any other."""
    if not self._is_valid_identifier(secret_id):
        raise SecretNotFoundException()
    secret = self.secrets[secret_id]
    arn = rotation_lambda_arn or getattr(secret, "rotation_lambda_arn", "") or ""
    function = ROTATION_FUNCTIONS.get(arn)
    if function is None or not isinstance(secret, FakeSecret):
        if rotation_lambda_arn and rotation_lambda_arn.startswith("arn:aws:lambda:"):
            raise ResourceNotFoundException(f"Resource not found for ARN '{rotation_lambda_arn}'.")
        return _original_rotate_secret(
            self, secret_id, client_request_token, rotation_lambda_arn, rotation_rules, rotate_immediately
        )
    versions: dict[str, dict[str, Any]] = secret.versions
    stuck = next(
        (v for v, d in versions.items() if PENDING in d["version_stages"] and CURRENT not in d["version_stages"]), None
    )
    if stuck is not None:
        _run_steps(function, secret.arn, stuck, ROTATION_STEPS)
        raise InvalidRequestException(PREVIOUS_ROTATION_INCOMPLETE)
    if rotation_rules and "AutomaticallyAfterDays" in rotation_rules:
        days = int(rotation_rules["AutomaticallyAfterDays"])
        if not 1 <= days <= 1000:
            raise SecretsInvalidParameterException("RotationRules.AutomaticallyAfterDays must be within 1-1000.")
        secret.auto_rotate_after_days = days
        secret.next_rotation_date = int(time.time()) + days * 86400
    secret.rotation_lambda_arn = arn
    secret.rotation_enabled = secret.rotation_requested = True
    token = client_request_token or str(uuid.uuid4())
    # Secrets Manager creates the new version, labelled AWSPENDING and without a value, before the first step.
    secret.remove_version_stages_from_old_versions([PENDING])
    # Its CreatedDate to the millisecond, as AWS gives it (moto's own versions keep whole seconds).
    pending: dict[str, Any] = {"createdate": time.time(), "version_id": token, "version_stages": [PENDING]}
    if rotate_immediately:
        versions[token] = pending
        if _run_steps(function, secret.arn, token, ROTATION_STEPS):
            secret.last_rotation_date = int(time.time())
    else:
        # "Secrets Manager tests the rotation configuration by running the testSecret step ... The test creates an
        # AWSPENDING version of the secret and then removes it" (RotateSecret's RotateImmediately).
        current = next(d for d in versions.values() if CURRENT in d["version_stages"])
        versions[token] = {**pending, "secret_string": current.get("secret_string")}
        _run_steps(function, secret.arn, token, ("testSecret",))
        versions.pop(token, None)
    answer: str = secret.to_short_dict(version_id=token)
    return answer


def _update_secret_version_stage(
    self: SecretsManagerBackend,
    secret_id: str,
    version_stage: str,
    remove_from_version_id: str,
    move_to_version_id: str,
) -> tuple[str, str]:
    """moto's UpdateSecretVersionStage; moving AWSCURRENT also makes that version what GetSecretValue returns by
    default, as in AWS (moto keeps a separate default version that only PutSecretValue moves)."""
    answer = _original_update_secret_version_stage(
        self, secret_id, version_stage, remove_from_version_id, move_to_version_id
    )
    secret = self.secrets[secret_id]
    if version_stage == CURRENT and move_to_version_id and isinstance(secret, FakeSecret):
        secret.default_version_id = move_to_version_id
    return answer


_original_list_secret_version_ids = SecretsManagerBackend.list_secret_version_ids


def _list_secret_version_ids(self: SecretsManagerBackend, secret_id: str) -> str:
    """moto's ListSecretVersionIds, with each version's own CreatedDate (moto gives the time of the call)."""
    answer = json.loads(_original_list_secret_version_ids(self, secret_id))
    versions = self.secrets[secret_id].versions
    for entry in answer["Versions"]:
        entry["CreatedDate"] = versions[entry["VersionId"]]["createdate"]
    return json.dumps(answer)


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
    """Teach moto ResendConfirmationCode, ConfirmSignUp, ForgotPassword and ConfirmForgotPassword, send codes at
    SignUp, and put the call counter and fault hook on its dispatch (idempotent)."""
    CognitoIdpResponse.resend_confirmation_code = _action(resend_confirmation_code)  # type: ignore[attr-defined]
    CognitoIdpResponse.confirm_sign_up = _action(confirm_sign_up)  # type: ignore[method-assign]
    CognitoIdpResponse.sign_up = _sign_up  # type: ignore[method-assign]
    CognitoIdpResponse.forgot_password = _action(forgot_password)  # type: ignore[method-assign]
    CognitoIdpResponse.confirm_forgot_password = _action(confirm_forgot_password)  # type: ignore[method-assign]
    CognitoIdpResponse.add_user_pool_client_secret = _action(add_client_secret)  # type: ignore[attr-defined]
    CognitoIdpResponse.list_user_pool_client_secrets = _action(list_client_secrets)  # type: ignore[attr-defined]
    CognitoIdpResponse.delete_user_pool_client_secret = _action(delete_client_secret)  # type: ignore[attr-defined]
    BaseResponse.call_action = _call_action  # type: ignore[method-assign]
    SecretsManagerBackend.rotate_secret = _rotate_secret  # type: ignore[method-assign]
    SecretsManagerBackend.update_secret_version_stage = _update_secret_version_stage  # type: ignore[method-assign]
    SecretsManagerBackend.list_secret_version_ids = _list_secret_version_ids  # type: ignore[method-assign]
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
