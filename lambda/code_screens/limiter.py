"""Per-username limits kept in DynamoDB: a cooldown between two acquisitions and a cap per rolling window.

Why not a Powertools utility: Powertools' idempotency utility (the only one with a DynamoDB store) replays the
first answer for a repeated payload within an expiry; it has no cooldown, no count per window and no 429. It
cannot express "at most 5 a day, 60 s apart" without fighting its own semantics, so this is a small limiter of
its own on the same primitives: a strongly consistent GetItem, then a PutItem conditioned on the version that
was read. Two concurrent acquisitions for one subject cannot both win: the second PutItem fails its condition,
re-reads, and sees the first one's acquisition.

The key is `<policy name>#<subject>`, where the subject is the username's keyed pseudonym (pseudonym.py), so
the table never holds a username in clear. Items expire through DynamoDB TTL (`expiresAt`) once the window has
passed, so the table holds only subjects active in the last window.

Fail open: when DynamoDB cannot be reached, the request goes on unlimited, counted as LimiterUnavailable (and
alarmed). The per-IP WAF rule, the stage throttle and Cognito's own per-user limit still bound a victim's
exposure, while failing closed would turn a DynamoDB outage into an outage of sign-up for everybody. The
answer is the same for every username either way (docs/operations.md).
"""

from __future__ import annotations

import math
import time
from functools import cache
from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from code_screens import metric_names as names
from code_screens.aws_errors import error_code
from code_screens.call_limits import DYNAMODB, LIMITER_MAX_ROUNDS
from code_screens.observability import count, logger
from code_screens.problems import ATTEMPT_LIMIT_EXCEEDED, Problem
from code_screens.settings import LimitPolicy

# Short timeouts and standard retries, and the rounds of read-then-conditional-write before giving up on a subject
# that others keep acquiring: call_limits.py, where the stack's timeout budget reads them too.
_CLIENT_CONFIG = Config(**DYNAMODB.botocore_config())
_MAX_ROUNDS = LIMITER_MAX_ROUNDS


class _Configuration:
    """This execution environment's limiter table (None: limits off), and whether its absence was logged."""

    table_name: str | None = None
    absent_logged: bool = False


_CONFIGURATION = _Configuration()


def configure(table_name: str | None) -> BaseClient | None:
    """Set the table for this execution environment (None: limits off) and build its client (no network call);
    return the client (for the SnapStart hook), or None when the limits are off."""
    _CONFIGURATION.table_name = table_name or None
    _CONFIGURATION.absent_logged = False
    return _client() if _CONFIGURATION.table_name else None


def table() -> tuple[BaseClient, str] | None:
    """The limiter's table name and client, for other short-lived records kept there under a prefix of their own
    (the Cognito door's first answers); None when no table is configured."""
    if _CONFIGURATION.table_name is None:
        return None
    return _client(), _CONFIGURATION.table_name


@cache
def _client() -> BaseClient:
    # From boto3's default session, shared with the Cognito and Secrets Manager clients (one botocore load).
    return boto3.client("dynamodb", config=_CLIENT_CONFIG)


def acquire(policy: LimitPolicy, subject: str, caller: str = "") -> None:
    """Record one acquisition for subject (the username's keyed pseudonym) by caller (the keyed pseudonym of the
    caller's network, pseudonym.caller_reference) under policy.

    Each caller has its own cooldown and its own cap per window, so one network's attempts never use up another's;
    all callers together have the username's ceiling (policy.max_per_username), which bounds distributed guessing.
    Raises Problem(ATTEMPT_LIMIT_EXCEEDED) with `Retry-After` = whole seconds until an acquisition would be
    allowed, without recording anything, when any of them forbids it. The decision depends only on earlier
    acquisitions for the same subject, never on whether an account exists. A no-op (logged once per execution
    environment) when no table is configured; fails open (logged and counted as LimiterUnavailable) when DynamoDB
    cannot be used.
    """
    table_name = _CONFIGURATION.table_name
    if table_name is None:
        if not _CONFIGURATION.absent_logged:
            logger.warning("No limiter table configured: per-username limits are off", extra={"policy": policy.name})
            _CONFIGURATION.absent_logged = True
        return
    key = {"pk": {"S": f"{policy.name}#{subject}"}}
    for _ in range(_MAX_ROUNDS):
        now_ms = int(time.time() * 1000)
        try:
            item = _client().get_item(TableName=table_name, Key=key, ConsistentRead=True).get("Item")
        except (ClientError, BotoCoreError) as error:
            _unavailable(policy, error)
            return
        version, attempts = _read(item, now_ms, policy)
        wait_ms = wait_for_caller(policy, attempts, caller, now_ms)
        if wait_ms > 0:
            _refuse(policy, wait_ms)
        try:
            put = _conditional_put(key, policy, version, [*attempts, (now_ms, caller)])
            _client().put_item(TableName=table_name, **put)
            return
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                _unavailable(policy, error)
                return
            # Another acquisition for this subject landed between our read and our write: read it and decide
            # again (it usually means this one is now inside the cooldown).
        except BotoCoreError as error:
            _unavailable(policy, error)
            return
    _refuse(policy, max(policy.cooldown_seconds, 1) * 1000)


