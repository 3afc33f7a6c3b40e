"""ConfirmSignUpRequest: Cognito's limits for the code, the same username and server-supplied rules as resend,
and a schema the gateway and OpenAPI can use."""

from typing import Any

import botocore.session
import pytest
from pydantic import ValidationError

from resend_code.request_model import (
    ConfirmSignUpRequest,
    ResendConfirmationCodeRequest,
    portable_json_schema,
)

SHAPE = botocore.session.get_session().get_service_model("cognito-idp").operation_model("ConfirmSignUp").input_shape


def errors_of(document: Any) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as raised:
        ConfirmSignUpRequest.model_validate(document)
    return raised.value.errors()


def test_accepts_the_sdk_shape_in_camel_case() -> None:
    request = ConfirmSignUpRequest.model_validate(
        {
            "username": "alice@example.com",
            "confirmationCode": "123456",
            "clientId": "abc123",
            "clientMetadata": {"locale": "fr"},
            "analyticsMetadata": {"analyticsEndpointId": "endpoint-1"},
            "userContextData": {"encodedData": "e30="},
            "forceAliasCreation": True,
        }
    )

    assert (request.username, request.confirmation_code, request.force_alias_creation) == (
        "alice@example.com",
        "123456",
        True,
    )


def test_mirrors_every_sdk_field_but_what_the_server_supplies_or_the_passwordless_session() -> None:
    # SecretHash and ClientId's secret come from the server; Session (passwordless sign-in after sign-up) is not
    # offered by this endpoint (docs/api.md).
    sdk = {name[:1].lower() + name[1:] for name in SHAPE.members} - {"secretHash", "session"}
    schema = ConfirmSignUpRequest.model_json_schema(by_alias=True)

    assert set(schema["properties"]) == sdk
    assert schema["required"] == ["username", "confirmationCode"]
    assert schema["additionalProperties"] is False


def test_the_code_limits_are_botocores() -> None:
    code = SHAPE.members["ConfirmationCode"].metadata

    assert (code["min"], code["max"], code["pattern"]) == (1, 2048, "[\\S]+")
    assert ConfirmSignUpRequest.model_validate({"username": "a", "confirmationCode": "x" * 2048})
    assert errors_of({"username": "a", "confirmationCode": "x" * 2049})[0]["type"] == "string_too_long"


@pytest.mark.parametrize(
    ("typed", "sent"), [("123456", "123456"), (" 123456 ", "123456"), ("123 456", "123456"), ("12\t34\n56", "123456")]
)
def test_whitespace_no_code_can_contain_is_removed(typed: str, sent: str) -> None:
    request = ConfirmSignUpRequest.model_validate({"username": "a", "confirmationCode": typed})

    assert request.confirmation_code == sent


@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        ("", "string_too_short"),
        ("  ", "string_too_short"),
        (123456, "string_type"),
        (None, "string_type"),
    ],
)
def test_rejects_codes_cognito_would_reject(code: Any, error_type: str) -> None:
    assert [e["type"] for e in errors_of({"username": "a", "confirmationCode": code})] == [error_type]


@pytest.mark.parametrize("field", ["secretHash", "SECRETHASH", "clientSecret", "ipAddress", "sourceIp"])
def test_names_fields_only_the_server_may_supply(field: str) -> None:
    errors = errors_of({"username": "a", "confirmationCode": "1", field: "x"})

    assert errors[0]["type"] == "server_supplied_field"


def test_the_username_rule_is_the_same_type_as_resends() -> None:
    confirm = ConfirmSignUpRequest.model_fields["username"]
    resend = ResendConfirmationCodeRequest.model_fields["username"]

    assert (confirm.annotation, confirm.metadata) == (resend.annotation, resend.metadata)


def test_the_portable_schema_drops_the_patterns_the_lambda_checks_itself() -> None:
    schema = portable_json_schema("#/$defs/{model}", ConfirmSignUpRequest)

    assert "pattern" not in schema["properties"]["username"]
    assert "pattern" not in schema["properties"]["confirmationCode"]
    assert schema["properties"]["confirmationCode"]["maxLength"] == 2048
    assert "whitespace" in schema["properties"]["confirmationCode"]["description"]
