"""The per-username limiter against the emulator's DynamoDB over HTTP: cooldown, cap, races, fail-open."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from code_screens import limiter
from code_screens import metric_names as names
from code_screens.problems import Problem
from code_screens.routes import CONFIRM_SIGN_UP
from code_screens.settings import LimitPolicy
from local.emulator import STATE, Fault
from local.seed import UNCONFIRMED_USER
from tests.conftest import SeededEmulator
from tests.invoke import Invoke, problem_of

POLICY = LimitPolicy("test", cooldown_seconds=60, max_per_window=3, window_seconds=3600)
RESEND = "cognito-idp:ResendConfirmationCode"
CONFIRM = "cognito-idp:ConfirmSignUp"
# A loopback port nothing listens on: connecting is refused at once (botocore's EndpointConnectionError).
CLOSED_PORT_URL = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def metrics_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    """The namespace the stack sets; Powertools refuses to print a metric without one."""
    monkeypatch.setenv(names.NAMESPACE_SETTING, "ResendConfirmationCode")


@pytest.fixture
def table(emulator: SeededEmulator) -> Iterator[str]:
    limiter.configure(emulator.limiter_table_name)
    yield emulator.limiter_table_name
    limiter.configure(None)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The limiter's wall clock, in epoch seconds, moved by the test."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(limiter.time, "time", lambda: now[0])
    return now


def subject() -> str:
    return uuid.uuid4().hex[:16]


def refusal(policy: LimitPolicy, who: str) -> Problem:
    with pytest.raises(Problem) as refused:
        limiter.acquire(policy, who)
    assert refused.value.problem_type.code == "attempt_limit_exceeded"
    return refused.value


@pytest.mark.usefixtures("table")
def test_cooldown_then_cap_with_retry_after_in_whole_seconds(clock: list[float]) -> None:
    who = subject()

    limiter.acquire(POLICY, who)
    clock[0] += 10.2
    assert refusal(POLICY, who).headers == {"Retry-After": "50"}  # 49.8 s rounded up, never 0
    clock[0] += 49.8
    limiter.acquire(POLICY, who)  # cooldown over
    clock[0] += 60
    limiter.acquire(POLICY, who)  # third of three in the hour
    clock[0] += 60
    # The cap: the first acquisition (180 s ago) leaves the hour's window in 3420 s.
    assert refusal(POLICY, who).headers == {"Retry-After": "3420"}
    clock[0] += 3420
    limiter.acquire(POLICY, who)


@pytest.mark.usefixtures("table")
def test_refusals_are_not_recorded_and_subjects_and_policies_are_independent(clock: list[float]) -> None:
    who, other = subject(), subject()
    limiter.acquire(POLICY, who)

    for _ in range(5):
        refusal(POLICY, who)
    clock[0] += 60

    limiter.acquire(POLICY, who)  # refusals did not extend the cooldown
    limiter.acquire(POLICY, other)
    limiter.acquire(LimitPolicy("other", 60, 3, 3600), who)


def test_the_item_holds_a_pseudonym_and_expires_with_the_window(
    table: str, emulator: SeededEmulator, clock: list[float]
) -> None:
    who = subject()

    limiter.acquire(POLICY, who, "c0ffee")

    item = emulator.dynamodb().get_item(TableName=table, Key={"pk": {"S": f"test#{who}"}})["Item"]
    assert set(item) == {"pk", "sends", "callers", "version", "expiresAt"}
    assert item["callers"] == {"L": [{"S": "c0ffee"}]}  # the caller's keyed pseudonym, never its address
    assert int(item["expiresAt"]["N"]) == 1_800_000_000 + 3600
    ttl = emulator.dynamodb().describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}


@pytest.mark.usefixtures("table")
def test_a_concurrent_acquisition_between_read_and_write_makes_the_later_one_lose(
    monkeypatch: pytest.MonkeyPatch, clock: list[float]
) -> None:
    # Given two requests for one subject that both read "no acquisition yet" before either writes
    who = subject()
    client = limiter._client()
    real_get_item = client.get_item
    raced = []

    def get_item_then_let_the_other_request_win(**kwargs: Any) -> Any:
        answer = real_get_item(**kwargs)
        if not raced:
            raced.append(True)
            limiter.acquire(POLICY, who)  # the other request reads and writes in between
        return answer

    monkeypatch.setattr(client, "get_item", get_item_then_let_the_other_request_win)

    # When the first one writes, its condition fails; it reads again and finds itself inside the cooldown
    problem = refusal(POLICY, who)

    assert problem.headers == {"Retry-After": "60"}
    assert raced == [True]


@pytest.mark.usefixtures("table", "disarm_faults")
@pytest.mark.parametrize("operation", ["dynamodb:GetItem", "dynamodb:PutItem"])
def test_an_unusable_table_fails_open_counted_and_logged(
    operation: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    who = subject()
    # Both attempts of botocore's standard retry fail.
    STATE.arm(operation, Fault("InternalServerError", status=500, times=2))

    limiter.acquire(POLICY, who)  # no exception: the request goes on

    out = capsys.readouterr().out
    metrics = [json.loads(line) for line in out.splitlines() if '"_aws"' in line]
    (unavailable,) = [m for m in metrics if names.LIMITER_UNAVAILABLE in m]
    # No dimension but Powertools' service (none in this test's environment): what the alarm watches.
    assert unavailable["_aws"]["CloudWatchMetrics"][0]["Dimensions"] in ([[]], [["service"]])
    (record,) = [r for r in caplog.records if "fail open" in r.getMessage()]
    assert record.reason == "InternalServerError"  # type: ignore[attr-defined]


def test_no_table_is_a_no_op_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    limiter.configure(None)
    before = STATE.calls().get("dynamodb:GetItem", 0)

    for _ in range(3):
        limiter.acquire(POLICY, subject())

    assert caplog.text.count("per-username limits are off") == 1
    # The whole record: its level, its message and its `policy` field.
    (record,) = [r for r in caplog.records if "limits are off" in r.getMessage().lower()]
    assert (record.levelname, record.getMessage(), getattr(record, "policy", None)) == (
        "WARNING",
        "No limiter table configured: per-username limits are off",
        "test",
    )
    assert STATE.calls().get("dynamodb:GetItem", 0) == before


def test_the_handler_limits_existing_and_unknown_usernames_alike_before_cognito(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    invoke = make_invoke(LIMITER_TABLE_NAME=emulator.limiter_table_name, RESEND_COOLDOWN_SECONDS="60")
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    answers: dict[str, list[tuple[int, str, str | None]]] = {}

    for username in (UNCONFIRMED_USER, unknown):
        responses = [invoke({"username": username}) for _ in range(3)]
        answers[username] = [(r.status, r.body.decode(), dict(r.headers).get("Retry-After")) for r in responses]
    resends_after = STATE.calls().get(RESEND, 0)
    invoke({"username": unknown})

    assert answers[UNCONFIRMED_USER] == answers[unknown]
    assert [status for status, _, _ in answers[unknown]] == [200, 429, 429]
    assert problem_of(invoke({"username": unknown}))["code"] == "attempt_limit_exceeded"
    assert STATE.calls().get(RESEND, 0) == resends_after  # refused requests never reach Cognito
    # Case does not make a new username: Alice and alice are one user in a case-insensitive pool.
    assert invoke({"username": unknown.upper()}).status == 429


def test_the_item_keeps_only_what_the_cap_needs(table: str, emulator: SeededEmulator, clock: list[float]) -> None:
    # Given a policy of 3 a minute without cooldown, and more acquisitions than that over several minutes
    policy = LimitPolicy("small", cooldown_seconds=0, max_per_window=3, window_seconds=60)
    who = subject()
    for _ in range(10):
        limiter.acquire(policy, who)
        clock[0] += 30

    # Then the item holds at most the last 3 timestamps, whatever the history (it stays one small write)
    item = emulator.dynamodb().get_item(TableName=table, Key={"pk": {"S": f"small#{who}"}})["Item"]
    assert len(item["sends"]["L"]) <= 3


def test_the_handler_caps_confirm_attempts_per_username_before_cognito(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    """Each username has its own cap of confirm attempts, and a refused attempt never reaches Cognito."""
    invoke = make_invoke(LIMITER_TABLE_NAME=emulator.limiter_table_name, CONFIRM_MAX_PER_WINDOW="2")
    first, second = (f"nobody-{uuid.uuid4().hex[:8]}@example.com" for _ in range(2))

    def attempt(username: str) -> tuple[int, str, str | None]:
        response = invoke({"username": username, "confirmationCode": "123456"}, path=CONFIRM_SIGN_UP.path)
        return response.status, problem_of(response)["code"], dict(response.headers).get("Retry-After")

    answers = [attempt(first) for _ in range(2)]
    confirms_after = STATE.calls().get(CONFIRM, 0)
    refused = attempt(first)
    other = attempt(second)

    assert answers == [(400, "code_mismatch", None)] * 2
    assert refused[:2] == (429, "attempt_limit_exceeded") and refused[2] is not None and int(refused[2]) > 0
    assert STATE.calls().get(CONFIRM, 0) - confirms_after == 1  # the refused one never reached Cognito
    assert other == (400, "code_mismatch", None)  # another username's attempts are its own


@pytest.mark.usefixtures("table")
def test_every_read_is_strongly_consistent(monkeypatch: pytest.MonkeyPatch) -> None:
    """An eventually consistent read could miss the last acquisition and let two through within the cooldown:
    each GetItem asks for ConsistentRead=True, the call still going to the emulator."""
    client = limiter._client()
    real_get_item = client.get_item
    sent: list[dict[str, Any]] = []

    def recording_get_item(**kwargs: Any) -> Any:
        sent.append(kwargs)
        return real_get_item(**kwargs)

    monkeypatch.setattr(client, "get_item", recording_get_item)
    who = subject()

    limiter.acquire(POLICY, who)
    refusal(POLICY, who)

    key = {"pk": {"S": f"test#{who}"}}
    assert sent == [{"TableName": limiter._CONFIGURATION.table_name, "Key": key, "ConsistentRead": True}] * 2


@pytest.mark.usefixtures("table")
def test_a_wait_of_one_millisecond_still_refuses_with_retry_after_1(clock: list[float]) -> None:
    """The cooldown's last millisecond is inside it: a wait of 1 ms still refuses, with Retry-After 1."""
    who = subject()
    limiter.acquire(POLICY, who)

    clock[0] = (1_800_000_000_000 + 59_999) / 1000  # 1 ms before the 60 s cooldown ends
    assert int(clock[0] * 1000) == 1_800_000_059_999  # what the limiter reads, exactly

    assert refusal(POLICY, who).headers == {"Retry-After": "1"}
    clock[0] = 1_800_000_060.0
    limiter.acquire(POLICY, who)


