"""The stack's settings, read from CDK context (cdk.json or `-c key=value`) and checked before anything is built.

Every key is documented in the README's "Deploy" section. Nothing here needs AWS at synth time: no lookups,
no STS, so `cdk synth` works with neither credentials nor Docker.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_logs as logs
from constructs import Node

from code_screens import settings as fn
from code_screens.origins import EXAMPLE, InvalidOriginError, parse_origin_list
from code_screens.settings import DEFAULT_RESEND_LIMIT, DEFAULT_RESPONSE_TIME_FLOOR_MS

# The Powertools layer version pinned to the library the tests run against (requirements.txt); a unit test keeps
# the two equal. "latest" follows AWS's moving parameter instead, at the cost of reproducible deploys.
POWERTOOLS_LAYER_VERSION = "3.37.0"

_SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$")
_KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[a-f0-9-]{36}$")
_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")
# Where each alarm's description sends on-call: docs/operations.md, one section per alarm. The runbookUrl setting
# makes it an absolute link to wherever the operator publishes the docs (e.g. the repository's page of the file).
DEFAULT_RUNBOOK_URL = "docs/operations.md"
_CLIENT_ID = re.compile(r"^[\w+]{1,128}$")
# Cognito's UserPoolId (botocore's model: 1-55 characters, [\w-]+_[0-9a-zA-Z]+); the part before "_" is its Region.
_USER_POOL_ID = re.compile(r"^[\w-]+_[0-9a-zA-Z]+$")


# CloudWatch Logs accepts only these retention periods.
RETENTION_DAYS = {
    1: logs.RetentionDays.ONE_DAY,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    731: logs.RetentionDays.TWO_YEARS,
    1827: logs.RetentionDays.FIVE_YEARS,
    3653: logs.RetentionDays.TEN_YEARS,
}


class ConfigError(ValueError):
    """A context value is missing or wrong; the message names the key."""


@dataclass(frozen=True)
class ExistingAppClient:
    """An app client of the operator's own pool and the secret (created by the operator) that holds its secret."""

    client_id: str
    secret_arn: str
    kms_key_arn: str | None = None
    # The client's user pool: what the rotation function's Cognito calls and IAM need (rotation off without it).
    user_pool_id: str | None = None


