"""The small parts of the operations and the doors that a request's end-to-end tests pass through without telling
apart: each typed request's fields, the password-reset operations' reasons and answers, the 415 and invalid_password
messages, and which operations INIT imports."""

from __future__ import annotations

import json
from typing import Any

import pytest

from code_screens.doors import cognito_protocol
from code_screens.operations import CognitoError, confirm_forgot_password, forgot_password
from code_screens.pipeline import check_content_type
from code_screens.problems import INVALID_PASSWORD, UNSUPPORTED_MEDIA_TYPE, FieldError, Problem
from code_screens.routes import ROUTES
from code_screens.runtime import preload
from code_screens.secret_hash import AppClientCredentials

FULL_REQUEST = {
    "username": "a@example.com",
    "clientId": "secondclient",
    "confirmationCode": "123456",
    "password": "N3w-passw0rd!",
    "analyticsMetadata": {"analyticsEndpointId": "endpoint-1"},
    "userContextData": {"encodedData": "encoded-1"},
    "clientMetadata": {"locale": "fr"},
}


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.operation_name)
def test_every_operation_sends_every_field_the_caller_may_supply(route: Any) -> None:
    model = route.operation.request_model
    document = {name: FULL_REQUEST[name] for name in model.SCHEMA.fields if name in FULL_REQUEST}
    credentials = AppClientCredentials(client_id="secondclient", client_secret="not-a-real-secret")

    request = model.from_document(document)
    parameters = route.operation.parameters(request, credentials, "198.51.100.7")

    assert request.client_id == "secondclient"
    assert parameters["ClientId"] == "secondclient" and parameters["Username"] == "a@example.com"
    assert parameters["ClientMetadata"] == {"locale": "fr"}
    assert parameters["AnalyticsMetadata"] == {"AnalyticsEndpointId": "endpoint-1"}
    assert parameters["UserContextData"] == {"IpAddress": "198.51.100.7", "EncodedData": "encoded-1"}


@pytest.mark.parametrize("module", [forgot_password, confirm_forgot_password], ids=lambda m: m.__name__)
def test_only_cognitos_not_authorized_names_an_account_that_cannot_be_reset(module: Any) -> None:
    state = "User password cannot be reset in the current state."

    assert module.refusal_reason(CognitoError("NotAuthorizedException", state)) == "PasswordCannotBeReset"
    assert module.refusal_reason(CognitoError("InvalidParameterException", state)) == "InvalidParameterException"


def test_a_sent_reset_code_is_logged_and_counted_by_medium() -> None:
    sent = forgot_password.success({"CodeDeliveryDetails": {"DeliveryMedium": "SMS", "Destination": "+*******1234"}})
    unknown = forgot_password.success({})

    assert (dict(sent.log_fields), sent.dimension_value) == ({"delivery_medium": "SMS"}, "SMS")
    assert (dict(unknown.log_fields), unknown.dimension_value) == ({"delivery_medium": ""}, "UNKNOWN")


def test_a_reset_password_is_answered_with_its_sentence() -> None:
    body = json.loads(confirm_forgot_password.answer({}, settings=None).to_json())  # type: ignore[arg-type]

    assert body == {"message": confirm_forgot_password.RESET_MESSAGE}


@pytest.mark.parametrize("media_type", ["application/json", cognito_protocol.MEDIA_TYPE])
def test_a_wrong_content_type_is_told_the_doors_own_media_type(media_type: str) -> None:
    with pytest.raises(Problem) as refused:
        check_content_type("text/plain", media_type)

    assert refused.value.problem_type is UNSUPPORTED_MEDIA_TYPE
    assert refused.value.detail == f"Send the body as Content-Type: {media_type} (UTF-8)."


def test_the_cognito_door_names_the_first_password_rule_broken() -> None:
    errors = (
        FieldError("password", "too_short", "Password must have length greater than or equal to 12"),
        FieldError("password", "missing_symbol", "Password must have symbol characters"),
    )

    response = cognito_protocol.error_response(Problem(INVALID_PASSWORD, errors=errors))

    message = json.loads(str(response.body))["message"]
    assert message == "Password does not conform to policy: Password must have length greater than or equal to 12"


@pytest.mark.parametrize(
    ("initialization_type", "imported"),
    [
        ("snap-start", True),
        ("provisioned-concurrency", True),
        ("on-demand", False),
        (None, False),
    ],
)
def test_init_imports_every_operation_only_ahead_of_traffic(
    monkeypatch: pytest.MonkeyPatch, initialization_type: str | None, imported: bool
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(preload, "import_module", seen.append)
    environ = {} if initialization_type is None else {"AWS_LAMBDA_INITIALIZATION_TYPE": initialization_type}

    assert preload.preload_operations(environ) is imported
    assert seen == ([route.module for route in ROUTES] if imported else [])
