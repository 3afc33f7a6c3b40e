"""The OpenAPI document's `POST /` (the Cognito door): derived from the route table, the operations' schemas (in
Cognito's names, as the stack's validator model) and COGNITO_ERRORS; and what the door really writes validates
against what it documents."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from code_screens.doors.cognito_shape import (
    COGNITO_ERRORS,
    MEDIA_TYPE,
    TARGET_PREFIX,
    UNKNOWN_OPERATION,
    error_body,
    success_document,
)
from code_screens.operations.confirm_sign_up import ConfirmedResponse
from code_screens.operations.resend_confirmation_code import AcceptedResponse, CodeDeliveryDetails
from code_screens.problems import CATALOG
from code_screens.routes import ROUTES
from local.openapi import openapi_document

DOCUMENT = openapi_document()
DOOR = DOCUMENT["paths"]["/"]["post"]


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for a schema of the document, its `#/components/...` references resolved in the document."""
    return Draft202012Validator({**schema, "components": DOCUMENT["components"]})


def request_schema() -> dict[str, Any]:
    schema: dict[str, Any] = DOOR["requestBody"]["content"][MEDIA_TYPE]["schema"]
    return schema


def test_the_target_header_is_required_and_names_exactly_the_route_tables_operations() -> None:
    (target,) = [p for p in DOOR["parameters"] if p["name"] == "X-Amz-Target"]

    assert (target["in"], target["required"]) == ("header", True)
    assert target["schema"]["enum"] == [TARGET_PREFIX + route.operation.name for route in ROUTES]
    # Nothing else is a method of the door: the JSON door's routes keep their own paths.
    assert set(DOCUMENT["paths"]["/"]) == {"post"}
    assert set(DOOR["requestBody"]["content"]) == {MEDIA_TYPE}


@pytest.mark.parametrize(
    "body",
    [
        {"Username": "someone@example.com"},
        {"ClientId": "abc123", "Username": "someone@example.com", "ConfirmationCode": "123456"},
        {
            "Username": "someone@example.com",
            "ConfirmationCode": "123456",
            "ForceAliasCreation": False,
            "ClientMetadata": {"anyCase": "kept as sent"},
            "UserContextData": {"EncodedData": "x"},
            "AnalyticsMetadata": {"AnalyticsEndpointId": "e"},
        },
    ],
)
def test_bodies_in_cognitos_names_conform(body: dict[str, Any]) -> None:
    assert validator(request_schema()).is_valid(body)


@pytest.mark.parametrize(
    "body",
    [
        {"username": "someone@example.com"},  # the JSON door's names are not Cognito's
        {"Username": "someone@example.com", "SecretHash": "x"},  # server-supplied
        {"Username": "someone@example.com", "UserContextData": {"IpAddress": "192.0.2.1"}},  # server-supplied
        {"Username": "someone@example.com", "UserContextData": {"encodedData": "x"}},  # nested names renamed too
    ],
)
def test_bodies_in_other_names_do_not(body: dict[str, Any]) -> None:
    assert not validator(request_schema()).is_valid(body)


def test_each_operations_request_is_documented_with_its_schemas_fields_in_cognitos_names() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    for route in ROUTES:
        own = route.operation.request_model.SCHEMA.schema
        documented = schemas[f"Cognito{own['title']}"]
        assert list(documented["properties"]) == [name[:1].upper() + name[1:] for name in own["properties"]]
        assert documented["required"] == [name[:1].upper() + name[1:] for name in own["required"]]
        # The JSON door's components keep the JSON door's names (the Cognito ones are components of their own).
        assert list(schemas[own["title"]]["properties"]) == list(own["properties"])


@pytest.mark.parametrize(
    "body",
    [
        AcceptedResponse(message="m"),
        AcceptedResponse(message="m", code_delivery_details=CodeDeliveryDetails("u***@e***", "EMAIL", "email")),
        ConfirmedResponse(message="m"),
    ],
)
def test_the_success_bodies_the_door_writes_conform(body: Any) -> None:
    schema = DOOR["responses"]["200"]["content"][MEDIA_TYPE]["schema"]

    validator(schema).validate(success_document(body))


def test_every_error_the_door_can_answer_is_documented_in_cognitos_shape() -> None:
    for problem_type in (*CATALOG, UNKNOWN_OPERATION):
        error = COGNITO_ERRORS[problem_type.code]
        if error.status in (404, 405):
            continue  # other paths and methods: API Gateway's answer, as for the JSON routes
        response = DOOR["responses"][str(error.status)]
        assert error.error_type in response["headers"]["x-amzn-ErrorType"]["schema"]["enum"]
        assert response["headers"]["x-amzn-ErrorType"]["required"] is True
        for content in response["content"].values():
            body = validator(content["schema"])
            body.validate(json.loads(error_body(problem_type)))
            # Never a `code` field (Amplify would read it before `__type`).
            assert not body.is_valid({"__type": error.error_type, "message": "m", "code": "x"})
