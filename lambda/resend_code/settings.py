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

from resend_code.limiter import LimitPolicy
from resend_code.origins import EXAMPLE, InvalidOriginError, parse_origin_list
from resend_code.request_model import CLIENT_ID_PATTERN

_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no", "")


# The defaults: a code a minute at most, five a day, per username.
DEFAULT_RESEND_LIMIT = LimitPolicy("resend", cooldown_seconds=60, max_per_window=5, window_seconds=86_400)
# Confirm attempts per username (issue 11): a six-digit code has 1,000,000 values and lives 24 hours. Five
# attempts per 15 minutes allow at most 480 guesses a day, a 0.048 % chance of hitting one code in its lifetime,
# while a person who mistypes waits 15 minutes at most. No cooldown: retyping a mistyped code at once is normal.
# Cognito's own attempt limit is unpublished and only a real account reaches it; this cap counts every attempt
# before Cognito, for every string alike, and is meant to be reached first.
DEFAULT_CONFIRM_LIMIT = LimitPolicy("confirm", cooldown_seconds=0, max_per_window=5, window_seconds=900)


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
    limiter_table_name: str | None = None
    """DynamoDB table of the per-username limiter; None turns the limit off (the function logs it once)."""
    resend_limit: LimitPolicy = DEFAULT_RESEND_LIMIT
    confirm_limit: LimitPolicy = DEFAULT_CONFIRM_LIMIT
    pseudonym_key_secret_id: str | None = None
    """Secrets Manager secret holding the key of the username pseudonym (user_ref, limiter key); None: no user_ref."""
    response_floor_seconds: float = 0.0
    """Minimum response time of an answer that reached Cognito; 0 = no floor."""
    allowed_client_metadata_keys: frozenset[str] | None = None
    """clientMetadata keys a caller may send; None = any key (within the request model's bounds)."""
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
        limiter_table_name = env.get("LIMITER_TABLE_NAME") or None
        pseudonym_key_secret_id = env.get("PSEUDONYM_KEY_SECRET_ID") or None
        if limiter_table_name and not pseudonym_key_secret_id:
            # The limiter's key is the username's keyed pseudonym; without its key there is nothing safe to key on.
            raise ConfigurationError("LIMITER_TABLE_NAME needs PSEUDONYM_KEY_SECRET_ID (the limiter keys on it)")
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
            limiter_table_name=limiter_table_name,
            resend_limit=_resend_limit(env),
            confirm_limit=_confirm_limit(env),
            pseudonym_key_secret_id=pseudonym_key_secret_id,
            # Milliseconds in the environment (the unit people think of response times in); the function's 10 s
            # timeout must still cover the floor, so it is capped at 5 s.
            response_floor_seconds=_whole(env, "RESPONSE_TIME_FLOOR_MS", 0, 0, 5_000) / 1000,
            allowed_client_metadata_keys=_metadata_keys(env.get("ALLOWED_CLIENT_METADATA_KEYS")),
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


def _resend_limit(env: Mapping[str, str]) -> LimitPolicy:
    default = DEFAULT_RESEND_LIMIT
    return LimitPolicy(
        default.name,
        cooldown_seconds=_whole(env, "RESEND_COOLDOWN_SECONDS", default.cooldown_seconds, 0, 86_400),
        # The item keeps one timestamp per acquisition in the window: 1000 of them stay under DynamoDB's 400 KB.
        max_per_window=_whole(env, "RESEND_MAX_PER_WINDOW", default.max_per_window, 1, 1_000),
        window_seconds=_whole(env, "RESEND_WINDOW_SECONDS", default.window_seconds, 1, 30 * 86_400),
    )


def _confirm_limit(env: Mapping[str, str]) -> LimitPolicy:
    default = DEFAULT_CONFIRM_LIMIT
    return LimitPolicy(
        default.name,
        cooldown_seconds=0,
        max_per_window=_whole(env, "CONFIRM_MAX_PER_WINDOW", default.max_per_window, 1, 100),
        window_seconds=_whole(env, "CONFIRM_WINDOW_SECONDS", default.window_seconds, 60, 86_400),
    )


def _metadata_keys(raw: str | None) -> frozenset[str] | None:
    keys = frozenset(key.strip() for key in (raw or "").split(",") if key.strip())
    return keys or None


def _whole(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    return int(_number(env, name, default, low, high, whole=True))


def _number(
    env: Mapping[str, str], name: str, default: float, low: float, high: float, *, whole: bool = False
) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(int(raw)) if whole else float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a {'whole number' if whole else 'number'}") from None
    if not low <= value <= high:
        # 15 significant digits: every bound written out (30 days is 2592000, where :g would say 2.592e+06).
        raise ConfigurationError(f"{name} must be between {low:.15g} and {high:.15g}")
    return value
