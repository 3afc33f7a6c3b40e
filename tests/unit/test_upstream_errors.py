"""The Cognito error table covers the whole service model, and each class of failure maps deliberately."""

import botocore.session
import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from resend_code.problems import Problem, render_problem
from resend_code.upstream_errors import (
    COGNITO_ERRORS,
    cognito_problem,
    error_code,
    is_secret_hash_rejection,
    transport_problem,
)


def client_error(code: str, message: str = "") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "ResendConfirmationCode")


def test_table_covers_every_error_in_botocores_model() -> None:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    modelled = {shape.name for shape in model.operation_model("ResendConfirmationCode").error_shapes}

    assert modelled - set(COGNITO_ERRORS) == set()


@pytest.mark.parametrize("code", ["UserNotFoundException", "InvalidParameterException", "NotAuthorizedException"])
def test_errors_that_reveal_the_account_are_answered_as_success(code: str) -> None:
    assert cognito_problem(client_error(code, "User is already confirmed.")) is None


@pytest.mark.parametrize(
    "message",
    [
        "Unable to verify secret hash for client abc",
        "Client abc is configured with secret but SECRET_HASH was not received",
    ],
)
def test_secret_hash_rejections_are_configuration_faults(message: str) -> None:
    error = client_error("NotAuthorizedException", message)

    assert is_secret_hash_rejection(error)
    problem = cognito_problem(error)
    assert problem is not None and problem.status == 500 and problem.code == "internal_error"


@pytest.mark.parametrize(
    ("code", "status", "retry_after"),
    [("TooManyRequestsException", 429, "1"), ("LimitExceededException", 429, "900")],
)
def test_throttling_is_429_with_retry_after(code: str, status: int, retry_after: str) -> None:
    problem = cognito_problem(client_error(code))

    assert problem is not None and problem.status == status
    assert render_problem(Problem(problem)).headers == {"Retry-After": retry_after}


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ResourceNotFoundException", 500),
        ("InvalidSmsRoleTrustRelationshipException", 500),
        ("OperationNotEnabledException", 500),
        ("CodeDeliveryFailureException", 502),
        ("InternalErrorException", 502),
        ("UnexpectedLambdaException", 502),
        ("ForbiddenException", 403),
        ("SomethingNewException", 502),
    ],
)
def test_other_errors_map_to_their_documented_status(code: str, status: int) -> None:
    problem = cognito_problem(client_error(code))

    assert problem is not None and problem.status == status


def test_transport_failures() -> None:
    timeout = transport_problem(ReadTimeoutError(endpoint_url="http://x"))
    connect_timeout = transport_problem(ConnectTimeoutError(endpoint_url="http://x"))
    unreachable = transport_problem(EndpointConnectionError(endpoint_url="http://x"))

    assert timeout is not None and timeout.status == 504
    assert connect_timeout is not None and connect_timeout.status == 504
    assert unreachable is not None and unreachable.status == 503
    assert transport_problem(ValueError()) is None


def test_an_error_without_code_or_message_is_unknown_and_no_secret_hash_rejection() -> None:
    error = ClientError({}, "ResendConfirmationCode")

    assert error_code(error) == "Unknown"
    assert is_secret_hash_rejection(error) is False
    problem = cognito_problem(error)
    assert problem is not None and problem.code == "upstream_error"
