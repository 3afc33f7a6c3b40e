"""Seed the emulator through boto3 with what a deployed stack would have: a pool, a client with a secret,
the secret in Secrets Manager, the pseudonym key, the limiter's table, and one unconfirmed and one confirmed user."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

import boto3

from code_screens.secret_hash import compute_secret_hash

UNCONFIRMED_USER = "unconfirmed@example.com"
CONFIRMED_USER = "confirmed@example.com"
SECRET_NAME = "local/resend-confirmation-code/app-client"
PSEUDONYM_KEY_SECRET_NAME = "local/resend-confirmation-code/pseudonym-key"
LIMITER_TABLE_NAME = "resend-confirmation-code-limits"
# A throwaway password for the emulator's users only; nothing signs in with it.
_SEED_PASSWORD = "Local-only-Passw0rd!"


@dataclass(frozen=True)
class SeededPool:
    """Ids of what seed() created: none of them is a secret (the client secret stays in the emulator)."""

    user_pool_id: str
    client_id: str
    secret_arn: str
    pseudonym_key_arn: str
    limiter_table_name: str


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
        sign_up(cognito, client["ClientId"], client["ClientSecret"], username)
    cognito.admin_confirm_sign_up(UserPoolId=pool["Id"], Username=CONFIRMED_USER)
    return SeededPool(
        user_pool_id=pool["Id"],
        client_id=client["ClientId"],
        secret_arn=secret["ARN"],
        pseudonym_key_arn=_pseudonym_key(secretsmanager),
        limiter_table_name=create_limiter_table(
            boto3.client("dynamodb", endpoint_url=endpoint_url, region_name=region)
        ),
    )


def sign_up(cognito: Any, client_id: str, client_secret: str, email: str) -> None:
    """SignUp an UNCONFIRMED user whose username and e-mail are `email` (the emulator 'sends' its first code)."""
    cognito.sign_up(
        ClientId=client_id,
        Username=email,
        Password=_SEED_PASSWORD,
        SecretHash=compute_secret_hash(email, client_id, client_secret),
        UserAttributes=[{"Name": "email", "Value": email}],
    )


def _pseudonym_key(secretsmanager: Any) -> str:
    # As the stack's generated secret: 64 random characters, unrelated to any client secret.
    secret = secretsmanager.create_secret(Name=PSEUDONYM_KEY_SECRET_NAME, SecretString=secrets.token_urlsafe(48))
    arn: str = secret["ARN"]
    return arn


def create_limiter_table(dynamodb: Any, name: str = LIMITER_TABLE_NAME) -> str:
    """The limiter's table as the stack defines it: on-demand, key `pk`, TTL on `expiresAt`."""
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiresAt"}
    )
    return name