@pytest.mark.usefixtures("table", "disarm_faults")
@pytest.mark.parametrize(("cooldown", "retry_after"), [(0, "1"), (5, "5")])
def test_losing_every_round_refuses_with_the_cooldown_or_1_second(
    cooldown: int, retry_after: str, caplog: pytest.LogCaptureFixture
) -> None:
    """When each of the limiter's rounds reads, then loses its conditional write to another acquisition, it
    stops after three and refuses, Retry-After = max(cooldown, 1 s) in seconds, recording nothing, and logs the
    refusal with its policy and wait."""
    policy = LimitPolicy("busy", cooldown_seconds=cooldown, max_per_window=3, window_seconds=3600)
    who = subject()
    puts_before = STATE.calls().get("dynamodb:PutItem", 0)
    STATE.arm("dynamodb:PutItem", Fault("ConditionalCheckFailedException", times=3))

    problem = refusal(policy, who)

    assert problem.headers == {"Retry-After": retry_after}
    assert STATE.calls().get("dynamodb:PutItem", 0) - puts_before == 3
    (record,) = [r for r in caplog.records if r.getMessage() == "Per-username limit reached"]
    assert (record.policy, record.retry_after_seconds) == ("busy", int(retry_after))  # type: ignore[attr-defined]
    limiter.acquire(policy, subject())  # the table still works for everyone else


