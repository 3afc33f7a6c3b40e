"""How failures of Cognito and Secrets Manager become answers to the caller.

Cognito errors are matched on their error code, never on the HTTP status (Cognito sends 400 on the wire for
NotAuthorized, TooManyRequests and LimitExceeded). One table per operation covers every error botocore's service
model lists for it (ResendConfirmationCode, ConfirmSignUp); a unit test keeps them that way when botocore adds
one. docs/api.md shows the tables.
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
    ALIAS_EXISTS,
    ATTEMPT_LIMIT_EXCEEDED,
    CODE_EXPIRED,
    CODE_MISMATCH,
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


# ConfirmSignUp. An unknown user, an already-confirmed user ("User cannot be confirmed. Current status is
# CONFIRMED") and a disabled user ("User is disabled.") answer exactly like a wrong code: anything else would tell
# a caller with any six digits whether an account exists. The real reason is logged and counted
# (ConfirmationRefused by Reason, see confirm_refusal_reason). TooManyFailedAttemptsException and
# LimitExceededException can only come from a real account; the endpoint's own per-username cap (uniform for
# every string, below Cognito's) keeps them from being reached in practice.
CONFIRM_SIGN_UP_ERRORS: dict[str, ProblemType] = {
    "CodeMismatchException": CODE_MISMATCH,
    "UserNotFoundException": CODE_MISMATCH,
    "NotAuthorizedException": CODE_MISMATCH,  # confirmed or disabled; a secret-hash rejection is told apart below
    "InvalidParameterException": CODE_MISMATCH,  # e.g. a user with nothing to confirm; says nothing useful
    "ExpiredCodeException": CODE_EXPIRED,  # older than 24 h, or replaced by a newer code
    "AliasExistsException": ALIAS_EXISTS,
    "TooManyFailedAttemptsException": ATTEMPT_LIMIT_EXCEEDED,
    "LimitExceededException": ATTEMPT_LIMIT_EXCEEDED,
    "TooManyRequestsException": RATE_LIMITED,
    "ForbiddenException": REQUEST_BLOCKED,
    "ResourceNotFoundException": INTERNAL_ERROR,
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


def confirm_sign_up_problem(error: ClientError) -> ProblemType:
    """The problem to answer for a ConfirmSignUp error (a secret-hash rejection is a configuration fault)."""
    if is_secret_hash_rejection(error):
        return INTERNAL_ERROR
    return CONFIRM_SIGN_UP_ERRORS.get(error_code(error), UPSTREAM_ERROR)


def confirm_refusal_reason(error: ClientError) -> str:
    """Why Cognito refused a confirmation, for the operator's metric and log: the error code, with
    NotAuthorizedException split into AlreadyConfirmed and UserDisabled by Cognito's message."""
    code = error_code(error)
    if code != "NotAuthorizedException":
        return code
    message = str(error.response.get("Error", {}).get("Message", "")).lower()
    if "confirmed" in message:
        return "AlreadyConfirmed"
    if "disabled" in message:
        return "UserDisabled"
    return code
