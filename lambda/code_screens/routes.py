"""The route table: one row per operation, the one source of truth for the JSON door, the stack (resource, method,
validator model per route), the local server, the OpenAPI document and the docs."""

from __future__ import annotations

from dataclasses import dataclass

from code_screens.operations import Operation, confirm_sign_up, resend_confirmation_code
from code_screens.problems import CATALOG, CODE_MISMATCH, ProblemType

# Every route is a POST of a JSON body.
ROUTE_METHOD = "POST"


@dataclass(frozen=True)
class Route:
    """One route of the JSON door and the operation behind it."""

    path: str
    operation: Operation
    operation_id: str
    """OpenAPI operationId; also names the route in the stack's construct ids."""
    summary: str
    success: str
    """What the 200 answer means."""
    problems: tuple[ProblemType, ...]
    """The catalog entries this route can answer."""
    method: str = ROUTE_METHOD

    @property
    def construct_id(self) -> str:
        """A CloudFormation-friendly id for this route's resources: the operation id, capitalised."""
        return self.operation_id[:1].upper() + self.operation_id[1:]


# The problem only a code check answers; every other catalog entry (bad input, throttling, the per-username limit,
# upstream faults) is shared.
_CODE_CHECK_ONLY = (CODE_MISMATCH,)

RESEND_CONFIRMATION_CODE = Route(
    path="/resend-confirmation-code",
    operation=resend_confirmation_code.OPERATION,
    operation_id="resendConfirmationCode",
    summary="Send a new sign-up confirmation code",
    success="Accepted. The same status, headers and body whether a code was sent, the account does not exist, "
    "it is already confirmed, or Cognito failed for it (attempt limit, delivery, the pool's triggers): no account "
    "enumeration. An answer that reached Cognito takes at least the configured response-time floor.",
    problems=tuple(p for p in CATALOG if p not in _CODE_CHECK_ONLY),
)
CONFIRM_SIGN_UP = Route(
    path="/confirm-sign-up",
    operation=confirm_sign_up.OPERATION,
    operation_id="confirmSignUp",
    summary="Confirm a sign-up with the code the user received",
    success="Confirmed: the user can now sign in.",
    problems=CATALOG,
)

ROUTES: tuple[Route, ...] = (RESEND_CONFIRMATION_CODE, CONFIRM_SIGN_UP)


def route_for(path: str) -> Route | None:
    """The route serving `path`, or None."""
    return next((route for route in ROUTES if route.path == path), None)