@pytest.mark.usefixtures("table")
def test_an_unreachable_table_on_the_write_fails_open_counted_and_logged(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """A connection error (botocore's BotoCoreError, not a ClientError) on the PutItem after a good read: the
    request goes on, with the whole fail-open log line (its policy and the error's name) and the
    LimiterUnavailable metric."""
    client = limiter._client()
    # A real client whose endpoint refuses connections at once; one attempt, so no retry back-off.
    unreachable = boto3.client(
        "dynamodb",
        endpoint_url=CLOSED_PORT_URL,
        region_name=client.meta.region_name,
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )
    monkeypatch.setattr(client, "put_item", unreachable.put_item)
    capsys.readouterr()

    limiter.acquire(POLICY, subject())  # no exception: the request goes on

    assert fail_open_records(caplog) == [("ERROR", "test", "EndpointConnectionError")]
    assert limiter_unavailable_values(capsys.readouterr().out) == [[1.0]]


@pytest.mark.usefixtures("table", "disarm_faults")
@pytest.mark.parametrize("operation", ["dynamodb:GetItem", "dynamodb:PutItem"])
def test_an_answer_without_an_aws_error_fails_open_as_unknown(
    operation: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """An HTTP 300 (say, from a proxy in front of the endpoint) is a ClientError for botocore (client.py raises
    one for any status >= 300) but its parser reads the body as the operation's output below 301
    (parsers.ResponseParser.parse), so the error has no "Error" entry at all. It still fails open, reason
    "Unknown", not an AttributeError."""
    STATE.arm(operation, Fault("ConditionalCheckFailedException", status=300))
    capsys.readouterr()

    limiter.acquire(POLICY, subject())

    assert fail_open_records(caplog) == [("ERROR", "test", "Unknown")]
    assert limiter_unavailable_values(capsys.readouterr().out) == [[1.0]]


def fail_open_records(caplog: pytest.LogCaptureFixture) -> list[tuple[str, Any, Any]]:
    """(level, policy, reason) of each "fail open" log line, whose message is asserted whole."""
    found = [r for r in caplog.records if "fail open" in r.getMessage()]
    assert [r.getMessage() for r in found] == ["Limiter table unavailable: request allowed (fail open)"] * len(found)
    return [(r.levelname, getattr(r, "policy", None), getattr(r, "reason", None)) for r in found]


def limiter_unavailable_values(stdout: str) -> list[Any]:
    """The LimiterUnavailable values of each EMF line in stdout, as EMF lists them."""
    metrics = [json.loads(line) for line in stdout.splitlines() if '"_aws"' in line]
    return [m[names.LIMITER_UNAVAILABLE] for m in metrics if names.LIMITER_UNAVAILABLE in m]


# Per caller: 3 an hour, 60 s apart, from one network; per username: 5 an hour from every network together.
SHARED = LimitPolicy("shared", cooldown_seconds=60, max_per_window=3, window_seconds=3600, max_per_username=5)


@pytest.mark.usefixtures("table")
def test_one_callers_attempts_never_use_up_another_callers_budget(clock: list[float]) -> None:
    # Given a stranger at its own cap for a username (three attempts, a minute apart)
    who = subject()
    for _ in range(3):
        limiter.acquire(SHARED, who, "stranger")
        clock[0] += 61

    # When the stranger tries again, and the user tries from another network
    refused = refusal_from(SHARED, who, "stranger")
    limiter.acquire(SHARED, who, "user")

    # Then the stranger waits for its oldest attempt to leave the window; the user was not held back
    assert refused.headers["Retry-After"] == str(3600 - 3 * 61)


@pytest.mark.usefixtures("table")
def test_every_caller_together_stops_at_the_usernames_ceiling(clock: list[float]) -> None:
    # Given five attempts for one username from three networks (none at its own cap)
    who = subject()
    for caller in ("a", "a", "b", "b", "c"):
        limiter.acquire(SHARED, who, caller)
        clock[0] += 61

    # Then a sixth, from a network that has made none, is refused until the oldest leaves the window
    refused = refusal_from(SHARED, who, "fresh")
    assert refused.headers["Retry-After"] == str(3600 - 5 * 61)


@pytest.mark.usefixtures("table")
def test_an_item_written_before_callers_were_recorded_counts_for_the_ceiling(
    emulator: SeededEmulator, table: str, clock: list[float]
) -> None:
    who = subject()
    now_ms = int(clock[0] * 1000)
    sends = [{"N": str(now_ms - 1000 * (60 + i))} for i in range(5)]
    emulator.dynamodb().put_item(
        TableName=table,
        Item={"pk": {"S": f"shared#{who}"}, "sends": {"L": sends}, "version": {"N": "1"}, "expiresAt": {"N": "1"}},
    )

    refusal_from(SHARED, who, "anyone")


def refusal_from(policy: LimitPolicy, who: str, caller: str) -> Problem:
    with pytest.raises(Problem) as refused:
        limiter.acquire(policy, who, caller)
    assert refused.value.problem_type.code == "attempt_limit_exceeded"
    return refused.value


def test_each_caller_network_has_its_own_cooldown_through_the_handler(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    # A stranger's resend must not use up the user's own: the limiter is keyed per caller network too.
    invoke = make_invoke(LIMITER_TABLE_NAME=emulator.limiter_table_name, RESEND_COOLDOWN_SECONDS="60")
    username = f"networks-{uuid.uuid4().hex[:8]}@example.com"

    first = invoke({"username": username}, source_ip="198.51.100.7")
    other_network = invoke({"username": username}, source_ip="203.0.113.9")
    same_network = invoke({"username": username}, source_ip="198.51.100.7")

    assert (first.status, other_network.status) == (200, 200)
    assert (same_network.status, problem_of(same_network)["code"]) == (429, "attempt_limit_exceeded")
