"""The function's configuration: one table of settings, read from the environment once and checked as a whole.

Each setting is declared once below (its variable, kind, bounds and default, and the stack's context key where the
stack takes the same setting: infra/config.py reads the bounds and defaults from here). Every setting is documented
in the README. A bad setting raises ConfigurationError naming it; the message never includes a secret (none of
these settings holds one: secrets stay in Secrets Manager and only their ids are configured here).

Nothing here imports boto3 or Powertools: the stack imports this module at synth time.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from code_screens.operations.models import CLIENT_ID_PATTERN
from code_screens.origins import EXAMPLE, InvalidOriginError, parse_origin_list

_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no", "")


class ConfigurationError(Exception):
    """The environment does not describe a usable configuration; the message names the setting."""


class LimitPolicy(NamedTuple):
    """A per-username limit, counted per caller and for the username as a whole. Each caller (network) may acquire
    at most `max_per_window` times per rolling `window_seconds`, at least `cooldown_seconds` apart (0 = no
    cooldown); all callers together at most `max_per_username` times per window (None: `max_per_window`, one
    budget for everybody). `name` keys the limiter's items and the LimitReached metric's Policy dimension."""

    name: str
    cooldown_seconds: int
    max_per_window: int
    window_seconds: int
    max_per_username: int | None = None

    @property
    def ceiling(self) -> int:
        """Acquisitions per window for the username from every caller together."""
        return self.max_per_window if self.max_per_username is None else self.max_per_username


class Setting(NamedTuple):
    """One environment variable of the function: a whole number or a number within [low, high], or a flag."""

    name: str
    kind: type[int] | type[float] | type[bool]
    default: int | float | bool
    low: float = 0
    high: float = 0
    context_key: str | None = None
    """The stack's CDK context key for the same setting (infra/config.py), when it has one."""
    stack_default: int | float | bool | None = None
    """What the stack sets when its context says nothing, where that differs from the function's default."""

    def read(self, env: Mapping[str, str]) -> Any:
        """The setting's value in `env` (its default when absent or empty); raises ConfigurationError."""
        raw = env.get(self.name)
        if self.kind is bool:
            return self.default if raw is None else _flag(self.name, raw)
        if raw is None or raw == "":
            return self.default
        try:
            value = int(raw) if self.kind is int else float(raw)
        except ValueError:
            raise ConfigurationError(f"{self.name} must be a {_KIND_NAMES[self.kind]}") from None
        if not self.low <= value <= self.high:
            # 15 significant digits: every bound written out (30 days is 2592000, where :g would say 2.592e+06).
            raise ConfigurationError(f"{self.name} must be between {self.low:.15g} and {self.high:.15g}")
        return value


_KIND_NAMES = {int: "whole number", float: "number"}


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false")


