"""The embedded AWS emulator: moto in server mode on loopback, taught ResendConfirmationCode.

moto implements Cognito user pools and Secrets Manager but not ResendConfirmationCode. This module adds it
on moto's own user-pool model, with the errors real Cognito gives, and keeps what it "sends" in an outbox so
a developer can read the code. It also counts the AWS calls it serves and can be told to fail one (fault
injection for tests): both sit on moto's request dispatch, so boto3 sees real HTTP answers either way.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from moto.cognitoidp.exceptions import (
    InvalidParameterException,
    NotAuthorizedError,
    ResourceNotFoundError,
    UserNotFoundError,
)
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUser, UserStatus
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.cognitoidp.utils import check_secret_hash
from moto.core.responses import ActionResult, BaseResponse
from moto.server import ThreadedMotoServer


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


@dataclass
class Fault:
    """Answer the next `times` calls of service:action with an AWS error, after an optional delay."""

    error_code: str
    message: str = "Injected fault"
    status: int = 400
    delay_seconds: float = 0.0
    times: int = 1


class EmulatorState:
    """What the emulator has sent, the calls it has served and the faults it is armed with; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._outbox: list[OutboxMessage] = []
        self._calls: Counter[str] = Counter()
        self._faults: dict[str, Fault] = {}

    def deliver(self, message: OutboxMessage) -> None:
        with self._lock:
            self._outbox.append(message)

    def outbox(self) -> list[dict[str, Any]]:
        """Every message sent, newest first."""
        with self._lock:
            return [asdict(message) for message in reversed(self._outbox)]

    def count(self, operation: str) -> None:
        with self._lock:
            self._calls[operation] += 1

    def calls(self) -> dict[str, int]:
        with self._lock:
            return dict(self._calls)

    def arm(self, operation: str, fault: Fault) -> None:
        with self._lock:
            self._faults[operation] = fault

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


def _mask(user: CognitoIdpUser, attribute: str) -> str:
    # Cognito masks destinations itself ("a***@e***", "+*******0100"); do the same so nothing local shows more.
    value = str(user.attribute_lookup.get(attribute, ""))
    if attribute == "email" and "@" in value:
        local, domain = value.split("@", 1)
        return f"{local[:1]}***@{domain[:1]}***"
    return "+*******" + value[-4:]


def resend_confirmation_code(backend: CognitoIdpBackend, params: dict[str, Any]) -> dict[str, Any]:
    """ResendConfirmationCode on moto's user-pool model, with Cognito's errors for each failure."""
    client_id, username = params.get("ClientId", ""), params.get("Username", "")
    pool = next((p for p in backend.user_pools.values() if client_id in p.clients), None)
    if pool is None:
        raise ResourceNotFoundError(client_id)
    client = pool.clients[client_id]
    if client.generate_secret:
        secret_hash = params.get("SecretHash")
        if not secret_hash:
            raise NotAuthorizedError(f"Client {client_id} is configured with secret but SECRET_HASH was not received")
        if not check_secret_hash(client.secret, client_id, username, secret_hash):
            raise NotAuthorizedError(f"Unable to verify secret hash for client {client_id}")
    user = pool._get_user(username)
    if user is None:
        raise UserNotFoundError("Username/client id combination not found.")
    if user.status == UserStatus.CONFIRMED:
        raise InvalidParameterException("User is already confirmed.")

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
        )
    )
    return {"CodeDeliveryDetails": details}


def _resend_action(self: CognitoIdpResponse) -> ActionResult:
    # Cognito's unauthenticated calls are not region-bound by credentials: find the backend owning the client,
    # as moto's own sign_up does.
    client_id = self.parameters.get("ClientId", "")
    backend = self._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    return ActionResult(resend_confirmation_code(backend, self.parameters))


_original_call_action = BaseResponse.call_action


def _call_action(self: BaseResponse) -> Any:
    operation = f"{self.service_name}:{self._get_action()}"
    STATE.count(operation)
    fault = STATE.take_fault(operation)
    if fault is None:
        return _original_call_action(self)
    time.sleep(fault.delay_seconds)
    body = json.dumps({"__type": fault.error_code, "message": fault.message})
    return fault.status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": fault.error_code}, body


def install() -> None:
    """Teach moto ResendConfirmationCode and put the call counter and fault hook on its dispatch (idempotent)."""
    CognitoIdpResponse.resend_confirmation_code = _resend_action  # type: ignore[attr-defined]
    BaseResponse.call_action = _call_action  # type: ignore[method-assign]


class Emulator:
    """moto's ThreadedMotoServer with the extensions installed, bound to loopback only."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        install()
        # werkzeug logs every request line; the local server's own log is what a developer wants to read.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)

    def start(self) -> str:
        """Start serving and return the endpoint URL for AWS_ENDPOINT_URL."""
        self._server.start()
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.stop()
