"""The rotation function step by step, as an operator reads it: what each step says it did (and says again when
Secrets Manager retries it), why a step failed, and the failure and success metrics exactly as the alarm watches
them. The function runs in this process on the emulator (local/rotation.py), as in tests/integration/
test_client_secret_rotation.py, which checks the secrets themselves."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from code_screens import metric_names as names
from code_screens.rotation import PROBE_ACCEPTED
from local.emulator import STATE, Fault
from local.rotation import invoke_rotation_function
from tests.conftest import SeededEmulator
from tests.integration.test_client_secret_rotation import client_for, pools, rotation_log, verdict
from tests.rotation_helpers import RotatedClient, snapshot, stored

__all__ = ["pools", "rotation_log"]  # fixtures, used by name

SERVICE = "stack-client-secret-rotation"
NAMESPACE = "StackNamespace"
ACCEPTED = {f"Cognito accepted the pending secret ({code} for the probe username)" for code in PROBE_ACCEPTED}


@pytest.fixture(autouse=True)
def service(monkeypatch: pytest.MonkeyPatch) -> None:
    """The names the stack gives the rotation function, read when it counts (not when it was imported)."""
    monkeypatch.setenv("ROTATION_SERVICE_NAME", SERVICE)
    monkeypatch.setenv(names.NAMESPACE_SETTING, NAMESPACE)


def entries(log: io.StringIO, message: str) -> list[dict[str, Any]]:
    return [entry for line in log.getvalue().splitlines() if (entry := json.loads(line))["message"] == message]


def forget(log: io.StringIO) -> None:
    log.seek(0)
    log.truncate()


def metrics(printed: str) -> list[tuple[str, str, dict[str, str], Any, str]]:
    """(namespace, name, dimensions, value, unit) of every metric in the EMF lines printed."""
    found = []
    for line in printed.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            record = json.loads(line)
            for directive in record["_aws"]["CloudWatchMetrics"]:
                dimensions = {name: record[name] for group in directive["Dimensions"] for name in group}
                for metric in directive["Metrics"]:
                    found.append(
                        (directive["Namespace"], metric["Name"], dimensions, record[metric["Name"]], metric["Unit"])
                    )
    return found


def step(client: RotatedClient, name: str, token: str) -> None:
    invoke_rotation_function({"Step": name, "SecretId": client.secret_arn, "ClientRequestToken": token})


def version(emulator: SeededEmulator, client: RotatedClient, stage: str) -> str:
    stages = emulator.secretsmanager().describe_secret(SecretId=client.secret_arn)["VersionIdsToStages"]
    return next(v for v, s in stages.items() if stage in s)


def test_each_step_says_what_it_did_and_a_retry_what_was_left(
    emulator: SeededEmulator, pools: dict[str, str], rotation_log: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    current_kept: list[bool] = []

    def twice(event: dict[str, str]) -> None:
        # Secrets Manager retrying every step; after createSecret the stored secret must still work in Cognito.
        for _ in range(2):
            invoke_rotation_function(event)
            if event["Step"] == "createSecret" and holder:
                old = json.loads(
                    emulator.secretsmanager().get_secret_value(SecretId=holder[0].secret_arn)["SecretString"]
                )
                current_kept.append(verdict(emulator, old["clientId"], old["clientSecret"]) in PROBE_ACCEPTED)

    holder: list[RotatedClient] = []
    client = client_for(emulator, pools, twice)
    holder.append(client)
    (first,) = snapshot(emulator, client)["cognito"]
    forget(rotation_log)
    capsys.readouterr()

    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)

    new = stored(emulator, client)["clientSecretId"]
    done = [(entry["step"], entry["outcome"]) for entry in entries(rotation_log, "Rotation step done")]
    assert done[:4] == [
        ("createSecret", f"added client secret {new}"),
        ("createSecret", "pending secret already stored"),
        ("setSecret", "nothing to set"),
        ("setSecret", "nothing to set"),
    ]
    assert [s for s, _ in done[4:6]] == ["testSecret", "testSecret"] and {o for _, o in done[4:6]} <= ACCEPTED
    assert done[6:] == [
        ("finishSecret", f"current is {new}; revoked {first}"),
        ("finishSecret", f"current is {new}; revoked nothing (already done)"),
    ]
    assert current_kept == [True, True]
    rotated = (NAMESPACE, names.CLIENT_SECRET_ROTATED, {names.SERVICE_DIMENSION: SERVICE}, [1.0], "Count")
    assert [m for m in metrics(capsys.readouterr().out) if m[1] != "ColdStart"] == [rotated, rotated]

    # A late retry of any other step finds the rotation finished; finishSecret does its part again.
    token = version(emulator, client, "AWSCURRENT")
    forget(rotation_log)
    step(client, "createSecret", token)
    step(client, "finishSecret", token)
    assert [entry["outcome"] for entry in entries(rotation_log, "Rotation step done")] == [
        "already current",
        f"current is {new}; revoked nothing (already done)",
    ]


def test_a_second_rotation_revokes_the_secret_an_earlier_attempt_left_and_keeps_the_stored_one(
    emulator: SeededEmulator, pools: dict[str, str], rotation_log: io.StringIO
) -> None:
    checks: list[bool] = []
    holder: list[RotatedClient] = []

    def checking(event: dict[str, str]) -> None:
        invoke_rotation_function(event)
        if event["Step"] == "createSecret" and holder:
            old = json.loads(emulator.secretsmanager().get_secret_value(SecretId=holder[0].secret_arn)["SecretString"])
            checks.append(verdict(emulator, old["clientId"], old["clientSecret"]) in PROBE_ACCEPTED)

    client = client_for(emulator, pools, checking)
    holder.append(client)
    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)  # the stored secret's id is known now
    orphan = emulator.cognito().add_user_pool_client_secret(UserPoolId=client.user_pool_id, ClientId=client.client_id)

    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)

    assert checks == [True, True]  # the stored secret still worked after each createSecret
    new = stored(emulator, client)["clientSecretId"]
    assert snapshot(emulator, client)["cognito"] == [new]
    assert orphan["ClientSecretDescriptor"]["ClientSecretId"] != new


def failure(log: io.StringIO) -> list[tuple[str, str]]:
    return [(entry["step"], entry["reason"]) for entry in entries(log, "Rotation step failed")]


def test_a_failed_step_is_counted_for_the_alarm_and_says_why(
    emulator: SeededEmulator, pools: dict[str, str], rotation_log: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    client = client_for(emulator, pools)
    token = str(uuid.uuid4())
    forget(rotation_log)
    capsys.readouterr()

    with pytest.raises(Exception, match="unknown step 'bogus'"):
        step(client, "bogus", token)
    with pytest.raises(Exception, match="is not a version of the secret"):
        step(client, "createSecret", token)

    assert failure(rotation_log) == [
        ("bogus", "unknown step 'bogus'"),
        ("createSecret", f"version {token} is not a version of the secret"),
    ]
    failed = (NAMESPACE, names.CLIENT_SECRET_ROTATION_FAILED, {names.SERVICE_DIMENSION: SERVICE}, [1.0], "Count")
    assert [m for m in metrics(capsys.readouterr().out) if m[1] != "ColdStart"] == [failed, failed]


def test_without_its_settings_the_stacks_default_namespace_and_its_own_service_are_counted(
    emulator: SeededEmulator, pools: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import rotation_handler

    client = client_for(emulator, pools)
    monkeypatch.delenv(names.NAMESPACE_SETTING)
    monkeypatch.delenv("ROTATION_SERVICE_NAME")  # the service its logger was made with, as its log lines say
    capsys.readouterr()

    with pytest.raises(Exception, match="unknown step"):
        step(client, "bogus", "token")

    counted = [m[:3] for m in metrics(capsys.readouterr().out) if m[1] != "ColdStart"]
    assert counted == [
        (
            "ResendConfirmationCode",
            names.CLIENT_SECRET_ROTATION_FAILED,
            {names.SERVICE_DIMENSION: rotation_handler.SERVICE},
        )
    ]


def test_a_version_that_is_not_pending_is_refused(
    emulator: SeededEmulator, pools: dict[str, str], rotation_log: io.StringIO
) -> None:
    client = client_for(emulator, pools)
    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)
    previous = version(emulator, client, "AWSPREVIOUS")
    forget(rotation_log)

    with pytest.raises(Exception, match="is not pending rotation"):
        step(client, "createSecret", previous)

    assert failure(rotation_log) == [("createSecret", f"createSecret: version {previous} is not pending rotation")]


def pending_version(emulator: SeededEmulator, client: RotatedClient, document: dict[str, Any]) -> str:
    token = str(uuid.uuid4())
    emulator.secretsmanager().put_secret_value(
        SecretId=client.secret_arn,
        ClientRequestToken=token,
        SecretString=json.dumps(document),
        VersionStages=["AWSPENDING"],
    )
    return token


def test_finish_secret_refuses_a_version_without_its_cognito_id_and_revokes_nothing(
    emulator: SeededEmulator, pools: dict[str, str], rotation_log: io.StringIO
) -> None:
    client = client_for(emulator, pools)
    current = stored(emulator, client)
    token = pending_version(emulator, client, {"clientId": client.client_id, "clientSecret": current["clientSecret"]})
    before = snapshot(emulator, client)["cognito"]
    forget(rotation_log)

    with pytest.raises(Exception, match="no clientSecretId"):
        step(client, "finishSecret", token)

    assert failure(rotation_log) == [
        ("finishSecret", "finishSecret: the new version has no clientSecretId; nothing was revoked")
    ]
    assert snapshot(emulator, client)["cognito"] == before


def test_a_client_this_function_does_not_rotate_is_refused(
    emulator: SeededEmulator, pools: dict[str, str], rotation_log: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(emulator, pools)
    current = stored(emulator, client)
    (secret_id,) = snapshot(emulator, client)["cognito"]
    document = {"clientId": client.client_id, "clientSecret": current["clientSecret"], "clientSecretId": secret_id}
    token = pending_version(emulator, client, document)
    monkeypatch.setenv("ROTATION_USER_POOLS", "{}")
    forget(rotation_log)

    with pytest.raises(Exception, match="ROTATION_USER_POOLS"):
        step(client, "finishSecret", token)

    assert failure(rotation_log) == [
        ("finishSecret", f"app client {client.client_id} is not one this function rotates (ROTATION_USER_POOLS)")
    ]


def test_cognito_refusing_a_secret_call_is_named_with_the_call_and_the_client(
    emulator: SeededEmulator, pools: dict[str, str], rotation_log: io.StringIO
) -> None:
    client = client_for(emulator, pools)
    forget(rotation_log)
    STATE.arm("cognito-idp:AddUserPoolClientSecret", Fault("InternalErrorException", status=500))

    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)

    assert failure(rotation_log) == [
        (
            "createSecret",
            f"add_user_pool_client_secret: Cognito answered InternalErrorException for app client {client.client_id}",
        )
    ]


def test_a_secret_revoked_already_counts_as_revoked(
    emulator: SeededEmulator, pools: dict[str, str], rotation_log: io.StringIO
) -> None:
    # A retry racing an earlier finishSecret: Cognito no longer has the secret it lists. The goal is reached.
    client = client_for(emulator, pools)
    (first,) = snapshot(emulator, client)["cognito"]
    forget(rotation_log)
    STATE.arm("cognito-idp:DeleteUserPoolClientSecret", Fault("ResourceNotFoundException"))

    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)

    assert failure(rotation_log) == []
    new = stored(emulator, client)["clientSecretId"]
    assert (entries(rotation_log, "Rotation step done")[-1]["outcome"]) == f"current is {new}; revoked {first}"


def test_a_client_with_two_secrets_and_no_stored_id_is_left_to_a_person(
    emulator: SeededEmulator, pools: dict[str, str], rotation_log: io.StringIO
) -> None:
    client = client_for(emulator, pools)
    emulator.cognito().add_user_pool_client_secret(UserPoolId=client.user_pool_id, ClientId=client.client_id)
    forget(rotation_log)

    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)

    assert failure(rotation_log) == [
        (
            "createSecret",
            f"createSecret: app client {client.client_id} already has 2 secrets and the stored one's id is unknown: "
            "delete the one nobody stores (docs/operations.md, 'A rotation that failed half-way')",
        )
    ]


@pytest.fixture(autouse=True)
def _disarmed() -> Iterator[None]:
    yield
    STATE.disarm()
