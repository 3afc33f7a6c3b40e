"""Client-secret rotation as docs/operations.md runs it, against the emulator, while a warm function holds the old
secret in its cache: the next request refreshes once and succeeds; a secret that stays wrong is a 500, not a loop."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests

from code_screens.pseudonym import user_reference
from code_screens.routes import RESEND_CONFIRMATION_CODE
from local.seed import UNCONFIRMED_USER
from tests.leak_scan import WATCH
from tests.local_stack import LocalApi, start_local_api, stop_local_api

pytestmark = pytest.mark.slow  # a server process of its own, its secrets rotated

RESEND = "cognito-idp:ResendConfirmationCode"
GET_SECRET = "secretsmanager:GetSecretValue"


@pytest.fixture(scope="module")
def local() -> Iterator[LocalApi]:
    stack = start_local_api("local-api-rotation")
    yield stack
    stop_local_api(stack)


def rotate(local: LocalApi, store: str | None = None) -> None:
    """The runbook: add a second secret, store it (or `store` instead), then delete the old secret at once."""
    cognito, sm = local.aws("cognito-idp"), local.aws("secretsmanager")
    pool, client, arn = local.user_pool_id, local.client_id, local.secret_arn()
    old = cognito.list_user_pool_client_secrets(UserPoolId=pool, ClientId=client)["ClientSecrets"]
    new = cognito.add_user_pool_client_secret(UserPoolId=pool, ClientId=client)["ClientSecretDescriptor"]
    WATCH.add_client(client, new["ClientSecretValue"])
    value = store if store is not None else new["ClientSecretValue"]
    sm.put_secret_value(SecretId=arn, SecretString=json.dumps({"clientId": client, "clientSecret": value}))
    for secret in old:
        cognito.delete_user_pool_client_secret(
            UserPoolId=pool, ClientId=client, ClientSecretId=secret["ClientSecretId"]
        )


def resend(local: LocalApi) -> requests.Response:
    return requests.post(f"{local.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": UNCONFIRMED_USER}, timeout=30)


def counts(local: LocalApi) -> tuple[int, int]:
    return local.calls(RESEND), local.calls(GET_SECRET)


def test_rotation_while_warm_refreshes_once_and_succeeds(local: LocalApi) -> None:
    # Given a warm function that has cached the current secret
    assert resend(local).status_code == 200
    # ... and a rotation that deletes that secret before the cache expires
    rotate(local)
    before = counts(local)

    # When the next request comes in
    response = resend(local)

    # Then Cognito rejected the cached secret once, the function read the store once more, and the retry worked
    assert response.status_code == 200
    after = counts(local)
    assert (after[0] - before[0], after[1] - before[1]) == (2, 1)
    assert '"SecretRefreshed"' in local.log()


def user_refs(local: LocalApi) -> list[str]:
    """The user_ref of each "Code sent" line in the function's log, oldest first."""
    entries = [json.loads(line) for line in local.log().splitlines() if line.startswith('{"level"')]
    return [str(e["user_ref"]) for e in entries if e["message"] == "Code sent"]


def test_user_ref_survives_a_rotation(local: LocalApi) -> None:
    # Given a code sent for one user under the current client secret
    client_secret = current_client_secret(local)
    assert resend(local).status_code == 200
    before = user_refs(local)[-1]
    # ... whose user_ref is not keyed with that secret (it once was: a prefix of a chosen username's SECRET_HASH)
    assert before != user_reference(UNCONFIRMED_USER, client_secret)

    # When the client secret is rotated and the same user asks again
    rotate(local)
    assert resend(local).status_code == 200

    # Then the log follows the same account: the pseudonym does not depend on the client secret
    assert user_refs(local)[-1] == before


def current_client_secret(local: LocalApi) -> str:
    document = local.aws("secretsmanager").get_secret_value(SecretId=local.secret_arn())["SecretString"]
    secret: str = json.loads(document)["clientSecret"]
    return secret


def test_a_secret_that_stays_wrong_is_a_500_and_a_metric_not_a_loop(local: LocalApi) -> None:
    assert resend(local).status_code == 200
    rotate(local, store="not-the-secret")
    before = counts(local)

    response = resend(local)

    assert (response.status_code, response.json()["code"]) == (500, "internal_error")
    after = counts(local)
    assert (after[0] - before[0], after[1] - before[1]) == (2, 1)
    assert '"CognitoFailure"' in local.log()
    assert "not-the-secret" not in local.log()
