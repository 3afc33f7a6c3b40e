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
    INTERNAL_ERROR,
    RATE_LIMITED,
    REQUEST_BLOCKED,
    UPSTREAM_ERROR,
    UPSTREAM_TIMEOUT,
    UPSTREAM_UNAVAILABLE,
    ProblemType,
)

# None means "answer exactly as for a code sent". Each of these depends on the account: only an existing
# account can be already confirmed, disabled or without an address, and only an existing, unconfirmed one can
# reach Cognito's per-user attempt limit, fail a delivery or run the pool's Lambda triggers (which a caller
# can steer with clientMetadata). Answering any of them differently from an unknown user tells the caller the
# account exists, so the caller gets the neutral answer and the operator a log line and metrics
# (ACCOUNT_FAULTS below). Problems remain only for outcomes that are the same for every username: Cognito's
# account-wide throttling, its own faults, the pool's WAF (it judges the request, not the account) and this
# deployment's configuration (500, which reveals nothing).
COGNITO_ERRORS: dict[str, ProblemType | None] = {
    "UserNotFoundException": None,
    "InvalidParameterException": None,  # "User is already confirmed.", or no verified e-mail/phone to send to
    "NotAuthorizedException": None,  # a disabled user; a secret-hash rejection is told apart below
    "LimitExceededException": None,
    "CodeDeliveryFailureException": None,
    "InvalidLambdaResponseException": None,
    "UnexpectedLambdaException": None,
    "UserLambdaValidationException": None,
    "TooManyRequestsException": RATE_LIMITED,
    "ForbiddenException": REQUEST_BLOCKED,
    "ResourceNotFoundException": INTERNAL_ERROR,
    "InvalidEmailRoleAccessPolicyException": INTERNAL_ERROR,
    "InvalidSmsRoleAccessPolicyException": INTERNAL_ERROR,
    "InvalidSmsRoleTrustRelationshipException": INTERNAL_ERROR,
    "OperationNotEnabledException": INTERNAL_ERROR,
    "InternalErrorException": UPSTREAM_ERROR,
}

# Answered neutrally, yet a failure an operator must see: a user who asked did not get a code. Counted apart
# (metric CognitoFailureAnsweredNeutrally) so one alarm can watch them; the rest of the neutral outcomes
# (unknown, confirmed, disabled users) are normal traffic.
ACCOUNT_FAULTS = frozenset(
    {
        "LimitExceededException",
        "CodeDeliveryFailureException",
        "InvalidLambdaResponseException",
        "UnexpectedLambdaException",
        "UserLambdaValidationException",
    }
)


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
