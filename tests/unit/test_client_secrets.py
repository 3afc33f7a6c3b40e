"""The secret cache, over the real boto3 wire path to the in-process emulator."""

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from code_screens import app_secrets as client_secrets
from code_screens.app_secrets import (
    PSEUDONYM_KEY_MIN_LENGTH,
    MalformedSecretError,
    SecretUnavailableError,
    get_app_client_credentials,
    get_pseudonym_key,
)
from local.emulator import STATE
from tests.conftest import SeededEmulator, secret_document

GET_SECRET = "secretsmanager:GetSecretValue"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    client_secrets.clear_cache()
    yield
    client_secrets.clear_cache()


def reads() -> int:
    return STATE.calls().get(GET_SECRET, 0)


def test_reads_the_secret_once_per_cache_period(emulator: SeededEmulator) -> None:
    before = reads()

    first = [get_app_client_credentials(emulator.client_id, emulator.secret_arn) for _ in range(20)]

    assert reads() - before == 1
    assert {c.client_secret for c in first} == {emulator.client_secret}


def test_force_fetch_reads_again(emulator: SeededEmulator) -> None:
    get_app_client_credentials(emulator.client_id, emulator.secret_arn)
    before = reads()

    get_app_client_credentials(emulator.client_id, emulator.secret_arn, force_fetch=True)

    assert reads() - before == 1


def test_expired_entries_are_read_again(emulator: SeededEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_PARAMETERS_MAX_AGE", "0")
    before = reads()

    get_app_client_credentials(emulator.client_id, emulator.secret_arn)
    get_app_client_credentials(emulator.client_id, emulator.secret_arn)

    assert reads() - before == 2


def test_secret_never_shows_in_repr(emulator: SeededEmulator) -> None:
    credentials = get_app_client_credentials(emulator.client_id, emulator.secret_arn)

    assert emulator.client_secret not in repr(credentials)


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ("not json", "the secret is not a JSON document"),
        ('["a"]', "the secret is not a JSON object"),
        ('{"clientId": "x"}', "the secret has no clientSecret string"),
        ('{"clientId": "x", "clientSecret": ""}', "the secret has no clientSecret string"),
        ('{"clientId": "x", "clientSecret": 12345}', "the secret has no clientSecret string"),
        (
            '{"clientId": "someone-else", "clientSecret": "s"}',
            "the secret's clientId is not the app client it is configured for",
        ),
    ],
)
def test_malformed_secrets_are_refused_without_their_content(
    emulator: SeededEmulator, document: str, reason: str
) -> None:
    # The message is the reason operators see in the log and the SecretsManagerError metric: compared whole.
    name = f"malformed-{abs(hash(document))}"
    arn = emulator.secretsmanager().create_secret(Name=name, SecretString=document)["ARN"]

    with pytest.raises(MalformedSecretError) as raised:
        get_app_client_credentials(emulator.client_id, arn)

    assert str(raised.value) == reason
    assert document not in str(raised.value)


def test_a_missing_secret_keeps_the_aws_error_as_cause(emulator: SeededEmulator) -> None:
    with pytest.raises(SecretUnavailableError) as raised:
        get_app_client_credentials(emulator.client_id, "no-such-secret")

    cause = raised.value.__cause__
    assert isinstance(cause, ClientError)
    assert cause.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_fixed_secret_is_read_at_once_after_a_malformed_one(emulator: SeededEmulator) -> None:
    # Given a secret that is valid JSON but not this client's (Powertools caches the parsed document)
    arn = emulator.secretsmanager().create_secret(Name="fixed-later", SecretString='{"clientId": "other"}')["ARN"]
    with pytest.raises(MalformedSecretError):
        get_app_client_credentials(emulator.client_id, arn)

    # When the operator fixes it
    emulator.secretsmanager().put_secret_value(
        SecretId=arn, SecretString=secret_document(emulator.client_id, emulator.client_secret)
    )

    # Then the very next read sees the fix, not the cached malformed document
    assert get_app_client_credentials(emulator.client_id, arn).client_secret == emulator.client_secret


def test_a_pseudonym_key_of_exactly_the_minimum_length_is_used(emulator: SeededEmulator) -> None:
    key = "k" * PSEUDONYM_KEY_MIN_LENGTH
    arn = emulator.secretsmanager().create_secret(Name="pseudonym-key-32", SecretString=key)["ARN"]

    assert PSEUDONYM_KEY_MIN_LENGTH == 32
    assert get_pseudonym_key(arn) == key  # exactly the minimum length is enough


@pytest.mark.parametrize(
    "stored",
    [{"SecretString": "k" * 31}, {"SecretBinary": b"k" * 64}],
    ids=["one-character-short", "binary"],
)
def test_a_short_or_binary_pseudonym_key_is_refused_with_the_rule(
    emulator: SeededEmulator, stored: dict[str, str | bytes]
) -> None:
    # The message is the reason the operator sees in the log and the SecretsManagerError metric: compared whole.
    # Either fault alone is refused: a string one character short, and a binary key however long.
    name = f"pseudonym-key-{next(iter(stored))}"
    arn = emulator.secretsmanager().create_secret(Name=name, **stored)["ARN"]

    with pytest.raises(MalformedSecretError) as raised:
        get_pseudonym_key(arn)

    assert str(raised.value) == "the pseudonym key is not a string of at least 32 characters"
