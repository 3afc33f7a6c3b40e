"""ConfirmForgotPassword: set a user's new password with the reset code Cognito sent them.

The story: the caller names a username, the code and the new password; the password is checked against the pool's
policy first (password_policy.py, through Operation.check: before the app client, the limiter and Cognito, so a weak
password is refused the same way for every username and spends no attempt); then Cognito is sent all three with the
secret hash; the caller reads reset, a wrong code or a problem. An unknown, disabled or unconfirmed user, an expired,
superseded or used code and Cognito's attempt limits answer exactly like a wrong code, byte for byte the answer
/confirm-sign-up gives: anything else would tell a caller with any six digits whether an account exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from code_screens import metric_names as names
from code_screens import password_policy
from code_screens.operations import CognitoError, Kind, Operation, Outcome, Success
from code_screens.operations.generated import confirm_forgot_password_request
from code_screens.operations.models import (
    CONFIRMATION_CODE,
    PASSWORD,
    AnalyticsMetadata,
    ResponseBody,
    UserContextData,
    analytics_metadata,
    client_metadata,
    cognito_parameters,
    request_schema,
    user_context_data,
)
from code_screens.operations.validation import RequestSchema
from code_screens.problems import (
    CODE_MISMATCH,
    INTERNAL_ERROR,
    INVALID_PASSWORD,
    RATE_LIMITED,
    REQUEST_BLOCKED,
    UPSTREAM_ERROR,
)
from code_screens.settings import Settings

# The request, as the function, the gateway model and OpenAPI all read it (operations/models.py has the shared
# fields and what `x-normalize` and `x-check` name).
REQUEST_SCHEMA = request_schema(
    "ConfirmForgotPasswordRequest",
    "Set a user's new password with the reset code Cognito sent them.",
    {
        "confirmationCode": CONFIRMATION_CODE,
        "password": PASSWORD,
        "clientMetadata": client_metadata("post confirmation"),
    },
    ["username", "confirmationCode", "password"],
)


@dataclass(frozen=True)
class ConfirmForgotPasswordRequest:
    """Set a user's new password with the reset code Cognito sent them (a request the schema accepted)."""

    SCHEMA: ClassVar[RequestSchema] = RequestSchema(REQUEST_SCHEMA, confirm_forgot_password_request.validate)

    username: str
    # Out of the repr: a request object in a traceback or a debugger's output must not carry them.
    confirmation_code: str = field(repr=False)
    password: str = field(repr=False)
    client_id: str | None = None
    analytics_metadata: AnalyticsMetadata | None = None
    user_context_data: UserContextData | None = None
    client_metadata: Mapping[str, str] | None = None

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> ConfirmForgotPasswordRequest:
        """The typed request from a document the schema accepted (SCHEMA.accept)."""
        return cls(
            username=document["username"],
            confirmation_code=document["confirmationCode"],
            password=document["password"],
            client_id=document.get("clientId"),
            analytics_metadata=analytics_metadata(document.get("analyticsMetadata")),
            user_context_data=user_context_data(document.get("userContextData")),
            client_metadata=document.get("clientMetadata"),
        )


@dataclass(frozen=True)
class PasswordResetResponse(ResponseBody):
    """The password is reset: the user can sign in with the new one."""

    SCHEMA: ClassVar[dict[str, Any]] = {
        "description": "The password is reset: the user can sign in with the new one.",
        "properties": {"message": {"type": "string"}},
        "required": ["message"],
        "title": "PasswordResetResponse",
        "type": "object",
    }

    message: str


RESET_MESSAGE = "Your password is reset. You can sign in with the new password now."