@dataclass(frozen=True)
class StackConfig:
    """Typed stack settings."""

    pool_mode: str
    app_clients: tuple[ExistingAppClient, ...]
    default_client_id: str | None
    allowed_origins: tuple[str, ...]
    stage_name: str
    throttle_rate_limit: int
    throttle_burst_limit: int
    waf_rate_limit: int
    reserved_concurrency: int | None
    api_gateway_cloudwatch_role: bool
    memory_size: int
    log_retention: logs.RetentionDays
    alarm_email: str | None
    alarm_topic_arn: str | None
    reveal_delivery_details: bool
    forward_caller_ip: bool
    trace_sampling_rate: float
    powertools_layer_version: str
    resend_cooldown_seconds: int = DEFAULT_RESEND_LIMIT.cooldown_seconds
    resend_max_per_window: int = DEFAULT_RESEND_LIMIT.max_per_window
    resend_max_per_username: int = DEFAULT_RESEND_LIMIT.ceiling
    usernames_are_uuids: bool = False
    resend_window_seconds: int = DEFAULT_RESEND_LIMIT.window_seconds
    response_time_floor_ms: int = DEFAULT_RESPONSE_TIME_FLOOR_MS
    allowed_client_metadata_keys: tuple[str, ...] = ()
    provisioned_concurrency: int = 0
    snap_start: bool = False
    runbook_url: str = DEFAULT_RUNBOOK_URL
    # The Cognito door's own host (infra/cognito_api.py): both or neither.
    cognito_domain_name: str | None = None
    cognito_certificate_arn: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    """(key, value) pairs put on every resource that takes tags (and on the stack), sorted by key."""
    waf_logging: bool = False
    """WAF's request log into a CloudWatch Logs group `aws-waf-logs-<stack>` (body and credentials redacted)."""
    # Secrets Manager rotates each app client secret this often (1-1000 days, its RotationRules' bounds); in
    # existing-pool mode only when rotate_existing_client_secrets (opt-out) and each client names its userPoolId.
    secret_rotation_days: int = 30
    rotate_existing_client_secrets: bool = True
    # Requests a second over every method that can reach Cognito's account-recovery quota (30 rps per account and
    # Region, shared with the account's other callers): the two password-reset routes and the Cognito door's POST /
    # (infra/capacity.py). 15 is the most whose bursts still fit the quota in any one second.
    account_recovery_rate_limit: int = 10
    # Existing-pool mode reads the pool's password policy at deploy time (infra/password_policy.py); changing this
    # value reads it again (after the pool's policy was changed).
    password_policy_revision: str = "1"

    @classmethod
    def from_context(cls, node: Node) -> StackConfig:
        """Read every key from the construct tree's context."""
        return cls.from_mapping({key: node.try_get_context(key) for key in _KEYS})

    @classmethod
    def from_mapping(cls, context: dict[str, Any]) -> StackConfig:
        """Read and check the settings from a plain mapping (what tests pass)."""
        pool_mode = str(context.get("poolMode") or "demo")
        if pool_mode not in ("demo", "existing"):
            raise ConfigError("poolMode must be 'demo' or 'existing'")
        app_clients = _app_clients(context.get("appClients"))
        if pool_mode == "existing" and not app_clients:
            raise ConfigError("appClients is required with poolMode=existing")
        if pool_mode == "demo" and app_clients:
            raise ConfigError("appClients is only for poolMode=existing")
        default_client_id = context.get("defaultClientId") or None
        if default_client_id and default_client_id not in {c.client_id for c in app_clients}:
            raise ConfigError("defaultClientId must be one of the clientIds in appClients")
        if len(app_clients) > 1 and not default_client_id:
            raise ConfigError("defaultClientId is required when appClients lists more than one client")

        rate = _int(context, "throttleRateLimit", 20, 1, 10_000)
        burst = _int(context, "throttleBurstLimit", 40, 1, 5_000)
        if burst < rate:
            raise ConfigError("throttleBurstLimit must be at least throttleRateLimit")
        # No reservation by default: a new account's concurrency limit can be 10, all of which Lambda keeps
        # unreserved, so any reservation rolls the deploy back. A number opts in ("none" is the default, spelled).
        raw_reserved = context.get("reservedConcurrency")
        uncapped = raw_reserved is None or (isinstance(raw_reserved, str) and raw_reserved.lower() in ("", "none"))
        reserved_concurrency = None if uncapped else _int(context, "reservedConcurrency", 10, 1, 1000)
        provisioned_concurrency, snap_start = _cold_start_remedy(context, reserved_concurrency)
        config = cls(
            pool_mode=pool_mode,
            app_clients=app_clients,
            default_client_id=default_client_id,
            allowed_origins=_origins(context.get("allowedOrigins")),
            stage_name=_stage_name(context.get("stageName") or "v1"),
            throttle_rate_limit=rate,
            throttle_burst_limit=burst,
            # AWS WAF's rate-based rules count per IP over 5 minutes; 10 is WAF's minimum.
            waf_rate_limit=_int(context, "wafRateLimit", 100, 10, 2_000_000_000),
            reserved_concurrency=reserved_concurrency,
            # Off by default: the setting is one per account and Region, and pointing it at this stack's role would
            # take it from whichever stack set it (a crowded account). A new account has none, and `make preflight`
            # says to turn this on; without a role, the stage's logging fails the deploy before anything is changed.
            api_gateway_cloudwatch_role=_bool(context, "apiGatewayCloudWatchRole"),
            memory_size=_int(context, "memorySize", 256, 128, 10_240),
            log_retention=_retention(context),
            alarm_email=context.get("alarmEmail") or None,
            alarm_topic_arn=_topic_arn(context.get("alarmTopicArn")),
            reveal_delivery_details=_shared(context, fn.REVEAL_DELIVERY_DETAILS),
            forward_caller_ip=_shared(context, fn.FORWARD_CALLER_IP),
            trace_sampling_rate=_float(context, "traceSamplingRate", 0.05, 0.0, 1.0),
            powertools_layer_version=str(context.get("powertoolsLayerVersion") or POWERTOOLS_LAYER_VERSION),
            # The settings the function takes too: bounds and defaults from its table (code_screens/settings.py),
            # which the function checks again.
            resend_cooldown_seconds=_shared(context, fn.RESEND_COOLDOWN_SECONDS),
            resend_max_per_window=_shared(context, fn.RESEND_MAX_PER_WINDOW),
            resend_max_per_username=_shared(context, fn.RESEND_MAX_PER_USERNAME),
            usernames_are_uuids=_shared(context, fn.USERNAMES_ARE_UUIDS),
            resend_window_seconds=_shared(context, fn.RESEND_WINDOW_SECONDS),
            response_time_floor_ms=_shared(context, fn.RESPONSE_TIME_FLOOR_MS),
            allowed_client_metadata_keys=_metadata_keys(context.get("allowedClientMetadataKeys")),
            provisioned_concurrency=provisioned_concurrency,
            snap_start=snap_start,
            runbook_url=_runbook_url(context.get("runbookUrl")),
            **_cognito_domain(context),
            tags=_tags(context.get("tags")),
            # Off by default: every request is a log line billed as vended logs; the WAF's metrics and sampled
            # requests, and the API's access log, already say who was blocked and who called.
            waf_logging=_bool(context, "wafLogging"),
            secret_rotation_days=_int(context, "secretRotationDays", 30, 1, 1000),
            rotate_existing_client_secrets=_bool(context, "rotateExistingClientSecrets", default=True),
            account_recovery_rate_limit=_int(context, "accountRecoveryRateLimit", 10, 1, 15),
            password_policy_revision=_revision(context.get("passwordPolicyRevision")),
        )
        if config.resend_max_per_username < config.resend_max_per_window:
            # The function would refuse this at INIT and answer every request with a 500.
            raise ConfigError("resendMaxPerUsername must be at least resendMaxPerWindow (all callers together)")
        return config


