"""Secrets Manager rotation of a Cognito app client's secret, on Cognito's two-secret API: the four steps.

Secrets Manager calls the rotation function once per step with {"Step", "SecretId", "ClientRequestToken"}
(https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html). The stored
document is the endpoint's own, {"clientId", "clientSecret"}, plus "clientSecretId" (Cognito's id of that
secret, which ListUserPoolClientSecrets returns without the value) once this function has stored it:

- createSecret: AddUserPoolClientSecret, and the new secret stored as the AWSPENDING version `token`.
- setSecret: nothing; Cognito already holds the secret it generated.
- testSecret: ConfirmSignUp, with the pending secret's hash, for a username that cannot exist (see `probe`).
- finishSecret: AWSCURRENT moved to `token`, then every other Cognito secret of the client revoked
  (DeleteUserPoolClientSecret): at most two may exist, and the next rotation needs room for one.

Every step may run again (Secrets Manager retries a failed step, and a rotation left half-way is reattempted with
the same token), so each first looks at what is already done. Until finishSecret moves AWSCURRENT the endpoint
reads the current secret, which stays valid in Cognito; once it moves, environments that cached the old secret
are refused by Cognito, read the secret again and retry once (cognito.call). No secret value is ever logged,
put in an error or counted: errors name the step, the client id and AWS's error code.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from code_screens.aws_errors import error_code, error_message
from code_screens.operations import CognitoError
from code_screens.secret_hash import AppClientCredentials, compute_secret_hash

PENDING, CURRENT = "AWSPENDING", "AWSCURRENT"
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
# Cognito allows this many active secrets per app client (AddUserPoolClientSecret in botocore's service model).
MAX_CLIENT_SECRETS = 2
# testSecret's username: no pool holds it (128 random bits), so the call can only ever meet "no such user".
PROBE_USERNAME_PREFIX = "secret-rotation-probe-"
PROBE_CODE = "000000"
# What ConfirmSignUp answers for a user that does not exist once the secret hash is accepted: UserNotFound with
# PreventUserExistenceErrors LEGACY; a code mismatch or expiry with ENABLED (Cognito's "Managing user existence
# error responses"). Any of them proves Cognito verified the hash, which it does before it looks at the user.
PROBE_ACCEPTED = frozenset({"UserNotFoundException", "CodeMismatchException", "ExpiredCodeException"})


class RotationError(Exception):
    """A step cannot be completed now; the message names the step, the client and AWS's error code, never a value.

    Raised so that the invocation fails: Secrets Manager then retries the step, and the rotation function's
    failure metric and its Lambda Errors metric both count it.
    """


@dataclass(frozen=True)
class Clients:
    """The two AWS clients the steps use (boto3 clients: Secrets Manager, Cognito user pools)."""

    secretsmanager: BaseClient
    cognito: BaseClient


@dataclass(frozen=True)
class StoredSecret:
    """One version of the app client's secret document; the value is kept out of repr()."""

    client_id: str
    client_secret: str
    client_secret_id: str | None

    def __repr__(self) -> str:
        return f"StoredSecret(client_id={self.client_id!r}, client_secret_id={self.client_secret_id!r})"

    def document(self) -> str:
        """The JSON the endpoint reads (app_secrets.py), with the Cognito id of the secret beside it."""
        return json.dumps(
            {"clientId": self.client_id, "clientSecret": self.client_secret, "clientSecretId": self.client_secret_id}
        )

    @property
    def credentials(self) -> AppClientCredentials:
        return AppClientCredentials(client_id=self.client_id, client_secret=self.client_secret)


def parse_stored(secret_string: str) -> StoredSecret:
    """Read {"clientId", "clientSecret", "clientSecretId"?}; RotationError when it is not that shape."""
    try:
        document = json.loads(secret_string)
    except ValueError:
        raise RotationError("the stored secret is not a JSON document") from None
    if not isinstance(document, dict):
        raise RotationError("the stored secret is not a JSON object")
    client_id, value, secret_id = document.get("clientId"), document.get("clientSecret"), document.get("clientSecretId")
    if not isinstance(client_id, str) or not client_id or not isinstance(value, str) or not value:
        raise RotationError('the stored secret is not {"clientId", "clientSecret"}')
    return StoredSecret(client_id, value, secret_id if isinstance(secret_id, str) and secret_id else None)