# Every error botocore's service model lists for ConfirmForgotPassword. As on ConfirmSignUp, everything only a real
# account (or a real account's state) can cause answers a wrong code: an unknown, disabled or unconfirmed user, an
# expired or superseded code, Cognito's per-user attempt limits (TooManyFailedAttempts, LimitExceeded: the endpoint's
# own per-username cap answers the 429 instead, the same for every string, and is meant to be reached first), and a
# password the account has used before (PasswordHistoryPolicyViolation: only the right code should get that far, but
# Cognito's check order is not documented). Cognito's own InvalidPasswordException answers invalid_password without
# field errors: the function checked the policy it was deployed with, so the pool's policy has changed since (a
# set-up refusal: redeploy), or Cognito's compromised-credentials check refused the password. The post confirmation
# trigger's faults tell nothing to a guesser: only the right code reaches it.
OUTCOMES: Mapping[str, Outcome] = {
    "CodeMismatchException": Outcome(CODE_MISMATCH, Kind.REFUSED),
    "ExpiredCodeException": Outcome(CODE_MISMATCH, Kind.REFUSED),
    "UserNotFoundException": Outcome(CODE_MISMATCH, Kind.REFUSED),
    "UserNotConfirmedException": Outcome(CODE_MISMATCH, Kind.REFUSED),
    # A disabled user, or one whose password cannot be reset in its state; a secret-hash rejection is its own row.
    "NotAuthorizedException": Outcome(
        CODE_MISMATCH, Kind.REFUSED, setup=True, not_setup_when=("disabled", "current state")
    ),
    "InvalidParameterException": Outcome(CODE_MISMATCH, Kind.REFUSED, setup=True),
    "TooManyFailedAttemptsException": Outcome(CODE_MISMATCH, Kind.ACCOUNT_FAULT),
    "LimitExceededException": Outcome(CODE_MISMATCH, Kind.ACCOUNT_FAULT),
    "PasswordHistoryPolicyViolationException": Outcome(CODE_MISMATCH, Kind.REFUSED),
    "InvalidPasswordException": Outcome(INVALID_PASSWORD, Kind.REFUSED, setup=True),
    "TooManyRequestsException": Outcome(RATE_LIMITED, Kind.FAILED, setup=True),
    "ForbiddenException": Outcome(REQUEST_BLOCKED, Kind.FAILED, setup=True),
    "ResourceNotFoundException": Outcome(INTERNAL_ERROR, Kind.FAILED, setup=True),
    "OperationNotEnabledException": Outcome(INTERNAL_ERROR, Kind.FAILED, setup=True),
    "InvalidLambdaResponseException": Outcome(UPSTREAM_ERROR, Kind.FAILED),
    "UnexpectedLambdaException": Outcome(UPSTREAM_ERROR, Kind.FAILED),
    "UserLambdaValidationException": Outcome(UPSTREAM_ERROR, Kind.FAILED),
    "InternalErrorException": Outcome(UPSTREAM_ERROR, Kind.FAILED),
}


def check(request: ConfirmForgotPasswordRequest, settings: Settings) -> None:
    """The new password against the pool's policy (raises Problem invalid_password with the rules it breaks)."""
    password_policy.check(request.password, settings.password_policy)


def parameters(request: ConfirmForgotPasswordRequest, credentials: Any, caller_ip: str | None) -> dict[str, Any]:
    """The ConfirmForgotPassword parameters: the caller's fields plus what only the server may supply."""
    params = cognito_parameters(request, credentials, caller_ip)
    params["ConfirmationCode"] = request.confirmation_code
    params["Password"] = request.password
    return params


def refusal_reason(error: CognitoError) -> str:
    """Why Cognito refused a reset, for the operator's metric and log: the error code, with a disabled user
    (NotAuthorizedException) as UserDisabled and a user who has not chosen a password yet as PasswordCannotBeReset,
    by Cognito's message."""
    message = error.message.lower()
    if error.code == "NotAuthorizedException" and "disabled" in message:
        return "UserDisabled"
    if error.code == "NotAuthorizedException" and "current state" in message:
        return "PasswordCannotBeReset"
    return error.code


def answer(response: Mapping[str, Any] | None, settings: Settings) -> PasswordResetResponse:
    """The password is reset."""
    return PasswordResetResponse(message=RESET_MESSAGE)


OPERATION = Operation(
    name="ConfirmForgotPassword",
    client_method="confirm_forgot_password",
    request_model=ConfirmForgotPasswordRequest,
    response_model=PasswordResetResponse,
    limit=lambda settings: settings.confirm_forgot_password_limit,
    parameters=parameters,
    answer=answer,
    outcomes=OUTCOMES,
    success_log="Password reset",
    success_metric=names.PASSWORD_RESET,
    success_dimension=None,
    success=lambda response: Success(),
    refused_log="Password reset refused",
    account_fault_log="Cognito's attempt limit for this account; answered as a wrong code",
    refusal_metric=names.PASSWORD_RESET_REFUSED,
    refusal_dimension=names.REASON,
    reason_log_field="reason",
    reason=refusal_reason,
    check=check,
)