_KEYS = (
    "poolMode",
    "appClients",
    "defaultClientId",
    "allowedOrigins",
    "stageName",
    "throttleRateLimit",
    "throttleBurstLimit",
    "wafRateLimit",
    "reservedConcurrency",
    "apiGatewayCloudWatchRole",
    "memorySize",
    "logRetentionDays",
    "alarmEmail",
    "alarmTopicArn",
    "revealDeliveryDetails",
    "forwardCallerIp",
    "traceSamplingRate",
    "powertoolsLayerVersion",
    "resendCooldownSeconds",
    "resendMaxPerWindow",
    "resendMaxPerUsername",
    "usernamesAreUuids",
    "resendWindowSeconds",
    "responseTimeFloorMs",
    "allowedClientMetadataKeys",
    "provisionedConcurrency",
    "snapStart",
    "runbookUrl",
    "cognitoDomainName",
    "cognitoCertificateArn",
    "tags",
    "wafLogging",
    "secretRotationDays",
    "rotateExistingClientSecrets",
    "accountRecoveryRateLimit",
    "passwordPolicyRevision",
)

_REVISION = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _revision(raw: Any) -> str:
    """passwordPolicyRevision: 1-64 letters, digits, dots, underscores or dashes (it is part of a physical id)."""
    value = "1" if raw in (None, "") else str(raw)
    if not _REVISION.match(value):
        raise ConfigError("passwordPolicyRevision must be 1-64 letters, digits, '.', '_' or '-' (e.g. 2026-12-04)")
    return value