def rotate_step(step: str, secret_id: str, token: str, clients: Clients, user_pools: Mapping[str, str]) -> str:
    """Run one step of Secrets Manager's rotation for `secret_id`'s version `token`; return what it did, in words.

    `user_pools`: app client id → its user pool id (Cognito's secret calls need both). Raises RotationError for
    anything that must fail the invocation (a wrong step, a version not in rotation, Cognito refusing); botocore's
    own errors propagate as they are (Secrets Manager retries the step).
    """
    if step not in STEPS:
        raise RotationError(f"unknown step {step!r}")
    stages = _stages(clients.secretsmanager, secret_id, token)
    if CURRENT in stages and step != "finishSecret":
        # Already finished (a retry after success): nothing left to do but what finishSecret does again.
        return "already current"
    if CURRENT not in stages and PENDING not in stages:
        raise RotationError(f"{step}: version {token} is not pending rotation")
    if step == "createSecret":
        return create_secret(secret_id, token, clients, user_pools)
    if step == "setSecret":
        # Cognito generated and holds the new secret already: there is nothing to set anywhere.
        return "nothing to set"
    if step == "testSecret":
        return test_secret(secret_id, token, clients)
    return finish_secret(secret_id, token, clients, user_pools, stages)


def _stages(secretsmanager: BaseClient, secret_id: str, token: str) -> list[str]:
    described = secretsmanager.describe_secret(SecretId=secret_id)
    versions: dict[str, list[str]] = described.get("VersionIdsToStages", {})
    if token not in versions:
        raise RotationError(f"version {token} is not a version of the secret")
    return versions[token]


def _read(secretsmanager: BaseClient, secret_id: str, **version: str) -> StoredSecret:
    answer = secretsmanager.get_secret_value(SecretId=secret_id, **version)
    return parse_stored(answer["SecretString"])


def _pool_of(client_id: str, user_pools: Mapping[str, str]) -> str:
    try:
        return user_pools[client_id]
    except KeyError:
        raise RotationError(f"app client {client_id} is not one this function rotates (ROTATION_USER_POOLS)") from None


def _listed_ids(cognito: BaseClient, pool_id: str, client_id: str) -> list[str]:
    listed = cognito.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId=client_id)["ClientSecrets"]
    return [str(s["ClientSecretId"]) for s in listed]


def create_secret(secret_id: str, token: str, clients: Clients, user_pools: Mapping[str, str]) -> str:
    """createSecret: a new Cognito secret, stored as AWSPENDING `token` with its ClientSecretId.

    Idempotent: a pending value already stored is kept. When the client already holds two secrets, the one that
    is not the stored current one (a secret nobody stores: a createSecret that failed after Cognito added it) is
    revoked first, but only when the current one's id is known; otherwise RotationError says what to do.
    """
    try:
        _read(clients.secretsmanager, secret_id, VersionId=token, VersionStage=PENDING)
        return "pending secret already stored"
    except ClientError as error:
        # Secrets Manager created the version without a value; it is filled below.
        if error_code(error) != "ResourceNotFoundException":
            raise
    current = _read(clients.secretsmanager, secret_id, VersionStage=CURRENT)
    pool_id = _pool_of(current.client_id, user_pools)
    listed = _cognito(clients.cognito, "list_user_pool_client_secrets", pool_id, current.client_id)["ClientSecrets"]
    if len(listed) >= MAX_CLIENT_SECRETS:
        for orphan in _orphans(listed, current, _started(clients.secretsmanager, secret_id, token)):
            _cognito(clients.cognito, "delete_user_pool_client_secret", pool_id, current.client_id, orphan)
    added = _cognito(clients.cognito, "add_user_pool_client_secret", pool_id, current.client_id)
    descriptor = added["ClientSecretDescriptor"]
    pending = StoredSecret(current.client_id, descriptor["ClientSecretValue"], str(descriptor["ClientSecretId"]))
    clients.secretsmanager.put_secret_value(
        SecretId=secret_id, ClientRequestToken=token, SecretString=pending.document(), VersionStages=[PENDING]
    )
    return f"added client secret {pending.client_secret_id}"


def _started(secretsmanager: BaseClient, secret_id: str, token: str) -> datetime:
    """When Secrets Manager created the pending version `token`: this rotation's start."""
    versions = secretsmanager.list_secret_version_ids(SecretId=secret_id, IncludeDeprecated=True)["Versions"]
    created: datetime = next(v["CreatedDate"] for v in versions if v["VersionId"] == token)
    return created


def _orphans(listed: list[dict[str, Any]], current: StoredSecret, started: datetime) -> list[str]:
    """The Cognito secrets nobody stores, which must go before one more can be added (Cognito keeps two at most).

    With the stored secret's id known (every version this function stored), every other one. Without it (the first
    rotation of a secret stored by hand), only secrets Cognito created after this rotation started: an earlier
    attempt's createSecret added them and failed before storing them. Anything else may be in use (a manual rotation
    half done): RotationError, and a person decides (docs/operations.md).
    """
    ids = [str(s["ClientSecretId"]) for s in listed]
    if current.client_secret_id in ids:
        return [i for i in ids if i != current.client_secret_id]
    # Both clocks are AWS's, and createSecret adds its secret several calls after Secrets Manager created the version.
    mine = [str(s["ClientSecretId"]) for s in listed if s["ClientSecretCreateDate"] >= started]
    if len(ids) - len(mine) != 1:
        raise RotationError(
            f"createSecret: app client {current.client_id} already has {len(ids)} secrets and the stored one's id is "
            "unknown: delete the one nobody stores (docs/operations.md, 'A rotation that failed half-way')"
        )
    return mine


