"""The API Gateway model (draft 4) accepts what the Lambda accepts and refuses the same structural junk."""

import json
from typing import Any

import pytest
from jsonschema import Draft4Validator

from code_screens.operations.confirm_sign_up import ConfirmSignUpRequest
from infra.api_schema import gateway_request_schema
from tests.synth import Synthesized

VALIDATOR = Draft4Validator(gateway_request_schema())


def test_is_a_valid_draft_4_schema() -> None:
    Draft4Validator.check_schema(gateway_request_schema())
    assert "$defs" not in str(gateway_request_schema())


@pytest.mark.parametrize(
    "document",
    [
        {"username": "alice@example.com"},
        {
            "username": "a",
            "clientId": "abc",
            "clientMetadata": {"k": "v"},
            "analyticsMetadata": {"analyticsEndpointId": "e"},
            "userContextData": {"encodedData": "x"},
        },
        {"username": "a", "clientMetadata": None, "userContextData": None},
    ],
)
def test_accepts_valid_requests(document: dict[str, Any]) -> None:
    assert VALIDATOR.is_valid(document)


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"username": ""},
        {"username": "x" * 129},
        {"username": 1},
        {"username": "a", "secretHash": "x"},
        {"username": "a", "userContextData": {"ipAddress": "1.2.3.4"}},
        {"username": "a", "clientMetadata": {f"k{i}": "v" for i in range(11)}},
        {"username": "a", "clientMetadata": {"k": 1}},
        ["a"],
    ],
)
def test_refuses_structural_junk_before_a_lambda_runs(document: Any) -> None:
    assert not VALIDATOR.is_valid(document)


CONFIRM_VALIDATOR = Draft4Validator(gateway_request_schema(ConfirmSignUpRequest))


def test_the_confirm_model_is_a_valid_draft_4_schema_of_its_own() -> None:
    schema = gateway_request_schema(ConfirmSignUpRequest)

    Draft4Validator.check_schema(schema)
    assert schema["title"] == "ConfirmSignUpRequest"
    assert schema["required"] == ["username", "confirmationCode"]


@pytest.mark.parametrize(
    "document",
    [
        {"username": "a", "confirmationCode": "123456"},
        # The Lambda removes whitespace from the code, so the gateway must let it through.
        {"username": "a", "confirmationCode": " 123 456 "},
        {"username": "a", "confirmationCode": "123456", "forceAliasCreation": True, "clientMetadata": None},
    ],
)
def test_the_confirm_model_accepts_valid_requests(document: dict[str, Any]) -> None:
    assert CONFIRM_VALIDATOR.is_valid(document)


@pytest.mark.parametrize(
    "document",
    [
        {"username": "a"},
        {"confirmationCode": "123456"},
        {"username": "a", "confirmationCode": ""},
        {"username": "a", "confirmationCode": 123456},
        {"username": "a", "confirmationCode": "1" * 2049},
        {"username": "a", "confirmationCode": "1", "forceAliasCreation": "true"},
        {"username": "a", "confirmationCode": "1", "secretHash": "x"},
    ],
)
def test_the_confirm_model_refuses_structural_junk(document: Any) -> None:
    assert not CONFIRM_VALIDATOR.is_valid(document)


def test_only_the_models_that_describe_a_password_ignore_cfn_lints_secret_rule(demo: Synthesized) -> None:
    # W2501 reads a "password" field's JSON Schema as a secret in the template; the ignore is on those models alone.
    ignoring = {
        model["Properties"]["Name"]
        for model in demo.of_type("AWS::ApiGateway::Model").values()
        if "W2501" in json.dumps(model.get("Metadata", {}).get("cfn-lint", {}))
    }

    assert ignoring == {"ConfirmForgotPasswordRequest", "CognitoProtocolRequest"}
