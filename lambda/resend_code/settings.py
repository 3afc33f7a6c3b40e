"""The function's configuration, read from the environment once and checked as a whole.

Every setting is documented in the README. A bad or missing setting raises ConfigurationError naming the
setting; the message never includes a secret (none of these settings holds one: secrets stay in Secrets
Manager and only their ids are configured here).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from resend_code.origins import EXAMPLE, InvalidOriginError, parse_origin_list
from resend_code.request_model import CLIENT_ID_PATTERN

_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no", "")


class ConfigurationError(Exception):
    """The environment does not describe a usable configuration; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    """Typed configuration of the resend function."""

    app_clients: Mapping[str, str]
    """App client id → id or ARN of the Secrets Manager secret holding {"clientId", "clientSecret"}."""
    default_client_id: str
    allowed_origins: tuple[str, ...]
    """Normalised as browsers send them (resend_code.origins); empty when none is set or the setting is wrong."""
    reveal_delivery_details: bool
    forward_caller_ip: bool
    cognito_connect_timeout_seconds: float
    cognito_read_timeout_seconds: float
    allowed_origins_error: str | None = None
    """Why ALLOWED_ORIGINS was refused. Kept apart from the other settings: requests without an Origin (native
    apps, servers) cannot be affected by it, so they are served; a request with an Origin is refused with a
    500 and this message in the log, since nobody can tell whether its origin was meant to be allowed."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and check every setting; raise ConfigurationError on the first one that is wrong."""
        env = os.environ if env is None else env
        app_clients = _app_clients(env.get("APP_CLIENTS"))
        default_client_id = env.get("DEFAULT_CLIENT_ID") or ""
        if not default_client_id:
            if len(app_clients) != 1:
                raise ConfigurationError("DEFAULT_CLIENT_ID must be set when APP_CLIENTS lists more than one client")
            default_client_id = next(iter(app_clients))
        if default_client_id not in app_clients:
            raise ConfigurationError("DEFAULT_CLIENT_ID must be one of the client ids in APP_CLIENTS")
        try:
            allowed_origins, origins_error = _origins(env.get("ALLOWED_ORIGINS", "")), None
        except ConfigurationError as error:
            allowed_origins, origins_error = (), str(error)
        return cls(
            app_clients=app_clients,
            default_client_id=default_client_id,
            allowed_origins=allowed_origins,
            allowed_origins_error=origins_error,
            reveal_delivery_details=_flag(env, "REVEAL_DELIVERY_DETAILS", default=False),
            forward_caller_ip=_flag(env, "FORWARD_CALLER_IP", default=True),
            # Tight by default: the function's 10 s timeout must cover a secret read and this one attempt.
            cognito_connect_timeout_seconds=_number(env, "COGNITO_CONNECT_TIMEOUT_SECONDS", 1.0, 0.1, 10.0),
            cognito_read_timeout_seconds=_number(env, "COGNITO_READ_TIMEOUT_SECONDS", 3.0, 0.1, 10.0),
        )

    def secret_id_for(self, client_id: str) -> str | None:
        """The secret that holds this app client's credentials, or None when the client is not served."""
        return self.app_clients.get(client_id)


def _app_clients(raw: str | None) -> dict[str, str]:
    if not raw:
        raise ConfigurationError(
            'APP_CLIENTS is not set: it must be a JSON object {"<app client id>": "<secret id or ARN>"}'
        )
    try:
        clients = json.loads(raw)
    except ValueError:
        raise ConfigurationError("APP_CLIENTS is not valid JSON") from None
    if not isinstance(clients, dict) or not clients:
        raise ConfigurationError("APP_CLIENTS must be a non-empty JSON object of client id to secret id")
    for client_id, secret_id in clients.items():
        if not re.fullmatch(CLIENT_ID_PATTERN, client_id) or len(client_id) > 128:
            raise ConfigurationError("APP_CLIENTS has a key that is not a valid app client id")
        if not isinstance(secret_id, str) or not secret_id:
            raise ConfigurationError("APP_CLIENTS must map each client id to a Secrets Manager secret id or ARN")
    return clients


def _origins(raw: str) -> tuple[str, ...]:
    try:
        return parse_origin_list(raw)
    except InvalidOriginError as error:
        raise ConfigurationError(
            f"ALLOWED_ORIGINS: {error}; expected a comma-separated list such as {EXAMPLE}"
        ) from None


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false")


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number") from None
    if not low <= value <= high:
        raise ConfigurationError(f"{name} must be between {low:g} and {high:g}")
    return value