def password_policy_pool(config: StackConfig) -> str | None:
    """The existing pool whose password policy the function checks: the default client's (or the only client's)
    userPoolId; None in demo mode or when that client names no pool."""
    if config.pool_mode != "existing" or not config.app_clients:
        return None
    default = config.default_client_id or config.app_clients[0].client_id
    return next((c.user_pool_id for c in config.app_clients if c.client_id == default), None)


_DOMAIN_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$")


def _cognito_domain(context: dict[str, Any]) -> dict[str, str | None]:
    """cognitoDomainName and cognitoCertificateArn: a host of its own for the Cognito door (an ACM certificate of the
    stack's Region covering the name), both or neither."""
    name, arn = context.get("cognitoDomainName") or None, context.get("cognitoCertificateArn") or None
    if (name is None) != (arn is None):
        raise ConfigError("cognitoDomainName and cognitoCertificateArn go together: set both or neither")
    if name is not None and not _DOMAIN_NAME.match(str(name).lower()):
        raise ConfigError("cognitoDomainName must be a host name such as cognito.example.com (no scheme, path or port)")
    if arn is not None and not _CERTIFICATE_ARN.match(str(arn)):
        raise ConfigError("cognitoCertificateArn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:...)")
    return {
        "cognito_domain_name": str(name).lower() if name else None,
        "cognito_certificate_arn": str(arn) if arn else None,
    }


def _cold_start_remedy(context: dict[str, Any], reserved_concurrency: int | None) -> tuple[int, bool]:
    """provisionedConcurrency (0 = off) and snapStart, both off by default (see docs/performance.md)."""
    provisioned = _int(context, "provisionedConcurrency", 0, 0, 1000)
    snap_start = _bool(context, "snapStart")
    if provisioned and snap_start:
        # https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html: "SnapStart does not support provisioned
        # concurrency".
        raise ConfigError(
            "snapStart and provisionedConcurrency cannot be combined: Lambda refuses SnapStart with "
            "provisioned concurrency; pick one"
        )
    if provisioned and reserved_concurrency is not None and provisioned > reserved_concurrency:
        # Lambda refuses more provisioned than reserved concurrency on a function that reserves some.
        raise ConfigError("provisionedConcurrency must not exceed reservedConcurrency")
    return provisioned, snap_start


def clients_without_pool(config: StackConfig) -> list[str]:
    """The existing-pool clients whose secret the stack is to rotate but that name no userPoolId (rotation needs it)."""
    if config.pool_mode != "existing" or not config.rotate_existing_client_secrets:
        return []
    return [c.client_id for c in config.app_clients if not c.user_pool_id]


def check_rotation_targets(config: StackConfig) -> None:
    """ConfigError when a client's secret is to rotate and its userPoolId is missing (checked at synth, and by
    `make preflight` as a FAIL line, so the read-only checks still run on such a configuration)."""
    unnamed = clients_without_pool(config)
    if unnamed:
        raise ConfigError(
            f"appClients: {', '.join(unnamed)} has no userPoolId, which rotating its secret needs: add "
            '"userPoolId" to each client, or set rotateExistingClientSecrets=false and rotate by hand'
        )


def arn_region(arn: str) -> str:
    """The Region field of an ARN (`arn:partition:service:region:account:...`)."""
    return arn.split(":")[3]


