"""The route table: the one source of truth for the handler, the stack (resource, method, validator model per
route), the local server, the OpenAPI document and the docs."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from resend_code.problems import (
    ALIAS_EXISTS,
    CATALOG,
    CODE_EXPIRED,
    CODE_MISMATCH,
    ProblemType,
)
from resend_code.request_model import ConfirmSignUpRequest, ResendConfirmationCodeRequest
from resend_code.response_model import AcceptedResponse, ConfirmedResponse
from resend_code.route import CONFIRM_SIGN_UP_PATH, RESEND_CONFIRMATION_CODE_PATH, ROUTE_METHOD


@dataclass(frozen=True)
class Route:
    """One route of the endpoint and the Cognito operation behind it."""

    path: str
    method: str
    operation_id: str  # OpenAPI operationId; also names the route in the stack's construct ids
    cognito_operation: str  # the Cognito API action, as the emulator and X-Ray name it
    request_model: type[BaseModel]
    response_model: type[BaseModel]
    summary: str
    success: str  # what the 200 answer means
    problems: tuple[ProblemType, ...]  # the catalog entries this route can answer

    @property
    def construct_id(self) -> str:
        """A CloudFormation-friendly id for this route's resources: the operation id, capitalised."""
        return self.operation_id[:1].upper() + self.operation_id[1:]


# Problems only the confirm route answers; every other catalog entry (bad input, throttling, the per-username
# limit, upstream faults) is shared.
_CONFIRM_ONLY = (CODE_MISMATCH, CODE_EXPIRED, ALIAS_EXISTS)

RESEND_CONFIRMATION_CODE = Route(
    path=RESEND_CONFIRMATION_CODE_PATH,
    method=ROUTE_METHOD,
    operation_id="resendConfirmationCode",
    cognito_operation="ResendConfirmationCode",
    request_model=ResendConfirmationCodeRequest,
    response_model=AcceptedResponse,
    summary="Send a new sign-up confirmation code",
    success="Accepted. The same status, headers and body whether a code was sent, the account does not exist, "
    "it is already confirmed, or Cognito failed for it (attempt limit, delivery, the pool's triggers): no account "
    "enumeration. An answer that reached Cognito takes at least the configured response-time floor.",
    problems=tuple(p for p in CATALOG if p not in _CONFIRM_ONLY),
)
CONFIRM_SIGN_UP = Route(
    path=CONFIRM_SIGN_UP_PATH,
    method=ROUTE_METHOD,
    operation_id="confirmSignUp",
    cognito_operation="ConfirmSignUp",
    request_model=ConfirmSignUpRequest,
    response_model=ConfirmedResponse,
    summary="Confirm a sign-up with the code the user received",
    success="Confirmed: the user can now sign in.",
    problems=CATALOG,
)

ROUTES: tuple[Route, ...] = (RESEND_CONFIRMATION_CODE, CONFIRM_SIGN_UP)


def route_for(path: str) -> Route | None:
    """The route serving `path`, or None."""
    return next((route for route in ROUTES if route.path == path), None)
