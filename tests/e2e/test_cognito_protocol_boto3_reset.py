"""boto3, unmodified, against the Cognito door of `python -m local` for ForgotPassword and ConfirmForgotPassword: an
unsigned client whose only change is `endpoint_url`, botocore's standard retries on."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore import UNSIGNED
from botocore.client import BaseClient
from botocore.config import Config

from tests.conftest import REGION
from tests.e2e.test_cognito_protocol_boto3 import error_of, without_metadata
from tests.e2e.test_forgot_password_http import (
    confirmed,
    disabled,
    new_password,
    reset_codes,
    sign_in,
    without_verified_address,
    wrong,
)
from tests.local_stack import LocalApi

CONFIRM_FORGOT = "cognito-idp:ConfirmForgotPassword"


@pytest.fixture
def cognito(local_api: LocalApi) -> BaseClient:
    config = Config(signature_version=UNSIGNED, retries={"mode": "standard", "total_max_attempts": 3})
    return boto3.client("cognito-idp", endpoint_url=local_api.url, region_name=REGION, config=config)


def test_forgot_password_then_confirm_resets_the_password(local_api: LocalApi, cognito: BaseClient) -> None:
    username, old = confirmed(local_api, "boto3")
    password = new_password()

    asked = cognito.forgot_password(ClientId=local_api.client_id, Username=username)
    (code,) = reset_codes(local_api, username)
    done = cognito.confirm_forgot_password(
        ClientId=local_api.client_id, Username=username, ConfirmationCode=code, Password=password
    )

    # The masked destination is not revealed by default: the same empty object for every username.
    assert without_metadata(asked) == {"CodeDeliveryDetails": {}}
    assert without_metadata(done) == {}
    assert sign_in(local_api, username, password) == "ok"
    assert sign_in(local_api, username, old) == "NotAuthorizedException"


def test_a_weak_password_raises_the_modelled_invalid_password_before_cognito(
    local_api: LocalApi, cognito: BaseClient
) -> None:
    before = local_api.calls(CONFIRM_FORGOT)

    error = error_of(
        lambda: cognito.confirm_forgot_password(
            ClientId=local_api.client_id, Username="anyone@example.com", ConfirmationCode="123456", Password="weak"
        )
    )

    assert isinstance(error, cognito.exceptions.InvalidPasswordException)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert (
        error.response["Error"]["Message"]
        == "Password does not conform to policy: Password should have at least 8 characters"
    )
    # Not retried (a 400 of a name no SDK retries) and never sent to Cognito.
    assert error.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert local_api.calls(CONFIRM_FORGOT) == before


def test_a_wrong_code_raises_code_mismatch(local_api: LocalApi, cognito: BaseClient) -> None:
    username, _ = confirmed(local_api, "boto3")
    cognito.forgot_password(ClientId=local_api.client_id, Username=username)
    code = reset_codes(local_api, username)[0]

    error = error_of(
        lambda: cognito.confirm_forgot_password(
            ClientId=local_api.client_id, Username=username, ConfirmationCode=wrong(code), Password=new_password()
        )
    )

    assert isinstance(error, cognito.exceptions.CodeMismatchException)


def test_every_kind_of_username_answers_alike_through_the_door(local_api: LocalApi, cognito: BaseClient) -> None:
    usernames = [
        f"nobody-{uuid.uuid4().hex[:8]}@example.com",
        disabled(local_api),
        local_api.sign_up("boto3-unconfirmed"),
        without_verified_address(local_api),
        confirmed(local_api, "boto3")[0],
    ]

    asked = [without_metadata(cognito.forgot_password(ClientId=local_api.client_id, Username=u)) for u in usernames]
    refused = [
        error_of(
            lambda u=u: cognito.confirm_forgot_password(  # type: ignore[misc]
                ClientId=local_api.client_id, Username=u, ConfirmationCode="000001", Password=new_password()
            )
        ).response["Error"]
        for u in usernames
    ]

    assert all(answer == {"CodeDeliveryDetails": {}} for answer in asked)
    assert all(error == refused[0] for error in refused)
    assert refused[0]["Code"] == "CodeMismatchException"