def regional_references(config: StackConfig) -> list[tuple[str, str]]:
    """(setting, Region) for every configured ARN of a regional resource the stack uses.

    Secrets Manager secrets and KMS keys are regional: an ARN from another Region deploys and then fails on
    every request. CloudWatch alarms may only notify a topic of their own Region: another Region's fails the
    deploy. The stack checks each against its own Region.
    """
    references = [("alarmTopicArn", arn_region(config.alarm_topic_arn))] if config.alarm_topic_arn else []
    for client in config.app_clients:
        references.append((f"appClients[{client.client_id}].secretArn", arn_region(client.secret_arn)))
        if client.kms_key_arn:
            references.append((f"appClients[{client.client_id}].kmsKeyArn", arn_region(client.kms_key_arn)))
        if client.user_pool_id:
            references.append((f"appClients[{client.client_id}].userPoolId", client.user_pool_id.split("_")[0]))
    return references


def check_regions(config: StackConfig, region: str) -> None:
    """Raise ConfigError naming the first setting whose ARN is not in `region` (the stack's, known at synth)."""
    for setting, arn_region_ in regional_references(config):
        if arn_region_ != region:
            raise ConfigError(
                f"{setting} is in {arn_region_} but the stack deploys to {region}: secrets, KMS keys and alarm "
                f"topics are regional; use one of {region} or deploy the stack in {arn_region_}"
            )


def _app_clients(raw: Any) -> tuple[ExistingAppClient, ...]:
    if raw in (None, "", []):
        return ()
    shape = 'appClients must be a JSON list of {"clientId", "secretArn", "kmsKeyArn"?, "userPoolId"?}'
    try:
        items = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise ConfigError(f"{shape}: it is not JSON (mind the shell's quoting)") from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ConfigError(shape)
    clients = []
    for item in items:
        client_id, secret_arn, kms = item.get("clientId", ""), item.get("secretArn", ""), item.get("kmsKeyArn")
        pool_id = item.get("userPoolId")
        if not all(isinstance(value, str) for value in (client_id, secret_arn, kms or "", pool_id or "")):
            raise ConfigError(f"{shape}, each value a string")
        if not _CLIENT_ID.match(client_id):
            raise ConfigError("appClients: clientId is not a valid app client id")
        if not _SECRET_ARN.match(secret_arn):
            raise ConfigError("appClients: secretArn must be the secret's full ARN, with its 6-character suffix")
        if kms is not None and not _KMS_KEY_ARN.match(kms):
            raise ConfigError("appClients: kmsKeyArn must be a KMS key ARN")
        if pool_id is not None and (len(pool_id) > 55 or not _USER_POOL_ID.match(pool_id)):
            raise ConfigError("appClients: userPoolId must be a user pool id such as eu-west-1_AbCdEfGhI")
        clients.append(ExistingAppClient(client_id, secret_arn, kms, pool_id))
    return tuple(clients)


def _topic_arn(raw: Any) -> str | None:
    if not raw:
        return None
    if not _TOPIC_ARN.match(str(raw)):
        raise ConfigError("alarmTopicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)")
    return str(raw)


def _origins(raw: Any) -> tuple[str, ...]:
    # The function's own parser (lambda/code_screens/origins.py), so what synth accepts the function accepts too.
    try:
        return parse_origin_list(raw if isinstance(raw, list) else str(raw or ""))
    except InvalidOriginError as error:
        raise ConfigError(f"allowedOrigins: {error}; expected a comma-separated list such as {EXAMPLE}") from None


def _runbook_url(raw: Any) -> str:
    url = str(raw or DEFAULT_RUNBOOK_URL)
    # It ends up inside every AlarmDescription (1,024 characters at most, with the alarm's own text).
    if len(url) > 300 or re.search(r"[\s#]", url):
        raise ConfigError("runbookUrl must be the address of docs/operations.md, without spaces or '#', at most 300")
    return url


# What every AWS service that takes tags accepts (IAM's and CloudWatch's rules are the strictest): letters, digits,
# spaces and _ . : / = + - @. https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html
_TAG_TEXT = re.compile(r"[\w .:/=+\-@]*")
# AWS's limit per resource; CloudFormation's own aws:cloudformation:* tags do not count against it.
MAX_TAGS = 50