# The settings table.
REVEAL_DELIVERY_DETAILS = Setting("REVEAL_DELIVERY_DETAILS", bool, False, context_key="revealDeliveryDetails")
FORWARD_CALLER_IP = Setting("FORWARD_CALLER_IP", bool, True, context_key="forwardCallerIp")
# Tight by default: a slow Cognito holds the request (and its execution environment) this long; the function's
# timeout is computed from them (infra/timeout_budget.py).
COGNITO_CONNECT_TIMEOUT_SECONDS = Setting("COGNITO_CONNECT_TIMEOUT_SECONDS", float, 1.0, 0.1, 10.0)
COGNITO_READ_TIMEOUT_SECONDS = Setting("COGNITO_READ_TIMEOUT_SECONDS", float, 3.0, 0.1, 10.0)
# The resend limit's defaults: a code a minute at most, five a day, per username.
RESEND_COOLDOWN_SECONDS = Setting("RESEND_COOLDOWN_SECONDS", int, 60, 0, 86_400, context_key="resendCooldownSeconds")
# The item keeps one timestamp per acquisition in the window: 1000 of them stay under DynamoDB's 400 KB.
RESEND_MAX_PER_WINDOW = Setting("RESEND_MAX_PER_WINDOW", int, 5, 1, 1_000, context_key="resendMaxPerWindow")
RESEND_WINDOW_SECONDS = Setting("RESEND_WINDOW_SECONDS", int, 86_400, 1, 30 * 86_400, context_key="resendWindowSeconds")
# The cooldown and RESEND_MAX_PER_WINDOW count per caller (network), so a stranger's resends never use up the
# user's own; this ceiling counts every caller together, and bounds how many codes one inbox gets a window (mail
# bombing). Reaching it takes 3 networks at their own cap: the price docs/api.md states for a day's lock-out.
RESEND_MAX_PER_USERNAME = Setting("RESEND_MAX_PER_USERNAME", int, 15, 1, 1_000, context_key="resendMaxPerUsername")
# Confirm attempts per username and caller (network): a six-digit code has 1,000,000 values and lives 24 hours.
# Five attempts per 15 minutes from one network, while a person who mistypes waits 15 minutes at most. No
# cooldown: retyping a mistyped code at once is normal. Cognito's own attempt limit is unpublished and only a real
# account reaches it; these caps count every attempt before Cognito, for every string alike, and are meant to be
# reached first.
CONFIRM_MAX_PER_WINDOW = Setting("CONFIRM_MAX_PER_WINDOW", int, 5, 1, 100)
CONFIRM_WINDOW_SECONDS = Setting("CONFIRM_WINDOW_SECONDS", int, 900, 60, 86_400)
# Every caller together, per window: what bounds distributed guessing (20 per 15 minutes is 1,920 guesses a day,
# a 0.192 % chance of hitting one code in its 24 hours) and what a lock-out costs (4 networks at their own cap,
# without pause). docs/api.md states both, computed from these defaults (tests/unit/test_limits_doc.py).
CONFIRM_MAX_PER_USERNAME = Setting("CONFIRM_MAX_PER_USERNAME", int, 20, 1, 1_000)
# ForgotPassword is shaped like resend: a code a minute at most, five a day from one network, fifteen from every
# network together (a reset code goes to the account's verified address: the same mail-bombing bound).
FORGOT_PASSWORD_COOLDOWN_SECONDS = Setting("FORGOT_PASSWORD_COOLDOWN_SECONDS", int, 60, 0, 86_400)
FORGOT_PASSWORD_MAX_PER_WINDOW = Setting("FORGOT_PASSWORD_MAX_PER_WINDOW", int, 5, 1, 1_000)
FORGOT_PASSWORD_WINDOW_SECONDS = Setting("FORGOT_PASSWORD_WINDOW_SECONDS", int, 86_400, 1, 30 * 86_400)
FORGOT_PASSWORD_MAX_PER_USERNAME = Setting("FORGOT_PASSWORD_MAX_PER_USERNAME", int, 15, 1, 1_000)
# ConfirmForgotPassword is shaped like confirm: a reset code has 1,000,000 values and lives 1 hour (AWS's
# ForgotPassword reference), so 20 guesses per 15 minutes from every network together are 80 guesses in a code's
# life, a 0.008 % chance (docs/api.md, computed from these defaults by tests/unit/test_limits_doc.py).
CONFIRM_FORGOT_PASSWORD_MAX_PER_WINDOW = Setting("CONFIRM_FORGOT_PASSWORD_MAX_PER_WINDOW", int, 5, 1, 100)
CONFIRM_FORGOT_PASSWORD_WINDOW_SECONDS = Setting("CONFIRM_FORGOT_PASSWORD_WINDOW_SECONDS", int, 900, 60, 86_400)
CONFIRM_FORGOT_PASSWORD_MAX_PER_USERNAME = Setting("CONFIRM_FORGOT_PASSWORD_MAX_PER_USERNAME", int, 20, 1, 1_000)
# The pool's password policy, which the function checks a new password against before Cognito (password_policy.py):
# the stack sets them from the pool (the demo pool's props, or DescribeUserPool at deploy time for an existing
# pool). The defaults are Cognito's own default policy. MinimumLength's bounds are Cognito's (PasswordPolicyType).
PASSWORD_MINIMUM_LENGTH = Setting("PASSWORD_MINIMUM_LENGTH", int, 8, 6, 99)
PASSWORD_REQUIRE_UPPERCASE = Setting("PASSWORD_REQUIRE_UPPERCASE", bool, True)
PASSWORD_REQUIRE_LOWERCASE = Setting("PASSWORD_REQUIRE_LOWERCASE", bool, True)
PASSWORD_REQUIRE_NUMBERS = Setting("PASSWORD_REQUIRE_NUMBERS", bool, True)
PASSWORD_REQUIRE_SYMBOLS = Setting("PASSWORD_REQUIRE_SYMBOLS", bool, True)
PASSWORD_POLICY_SETTINGS = (
    PASSWORD_MINIMUM_LENGTH,
    PASSWORD_REQUIRE_UPPERCASE,
    PASSWORD_REQUIRE_LOWERCASE,
    PASSWORD_REQUIRE_NUMBERS,
    PASSWORD_REQUIRE_SYMBOLS,
)
# Cognito gives every account a `sub` (a UUID) that works as a username beside the one the user chose, so each
# account would have two budgets. Refused on these routes unless the pool's own usernames are UUIDs.
USERNAMES_ARE_UUIDS = Setting("USERNAMES_ARE_UUIDS", bool, False, context_key="usernamesAreUuids")
# Milliseconds (the unit people think of response times in); capped at 5 s, well inside the function's
# timeout (infra/timeout_budget.py). Off unless set; the stack and make run set 500 ms. Chosen from the cost model
# (bench/features.py prints it): Cognito's ResendConfirmationCode takes ~120 ms, a warm custom message trigger
# and the SES hand-off add a few hundred more, so 500 ms covers a typical real send, and the padding it bills
# (~350 ms at 256 MB, arm64) costs about $1.2 per million requests. A pool whose trigger cold-starts needs more
# (watch ResponseTimeFloorExceeded); every extra 100 ms costs about $0.33 per million.
RESPONSE_TIME_FLOOR_MS = Setting(
    "RESPONSE_TIME_FLOOR_MS", int, 0, 0, 5_000, context_key="responseTimeFloorMs", stack_default=500
)

