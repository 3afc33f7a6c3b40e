"""`aws secretsmanager rotate-secret` against `python -m local` (what `make run` runs) while callers keep calling:
the emulator runs the rotation function's four steps, the stored secret changes, the old one stops verifying at
Cognito, and no caller sees anything but the answer it would have had without a rotation, nor gets a code twice."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from botocore.exceptions import ClientError

from code_screens.rotation import PROBE_ACCEPTED, probe
from code_screens.routes import CONFIRM_SIGN_UP, RESEND_CONFIRMATION_CODE
from code_screens.secret_hash import AppClientCredentials
from tests.leak_scan import WATCH
from tests.local_stack import LocalApi, start_local_api, stop_local_api

pytestmark = pytest.mark.slow  # a server process of its own, rotated under load

ROTATIONS = 3
CALLERS = 4


@pytest.fixture(scope="module")
def local() -> Iterator[LocalApi]:
    stack = start_local_api("local-api-secret-rotation")
    yield stack
    stop_local_api(stack)


def stored_secret(local: LocalApi) -> dict[str, str]:
    document: dict[str, str] = json.loads(
        local.aws("secretsmanager").get_secret_value(SecretId=local.secret_arn())["SecretString"]
    )
    WATCH.add_client(local.client_id, document["clientSecret"])
    return document


def cognito_says(local: LocalApi, client_secret: str) -> str:
    try:
        local.aws("cognito-idp").confirm_sign_up(**probe(AppClientCredentials(local.client_id, client_secret)))
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return "accepted"


def test_rotations_under_continuous_traffic_change_no_answer_and_send_no_code_twice(local: LocalApi) -> None:
    # Given users each about to ask for one code, and callers whose answers do not depend on the secret's age
    fresh_users = [local.sign_up("rotation") for _ in range(40)]
    old = stored_secret(local)
    assert requests.post(
        f"{local.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": "warm@example.com"}, timeout=30
    ).ok
    stop = threading.Event()
    answers: list[tuple[str, int, str]] = []  # (what was asked, status, problem code or "")
    lock = threading.Lock()
    queue = list(fresh_users)

    def caller() -> None:
        while not stop.is_set():
            with lock:
                user = queue.pop() if queue else None
            if user is not None:
                asked, path, body = "resend a signed-up user", RESEND_CONFIRMATION_CODE.path, {"username": user}
            elif len(answers) % 2:
                asked, path = "resend an unknown user", RESEND_CONFIRMATION_CODE.path
                body = {"username": f"nobody-{uuid.uuid4().hex[:8]}@example.com"}
            else:
                asked, path = "confirm an unknown user", CONFIRM_SIGN_UP.path
                body = {"username": f"nobody-{uuid.uuid4().hex[:8]}@example.com", "confirmationCode": "000000"}
            response = requests.post(f"{local.url}{path}", json=body, timeout=30)
            code = response.json().get("code", "") if response.status_code >= 400 else ""
            with lock:
                answers.append((asked, response.status_code, code))

    # When the secret is rotated, several times, through the same call as in AWS, while the callers keep calling
    with ThreadPoolExecutor(CALLERS) as pool:
        futures = [pool.submit(caller) for _ in range(CALLERS)]
        for _ in range(ROTATIONS):
            time.sleep(0.3)
            local.aws("secretsmanager").rotate_secret(SecretId=local.secret_arn())
        time.sleep(0.5)
        stop.set()
        for future in futures:
            future.result()

    # Then every caller got the answer it gets without a rotation
    expected = {
        "resend a signed-up user": (200, ""),
        "resend an unknown user": (200, ""),
        "confirm an unknown user": (400, "code_mismatch"),
    }
    wrong = [a for a in answers if (a[1], a[2]) != expected[a[0]]]
    assert wrong == [] and len(answers) > 3 * ROTATIONS
    # ... each signed-up user got exactly one more code than at sign-up: none sent twice
    sent: dict[str, int] = {}
    for message in local.outbox():
        sent[message["username"]] = sent.get(message["username"], 0) + 1
    assert all(sent[user] == 2 for user in fresh_users if user not in queue)
    # ... a new secret is stored, the old one no longer verifies, and the new one does
    new = stored_secret(local)
    assert new["clientSecret"] != old["clientSecret"]
    assert cognito_says(local, old["clientSecret"]) == "NotAuthorizedException"
    assert cognito_says(local, new["clientSecret"]) in PROBE_ACCEPTED
    # ... and the endpoint got there by re-reading the secret after Cognito refused its cached one
    assert '"SecretRefreshed"' in local.log()
    assert old["clientSecret"] not in local.log() and new["clientSecret"] not in local.log()
