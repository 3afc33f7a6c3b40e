"""boto3, unmodified, against the Cognito door of `python -m local`: an unsigned client whose only change is
`endpoint_url`, with botocore's own retries on (standard mode, 3 attempts, as apps run it)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from local.seed import CONFIRMED_USER
from tests.conftest import REGION
from tests.local_stack import LocalApi

RESEND = "cognito-idp:ResendConfirmationCode"


@pytest.fixture
def cognito(local_api: LocalApi) -> BaseClient:
    # No credentials at all: these operations are unsigned, and the app holds no AWS keys.
    config = Config(signature_version=UNSIGNED, retries={"mode": "standard", "total_max_attempts": 3})
    return boto3.client("cognito-idp", endpoint_url=local_api.url, region_name=REGION, config=config)


@pytest.fixture(autouse=True)
def _disarm(local_api: LocalApi) -> Any:
    yield
    local_api.disarm_faults()


def sent_to(local: LocalApi, username: str) -> int:
    return sum(1 for message in local.outbox() if message["username"] == username)


def error_of(call: Callable[[], Any]) -> ClientError:
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value


def without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def test_resend_sends_exactly_one_code(local_api: LocalApi, cognito: BaseClient) -> None:
    username = local_api.sign_up("boto3")
    before = sent_to(local_api, username)

    response = cognito.resend_confirmation_code(ClientId=local_api.client_id, Username=username)

    assert without_metadata(response) == {"CodeDeliveryDetails": {}}
    assert sent_to(local_api, username) == before + 1


def test_confirm_with_the_newest_code_confirms(local_api: LocalApi, cognito: BaseClient) -> None:
    username = local_api.sign_up("boto3")
    cognito.resend_confirmation_code(ClientId=local_api.client_id, Username=username)

    cognito.confirm_sign_up(
        ClientId=local_api.client_id, Username=username, ConfirmationCode=local_api.newest_code(username)
    )

    assert local_api.user_status(username)[0] == "CONFIRMED"


def test_a_wrong_code_raises_the_modelled_code_mismatch(local_api: LocalApi, cognito: BaseClient) -> None:
    username = local_api.sign_up("boto3")
    wrong = "000000" if local_api.newest_code(username) != "000000" else "111111"

    error = error_of(
        lambda: cognito.confirm_sign_up(ClientId=local_api.client_id, Username=username, ConfirmationCode=wrong)
    )

    assert isinstance(error, cognito.exceptions.CodeMismatchException)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_an_unknown_user_answers_as_a_real_one(local_api: LocalApi, cognito: BaseClient) -> None:
    real, unknown = local_api.sign_up("boto3"), f"nobody-{uuid.uuid4().hex[:8]}@example.com"

    resend = [
        without_metadata(cognito.resend_confirmation_code(ClientId=local_api.client_id, Username=name))
        for name in (real, unknown, CONFIRMED_USER)
    ]
    confirm = [
        error_of(
            lambda name=name: cognito.confirm_sign_up(  # type: ignore[misc]
                ClientId=local_api.client_id, Username=name, ConfirmationCode="000001"
            )
        ).response["Error"]
        for name in (real, unknown, CONFIRMED_USER)
    ]

    assert resend[0] == resend[1] == resend[2]
    assert confirm[0] == confirm[1] == confirm[2]
    assert confirm[0]["Code"] == "CodeMismatchException"


def test_a_lasting_cognito_fault_surfaces_by_name_after_botocores_retries(
    local_api: LocalApi, cognito: BaseClient
) -> None:
    username = local_api.sign_up("boto3")
    sent_before, calls_before = sent_to(local_api, username), local_api.calls(RESEND)
    local_api.arm_fault(RESEND, "InternalErrorException", times=3)

    error = error_of(lambda: cognito.resend_confirmation_code(ClientId=local_api.client_id, Username=username))

    assert isinstance(error, cognito.exceptions.InternalErrorException)
    # botocore made its 3 attempts (502 is retried), each of which reached Cognito: a failure is never replayed.
    assert error.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert local_api.calls(RESEND) == calls_before + 3
    assert sent_to(local_api, username) == sent_before


def test_a_retry_after_a_passing_cognito_fault_succeeds(local_api: LocalApi, cognito: BaseClient) -> None:
    # A 502 or 429 kept for the window would answer every retry with the failure, and a transient fault would
    # never heal within one SDK call.
    username = local_api.sign_up("boto3")
    sent_before, calls_before = sent_to(local_api, username), local_api.calls(RESEND)
    local_api.arm_fault(RESEND, "InternalErrorException", times=1)

    response = cognito.resend_confirmation_code(ClientId=local_api.client_id, Username=username)

    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert local_api.calls(RESEND) == calls_before + 2
    assert sent_to(local_api, username) == sent_before + 1


REFUSED: list[tuple[str, dict[str, Any]]] = [
    ("sign_up", {"Username": "x@example.com", "Password": "Passw0rd!Passw0rd"}),
    ("initiate_auth", {"AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "x", "PASSWORD": "y"}}),
    ("change_password", {"PreviousPassword": "Old-Passw0rd!", "ProposedPassword": "New-Passw0rd!", "AccessToken": "t"}),
    ("revoke_token", {"Token": "t"}),
    ("get_user", {"AccessToken": "t"}),
    ("admin_confirm_sign_up", {"UserPoolId": "us-east-1_abc", "Username": "x"}),
    ("admin_initiate_auth", {"UserPoolId": "us-east-1_abc", "AuthFlow": "ADMIN_USER_PASSWORD_AUTH"}),
    ("admin_create_user", {"UserPoolId": "us-east-1_abc", "Username": "x"}),
    ("list_users", {"UserPoolId": "us-east-1_abc"}),
]


@pytest.mark.parametrize(("method", "parameters"), REFUSED, ids=[m for m, _ in REFUSED])
def test_every_other_operation_is_refused_without_calling_cognito(
    local_api: LocalApi, cognito: BaseClient, method: str, parameters: dict[str, Any]
) -> None:
    operation = cognito.meta.method_to_api_mapping[method]
    calls_before = local_api.calls(f"cognito-idp:{operation}")
    if "ClientId" in cognito.meta.service_model.operation_model(operation).input_shape.members:
        parameters = {"ClientId": local_api.client_id, **parameters}

    error = error_of(lambda: getattr(cognito, method)(**parameters))

    assert error.response["Error"]["Code"] == "UnknownOperationException"
    assert error.response["ResponseMetadata"]["RetryAttempts"] == 0  # not retried
    assert local_api.calls(f"cognito-idp:{operation}") == calls_before


def test_a_secret_hash_from_the_app_is_refused(local_api: LocalApi, cognito: BaseClient) -> None:
    error = error_of(
        lambda: cognito.resend_confirmation_code(ClientId=local_api.client_id, Username="a", SecretHash="abc=")
    )

    assert isinstance(error, cognito.exceptions.InvalidParameterException)