def _tags(raw: Any) -> tuple[tuple[str, str], ...]:
    """The `tags` setting: a JSON object of tag key -> value, checked against the rules every service applies, so
    a wrong tag stops synth naming it instead of failing the deploy on whichever resource is created first."""
    if raw in (None, "", {}):
        return ()
    shape = 'tags must be a JSON object of tag key to value, e.g. {"team": "identity", "env": "prod"}'
    try:
        tags = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise ConfigError(f"{shape}: it is not JSON (mind the shell's quoting)") from None
    if not isinstance(tags, dict):
        raise ConfigError(shape)
    if len(tags) > MAX_TAGS:
        raise ConfigError(f"tags: at most {MAX_TAGS} tags (AWS's limit per resource), not {len(tags)}")
    for key, value in tags.items():
        if not isinstance(value, str):
            raise ConfigError(f"tags: the value of {key!r} must be a string")
        if not 1 <= len(key) <= 128 or not _TAG_TEXT.fullmatch(key):
            raise ConfigError(f"tags: the key {key!r} must be 1-128 letters, digits, spaces or _ . : / = + - @")
        if key.lower().startswith("aws:"):
            raise ConfigError(f"tags: the key {key!r} starts with 'aws:', which AWS reserves for itself")
        if len(value) > 256 or not _TAG_TEXT.fullmatch(value):
            raise ConfigError(
                f"tags: the value of {key!r} must be at most 256 letters, digits, spaces or _ . : / = + - @"
            )
    return tuple(sorted(tags.items()))


def _metadata_keys(raw: Any) -> tuple[str, ...]:
    values = raw if isinstance(raw, list) else str(raw or "").split(",")
    keys = tuple(sorted({str(v).strip() for v in values if str(v).strip()}))
    for key in keys:
        # The request schema's own bound on clientMetadata keys; a comma would split the function's setting.
        if len(key) > 64 or "," in key:
            raise ConfigError("allowedClientMetadataKeys must be clientMetadata keys of at most 64 characters")
    return keys


def _retention(context: dict[str, Any]) -> logs.RetentionDays:
    days = _int(context, "logRetentionDays", 30, 1, 3653)
    if days not in RETENTION_DAYS:
        raise ConfigError(f"logRetentionDays must be one of {sorted(RETENTION_DAYS)}")
    return RETENTION_DAYS[days]


def _stage_name(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", raw):
        raise ConfigError("stageName may hold letters, digits and underscores only")
    return raw


def _bounded(context: dict[str, Any], key: str, default: float, low: float, high: float, kind: type) -> Any:
    raw = context.get(key)
    try:
        value = default if raw in (None, "") else kind(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{key} must be a {'whole number' if kind is int else 'number'}") from None
    if not low <= value <= high:
        raise ConfigError(f"{key} must be between {low} and {high}")
    return value


def _int(context: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value: int = _bounded(context, key, default, low, high, int)
    return value


def _float(context: dict[str, Any], key: str, default: float, low: float, high: float) -> float:
    value: float = _bounded(context, key, default, low, high, float)
    return value


def _shared(context: dict[str, Any], setting: fn.Setting) -> Any:
    """A setting the stack passes on to the function: read from its context key, with the function's bounds and
    the stack's default (settings.Setting)."""
    assert setting.context_key is not None  # only settings the table gives a context key are shared
    default = setting.default if setting.stack_default is None else setting.stack_default
    if setting.kind is bool:
        return _bool(context, setting.context_key, default=bool(default))
    return _bounded(context, setting.context_key, default, setting.low, setting.high, setting.kind)


def _bool(context: dict[str, Any], key: str, *, default: bool = False) -> bool:
    raw = context.get(key)
    if isinstance(raw, bool):
        return raw
    if raw in (None, ""):
        return default
    if raw in ("false", "False", "0"):
        return False
    if raw in ("true", "True", "1"):
        return True
    raise ConfigError(f"{key} must be true or false")
