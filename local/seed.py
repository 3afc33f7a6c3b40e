"""Seed the emulator through boto3 with what a deployed stack would have: a pool, a client with a secret,
the secret in Secrets Manager, and one unconfirmed and one confirmed user."""

from __future__ import annotations

import json
from dataclasses import dataclass

import boto3

from resend_code.secret_hash import compute_secret_hash

UNCONFIRMED_USER = "unconfirmed@example.com"
CONFIRMED_USER = "confirmed@example.com"
SECRET_NAME = "local/resend-confirmation-code/app-client"
# A throwaway password for the emulator's users only; nothing signs in with it.
_SEED_PASSWORD = "Local-only-Passw0rd!"


@dataclass(frozen=True)
class SeededPool:
    """Ids of what seed() created: none of them is a secret (the client secret stays in the emulator)."""

    user_pool_id: str
    client_id: str
    secret_arn: str


def seed(endpoint_url: str, region: str) -> SeededPool:
    """Create the pool, the client with a generated secret, its Secrets Manager secret and the two users."""
    cognito = boto3.client("cognito-idp", endpoint_url=endpoint_url, region_name=region)
    secretsmanager = boto3.client("secretsmanager", endpoint_url=endpoint_url, region_name=region)

    pool = cognito.create_user_pool(
        PoolName="resend-confirmation-code-local",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
    )["UserPool"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="web-and-mobile",
        GenerateSecret=True,
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]
    secret = secretsmanager.create_secret(
        Name=SECRET_NAME,
        SecretString=json.dumps({"clientId": client["ClientId"], "clientSecret": client["ClientSecret"]}),
    )
    for username in (UNCONFIRMED_USER, CONFIRMED_USER):
        cognito.sign_up(
            ClientId=client["ClientId"],
            Username=username,
            Password=_SEED_PASSWORD,
            SecretHash=compute_secret_hash(username, client["ClientId"], client["ClientSecret"]),
            UserAttributes=[{"Name": "email", "Value": username}],
        )
    cognito.admin_confirm_sign_up(UserPoolId=pool["Id"], Username=CONFIRMED_USER)
    return SeededPool(user_pool_id=pool["Id"], client_id=client["ClientId"], secret_arn=secret["ARN"])
