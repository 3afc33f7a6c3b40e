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
    CODE_EXPIRED,
    CODE_MISMATCH,
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


# ConfirmSignUp. An unknown user, an already-confirmed user ("User cannot be confirmed. Current status is
# CONFIRMED") and a disabled user ("User is disabled.") answer exactly like a wrong code: anything else would tell
# a caller with any six digits whether an account exists. So do Cognito's per-user attempt limits
# (TooManyFailedAttemptsException, LimitExceededException): only a real account can reach them, so a 429 for them
# would say the account exists (as on the resend route, see ACCOUNT_FAULTS). The endpoint's own per-username cap
# answers the 429 instead, the same for every string, and is meant to be reached first. The real reason is logged
# and counted (ConfirmationRefused by Reason, see confirm_refusal_reason). ExpiredCodeException and
# AliasExistsException need a code that was really sent to the account, so they tell a guesser nothing; neither
# do the post confirmation trigger's faults, which only a right code reaches.
CONFIRM_SIGN_UP_ERRORS: dict[str, ProblemType] = {
    "CodeMismatchException": CODE_MISMATCH,
    "UserNotFoundException": CODE_MISMATCH,
    "NotAuthorizedException": CODE_MISMATCH,  # confirmed or disabled; a secret-hash rejection is told apart below
    "InvalidParameterException": CODE_MISMATCH,  # e.g. a user with nothing to confirm; says nothing useful
    "TooManyFailedAttemptsException": CODE_MISMATCH,  # per account: see above
    "LimitExceededException": CODE_MISMATCH,  # per account: see above
    "ExpiredCodeException": CODE_EXPIRED,  # older than 24 h, or replaced by a newer code
    "AliasExistsException": ALIAS_EXISTS,
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


# Confirm refusals answered like a wrong code that are still failures an operator must see (a person may have
# typed the right code): counted in CognitoFailureAnsweredNeutrally as well, like ACCOUNT_FAULTS on resend.
CONFIRM_ACCOUNT_FAULTS = frozenset({"TooManyFailedAttemptsException", "LimitExceededException"})


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
