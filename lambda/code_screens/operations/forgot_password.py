"""ForgotPassword: send a user a code to reset their password.

The story: the caller names a username; Cognito is asked for a reset code with the secret hash; whatever happened,
the caller reads the same neutral answer, so a sent code, an unknown user, an unconfirmed user, a user with no
verified address and a disabled user cannot be told apart (docs/api.md, "Account enumeration"). As on
ResendConfirmationCode, only outcomes that are the same for every username answer a problem: Cognito's account-wide
throttling, its own faults, the pool's WAF and this deployment's configuration. The operator sees every outcome
apart (ResetCodeSent, ResetCodeNotSent by Reason).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from code_screens import metric_names as names
from code_screens.operations import CognitoError, Kind, Operation, Outcome, Success
from code_screens.operations.generated import forgot_password_request
from code_screens.operations.models import (
    AnalyticsMetadata,
    CodeDeliveryDetails,
    ResponseBody,
    UserContextData,
    analytics_metadata,
    client_metadata,
    code_sent_schema,
    cognito_parameters,
    delivery_of,
    request_schema,
    revealed_delivery,
    user_context_data,
)
from code_screens.operations.validation import RequestSchema
from code_screens.problems import INTERNAL_ERROR, RATE_LIMITED, REQUEST_BLOCKED, UPSTREAM_ERROR
from code_screens.settings import Settings

# The request, as the function, the gateway model and OpenAPI all read it (operations/models.py has the shared
# fields and what `x-normalize` and `x-check` name).
REQUEST_SCHEMA = request_schema(
    "ForgotPasswordRequest",
    "Ask Cognito to send a user a code to reset their password.",
    {"clientMetadata": client_metadata("custom message")},
    ["username"],
)


@dataclass(frozen=True)
class ForgotPasswordRequest:
    """Ask Cognito to send a user a code to reset their password (a request the schema accepted)."""

    SCHEMA: ClassVar[RequestSchema] = RequestSchema(REQUEST_SCHEMA, forgot_password_request.validate)

    username: str
    client_id: str | None = None
    analytics_metadata: AnalyticsMetadata | None = None
    user_context_data: UserContextData | None = None
    client_metadata: Mapping[str, str] | None = None

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> ForgotPasswordRequest:
        """The typed request from a document the schema accepted (SCHEMA.accept)."""
        return cls(
            username=document["username"],
            client_id=document.get("clientId"),
            analytics_metadata=analytics_metadata(document.get("analyticsMetadata")),
            user_context_data=user_context_data(document.get("userContextData")),
            client_metadata=document.get("clientMetadata"),
        )


@dataclass(frozen=True)
class ResetCodeRequestedResponse(ResponseBody):
    """The same answer whether or not the account exists, can receive a code, or made Cognito fail."""

    SCHEMA: ClassVar[dict[str, Any]] = code_sent_schema(
        "ResetCodeRequestedResponse",
        "The same answer whether or not the account exists, can receive a code, or made Cognito fail.",
    )

    message: str
    code_delivery_details: CodeDeliveryDetails | None = None


# Whatever happened, the caller reads this one sentence.
NEUTRAL_MESSAGE = "If this account exists and can receive a code, a code to reset its password is on its way."

_NEUTRAL = Outcome(None, Kind.REFUSED)
_ACCOUNT_FAULT = Outcome(None, Kind.ACCOUNT_FAULT)

# Cognito's message for an account with no verified e-mail address or phone number (no code is sent).
NO_VERIFIED_ADDRESS = "no registered/verified email or phone_number"

# Every error botocore's service model lists for ForgotPassword. A None answer is the neutral success: only an
# existing account can be disabled, unconfirmed or without a verified address, and only an existing one can reach
# Cognito's per-user attempt limit, fail a delivery or run the pool's Lambda triggers (which a caller can steer with
# clientMetadata). Set-up (True): what no caller can cause (a client that refuses the forwarded caller IP answers
# InvalidParameterException to every request; a role the pool cannot use; the account's quotas), but not the
# disabled user or the account without a verified address the same codes also name (ACCOUNT_STATE_MESSAGES):
# anybody can make those at will. The account faults count in CognitoFailureAnsweredNeutrally, as on
# ResendConfirmationCode.
OUTCOMES: Mapping[str, Outcome] = {
    "UserNotFoundException": _NEUTRAL,
    # No verified e-mail or phone (an unconfirmed account, most often): anybody can cause it. Or a client that
    # refuses the forwarded IP (set-up).
    "InvalidParameterException": Outcome(None, Kind.REFUSED, setup=True),
    # A disabled user (anybody can cause it); a secret-hash rejection is its own row.
    "NotAuthorizedException": Outcome(None, Kind.REFUSED, setup=True, not_setup_when=("disabled",)),
    "LimitExceededException": _ACCOUNT_FAULT,
    "CodeDeliveryFailureException": _ACCOUNT_FAULT,
    "InvalidLambdaResponseException": _ACCOUNT_FAULT,
    "UnexpectedLambdaException": _ACCOUNT_FAULT,
    "UserLambdaValidationException": _ACCOUNT_FAULT,
    "TooManyRequestsException": Outcome(RATE_LIMITED, Kind.FAILED, setup=True),
    "ForbiddenException": Outcome(REQUEST_BLOCKED, Kind.FAILED, setup=True),
    "ResourceNotFoundException": Outcome(INTERNAL_ERROR, Kind.FAILED, setup=True),
    "InvalidEmailRoleAccessPolicyException": Outcome(INTERNAL_ERROR, Kind.FAILED, setup=True),
    "InvalidSmsRoleAccessPolicyException": Outcome(INTERNAL_ERROR, Kind.FAILED, setup=True),
    "InvalidSmsRoleTrustRelationshipException": Outcome(INTERNAL_ERROR, Kind.FAILED, setup=True),
    "OperationNotEnabledException": Outcome(INTERNAL_ERROR, Kind.FAILED, setup=True),
    "InternalErrorException": Outcome(UPSTREAM_ERROR, Kind.FAILED),
}


def parameters(request: ForgotPasswordRequest, credentials: Any, caller_ip: str | None) -> dict[str, Any]:
    """The ForgotPassword parameters: the caller's fields plus what only the server may supply."""
    return cognito_parameters(request, credentials, caller_ip)


