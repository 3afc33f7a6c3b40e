"""How failures of Cognito and Secrets Manager become answers to the caller.

Cognito errors are matched on their error code, never on the HTTP status (Cognito sends 400 on the wire for
NotAuthorized, TooManyRequests and LimitExceeded). The table covers every error botocore's service model lists
for ResendConfirmationCode; a unit test keeps it that way when botocore adds one. docs/api.md shows the table.
"""

from __future__ import annotations

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from resend_code.problems import (
    ATTEMPT_LIMIT_EXCEEDED,
    DELIVERY_FAILED,
    INTERNAL_ERROR,
    RATE_LIMITED,
    REQUEST_BLOCKED,
    UPSTREAM_ERROR,
    UPSTREAM_TIMEOUT,
    UPSTREAM_UNAVAILABLE,
    ProblemType,
)

# None means "answer exactly as for a code sent": each of these tells whether the account exists or is
# confirmed, so the caller must not be able to tell them from a success (the real outcome is logged and
# counted). A 500 is a fault in this deployment's configuration and reveals nothing to the caller.
COGNITO_ERRORS: dict[str, ProblemType | None] = {
    "UserNotFoundException": None,
    "InvalidParameterException": None,  # "User is already confirmed.", or no verified e-mail/phone to send to
    "NotAuthorizedException": None,  # a disabled user; a secret-hash rejection is told apart below
    "TooManyRequestsException": RATE_LIMITED,
    "LimitExceededException": ATTEMPT_LIMIT_EXCEEDED,
    "CodeDeliveryFailureException": DELIVERY_FAILED,
    "ForbiddenException": REQUEST_BLOCKED,
    "ResourceNotFoundException": INTERNAL_ERROR,
    "InvalidEmailRoleAccessPolicyException": INTERNAL_ERROR,
    "InvalidSmsRoleAccessPolicyException": INTERNAL_ERROR,
    "InvalidSmsRoleTrustRelationshipException": INTERNAL_ERROR,
    "OperationNotEnabledException": INTERNAL_ERROR,
    "InvalidLambdaResponseException": UPSTREAM_ERROR,
    "UnexpectedLambdaException": UPSTREAM_ERROR,
    "UserLambdaValidationException": UPSTREAM_ERROR,
    "InternalErrorException": UPSTREAM_ERROR,
}


def error_code(error: ClientError) -> str:
    """The AWS error code of a botocore ClientError."""
    return str(error.response.get("Error", {}).get("Code", "Unknown"))


def is_secret_hash_rejection(error: ClientError) -> bool:
    """True when Cognito refused the secret hash (a wrong or rotated secret), not the user."""
    message = str(error.response.get("Error", {}).get("Message", "")).lower()
    return error_code(error) == "NotAuthorizedException" and ("secret hash" in message or "secret_hash" in message)


def cognito_problem(error: ClientError) -> ProblemType | None:
    """The problem to answer for a Cognito error, or None to answer as for a sent code."""
    if is_secret_hash_rejection(error):
        return INTERNAL_ERROR
    return COGNITO_ERRORS.get(error_code(error), UPSTREAM_ERROR)


def transport_problem(error: BaseException | None) -> ProblemType | None:
    """The problem for a network-level failure talking to AWS, or None when it is not one."""
    # ConnectTimeoutError is also an EndpointConnectionError: test for timeouts first.
    if isinstance(error, (ConnectTimeoutError, ReadTimeoutError)):
        return UPSTREAM_TIMEOUT
    if isinstance(error, (EndpointConnectionError, ConnectionClosedError)):
        return UPSTREAM_UNAVAILABLE
    return None
