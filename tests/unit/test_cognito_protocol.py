"""The Cognito door's pure parts: the problem → Cognito error table row by row, the field names, the success shape."""

from __future__ import annotations

import json
import sys

import pytest

from code_screens.doors import cognito_protocol as door
from code_screens.operations.confirm_sign_up import ConfirmedResponse, ConfirmSignUpRequest
from code_screens.operations.resend_confirmation_code import (
    AcceptedResponse,
    CodeDeliveryDetails,
    ResendConfirmationCodeRequest,
)
from code_screens.pipeline import validate_request
from code_screens.problems import CATALOG, Problem, ProblemType
from code_screens.routes import ROUTES, route_named

# The table as docs/api.md states it: problem code → (Cognito error type, status). Written out, not derived, so a
# change to the door's table has to be a change to this contract too.
EXPECTED = {
    "invalid_json": ("SerializationException", 400),
    "invalid_request": ("InvalidParameterException", 400),
    "server_supplied_field": ("InvalidParameterException", 400),
    "code_mismatch": ("CodeMismatchException", 400),
    "invalid_password": ("InvalidPasswordException", 400),
    "unknown_client_id": ("ResourceNotFoundException", 400),
    "origin_not_allowed": ("ForbiddenException", 403),
    "request_blocked": ("ForbiddenException", 403),
    "not_found": ("UnknownOperationException", 404),
    "method_not_allowed": ("UnknownOperationException", 405),
    "payload_too_large": ("InvalidParameterException", 413),
    "unsupported_media_type": ("SerializationException", 415),
    "rate_limited": ("TooManyRequestsException", 429),
    "attempt_limit_exceeded": ("LimitExceededException", 429),
    "internal_error": ("InternalErrorException", 500),
    "upstream_error": ("InternalErrorException", 502),
    "upstream_unavailable": ("InternalErrorException", 503),
    "upstream_timeout": ("InternalErrorException", 408),
    "unknown_operation": ("UnknownOperationException", 400),
}
# What the SDKs retry (Amplify's defaultRetryDecider, botocore's and the JS SDK's standard mode).
RETRIED_STATUSES = {429, 500, 502, 503, 504}
RETRIED_NAMES = {"TooManyRequestsException", "LimitExceededException", "ThrottlingException", "RequestTimeoutException"}


def test_the_table_covers_the_catalog_and_nothing_else() -> None:
    assert set(door.COGNITO_ERRORS) == {p.code for p in CATALOG} | {door.UNKNOWN_OPERATION.code}


@pytest.mark.parametrize("problem_type", [*CATALOG, door.UNKNOWN_OPERATION], ids=lambda p: p.code)
def test_each_problem_is_rendered_as_its_row(problem_type: ProblemType) -> None:
    response = door.error_response(Problem(problem_type), "request-1")

    error_type, status = EXPECTED[problem_type.code]
    assert response.status_code == status
    assert response.headers["x-amzn-ErrorType"] == error_type
    assert response.headers["x-amzn-RequestId"] == "request-1"
    assert response.content_type == door.MEDIA_TYPE
    body = json.loads(str(response.body))
    # Cognito's own sentence leads an invalid password's message (the rule broken, or the detail when none is known).
    prefix = "Password does not conform to policy: " if problem_type.code == "invalid_password" else ""
    assert body == {"__type": error_type, "message": prefix + problem_type.detail}
    if problem_type.retry_after_seconds is not None:
        assert response.headers["Retry-After"] == str(problem_type.retry_after_seconds)


@pytest.mark.parametrize("code", ["unknown_operation", "upstream_timeout", "code_mismatch", "server_supplied_field"])
def test_answers_that_must_not_be_retried_are_not_retryable(code: str) -> None:
    # A refused operation is final; a timeout may have sent a code (a retry would send another); a wrong code or a
    # bad field is the caller's to fix.
    error_type, status = door.COGNITO_ERRORS[code].error_type, door.COGNITO_ERRORS[code].status
    assert status not in RETRIED_STATUSES and error_type not in RETRIED_NAMES


def test_the_allowed_operations_are_the_json_doors() -> None:
    # The door finds its operation by Cognito's name in the route table, and nothing else has a row there.
    for route in ROUTES:
        operation = route.operation
        assert route_named(route.operation_name) is route
        assert operation.name == route.operation_name
        assert sys.modules[route.module].OPERATION is operation
        assert route.module.rsplit(".", 1)[1] == operation.client_method  # operations/<botocore's method name>.py
    assert {route.operation_name for route in ROUTES} == {
        "ResendConfirmationCode",
        "ConfirmSignUp",
        "ForgotPassword",
        "ConfirmForgotPassword",
    }
    for never in ("AdminConfirmSignUp", "InitiateAuth", "SignUp", "resendconfirmationcode", ""):
        assert route_named(never) is None


def test_cognito_names_become_the_models_fields() -> None:
    document = {
        "ClientId": "abc",
        "Username": "a@example.com",
        "ConfirmationCode": "123456",
        "ForceAliasCreation": True,
        "ClientMetadata": {"Locale": "fr"},  # the caller's own keys: never renamed
        "AnalyticsMetadata": {"AnalyticsEndpointId": "e"},
        "UserContextData": {"EncodedData": "d"},
    }

    request = validate_request(door.field_names_for(ConfirmSignUpRequest)(document), ConfirmSignUpRequest)

    assert request.username == "a@example.com" and request.client_id == "abc"
    assert request.confirmation_code == "123456" and request.force_alias_creation is True
    assert dict(request.client_metadata) == {"Locale": "fr"}
    assert request.analytics_metadata.analytics_endpoint_id == "e"
    assert request.user_context_data.encoded_data == "d"


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"Username": "a", "SecretHash": "x"}, "server_supplied_field"),
        ({"Username": "a", "UserContextData": {"IpAddress": "192.0.2.1"}}, "server_supplied_field"),
        ({"username": "a"}, "invalid_request"),  # the JSON door's name is not a Cognito name
        ({"Username": "a", "Unknown": 1}, "invalid_request"),
    ],
)
def test_what_the_json_door_refuses_the_cognito_door_refuses(document: dict[str, object], code: str) -> None:
    with pytest.raises(Problem) as refused:
        validate_request(door.field_names_for(ResendConfirmationCodeRequest)(document), ResendConfirmationCodeRequest)
    assert refused.value.problem_type.code == code


def test_success_bodies_are_cognitos() -> None:
    neutral = AcceptedResponse(message="m")
    revealed = AcceptedResponse(
        message="m",
        code_delivery_details=CodeDeliveryDetails(
            destination="u***@e***", delivery_medium="EMAIL", attribute_name="email"
        ),
    )

    assert door.success_document(neutral) == {"CodeDeliveryDetails": {}}
    assert door.success_document(revealed) == {
        "CodeDeliveryDetails": {"Destination": "u***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    }
    assert door.success_document(ConfirmedResponse(message="m")) == {}