def refusal_reason(error: CognitoError) -> str:
    """Why no reset code was sent, for the operator's metric and log: the error code, with a disabled user
    (NotAuthorizedException) as UserDisabled, a user who has not chosen a password yet as PasswordCannotBeReset and
    an account without a verified address (InvalidParameterException) as NoVerifiedAddress, by Cognito's message."""
    message = error.message.lower()
    if error.code == "NotAuthorizedException" and "disabled" in message:
        return "UserDisabled"
    if error.code == "NotAuthorizedException" and "current state" in message:
        # An administrator created the user, who has not chosen a password yet (FORCE_CHANGE_PASSWORD).
        return "PasswordCannotBeReset"
    if error.code == "InvalidParameterException" and NO_VERIFIED_ADDRESS in message:
        return "NoVerifiedAddress"
    return error.code


def answer(response: Mapping[str, Any] | None, settings: Settings) -> ResetCodeRequestedResponse:
    """The neutral answer; with REVEAL_DELIVERY_DETAILS, Cognito's masked destination when a code was sent."""
    return ResetCodeRequestedResponse(
        message=NEUTRAL_MESSAGE, code_delivery_details=revealed_delivery(response, settings.reveal_delivery_details)
    )


def success(response: Mapping[str, Any]) -> Success:
    """A reset code was sent: logged and counted by delivery medium (EMAIL, SMS)."""
    medium = delivery_of(response).get("DeliveryMedium", "")
    return Success(log_fields={"delivery_medium": medium}, dimension_value=medium or "UNKNOWN")


OPERATION = Operation(
    name="ForgotPassword",
    client_method="forgot_password",
    request_model=ForgotPasswordRequest,
    response_model=ResetCodeRequestedResponse,
    limit=lambda settings: settings.forgot_password_limit,
    parameters=parameters,
    answer=answer,
    outcomes=OUTCOMES,
    success_log="Reset code sent",
    success_metric=names.RESET_CODE_SENT,
    success_dimension=names.DELIVERY_MEDIUM,
    success=success,
    refused_log="Reset code not sent; answered neutrally",
    account_fault_log="Cognito failed for this account; answered neutrally",
    refusal_metric=names.RESET_CODE_NOT_SENT,
    refusal_dimension=names.REASON,
    reason_log_field="reason",
    reason=refusal_reason,
)
