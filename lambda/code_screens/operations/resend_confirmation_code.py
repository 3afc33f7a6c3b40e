"""ResendConfirmationCode: send a user a new sign-up confirmation code.

The story: the caller names a username; Cognito is asked for a new code with the secret hash; whatever happened,
the caller reads the same neutral answer, so a sent code, an unknown user and a confirmed user cannot be told
apart (docs/api.md, "Account enumeration"). Only outcomes that are the same for every username answer a problem:
Cognito's account-wide throttling, its own faults, the pool's WAF (it judges the request, not the account) and
this deployment's configuration (500, which reveals nothing). The operator sees every outcome apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from code_screens import metric_names as names
from code_screens.operations import Kind, Operation, Outcome, Success
from code_screens.operations.generated import resend_confirmation_code_request
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
    "ResendConfirmationCodeRequest",
    "Ask Cognito to send a new sign-up confirmation code to a user.",
    {"clientMetadata": client_metadata("custom message")},
    ["username"],
)


@dataclass(frozen=True)
class ResendConfirmationCodeRequest:
    """Ask Cognito to send a new sign-up confirmation code to a user (a request the schema accepted)."""

    SCHEMA: ClassVar[RequestSchema] = RequestSchema(REQUEST_SCHEMA, resend_confirmation_code_request.validate)

    username: str
    client_id: str | None = None
    analytics_metadata: AnalyticsMetadata | None = None
    user_context_data: UserContextData | None = None
    client_metadata: Mapping[str, str] | None = None

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> ResendConfirmationCodeRequest:
        """The typed request from a document the schema accepted (SCHEMA.accept)."""
        return cls(
            username=document["username"],
            client_id=document.get("clientId"),
            analytics_metadata=analytics_metadata(document.get("analyticsMetadata")),
            user_context_data=user_context_data(document.get("userContextData")),
            client_metadata=document.get("clientMetadata"),
        )


@dataclass(frozen=True)
class AcceptedResponse(ResponseBody):
    """The same answer whether or not the account exists, is already confirmed, or made Cognito fail."""

    SCHEMA: ClassVar[dict[str, Any]] = code_sent_schema(
        "AcceptedResponse",
        "The same answer whether or not the account exists, is already confirmed, or made Cognito fail.",
    )

    message: str
    code_delivery_details: CodeDeliveryDetails | None = None


# Whatever happened, the caller reads this one sentence.
NEUTRAL_MESSAGE = "If this account exists and still needs confirming, a new code is on its way."

_NEUTRAL = Outcome(None, Kind.REFUSED)
_ACCOUNT_FAULT = Outcome(None, Kind.ACCOUNT_FAULT)

# Every error botocore's service model lists for ResendConfirmationCode. A None answer is the neutral success:
# only an existing account can be already confirmed, disabled or without an address, and only an existing,
# unconfirmed one can reach Cognito's per-user attempt limit, fail a delivery or run the pool's Lambda triggers
# (which a caller can steer with clientMetadata). Set-up (True): what no caller can cause, only the pool's, the app
# client's or the account's configuration (a client that refuses the forwarded caller IP answers
# InvalidParameterException to every request; a role the pool cannot use; the account's quotas). Not the
# already-confirmed or disabled user that the same error codes also name (operations.ACCOUNT_STATE_MESSAGES), and
# not the account faults: anybody with an account of their own can cause those at will (an address that cannot be
# delivered to, a trigger made to fail with clientMetadata), so they count in CognitoFailureAnsweredNeutrally, whose
# alarm pages when codes stop going out for delivery or trigger reasons.
OUTCOMES: Mapping[str, Outcome] = {
    "UserNotFoundException": _NEUTRAL,
    # "User is already confirmed." (anybody can cause it), or no verified e-mail/phone, or a client that refuses the
    # forwarded IP (set-up).
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


def parameters(request: ResendConfirmationCodeRequest, credentials: Any, caller_ip: str | None) -> dict[str, Any]:
    """The ResendConfirmationCode parameters: the caller's fields plus what only the server may supply."""
    return cognito_parameters(request, credentials, caller_ip)


def answer(response: Mapping[str, Any] | None, settings: Settings) -> AcceptedResponse:
    """The neutral answer; with REVEAL_DELIVERY_DETAILS, Cognito's masked destination when a code was sent."""
    return AcceptedResponse(
        message=NEUTRAL_MESSAGE, code_delivery_details=revealed_delivery(response, settings.reveal_delivery_details)
    )


def success(response: Mapping[str, Any]) -> Success:
    """A code was sent: logged and counted by delivery medium (EMAIL, SMS)."""
    medium = delivery_of(response).get("DeliveryMedium", "")
    return Success(log_fields={"delivery_medium": medium}, dimension_value=medium or "UNKNOWN")


OPERATION = Operation(
    name="ResendConfirmationCode",
    client_method="resend_confirmation_code",
    request_model=ResendConfirmationCodeRequest,
    response_model=AcceptedResponse,
    limit=lambda settings: settings.resend_limit,
    parameters=parameters,
    answer=answer,
    outcomes=OUTCOMES,
    success_log="Code sent",
    success_metric=names.CODE_SENT,
    success_dimension=names.DELIVERY_MEDIUM,
    success=success,
    refused_log="Resend refused by Cognito; answered neutrally",
    account_fault_log="Cognito failed for this account; answered neutrally",
    refusal_metric=names.COGNITO_ERROR,
    refusal_dimension=names.ERROR_CODE,
    reason_log_field="cognito_error",
)
