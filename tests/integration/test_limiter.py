"""The per-username limiter against the emulator's DynamoDB over HTTP: cooldown, cap, races, fail-open."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from local.emulator import STATE, Fault
from local.seed import UNCONFIRMED_USER
from resend_code import limiter
from resend_code import metric_names as names
from resend_code.limiter import LimitPolicy
from resend_code.problems import Problem
from resend_code.route import CONFIRM_SIGN_UP_PATH
from tests.conftest import SeededEmulator
from tests.integration.conftest import Invoke, problem_of

POLICY = LimitPolicy("test", cooldown_seconds=60, max_per_window=3, window_seconds=3600)
RESEND = "cognito-idp:ResendConfirmationCode"
CONFIRM = "cognito-idp:ConfirmSignUp"


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

    limiter.acquire(POLICY, who)

    item = emulator.dynamodb().get_item(TableName=table, Key={"pk": {"S": f"test#{who}"}})["Item"]
    assert set(item) == {"pk", "sends", "version", "expiresAt"}
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
    """Each username has its own cap of confirm attempts, and a refused attempt never reaches Cognito (kills
    confirm_route.handle's mutants that skip the limiter when there is a pseudonym, or key it on None)."""
    invoke = make_invoke(LIMITER_TABLE_NAME=emulator.limiter_table_name, CONFIRM_MAX_PER_WINDOW="2")
    first, second = (f"nobody-{uuid.uuid4().hex[:8]}@example.com" for _ in range(2))

    def attempt(username: str) -> tuple[int, str, str | None]:
        response = invoke({"username": username, "confirmationCode": "123456"}, path=CONFIRM_SIGN_UP_PATH)
        return response.status, problem_of(response)["code"], dict(response.headers).get("Retry-After")

    answers = [attempt(first) for _ in range(2)]
    confirms_after = STATE.calls().get(CONFIRM, 0)
    refused = attempt(first)
    other = attempt(second)

    assert answers == [(400, "code_mismatch", None)] * 2
    assert refused[:2] == (429, "attempt_limit_exceeded") and refused[2] is not None and int(refused[2]) > 0
    assert STATE.calls().get(CONFIRM, 0) - confirms_after == 1  # the refused one never reached Cognito
    assert other == (400, "code_mismatch", None)  # another username's attempts are its own
