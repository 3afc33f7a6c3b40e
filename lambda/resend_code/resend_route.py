"""POST /resend-confirmation-code: the story of one resend request.

Check and parse the request (request_pipeline), count it against the username's limit, ask Cognito for a new
code with the secret hash, and answer the same thing, no sooner than the time floor, whether or not the account
exists.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from resend_code import limiter
from resend_code import metric_names as names
from resend_code.answers import count, count_setup_refusal, json_response
from resend_code.request_model import ResendConfirmationCodeRequest
from resend_code.request_pipeline import prepare
from resend_code.resend import ResendOutcome, resend_confirmation_code
from resend_code.response_floor import response_time_floor
from resend_code.response_model import AcceptedResponse, CodeDeliveryDetails
from resend_code.settings import Settings
from resend_code.upstream_errors import ACCOUNT_FAULTS

# Whatever happened, the caller reads this one sentence: a sent code, an unknown user and a confirmed user
# must be indistinguishable (see docs/api.md, "Account enumeration").
NEUTRAL_MESSAGE = "If this account exists and still needs confirming, a new code is on its way."

# Not a child logger: Logger() with the same service name shares the handler's logging.Logger, its formatter and
# appended keys, and never raises, whereas a child created before its parent (a module imported before the
# environment names the service) cannot append keys at all.
logger = Logger()


def handle(event: APIGatewayProxyEvent, settings: Settings) -> Response[str]:
    """Resend a sign-up confirmation code for the username in the body; raises Problem for what it refuses."""
    prepared = prepare(event, settings, ResendConfirmationCodeRequest)
    if prepared.subject is not None:
        # Before Cognito, and keyed on the string alone: the same limit for every username, account or not.
        limiter.acquire(settings.resend_limit, prepared.subject)
    # Every answer that reached Cognito, sent or not, problem or not, leaves no sooner than the floor.
    with response_time_floor(settings.response_floor_seconds, prepared.started):
        outcome = resend_confirmation_code(
            prepared.client,
            prepared.request,
            prepared.credentials,
            prepared.caller_ip,
            refresh_credentials=prepared.refresh_credentials,
        )
    _record(outcome)
    return _accepted(outcome, reveal=settings.reveal_delivery_details)


def _record(outcome: ResendOutcome) -> None:
    if outcome.secret_refreshed:
        count(names.SECRET_REFRESHED)
    if outcome.delivery is not None:
        logger.info("Code sent", extra={"delivery_medium": outcome.delivery.delivery_medium})
        count(names.CODE_SENT, names.DELIVERY_MEDIUM, outcome.delivery.delivery_medium or "UNKNOWN")
    elif outcome.suppressed_error in ACCOUNT_FAULTS:
        logger.warning(
            "Cognito failed for this account; answered neutrally", extra={"cognito_error": outcome.suppressed_error}
        )
        count(names.COGNITO_ERROR, names.ERROR_CODE, outcome.suppressed_error)
        count(names.COGNITO_FAILURE_ANSWERED_NEUTRALLY)
        count_setup_refusal(outcome.suppressed_error)
    elif outcome.suppressed_error is not None:
        # resend_confirmation_code suppresses only codes COGNITO_ERRORS answers neutrally, never an empty one, and
        # an outcome without a delivery always has one.
        logger.info("Resend refused by Cognito; answered neutrally", extra={"cognito_error": outcome.suppressed_error})
        count(names.COGNITO_ERROR, names.ERROR_CODE, outcome.suppressed_error)
        count_setup_refusal(outcome.suppressed_error)


def _accepted(outcome: ResendOutcome, *, reveal: bool) -> Response[str]:
    details = None
    if reveal and outcome.delivery is not None:
        details = CodeDeliveryDetails(
            destination=outcome.delivery.destination,
            delivery_medium=outcome.delivery.delivery_medium,
            attribute_name=outcome.delivery.attribute_name,
        )
    return json_response(AcceptedResponse(message=NEUTRAL_MESSAGE, code_delivery_details=details))
