"""ResendConfirmationCode: send a user a new sign-up confirmation code.

The story: the caller names a username; Cognito is asked for a new code with the secret hash; whatever happened,
the caller reads the same neutral answer, so a sent code, an unknown user and a confirmed user cannot be told
apart (docs/api.md, "Account enumeration"). Only outcomes that are the same for every username answer a problem:
Cognito's account-wide throttling, its own faults, the pool's WAF (it judges the request, not the account) and
this deployment's configuration (500, which reveals nothing). The operator sees every outcome apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ConfigDict, Field

from code_screens import metric_names as names
from code_screens.operations import Kind, Operation, Outcome, Success
from code_screens.operations.models import (
    MetadataKey,
    MetadataValue,
    ResponsePart,
    UserRequest,
    client_metadata_field,
    cognito_parameters,
)
from code_screens.problems import INTERNAL_ERROR, RATE_LIMITED, REQUEST_BLOCKED, UPSTREAM_ERROR
from code_screens.settings import Settings


class ResendConfirmationCodeRequest(UserRequest):
    """Ask Cognito to send a new sign-up confirmation code to a user."""

    model_config = ConfigDict(title="ResendConfirmationCodeRequest")

    client_metadata: dict[MetadataKey, MetadataValue] | None = client_metadata_field("custom message")


class CodeDeliveryDetails(ResponsePart):
    """Where Cognito sent the code, masked by Cognito (only with REVEAL_DELIVERY_DETAILS=true)."""

    destination: str = Field(examples=["u***@e***"])
    delivery_medium: str = Field(examples=["EMAIL"], description="EMAIL or SMS")
    attribute_name: str = Field(examples=["email"])


class AcceptedResponse(ResponsePart):
    """The same answer whether or not the account exists, is already confirmed, or made Cognito fail."""

    model_config = ConfigDict(title="AcceptedResponse")

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
# already-confirmed or disabled user that the same error codes also name (not_setup_when), and not the account
# faults: anybody with an account of their own can cause those at will (an address that cannot be delivered to, a
# trigger made to fail with clientMetadata), so they count in CognitoFailureAnsweredNeutrally, whose alarm pages
# when codes stop going out for delivery or trigger reasons.
OUTCOMES: Mapping[str, Outcome] = {
    "UserNotFoundException": _NEUTRAL,
    # "User is already confirmed." (anybody can cause it), or no verified e-mail/phone, or a client that refuses the
    # forwarded IP (set-up).
    "InvalidParameterException": Outcome(None, Kind.REFUSED, setup=True, not_setup_when=("already confirmed",)),
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


def _delivery(response: Mapping[str, Any]) -> Mapping[str, str]:
    details: Mapping[str, str] = response.get("CodeDeliveryDetails") or {}
    return details


def answer(response: Mapping[str, Any] | None, settings: Settings) -> AcceptedResponse:
    """The neutral answer; with REVEAL_DELIVERY_DETAILS, Cognito's masked destination when a code was sent."""
    details = None
    if settings.reveal_delivery_details and response is not None:
        delivery = _delivery(response)
        details = CodeDeliveryDetails(
            destination=delivery.get("Destination", ""),
            delivery_medium=delivery.get("DeliveryMedium", ""),
            attribute_name=delivery.get("AttributeName", ""),
        )
    return AcceptedResponse(message=NEUTRAL_MESSAGE, code_delivery_details=details)


def success(response: Mapping[str, Any]) -> Success:
    """A code was sent: logged and counted by delivery medium (EMAIL, SMS)."""
    medium = _delivery(response).get("DeliveryMedium", "")
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
