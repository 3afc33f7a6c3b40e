"""Seed the emulator through boto3 with what a deployed stack would have: a pool, a client with a secret,
the secret in Secrets Manager, the pseudonym key, the limiter's table, and one unconfirmed and one confirmed user
(whose e-mail is verified, so the reference page can reset their password)."""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from typing import Any

import boto3

from code_screens.secret_hash import compute_secret_hash

UNCONFIRMED_USER = "unconfirmed@example.com"
CONFIRMED_USER = "confirmed@example.com"
SECRET_NAME = "local/resend-confirmation-code/app-client"
PSEUDONYM_KEY_SECRET_NAME = "local/resend-confirmation-code/pseudonym-key"
LIMITER_TABLE_NAME = "resend-confirmation-code-limits"
# Cognito's own default password policy, stated rather than left to the default so DescribeUserPool shows it, as
# the function's PASSWORD_* settings and the stack's DescribeUserPool read expect.
PASSWORD_POLICY: dict[str, Any] = {
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 7,
}
_LETTERS = string.ascii_letters + string.digits


def throwaway_password(length: int = 20) -> str:
    """A random password that meets PASSWORD_POLICY (one of each kind Cognito counts), new on every call.

    The seeded users' passwords are never stored, printed or logged: nobody signs in with them, and the confirmed
    user's is one the reference page replaces through ForgotPassword.
    """
    kinds = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "!#%*+-.=?@^_~"]
    characters = [secrets.choice(kind) for kind in kinds] + [secrets.choice(_LETTERS) for _ in range(length - 4)]
    secrets.SystemRandom().shuffle(characters)
    return "".join(characters)


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
        Policies={"PasswordPolicy": PASSWORD_POLICY},
        # As the stack's demo pool: reset codes go to a verified e-mail only.
        AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
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
    sign_up(cognito, client["ClientId"], client["ClientSecret"], UNCONFIRMED_USER)
    confirmed_user(cognito, pool["Id"], client["ClientId"], client["ClientSecret"], CONFIRMED_USER)
    return SeededPool(
        user_pool_id=pool["Id"],
        client_id=client["ClientId"],
        secret_arn=secret["ARN"],
        pseudonym_key_arn=_pseudonym_key(secretsmanager),
        limiter_table_name=create_limiter_table(
            boto3.client("dynamodb", endpoint_url=endpoint_url, region_name=region)
        ),
    )


def sign_up(cognito: Any, client_id: str, client_secret: str, email: str, password: str | None = None) -> None:
    """SignUp an UNCONFIRMED user whose username and e-mail are `email` (the emulator 'sends' its first code), with
    `password` or a throwaway one."""
    cognito.sign_up(
        ClientId=client_id,
        Username=email,
        Password=password or throwaway_password(),
        SecretHash=compute_secret_hash(email, client_id, client_secret),
        UserAttributes=[{"Name": "email", "Value": email}],
    )


def confirmed_user(
    cognito: Any, user_pool_id: str, client_id: str, client_secret: str, email: str, password: str | None = None
) -> None:
    """A CONFIRMED user whose username and verified e-mail are `email`, with `password` or a throwaway one.

    Signed up, then confirmed by an administrator; AdminConfirmSignUp verifies no address (in moto, and by public
    reports in Cognito), so the e-mail is marked verified as a ConfirmSignUp with the code would have marked it:
    ForgotPassword needs a verified address.
    """
    sign_up(cognito, client_id, client_secret, email, password)
    cognito.admin_confirm_sign_up(UserPoolId=user_pool_id, Username=email)
    cognito.admin_update_user_attributes(
        UserPoolId=user_pool_id, Username=email, UserAttributes=[{"Name": "email_verified", "Value": "true"}]
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