DEFAULT_RESPONSE_TIME_FLOOR_MS = int(RESPONSE_TIME_FLOOR_MS.stack_default or 0)
DEFAULT_RESEND_LIMIT = LimitPolicy(
    "resend",
    cooldown_seconds=int(RESEND_COOLDOWN_SECONDS.default),
    max_per_window=int(RESEND_MAX_PER_WINDOW.default),
    window_seconds=int(RESEND_WINDOW_SECONDS.default),
    max_per_username=int(RESEND_MAX_PER_USERNAME.default),
)
DEFAULT_CONFIRM_LIMIT = LimitPolicy(
    "confirm",
    cooldown_seconds=0,
    max_per_window=int(CONFIRM_MAX_PER_WINDOW.default),
    window_seconds=int(CONFIRM_WINDOW_SECONDS.default),
    max_per_username=int(CONFIRM_MAX_PER_USERNAME.default),
)

DEFAULT_FORGOT_PASSWORD_LIMIT = LimitPolicy(
    "forgot_password",
    cooldown_seconds=int(FORGOT_PASSWORD_COOLDOWN_SECONDS.default),
    max_per_window=int(FORGOT_PASSWORD_MAX_PER_WINDOW.default),
    window_seconds=int(FORGOT_PASSWORD_WINDOW_SECONDS.default),
    max_per_username=int(FORGOT_PASSWORD_MAX_PER_USERNAME.default),
)
DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT = LimitPolicy(
    "confirm_forgot_password",
    cooldown_seconds=0,
    max_per_window=int(CONFIRM_FORGOT_PASSWORD_MAX_PER_WINDOW.default),
    window_seconds=int(CONFIRM_FORGOT_PASSWORD_WINDOW_SECONDS.default),
    max_per_username=int(CONFIRM_FORGOT_PASSWORD_MAX_PER_USERNAME.default),
)


class PasswordPolicy(NamedTuple):
    """The user pool's password policy as Cognito's PasswordPolicyType names it (DescribeUserPool's
    UserPool.Policies.PasswordPolicy); password_policy.py checks a new password against it."""

    minimum_length: int = int(PASSWORD_MINIMUM_LENGTH.default)
    require_uppercase: bool = bool(PASSWORD_REQUIRE_UPPERCASE.default)
    require_lowercase: bool = bool(PASSWORD_REQUIRE_LOWERCASE.default)
    require_numbers: bool = bool(PASSWORD_REQUIRE_NUMBERS.default)
    require_symbols: bool = bool(PASSWORD_REQUIRE_SYMBOLS.default)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PasswordPolicy:
        """The policy the PASSWORD_* settings describe (each its default when absent); raises ConfigurationError."""
        return cls(*(setting.read(env) for setting in PASSWORD_POLICY_SETTINGS))


