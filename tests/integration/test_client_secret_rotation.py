"""The rotation function's four steps, driven as Secrets Manager drives them: RotateSecret on the emulator, which
invokes lambda/rotation_handler.py in this process. Each test rotates a client of its own (tests/rotation_helpers.py),
never the seeded one."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from code_screens import metric_names as names
from code_screens.rotation import PROBE_ACCEPTED, STEPS, probe
from code_screens.secret_hash import AppClientCredentials
from local.emulator import PREVIOUS_ROTATION_INCOMPLETE, STATE, Fault
from local.rotation import invoke_rotation_function
from tests.conftest import SeededEmulator
from tests.integration.test_alarms_match_emitted_metrics import emf_metrics
from tests.invoke import Invoke
from tests.rotation_helpers import RotatedClient, attach, fresh_client, snapshot, stored


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """ROTATION_USER_POOLS, as the stack sets it, filled in by each test with the clients it rotates."""
    mapping: dict[str, str] = {}
    # Restored after the test; client_for rewrites it as it adds clients (the handler reads it on each invocation).
    monkeypatch.setenv("ROTATION_USER_POOLS", "{}")
    yield mapping
    STATE.disarm()


@pytest.fixture
def rotation_log() -> Iterator[io.StringIO]:
    """What the rotation function logs during the test (its Powertools handler writes to the stream it was made
    with, which capsys does not replace)."""
    import rotation_handler

    buffer = io.StringIO()
    handler = rotation_handler.logger.registered_handler
    # Assigned, not setStream(): that flushes the old stream, which may be an earlier test's closed capture.
    previous = handler.stream  # type: ignore[attr-defined]
    handler.stream = buffer  # type: ignore[attr-defined]
    yield buffer
    handler.stream = sys.stdout if getattr(previous, "closed", False) else previous  # type: ignore[attr-defined]


def client_for(
    emulator: SeededEmulator, pools: dict[str, str], function: Any = invoke_rotation_function
) -> RotatedClient:
    client = fresh_client(emulator, function)
    pools[client.client_id] = client.user_pool_id
    os.environ["ROTATION_USER_POOLS"] = json.dumps(pools)
    attach(emulator, client)
    return client


def verdict(emulator: SeededEmulator, client_id: str, client_secret: str) -> str:
    """What Cognito says to testSecret's probe with this secret: an accepted code (the user is unknown) or the
    secret hash refused."""
    try:
        emulator.cognito().confirm_sign_up(**probe(AppClientCredentials(client_id, client_secret)))
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return "accepted"


def endpoint_answers(make_invoke: Callable[..., Invoke], client: RotatedClient) -> int:
    """The endpoint, configured with this client alone and a cold cache, resending for an unknown username: 200
    (neutral) when its stored secret works, 500 when Cognito refuses it."""
    invoke = make_invoke(APP_CLIENTS=json.dumps({client.client_id: client.secret_arn}))
    return invoke({"username": "nobody-here@example.com"}).status


def test_rotate_secret_stores_a_new_secret_and_revokes_the_old(
    emulator: SeededEmulator, pools: dict[str, str], make_invoke: Callable[..., Invoke]
) -> None:
    # Given a client whose secret the rotation function is attached to, and what Cognito sends before
    client = client_for(emulator, pools)
    old = stored(emulator, client)
    outbox_before = len(STATE.outbox())

    # When Secrets Manager rotates it (the same call as in AWS)
    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)

    # Then a new secret is stored with its Cognito id, it is the client's only secret, and the old one is refused
    new = stored(emulator, client)
    assert new["clientSecret"] != old["clientSecret"] and new["clientId"] == client.client_id
    listed = emulator.cognito().list_user_pool_client_secrets(UserPoolId=client.user_pool_id, ClientId=client.client_id)
    assert [s["ClientSecretId"] for s in listed["ClientSecrets"]] == [new["clientSecretId"]]
    assert verdict(emulator, client.client_id, old["clientSecret"]) == "NotAuthorizedException"
    assert verdict(emulator, client.client_id, new["clientSecret"]) in PROBE_ACCEPTED
    # ... the endpoint works on it, and testSecret sent nobody anything
    assert endpoint_answers(make_invoke, client) == 200
    assert len(STATE.outbox()) == outbox_before


def test_two_rotations_in_a_row_leave_one_secret(emulator: SeededEmulator, pools: dict[str, str]) -> None:
    client = client_for(emulator, pools)

    for _ in range(3):
        emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)

    current = stored(emulator, client)
    assert snapshot(emulator, client)["cognito"] == [current["clientSecretId"]]
    assert verdict(emulator, client.client_id, current["clientSecret"]) in PROBE_ACCEPTED


def test_each_step_run_twice_changes_nothing_more(emulator: SeededEmulator, pools: dict[str, str]) -> None:
    # Given a rotation function that Secrets Manager "retries": every step runs twice, state read in between
    after_first: dict[str, Any] = {}
    after_second: dict[str, Any] = {}
    holder: list[RotatedClient] = []

    def twice(event: dict[str, str]) -> None:
        invoke_rotation_function(event)
        if holder:
            after_first[event["Step"]] = snapshot(emulator, holder[0])
        invoke_rotation_function(event)
        if holder:
            after_second[event["Step"]] = snapshot(emulator, holder[0])

    client = client_for(emulator, pools, twice)
    holder.append(client)

    # When it rotates
    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)

    # Then each step's second run left everything as its first did, and the rotation completed
    assert set(after_first) == set(STEPS)
    for step in STEPS:
        assert after_second[step] == after_first[step], step
    assert snapshot(emulator, client)["cognito"] == [stored(emulator, client)["clientSecretId"]]


# (step the fault hits, the operation that fails, the AWS error, how many calls fail): each step's own AWS calls.
FAULTS = [
    ("createSecret", "cognito-idp:AddUserPoolClientSecret", "InternalErrorException", 1),
    ("createSecret", "secretsmanager:PutSecretValue", "InternalServiceError", 5),
    ("setSecret", "secretsmanager:DescribeSecret", "InternalServiceError", 5),
    ("testSecret", "cognito-idp:ConfirmSignUp", "NotAuthorizedException", 1),
    ("finishSecret", "secretsmanager:UpdateSecretVersionStage", "InternalServiceError", 5),
    ("finishSecret", "cognito-idp:DeleteUserPoolClientSecret", "InternalErrorException", 1),
]


@pytest.mark.parametrize(("step", "operation", "error_code", "times"), FAULTS)
def test_a_failure_at_each_step_leaves_the_endpoint_working_and_the_next_attempt_finishes(
    emulator: SeededEmulator,
    pools: dict[str, str],
    make_invoke: Callable[..., Invoke],
    capsys: pytest.CaptureFixture[str],
    rotation_log: io.StringIO,
    step: str,
    operation: str,
    error_code: str,
    times: int,
) -> None:
    # Given a rotation whose `step` meets an AWS failure (armed as the step starts, so only that step meets it)
    armed: list[bool] = []
    active: list[bool] = []  # not while the schedule is attached (Secrets Manager's testSecret-only run)

    def failing(event: dict[str, str]) -> None:
        if active and event["Step"] == step and not armed:
            armed.append(True)
            message = "Unable to verify secret hash for client x" if error_code == "NotAuthorizedException" else ""
            STATE.arm(operation, Fault(error_code, message=message or "Injected fault", status=500, times=times))
        invoke_rotation_function(event)

    client = client_for(emulator, pools, failing)
    active.append(True)
    capsys.readouterr()

    # When Secrets Manager rotates and the step fails
    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)
    STATE.disarm()

    # Then the failure is counted under the rotation's own service, and the endpoint works on the stored secret
    printed = capsys.readouterr().out
    assert any(name == names.CLIENT_SECRET_ROTATION_FAILED for _, name, _ in emf_metrics(printed))
    failed = [json.loads(line) for line in rotation_log.getvalue().splitlines() if "Rotation step failed" in line]
    assert [entry["step"] for entry in failed] == [step]
    assert endpoint_answers(make_invoke, client) == 200
    current = stored(emulator, client)
    assert verdict(emulator, client.client_id, current["clientSecret"]) in PROBE_ACCEPTED

    # When it is rotated again: AWS reattempts a rotation left half-way (and says so), else starts a new one
    try:
        emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)
    except ClientError as error:
        assert error.response["Error"]["Message"] == PREVIOUS_ROTATION_INCOMPLETE

    # Then the rotation is complete: one Cognito secret, the stored one, and the endpoint works on it
    final = stored(emulator, client)
    state = snapshot(emulator, client)
    assert state["cognito"] == [final["clientSecretId"]]
    assert not any("AWSPENDING" in s and "AWSCURRENT" not in s for s in state["stages"].values())
    assert endpoint_answers(make_invoke, client) == 200


def test_a_second_secret_nobody_stores_stops_the_first_rotation_and_says_what_to_do(
    emulator: SeededEmulator,
    pools: dict[str, str],
    make_invoke: Callable[..., Invoke],
    rotation_log: io.StringIO,
) -> None:
    # Given a client that already holds two secrets, and a stored document that does not say which is stored
    client = client_for(emulator, pools)
    emulator.cognito().add_user_pool_client_secret(UserPoolId=client.user_pool_id, ClientId=client.client_id)

    # When Secrets Manager rotates it
    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)

    # Then createSecret refuses (it cannot know which secret to revoke), naming the runbook, and nothing changed
    printed = rotation_log.getvalue()
    assert "the stored one's id is unknown" in printed and "failed half-way" in printed
    assert len(snapshot(emulator, client)["cognito"]) == 2
    assert endpoint_answers(make_invoke, client) == 200


def test_the_rotation_never_logs_a_secret(
    emulator: SeededEmulator, pools: dict[str, str], capsys: pytest.CaptureFixture[str], rotation_log: io.StringIO
) -> None:
    client = client_for(emulator, pools)
    old = stored(emulator, client)["clientSecret"]
    capsys.readouterr()

    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)

    captured = capsys.readouterr()
    new = stored(emulator, client)["clientSecret"]
    for value in (old, new):
        assert value not in captured.out and value not in captured.err and value not in rotation_log.getvalue()
    assert '"step":"finishSecret"' in rotation_log.getvalue()
