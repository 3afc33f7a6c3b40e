"""The emulator answers what Cognito answers, whatever it is sent and however many callers send it at once: input
Cognito refuses with a 4xx is never a 5xx locally (a 5xx would reach the function as an upstream fault, 502), and
concurrent callers never crash it. Spoken to over HTTP, as `make run` serves it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from code_screens.routes import CONFIRM_SIGN_UP
from local.seed import UNCONFIRMED_USER, compute_secret_hash
from tests.conftest import REGION
from tests.local_stack import LocalApi, start_local_api, stop_local_api

TARGET = "AWSCognitoIdentityProviderService"
# Codes a person may type or paste that are not the six ASCII digits Cognito sent: separators the clients drop
# (an old client, or a caller of its own, may still send them), letters, digits of other scripts mixed with
# letters, symbols, and characters outside the Basic Multilingual Plane.
NON_ASCII_CODES = [
    "123\u2013456",  # en dash
    "123\u2014456",  # em dash
    "123\u200b456",  # zero-width space (not whitespace: the function does not remove it)
    "\ufeff123456",  # byte order mark
    "12345\u00e9",
    "\u0661\u0662\u0663abc",  # Arabic-Indic digits and letters
    "123\u00ad456",  # soft hyphen
    "\U0001f600\U0001f600",  # emoji, outside the BMP
]


def cognito(local: LocalApi) -> Any:
    # One attempt: botocore retries a 5xx, which would hide the very answer under test.
    return boto3.client(
        "cognito-idp",
        endpoint_url=local.emulator_endpoint,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"total_max_attempts": 1}),
    )


def raw_call(local: LocalApi, action: str, body: bytes) -> requests.Response:
    """A Cognito call as any HTTP client could send it, past botocore's own parameter checks."""
    headers = {"X-Amz-Target": f"{TARGET}.{action}", "Content-Type": "application/x-amz-json-1.1"}
    return requests.post(local.emulator_endpoint, data=body, headers=headers, timeout=10)


@pytest.mark.parametrize("code", NON_ASCII_CODES)
def test_a_code_with_non_ascii_characters_is_a_code_mismatch(local_api: LocalApi, code: str) -> None:
    # Cognito compares the code it sent with the one it is given: any other string is CodeMismatchException.
    # hmac.compare_digest refuses a non-ASCII str with TypeError, which moto turned into a 500.
    username = local_api.sign_up("non-ascii")

    with pytest.raises(ClientError) as refused:
        cognito(local_api).confirm_sign_up(
            ClientId=local_api.client_id,
            Username=username,
            ConfirmationCode=code,
            SecretHash=compute_secret_hash(username, local_api.client_id, local_api.client_secret),
        )

    error = refused.value.response
    assert (error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"]) == (400, "CodeMismatchException")
    assert local_api.user_status(username)[0] == "UNCONFIRMED"


@pytest.mark.parametrize("code", NON_ASCII_CODES)
def test_the_endpoint_answers_a_non_ascii_code_with_a_4xx(local_api: LocalApi, code: str) -> None:
    # Whether the function refuses it itself or passes it on to Cognito, a person's typing is never a 5xx.
    username = local_api.sign_up("non-ascii-http")
    body = {"username": username, "confirmationCode": code}

    response = requests.post(f"{local_api.url}{CONFIRM_SIGN_UP.path}", json=body, timeout=10)

    assert 400 <= response.status_code < 500, response.text
    assert response.json()["code"] != "upstream_error"


def test_a_secret_hash_with_non_ascii_characters_is_a_4xx(local_api: LocalApi) -> None:
    # The same TypeError sat in the secret-hash comparison; Cognito refuses a hash off its pattern ([\w+=/]+).
    for action in ("ConfirmSignUp", "ResendConfirmationCode"):
        body = {
            "ClientId": local_api.client_id,
            "Username": UNCONFIRMED_USER,
            "ConfirmationCode": "123456",
            "SecretHash": "\u00e9" * 44,
        }
        if action == "ResendConfirmationCode":
            del body["ConfirmationCode"]

        response = raw_call(local_api, action, json.dumps(body).encode())

        assert response.status_code == 400, (action, response.text)
        assert response.json()["__type"] == "InvalidParameterException"
        assert "\u00e9" not in response.text and "\\u00e9" not in response.text  # never echoes the value


def _valid(local: LocalApi) -> dict[str, Any]:
    return {
        "ClientId": local.client_id,
        "Username": UNCONFIRMED_USER,
        "ConfirmationCode": "123456",
        "SecretHash": compute_secret_hash(UNCONFIRMED_USER, local.client_id, local.client_secret),
    }


# Bodies Cognito refuses before looking at any user (a serialization or validation error, 400): each reached a
# Python exception in the emulator's operations or moto's (a str method on a number, .get on a string, a list as a
# dict key), which moto answered 500. Each case names the operations that have the member it breaks.
ALL = ("ConfirmSignUp", "ResendConfirmationCode", "SignUp")
MALFORMED: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any]], Any]]] = {
    "a number as the username": (ALL, lambda b: {**b, "Username": 12345}),
    "a list as the code": (("ConfirmSignUp",), lambda b: {**b, "ConfirmationCode": ["123456"]}),
    "a list as the client id": (ALL, lambda b: {**b, "ClientId": [b["ClientId"]]}),
    "a number as the secret hash": (ALL, lambda b: {**b, "SecretHash": 7}),
    "a string as the user context data": (ALL, lambda b: {**b, "UserContextData": "10.0.0.1"}),
    "a list as the client metadata": (ALL, lambda b: {**b, "ClientMetadata": ["a", "b"]}),
    "no username": (ALL, lambda b: {k: v for k, v in b.items() if k != "Username"}),
    "no client id": (ALL, lambda b: {k: v for k, v in b.items() if k != "ClientId"}),
    "an empty code": (("ConfirmSignUp",), lambda b: {**b, "ConfirmationCode": ""}),
    "a code with a space": (("ConfirmSignUp",), lambda b: {**b, "ConfirmationCode": "123 456"}),
    "a code past 2048 characters": (("ConfirmSignUp",), lambda b: {**b, "ConfirmationCode": "1" * 2049}),
    "a JSON array": (ALL, lambda b: [b]),
    "a JSON string": (ALL, lambda b: "hello"),
}
CASES = [(case, action) for case, (actions, _) in sorted(MALFORMED.items()) for action in actions]