def probe(credentials: AppClientCredentials) -> dict[str, Any]:
    """testSecret's ConfirmSignUp parameters: a made-up code for a username that cannot exist, with the hash.

    Why ConfirmSignUp: it never sends anything (unlike ResendConfirmationCode or ForgotPassword, which send a code
    to any user that does exist), changes nothing for a user that does not exist (a wrong code only counts against
    an existing user's attempts), needs no auth flow enabled (unlike InitiateAuth, which also runs the pool's
    authentication triggers and threat protection), and Cognito checks SECRET_HASH, the app client's
    authentication, before it looks the user up: a wrong hash is NotAuthorizedException "Unable to verify secret
    hash" whatever the username.
    """
    username = PROBE_USERNAME_PREFIX + secrets.token_hex(16)
    return {
        "ClientId": credentials.client_id,
        "Username": username,
        "ConfirmationCode": PROBE_CODE,
        "SecretHash": compute_secret_hash(username, credentials.client_id, credentials.client_secret),
    }


def test_secret(secret_id: str, token: str, clients: Clients) -> str:
    """testSecret: Cognito accepts the pending secret's hash (see `probe`); RotationError when it does not."""
    pending = _read(clients.secretsmanager, secret_id, VersionId=token, VersionStage=PENDING)
    try:
        clients.cognito.confirm_sign_up(**probe(pending.credentials))
    except ClientError as error:
        refusal = CognitoError(error_code(error), error_message(error))
        if refusal.code in PROBE_ACCEPTED:
            return f"Cognito accepted the pending secret ({refusal.code} for the probe username)"
        if refusal.is_secret_hash_rejection:
            raise RotationError(
                f"testSecret: Cognito rejected the pending secret of app client {pending.client_id}"
            ) from None
        raise RotationError(f"testSecret: Cognito answered {refusal.code}") from None
    # Success would mean the probe user existed and 000000 confirmed it: never expected, but the hash was accepted.
    return "Cognito accepted the pending secret"


def finish_secret(
    secret_id: str, token: str, clients: Clients, user_pools: Mapping[str, str], stages: list[str]
) -> str:
    """finishSecret: AWSCURRENT onto `token`, then every other Cognito secret of the client revoked.

    Revocation does not wait for the endpoint's cache age (POWERTOOLS_PARAMETERS_MAX_AGE): an environment still
    holding the old secret is refused by Cognito before anything is sent, reads the secret again and retries once.
    """
    if CURRENT not in stages:
        described = clients.secretsmanager.describe_secret(SecretId=secret_id)
        old = next((v for v, s in described["VersionIdsToStages"].items() if CURRENT in s), None)
        clients.secretsmanager.update_secret_version_stage(
            SecretId=secret_id, VersionStage=CURRENT, MoveToVersionId=token, RemoveFromVersionId=old
        )
    current = _read(clients.secretsmanager, secret_id, VersionId=token)
    if current.client_secret_id is None:
        raise RotationError("finishSecret: the new version has no clientSecretId; nothing was revoked")
    pool_id = _pool_of(current.client_id, user_pools)
    revoked = []
    for other in _listed_ids(clients.cognito, pool_id, current.client_id):
        if other != current.client_secret_id:
            _cognito(clients.cognito, "delete_user_pool_client_secret", pool_id, current.client_id, other)
            revoked.append(other)
    return f"current is {current.client_secret_id}; revoked {', '.join(revoked) or 'nothing (already done)'}"


def _cognito(cognito: BaseClient, method: str, pool_id: str, client_id: str, secret_id: str = "") -> Any:
    """One Cognito secret call; a refusal becomes RotationError (AWS's code only); deleting one gone is done."""
    parameters = {"UserPoolId": pool_id, "ClientId": client_id}
    if secret_id:
        parameters["ClientSecretId"] = secret_id
    try:
        return getattr(cognito, method)(**parameters)
    except ClientError as error:
        if method == "delete_user_pool_client_secret" and error_code(error) == "ResourceNotFoundException":
            return {}  # revoked already (a retry): the goal is reached
        raise RotationError(f"{method}: Cognito answered {error_code(error)} for app client {client_id}") from None
