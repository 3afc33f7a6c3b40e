"""ConfirmSignUp: confirm a user's sign-up with the code Cognito sent them.

The story: the caller names a username and a code; Cognito is sent both with the secret hash; the caller reads
confirmed, a wrong code, an expired code or a problem. An unknown, already-confirmed or disabled user answers
exactly like a wrong code: anything else would tell a caller with any six digits whether an account exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from code_screens import metric_names as names
from code_screens.operations import CognitoError, Kind, Operation, Outcome, Success
from code_screens.operations.generated import confirm_sign_up_request
from code_screens.operations.models import (
    CONFIRMATION_CODE,
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
    RATE_LIMITED,
    REQUEST_BLOCKED,
    UPSTREAM_ERROR,
)
from code_screens.settings import Settings

# The request, as the function, the gateway model and OpenAPI all read it (operations/models.py has the shared
# fields and what `x-normalize` and `x-check` name).
REQUEST_SCHEMA = request_schema(
    "ConfirmSignUpRequest",
    "Confirm a user's sign-up with the code Cognito sent them.",
    {
        "confirmationCode": CONFIRMATION_CODE,
        "clientMetadata": client_metadata("post confirmation"),
        "forceAliasCreation": {
            "anyOf": [{"type": "boolean"}, {"type": "null"}],
            "default": None,
            "description": "When another user already has this e-mail address or phone number as an alias, move the "
            "alias to this user (without it, Cognito refuses the confirmation, which is answered like a wrong code).",
        },
    },
    ["username", "confirmationCode"],
)


@dataclass(frozen=True)
class ConfirmSignUpRequest:
    """Confirm a user's sign-up with the code Cognito sent them (a request the schema accepted)."""

    SCHEMA: ClassVar[RequestSchema] = RequestSchema(REQUEST_SCHEMA, confirm_sign_up_request.validate)

    username: str
    confirmation_code: str
    client_id: str | None = None
    analytics_metadata: AnalyticsMetadata | None = None
    user_context_data: UserContextData | None = None
    client_metadata: Mapping[str, str] | None = None
    force_alias_creation: bool | None = None

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> ConfirmSignUpRequest:
        """The typed request from a document the schema accepted (SCHEMA.accept)."""
        return cls(
            username=document["username"],
            confirmation_code=document["confirmationCode"],
            client_id=document.get("clientId"),
            analytics_metadata=analytics_metadata(document.get("analyticsMetadata")),
            user_context_data=user_context_data(document.get("userContextData")),
            client_metadata=document.get("clientMetadata"),
            force_alias_creation=document.get("forceAliasCreation"),
        )


@dataclass(frozen=True)
class ConfirmedResponse(ResponseBody):
    """The sign-up is confirmed: the user can sign in."""

    SCHEMA: ClassVar[dict[str, Any]] = {
        "description": "The sign-up is confirmed: the user can sign in.",
        "properties": {"message": {"type": "string"}},
        "required": ["message"],
        "title": "ConfirmedResponse",
        "type": "object",
    }

    message: str


CONFIRMED_MESSAGE = "Your account is confirmed. You can sign in now."