@pytest.mark.parametrize(("case", "action"), CASES)
def test_a_malformed_request_is_a_4xx_never_a_5xx(local_api: LocalApi, case: str, action: str) -> None:
    body = MALFORMED[case][1](_valid(local_api) | ({"Password": "Local-Passw0rd!"} if action == "SignUp" else {}))
    if action != "ConfirmSignUp" and isinstance(body, dict):
        body.pop("ConfirmationCode", None)
    before = len(local_api.outbox())

    response = raw_call(local_api, action, json.dumps(body).encode())

    assert 400 <= response.status_code < 500, (case, response.status_code, response.text[:300])
    assert response.json()["__type"] in ("SerializationException", "InvalidParameterException")
    assert len(local_api.outbox()) == before  # refused before anything was sent


def test_a_body_that_is_not_json_is_a_4xx(local_api: LocalApi) -> None:
    for action in ("ConfirmSignUp", "ResendConfirmationCode"):
        response = raw_call(local_api, action, b"\xff{not json")

        assert 400 <= response.status_code < 500, (action, response.text[:300])


# Standard attributes a sign-up form may fill in: each makes moto's walk over the users longer, and so the race
# likelier, without more users.
PROFILE = [
    {"Name": name, "Value": "x"}
    for name in (
        "name",
        "given_name",
        "family_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "gender",
        "zoneinfo",
        "locale",
        "address",
    )
]


@pytest.fixture(scope="module")
def crowded_api() -> Iterator[LocalApi]:
    """A stack of its own, whose pool the concurrency test fills with over a thousand users."""
    local = start_local_api("local-api-crowded")
    yield local
    stop_local_api(local)


@pytest.mark.slow  # load: 1,200 sign-ups from 16 threads
def test_concurrent_sign_ups_and_resends_all_succeed(crowded_api: LocalApi) -> None:
    # moto finds a user of a pool whose usernames are e-mail addresses by walking all its users, while a SignUp
    # adds one: from 16 threads, with the pool growing past a thousand users, some walk met an insert ("OrderedDict
    # mutated during iteration", a 500) in every run before the emulator served Cognito calls under a lock.
    local = crowded_api
    names = [f"crowd-{index}-{uuid.uuid4().hex[:8]}@example.com" for index in range(1200)]
    clients = [cognito(local) for _ in range(16)]

    def sign_up_then_resend(index: int) -> str:
        name, client = names[index], clients[index % len(clients)]
        try:
            client.sign_up(
                ClientId=local.client_id,
                Username=name,
                Password="Local-Passw0rd!",
                SecretHash=compute_secret_hash(name, local.client_id, local.client_secret),
                UserAttributes=[{"Name": "email", "Value": name}, *PROFILE],
            )
            if index % 4 == 0:  # a look-up of an earlier user, walking the pool while others sign up
                earlier = names[index // 2]
                client.resend_confirmation_code(
                    ClientId=local.client_id,
                    Username=earlier,
                    SecretHash=compute_secret_hash(earlier, local.client_id, local.client_secret),
                )
        except ClientError as error:
            return f"{error.response['ResponseMetadata']['HTTPStatusCode']} {error.response['Error']['Code']}"
        return "ok"

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        outcomes = list(pool.map(sign_up_then_resend, range(len(names))))

    failures = {outcome: outcomes.count(outcome) for outcome in set(outcomes) - {"ok"}}
    assert failures == {}
    assert {m["username"] for m in local.outbox()} >= set(names)  # every sign-up sent its code
