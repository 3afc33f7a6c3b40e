"""The rotation function's parts that need no emulator: reading the stored document (and what an operator reads when
it is wrong), ROTATION_USER_POOLS, testSecret's probe and its verdict on each answer Cognito can give."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import rotation_handler
from botocore.exceptions import ClientError

from code_screens import rotation
from code_screens.rotation import (
    PROBE_ACCEPTED,
    PROBE_CODE,
    PROBE_USERNAME_PREFIX,
    Clients,
    RotationError,
    StoredSecret,
    parse_stored,
    probe,
)
from code_screens.secret_hash import AppClientCredentials, compute_secret_hash

NOT_THE_SHAPE = 'the stored secret is not {"clientId", "clientSecret"}'


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ("not json", "the stored secret is not a JSON document"),
        ('["clientId", "clientSecret"]', "the stored secret is not a JSON object"),
        ('{"clientSecret": "s"}', NOT_THE_SHAPE),
        ('{"clientId": "", "clientSecret": "s"}', NOT_THE_SHAPE),
        ('{"clientId": 5, "clientSecret": "s"}', NOT_THE_SHAPE),
        ('{"clientId": "c"}', NOT_THE_SHAPE),
        ('{"clientId": "c", "clientSecret": ""}', NOT_THE_SHAPE),
        ('{"clientId": "c", "clientSecret": 5}', NOT_THE_SHAPE),
    ],
)
def test_a_stored_document_of_another_shape_is_refused_in_words(stored: str, message: str) -> None:
    with pytest.raises(RotationError) as refused:
        parse_stored(stored)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("secret_id", "read"),
    [("id-1", "id-1"), ("", None), (5, None), (None, None)],
    ids=["id", "empty", "number", "null"],
)
def test_the_stored_secrets_cognito_id_is_read_only_when_it_is_one(secret_id: Any, read: str | None) -> None:
    stored = json.dumps({"clientId": "c", "clientSecret": "s", "clientSecretId": secret_id})

    assert parse_stored(stored) == StoredSecret("c", "s", read)


@pytest.mark.parametrize(
    ("setting", "pools"),
    [
        ('{"client": "us-east-1_pool"}', {"client": "us-east-1_pool"}),
        (None, {}),
        ("not json", {}),
        ('["client"]', {}),
    ],
    ids=["object", "unset", "not json", "not an object"],
)
def test_rotation_user_pools(monkeypatch: pytest.MonkeyPatch, setting: str | None, pools: dict[str, str]) -> None:
    if setting is None:
        monkeypatch.delenv("ROTATION_USER_POOLS", raising=False)
    else:
        monkeypatch.setenv("ROTATION_USER_POOLS", setting)

    assert rotation_handler.user_pools() == pools


def test_the_probe_is_a_128_bit_username_with_its_hash() -> None:
    credentials = AppClientCredentials(client_id="client", client_secret="secret")

    first, second = probe(credentials), probe(credentials)

    suffix = first["Username"].removeprefix(PROBE_USERNAME_PREFIX)
    assert re.fullmatch(r"[0-9a-f]{32}", suffix)
    assert first["Username"] != second["Username"]
    assert first == {
        "ClientId": "client",
        "Username": first["Username"],
        "ConfirmationCode": PROBE_CODE,
        "SecretHash": compute_secret_hash(first["Username"], "client", "secret"),
    }


class SecretsManager:
    """Holds one pending document."""

    def get_secret_value(self, **_: Any) -> dict[str, Any]:
        return {"SecretString": json.dumps({"clientId": "client", "clientSecret": "pending"})}


class Cognito:
    """Answers ConfirmSignUp with `error` (a Cognito error code and message), or success when there is none."""

    def __init__(self, error: tuple[str, str] | None) -> None:
        self.error = error

    def confirm_sign_up(self, **_: Any) -> dict[str, Any]:
        if self.error is None:
            return {}
        code, message = self.error
        raise ClientError({"Error": {"Code": code, "Message": message}}, "ConfirmSignUp")


@pytest.mark.parametrize(
    ("error", "verdict"),
    [
        *[
            ((code, "whatever Cognito says"), f"Cognito accepted the pending secret ({code} for the probe username)")
            for code in sorted(PROBE_ACCEPTED)
        ],
        (None, "Cognito accepted the pending secret"),  # the probe user existed and 000000 confirmed it
    ],
)
def test_test_secret_passes_when_cognito_verified_the_hash(error: tuple[str, str] | None, verdict: str) -> None:
    clients = Clients(secretsmanager=SecretsManager(), cognito=Cognito(error))  # type: ignore[arg-type]

    assert rotation.test_secret("arn", "token", clients) == verdict


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            ("NotAuthorizedException", "Unable to verify secret hash for client client"),
            "testSecret: Cognito rejected the pending secret of app client client",
        ),
        (("NotAuthorizedException", "User is disabled."), "testSecret: Cognito answered NotAuthorizedException"),
        (("InternalErrorException", "Injected"), "testSecret: Cognito answered InternalErrorException"),
    ],
)
def test_test_secret_fails_in_words_when_cognito_refuses(error: tuple[str, str], message: str) -> None:
    clients = Clients(secretsmanager=SecretsManager(), cognito=Cognito(error))  # type: ignore[arg-type]

    with pytest.raises(RotationError) as refused:
        rotation.test_secret("arn", "token", clients)
    assert str(refused.value) == message


class RotatingSecretsManager:
    """A secret whose stored document has no clientSecretId (stored by hand), with the pending version `token`
    created at `started` and not yet filled."""

    def __init__(self, started: datetime) -> None:
        self.started = started
        self.put: list[dict[str, Any]] = []

    def get_secret_value(self, **version: Any) -> dict[str, Any]:
        if version.get("VersionStage") == "AWSPENDING" or version.get("VersionId") == "token":
            raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "no value"}}, "GetSecretValue")
        return {"SecretString": json.dumps({"clientId": "client", "clientSecret": "current"})}

    def list_secret_version_ids(self, **_: Any) -> dict[str, Any]:
        return {"Versions": [{"VersionId": "token", "CreatedDate": self.started}]}

    def put_secret_value(self, **parameters: Any) -> None:
        self.put.append(parameters)


class CognitoWithTwoSecrets:
    """The client's secrets: the stored one, created long before, and one created `orphan_created`."""

    def __init__(self, stored_created: datetime, orphan_created: datetime) -> None:
        self.listed = [
            {"ClientSecretId": "stored", "ClientSecretCreateDate": stored_created},
            {"ClientSecretId": "orphan", "ClientSecretCreateDate": orphan_created},
        ]
        self.deleted: list[str] = []

    def list_user_pool_client_secrets(self, **_: Any) -> dict[str, Any]:
        return {"ClientSecrets": self.listed}

    def delete_user_pool_client_secret(self, **parameters: Any) -> dict[str, Any]:
        self.deleted.append(parameters["ClientSecretId"])
        return {}

    def add_user_pool_client_secret(self, **_: Any) -> dict[str, Any]:
        return {"ClientSecretDescriptor": {"ClientSecretId": "new", "ClientSecretValue": "new-value"}}


def test_a_secret_created_the_moment_this_rotation_started_is_an_earlier_attempts_and_goes() -> None:
    # Secrets Manager's and Cognito's clocks count whole seconds or milliseconds alike: a secret an earlier
    # createSecret of this rotation added can carry the very time the pending version was created.
    started = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
    secretsmanager = RotatingSecretsManager(started)
    cognito = CognitoWithTwoSecrets(stored_created=started - timedelta(days=30), orphan_created=started)
    clients = Clients(secretsmanager=secretsmanager, cognito=cognito)  # type: ignore[arg-type]

    assert rotation.create_secret("arn", "token", clients, {"client": "pool"}) == "added client secret new"
    assert cognito.deleted == ["orphan"]
    assert [json.loads(p["SecretString"])["clientSecretId"] for p in secretsmanager.put] == ["new"]