# Every error botocore's service model lists for ConfirmSignUp. Cognito's per-user attempt limits
# (TooManyFailedAttemptsException, LimitExceededException) answer a wrong code too: only a real account can reach
# them, so a 429 for them would say the account exists. The endpoint's own per-username cap answers the 429
# instead, the same for every string, and is meant to be reached first; the operator still sees them as account
# faults. So do an expired or superseded code and a taken alias (below). The post confirmation trigger's faults
# tell nothing to a guesser: only the right code reaches the trigger.
# Set-up (True): as on ResendConfirmationCode (a client that refuses the forwarded IP answers
# InvalidParameterException to every confirm: a set-up fault behind a stream of code_mismatch answers).
OUTCOMES: Mapping[str, Outcome] = {
    "CodeMismatchException": Outcome(CODE_MISMATCH, Kind.REFUSED),
    "UserNotFoundException": Outcome(CODE_MISMATCH, Kind.REFUSED),
    # Confirmed or disabled; a secret-hash rejection is its own row.
    "NotAuthorizedException": Outcome(CODE_MISMATCH, Kind.REFUSED, setup=True),
    "InvalidParameterException": Outcome(CODE_MISMATCH, Kind.REFUSED, setup=True),  # e.g. nothing to confirm
    "TooManyFailedAttemptsException": Outcome(CODE_MISMATCH, Kind.ACCOUNT_FAULT),
    "LimitExceededException": Outcome(CODE_MISMATCH, Kind.ACCOUNT_FAULT),
    # Older than 24 h or replaced by a newer code: only an account that was sent a code has one, and anybody can
    # make an account's code superseded by asking for a new one, so an expired code answers like a wrong one.
    "ExpiredCodeException": Outcome(CODE_MISMATCH, Kind.REFUSED),
    # Only a real account can have its alias taken, and Cognito may say so before it checks the code: like a wrong
    # code. An app that wants the alias moved sends forceAliasCreation.
    "AliasExistsException": Outcome(CODE_MISMATCH, Kind.REFUSED),
    "TooManyRequestsException": Outcome(RATE_LIMITED, Kind.FAILED, setup=True),
    "ForbiddenException": Outcome(REQUEST_BLOCKED, Kind.FAILED, setup=True),
    "ResourceNotFoundException": Outcome(INTERNAL_ERROR, Kind.FAILED, setup=True),
    "OperationNotEnabledException": Outcome(INTERNAL_ERROR, Kind.FAILED, setup=True),
    # The post confirmation trigger's faults: counted in CognitoFailure; not set-up refusals, since the holder of
    # an account's right code can steer the trigger with clientMetadata.
    "InvalidLambdaResponseException": Outcome(UPSTREAM_ERROR, Kind.FAILED),
    "UnexpectedLambdaException": Outcome(UPSTREAM_ERROR, Kind.FAILED),
    "UserLambdaValidationException": Outcome(UPSTREAM_ERROR, Kind.FAILED),
    "InternalErrorException": Outcome(UPSTREAM_ERROR, Kind.FAILED),
}


def parameters(request: ConfirmSignUpRequest, credentials: Any, caller_ip: str | None) -> dict[str, Any]:
    """The ConfirmSignUp parameters: the caller's fields plus what only the server may supply."""
    params = cognito_parameters(request, credentials, caller_ip)
    params["ConfirmationCode"] = request.confirmation_code
    if request.force_alias_creation is not None:
        params["ForceAliasCreation"] = request.force_alias_creation
    return params


def refusal_reason(error: CognitoError) -> str:
    """Why Cognito refused a confirmation, for the operator's metric and log: the error code, with
    NotAuthorizedException split into AlreadyConfirmed and UserDisabled by Cognito's message."""
    if error.code != "NotAuthorizedException":
        return error.code
    message = error.message.lower()
    # "User cannot be confirmed. Current status is CONFIRMED"; another status named there is not this case.
    if "status is confirmed" in message:
        return "AlreadyConfirmed"
    if "user is disabled" in message:
        return "UserDisabled"
    return error.code


def answer(response: Mapping[str, Any] | None, settings: Settings) -> ConfirmedResponse:
    """The sign-up is confirmed."""
    return ConfirmedResponse(message=CONFIRMED_MESSAGE)


OPERATION = Operation(
    name="ConfirmSignUp",
    client_method="confirm_sign_up",
    request_model=ConfirmSignUpRequest,
    response_model=ConfirmedResponse,
    limit=lambda settings: settings.confirm_limit,
    parameters=parameters,
    answer=answer,
    outcomes=OUTCOMES,
    success_log="Sign-up confirmed",
    success_metric=names.SIGN_UP_CONFIRMED,
    success_dimension=None,
    success=lambda response: Success(),
    refused_log="Confirmation refused",
    account_fault_log="Cognito's attempt limit for this account; answered as a wrong code",
    refusal_metric=names.CONFIRMATION_REFUSED,
    refusal_dimension=names.REASON,
    reason_log_field="reason",
    reason=refusal_reason,
)