class Settings(NamedTuple):
    """Typed configuration of the function."""

    app_clients: Mapping[str, str]
    """App client id → id or ARN of the Secrets Manager secret holding {"clientId", "clientSecret"}."""
    default_client_id: str
    allowed_origins: tuple[str, ...]
    """Normalised as browsers send them (origins.py); empty when none is set or the setting is wrong."""
    reveal_delivery_details: bool
    forward_caller_ip: bool
    cognito_connect_timeout_seconds: float
    cognito_read_timeout_seconds: float
    limiter_table_name: str | None = None
    """DynamoDB table of the per-username limiter; None turns the limit off (the function logs it once)."""
    resend_limit: LimitPolicy = DEFAULT_RESEND_LIMIT
    confirm_limit: LimitPolicy = DEFAULT_CONFIRM_LIMIT
    forgot_password_limit: LimitPolicy = DEFAULT_FORGOT_PASSWORD_LIMIT
    confirm_forgot_password_limit: LimitPolicy = DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT
    password_policy: PasswordPolicy = PasswordPolicy()
    """The pool's password policy a new password is checked against before Cognito."""
    pseudonym_key_secret_id: str | None = None
    """Secrets Manager secret holding the key of the username pseudonym (user_ref, limiter key); None: no user_ref."""
    response_floor_seconds: float = 0.0
    """Minimum response time of an answer that reached Cognito; 0 = no floor."""
    allowed_client_metadata_keys: frozenset[str] | None = None
    """clientMetadata keys a caller may send; None = any key (within the request schema's bounds)."""
    usernames_are_uuids: bool = False
    """True when the pool's usernames are UUIDs; otherwise a UUID-shaped username (an account's `sub`) is refused."""
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
            reveal_delivery_details=REVEAL_DELIVERY_DETAILS.read(env),
            forward_caller_ip=FORWARD_CALLER_IP.read(env),
            cognito_connect_timeout_seconds=COGNITO_CONNECT_TIMEOUT_SECONDS.read(env),
            cognito_read_timeout_seconds=COGNITO_READ_TIMEOUT_SECONDS.read(env),
            limiter_table_name=limiter_table_name,
            resend_limit=_limit(
                env,
                DEFAULT_RESEND_LIMIT.name,
                RESEND_COOLDOWN_SECONDS.read(env),
                RESEND_MAX_PER_WINDOW,
                RESEND_WINDOW_SECONDS.read(env),
                RESEND_MAX_PER_USERNAME,
            ),
            confirm_limit=_limit(
                env,
                DEFAULT_CONFIRM_LIMIT.name,
                0,
                CONFIRM_MAX_PER_WINDOW,
                CONFIRM_WINDOW_SECONDS.read(env),
                CONFIRM_MAX_PER_USERNAME,
            ),
            forgot_password_limit=_limit(
                env,
                DEFAULT_FORGOT_PASSWORD_LIMIT.name,
                FORGOT_PASSWORD_COOLDOWN_SECONDS.read(env),
                FORGOT_PASSWORD_MAX_PER_WINDOW,
                FORGOT_PASSWORD_WINDOW_SECONDS.read(env),
                FORGOT_PASSWORD_MAX_PER_USERNAME,
            ),
            confirm_forgot_password_limit=_limit(
                env,
                DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT.name,
                0,
                CONFIRM_FORGOT_PASSWORD_MAX_PER_WINDOW,
                CONFIRM_FORGOT_PASSWORD_WINDOW_SECONDS.read(env),
                CONFIRM_FORGOT_PASSWORD_MAX_PER_USERNAME,
            ),
            password_policy=PasswordPolicy.from_env(env),
            usernames_are_uuids=USERNAMES_ARE_UUIDS.read(env),
            pseudonym_key_secret_id=pseudonym_key_secret_id,
            response_floor_seconds=RESPONSE_TIME_FLOOR_MS.read(env) / 1000,
            allowed_client_metadata_keys=_metadata_keys(env.get("ALLOWED_CLIENT_METADATA_KEYS")),
        )

    def secret_id_for(self, client_id: str) -> str | None:
        """The secret that holds this app client's credentials, or None when the client is not served."""
        return self.app_clients.get(client_id)


def _limit(
    env: Mapping[str, str],
    name: str,
    cooldown_seconds: int,
    per_caller: Setting,
    window_seconds: int,
    per_username: Setting,
) -> LimitPolicy:
    max_per_window, max_per_username = per_caller.read(env), per_username.read(env)
    if env.get(per_username.name) in (None, ""):
        # Unset, the ceiling never sits below the per-caller cap someone raised.
        max_per_username = max(max_per_username, max_per_window)
    elif max_per_username < max_per_window:
        raise ConfigurationError(f"{per_username.name} must be at least {per_caller.name} (all callers together)")
    return LimitPolicy(name, cooldown_seconds, max_per_window, window_seconds, max_per_username)


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


def _metadata_keys(raw: str | None) -> frozenset[str] | None:
    keys = frozenset(key.strip() for key in (raw or "").split(",") if key.strip())
    return keys or None
