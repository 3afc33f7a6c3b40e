"""POST /confirm-sign-up: the story of one confirmation.

Check and parse the request (request_pipeline), count the attempt against the username's cap, send Cognito the
code with the secret hash, and answer confirmed, wrong code, expired code or a problem. An unknown,
already-confirmed or disabled user answers exactly like a wrong code.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from resend_code import limiter
from resend_code import metric_names as names
from resend_code.answers import count, count_setup_refusal, json_response, problem_response
from resend_code.client_secrets import AppClientCredentials
from resend_code.cognito_call import UpstreamProblem, call_cognito, common_parameters
from resend_code.problems import ALIAS_EXISTS, CODE_EXPIRED, CODE_MISMATCH, Problem
from resend_code.request_model import ConfirmSignUpRequest
from resend_code.request_pipeline import prepare
from resend_code.response_floor import response_time_floor
from resend_code.response_model import ConfirmedResponse
from resend_code.settings import Settings
from resend_code.upstream_errors import (
    CONFIRM_ACCOUNT_FAULTS,
    confirm_refusal_reason,
    confirm_sign_up_problem,
    error_code,
)

CONFIRMED_MESSAGE = "Your account is confirmed. You can sign in now."

# The answers a person acts on (fix the code, ask for a new one, sign in to the other account): refusals, not
# failures of the service.
_REFUSALS = frozenset({CODE_MISMATCH, CODE_EXPIRED, ALIAS_EXISTS})

# Not a child logger: Logger() with the same service name shares the handler's logging.Logger, its formatter and
# appended keys, and never raises, whereas a child created before its parent (a module imported before the
# environment names the service) cannot append keys at all.
logger = Logger()


def handle(event: APIGatewayProxyEvent, settings: Settings) -> Response[str]:
    """Confirm the sign-up of the username in the body with its code.

    200 ConfirmedResponse; 400 code_mismatch / code_expired and 409 alias_exists as answers; raises Problem
    (bad input, the per-username attempt cap: 429 attempt_limit_exceeded with Retry-After) or UpstreamProblem
    (Cognito's account-wide throttling and faults) for the handler to answer.
    """
    prepared = prepare(event, settings, ConfirmSignUpRequest)
    if prepared.subject is not None:
        # Before Cognito and whatever the username: the cap's answer cannot depend on whether the account exists.
        limiter.acquire(settings.confirm_limit, prepared.subject)
    # A wrong code for a real account and for nobody may take Cognito different times: both leave at the floor.
    with response_time_floor(settings.response_floor_seconds, prepared.started):
        result = call_cognito(
            lambda current: prepared.client.confirm_sign_up(
                **build_confirm_sign_up_request(prepared.request, current, prepared.caller_ip)
            ),
            prepared.credentials,
            prepared.refresh_credentials,
        )
    if result.secret_refreshed:
        count(names.SECRET_REFRESHED)
    if result.error is None:
        logger.info("Sign-up confirmed")
        count(names.SIGN_UP_CONFIRMED)
        return json_response(ConfirmedResponse(message=CONFIRMED_MESSAGE))

    problem = confirm_sign_up_problem(result.error)
    if problem not in _REFUSALS:
        raise UpstreamProblem(problem, "cognito-idp", error_code(result.error))
    reason = confirm_refusal_reason(result.error)
    if reason in CONFIRM_ACCOUNT_FAULTS:
        logger.warning("Cognito's attempt limit for this account; answered as a wrong code", extra={"reason": reason})
        count(names.COGNITO_FAILURE_ANSWERED_NEUTRALLY)
    else:
        logger.info("Confirmation refused", extra={"reason": reason, "code": problem.code})
    count(names.CONFIRMATION_REFUSED, names.REASON, reason)
    # An app client that refuses the forwarded IP answers InvalidParameterException to every confirm: a set-up
    # fault behind a stream of code_mismatch answers, which the set-up refusal share alarm catches.
    count_setup_refusal(error_code(result.error))
    return problem_response(Problem(problem))


def build_confirm_sign_up_request(
    request: ConfirmSignUpRequest, credentials: AppClientCredentials, caller_ip: str | None
) -> dict[str, Any]:
    """The ConfirmSignUp parameters: the caller's fields plus what only the server may supply."""
    params = common_parameters(request, credentials, caller_ip)
    params["ConfirmationCode"] = request.confirmation_code
    if request.force_alias_creation is not None:
        params["ForceAliasCreation"] = request.force_alias_creation
    return params
