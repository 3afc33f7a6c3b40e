"""The route table: one row per operation, the one source of truth for the JSON door, the stack (resource, method,
validator model per route), the local server, the OpenAPI document and the docs."""

from __future__ import annotations

from dataclasses import dataclass

from code_screens.operations import (
    Operation,
    confirm_forgot_password,
    confirm_sign_up,
    forgot_password,
    resend_confirmation_code,
)
from code_screens.problems import CATALOG, CODE_MISMATCH, INVALID_PASSWORD, ProblemType

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


# The problems only a code check or a new password answers; every other catalog entry (bad input, throttling, the
# per-username limit, upstream faults) is shared.
_CODE_CHECK_ONLY = (CODE_MISMATCH,)
_NEW_PASSWORD_ONLY = (INVALID_PASSWORD,)


def _catalog_without(*left_out: ProblemType) -> tuple[ProblemType, ...]:
    return tuple(problem for problem in CATALOG if problem not in left_out)


RESEND_CONFIRMATION_CODE = Route(
    path="/resend-confirmation-code",
    operation=resend_confirmation_code.OPERATION,
    operation_id="resendConfirmationCode",
    summary="Send a new sign-up confirmation code",
    success="Accepted. The same status, headers and body whether a code was sent, the account does not exist, "
    "it is already confirmed, or Cognito failed for it (attempt limit, delivery, the pool's triggers): no account "
    "enumeration. An answer that reached Cognito takes at least the configured response-time floor.",
    problems=_catalog_without(*_CODE_CHECK_ONLY, *_NEW_PASSWORD_ONLY),
)
CONFIRM_SIGN_UP = Route(
    path="/confirm-sign-up",
    operation=confirm_sign_up.OPERATION,
    operation_id="confirmSignUp",
    summary="Confirm a sign-up with the code the user received",
    success="Confirmed: the user can now sign in.",
    problems=_catalog_without(*_NEW_PASSWORD_ONLY),
)
FORGOT_PASSWORD = Route(
    path="/forgot-password",
    operation=forgot_password.OPERATION,
    operation_id="forgotPassword",
    summary="Send a code to reset a forgotten password",
    success="Accepted. The same status, headers and body whether a code was sent, the account does not exist, is "
    "unconfirmed, disabled or has no verified address, or Cognito failed for it (attempt limit, delivery, the pool's "
    "triggers): no account enumeration. An answer that reached Cognito takes at least the configured response-time "
    "floor.",
    problems=_catalog_without(*_CODE_CHECK_ONLY, *_NEW_PASSWORD_ONLY),
)
CONFIRM_FORGOT_PASSWORD = Route(
    path="/confirm-forgot-password",
    operation=confirm_forgot_password.OPERATION,
    operation_id="confirmForgotPassword",
    summary="Set a new password with the reset code the user received",
    success="Reset: the user can now sign in with the new password.",
    problems=CATALOG,
)

ROUTES: tuple[Route, ...] = (RESEND_CONFIRMATION_CODE, CONFIRM_SIGN_UP, FORGOT_PASSWORD, CONFIRM_FORGOT_PASSWORD)


def route_for(path: str) -> Route | None:
    """The route serving `path`, or None."""
    return next((route for route in ROUTES if route.path == path), None)