def wait_milliseconds(policy: LimitPolicy, sends: list[int], now_ms: int) -> int:
    """How long until one caller may acquire once more, given its earlier acquisitions (epoch ms, oldest first):
    the cooldown and the per-caller cap (policy.max_per_window); 0 = now."""
    wait = 0
    if sends and policy.cooldown_seconds:
        wait = max(wait, sends[-1] + policy.cooldown_seconds * 1000 - now_ms)
    if len(sends) >= policy.max_per_window:
        # The oldest acquisition among the last max_per_window must leave the window first.
        wait = max(wait, sends[-policy.max_per_window] + policy.window_seconds * 1000 - now_ms)
    return max(wait, 0)


def wait_for_caller(policy: LimitPolicy, attempts: list[tuple[int, str]], caller: str, now_ms: int) -> int:
    """How long until `caller` may acquire, given every caller's earlier acquisitions ((epoch ms, caller), oldest
    first): its own cooldown and cap, and the username's ceiling over all callers; 0 = now."""
    wait = wait_milliseconds(policy, [sent for sent, who in attempts if who == caller], now_ms)
    ceiling = policy.ceiling
    if len(attempts) >= ceiling:
        wait = max(wait, attempts[-ceiling][0] + policy.window_seconds * 1000 - now_ms)
    return max(wait, 0)


def _read(item: dict[str, Any] | None, now_ms: int, policy: LimitPolicy) -> tuple[int | None, list[tuple[int, str]]]:
    if item is None:
        return None, []
    window_start = now_ms - policy.window_seconds * 1000
    sends = [int(value["N"]) for value in item.get("sends", {}).get("L", [])]
    # An item written before callers were recorded has none: its attempts count for the username's ceiling only.
    callers = [value["S"] for value in item.get("callers", {}).get("L", [])] or ["?"] * len(sends)
    attempts = sorted(zip(sends, callers, strict=False))
    return int(item["version"]["N"]), [(sent, who) for sent, who in attempts if sent > window_start]


def _conditional_put(
    key: dict[str, Any], policy: LimitPolicy, version: int | None, attempts: list[tuple[int, str]]
) -> dict[str, Any]:
    # The ceiling's count needs the last `ceiling` attempts; a caller's own cap never needs older ones (were they
    # older, the ceiling would refuse first).
    kept = attempts[-max(policy.ceiling, policy.max_per_window) :]
    item = {
        **key,
        "sends": {"L": [{"N": str(sent)} for sent, _ in kept]},
        "callers": {"L": [{"S": who} for _, who in kept]},
        "version": {"N": str((version or 0) + 1)},
        # DynamoDB TTL is in epoch seconds; the item is useless once its newest acquisition leaves the window.
        "expiresAt": {"N": str(math.ceil(kept[-1][0] / 1000) + policy.window_seconds)},
    }
    if version is None:
        return {"Item": item, "ConditionExpression": "attribute_not_exists(pk)"}
    return {
        "Item": item,
        "ConditionExpression": "version = :version",
        "ExpressionAttributeValues": {":version": {"N": str(version)}},
    }


def _refuse(policy: LimitPolicy, wait_ms: int) -> None:
    count(names.LIMIT_REACHED, names.POLICY, policy.name)
    retry_after = max(1, math.ceil(wait_ms / 1000))
    logger.info("Per-username limit reached", extra={"policy": policy.name, "retry_after_seconds": retry_after})
    raise Problem(ATTEMPT_LIMIT_EXCEEDED, headers={"Retry-After": str(retry_after)})


def _unavailable(policy: LimitPolicy, error: Exception) -> None:
    reason = error_code(error) if isinstance(error, ClientError) else type(error).__name__
    logger.error(
        "Limiter table unavailable: request allowed (fail open)", extra={"policy": policy.name, "reason": reason}
    )
    # Undimensioned, so one alarm watches every reason; the reason is in the log line.
    count(names.LIMITER_UNAVAILABLE)
