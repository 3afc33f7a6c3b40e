"""A fresh app client with its own pool and secret in the session's emulator, with the rotation function attached
as the stack attaches it (RotateSecret with the function's ARN and a schedule, RotateImmediately false): rotating
it never touches the seeded client the other tests hash with."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from local.emulator import register_rotation_function
from local.rotation import invoke_rotation_function
from tests.conftest import SeededEmulator
from tests.leak_scan import WATCH


@dataclass(frozen=True)
class RotatedClient:
    """Ids only (the secret stays in the emulator; tests read it when they must, and never print it)."""

    user_pool_id: str
    client_id: str
    secret_arn: str
    function_arn: str


def fresh_client(
    emulator: SeededEmulator, function: Callable[[dict[str, str]], Any] = invoke_rotation_function
) -> RotatedClient:
    """A pool, a client with a secret, the secret stored, and `function` registered as its rotation function."""
    cognito, sm = emulator.cognito(), emulator.secretsmanager()
    suffix = uuid.uuid4().hex[:10]
    pool = cognito.create_user_pool(PoolName=f"rotation-{suffix}")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="rotated", GenerateSecret=True, PreventUserExistenceErrors="ENABLED"
    )["UserPoolClient"]
    WATCH.add_client(client["ClientId"], client["ClientSecret"])
    arn = sm.create_secret(
        Name=f"rotation/{suffix}",
        SecretString=json.dumps({"clientId": client["ClientId"], "clientSecret": client["ClientSecret"]}),
    )["ARN"]
    function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:rotation-{suffix}"
    register_rotation_function(function_arn, function)
    return RotatedClient(pool, client["ClientId"], arn, function_arn)


def attach(emulator: SeededEmulator, client: RotatedClient) -> None:
    """Configure rotation on the client's secret as the stack's RotationSchedule does (runs testSecret only)."""
    emulator.secretsmanager().rotate_secret(
        SecretId=client.secret_arn,
        RotationLambdaARN=client.function_arn,
        RotationRules={"AutomaticallyAfterDays": 30},
        RotateImmediately=False,
    )


def stored(emulator: SeededEmulator, client: RotatedClient) -> dict[str, Any]:
    """The AWSCURRENT document; its clientSecret is also added to the leak watch."""
    document: dict[str, Any] = json.loads(
        emulator.secretsmanager().get_secret_value(SecretId=client.secret_arn)["SecretString"]
    )
    WATCH.add_client(client.client_id, document["clientSecret"])
    return document


def snapshot(emulator: SeededEmulator, client: RotatedClient) -> dict[str, Any]:
    """Everything a step can change, with secret values as digests (an assertion diff must not print a secret)."""
    sm = emulator.secretsmanager()
    stages = sm.describe_secret(SecretId=client.secret_arn).get("VersionIdsToStages", {})
    values = {}
    for version in stages:
        try:
            text = sm.get_secret_value(SecretId=client.secret_arn, VersionId=version)["SecretString"]
        except sm.exceptions.ResourceNotFoundException:
            text = ""  # the pending version before createSecret fills it
        values[version] = hashlib.sha256(text.encode()).hexdigest()
    listed = emulator.cognito().list_user_pool_client_secrets(UserPoolId=client.user_pool_id, ClientId=client.client_id)
    return {
        "stages": {k: sorted(v) for k, v in stages.items()},
        "values": values,
        "cognito": sorted(s["ClientSecretId"] for s in listed["ClientSecrets"]),
    }
