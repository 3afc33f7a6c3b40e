"""The route table: one row per operation, the one source of truth for the JSON door, the stack (resource, method,
validator model per route), the local server, the OpenAPI document and the docs.

A row names its operation's module instead of holding the operation: the module (its schema, generated validator,
typed request and outcome table) is imported on the route's first request, so a cold start pays for the operation it
serves and not for the others (docs/performance.md). runtime/preload.py imports them all during INIT where INIT runs
ahead of traffic (SnapStart, provisioned concurrency).
"""

from __future__ import annotations

import re
from importlib import import_module
from typing import NamedTuple

from code_screens.operations import Operation
from code_screens.problems import CATALOG, CODE_MISMATCH, INVALID_PASSWORD, ProblemType

# Every route is a POST of a JSON body.
ROUTE_METHOD = "POST"


class Route(NamedTuple):
    """One route of the JSON door and the operation behind it."""

    path: str
    operation_name: str
    """Cognito's name for the operation (ResendConfirmationCode); its module is operations/<snake_case name>.py."""
    operation_id: str
    """OpenAPI operationId; also names the route in the stack's construct ids."""
    summary: str
    success: str
    """What the 200 answer means."""
    problems: tuple[ProblemType, ...]
    """The catalog entries this route can answer."""
    method: str = ROUTE_METHOD

    @property
    def module(self) -> str:
        """The operation's module, e.g. code_screens.operations.resend_confirmation_code."""
        return f"{OPERATIONS_PACKAGE}.{_SNAKE_CASE_BOUNDARY.sub('_', self.operation_name).lower()}"

    @property
    def operation(self) -> Operation:
        """The operation this route runs: its module's OPERATION, imported on first use (then from sys.modules)."""
        operation: Operation = import_module(self.module).OPERATION
        return operation

    @property
    def construct_id(self) -> str:
        """A CloudFormation-friendly id for this route's resources: the operation id, capitalised."""
        return self.operation_id[:1].upper() + self.operation_id[1:]


OPERATIONS_PACKAGE = "code_screens.operations"
# Before each capital but the first: ResendConfirmationCode -> Resend_Confirmation_Code (as botocore's xform_name).
_SNAKE_CASE_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")

# The problems only a code check or a new password answers; every other catalog entry (bad input, throttling, the
# per-username limit, upstream faults) is shared.
_CODE_CHECK_ONLY = (CODE_MISMATCH,)
_NEW_PASSWORD_ONLY = (INVALID_PASSWORD,)


def _catalog_without(*left_out: ProblemType) -> tuple[ProblemType, ...]:
    return tuple(problem for problem in CATALOG if problem not in left_out)


RESEND_CONFIRMATION_CODE = Route(
    path="/resend-confirmation-code",
    operation_name="ResendConfirmationCode",
    operation_id="resendConfirmationCode",
    summary="Send a new sign-up confirmation code",
    success="Accepted. The same status, headers and body whether a code was sent, the account does not exist, "
    "it is already confirmed, or Cognito failed for it (attempt limit, delivery, the pool's triggers): no account "
    "enumeration. An answer that reached Cognito takes at least the configured response-time floor.",
    problems=_catalog_without(*_CODE_CHECK_ONLY, *_NEW_PASSWORD_ONLY),
)
CONFIRM_SIGN_UP = Route(
    path="/confirm-sign-up",
    operation_name="ConfirmSignUp",
    operation_id="confirmSignUp",
    summary="Confirm a sign-up with the code the user received",
    success="Confirmed: the user can now sign in.",
    problems=_catalog_without(*_NEW_PASSWORD_ONLY),
)
FORGOT_PASSWORD = Route(
    path="/forgot-password",
    operation_name="ForgotPassword",
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
    operation_name="ConfirmForgotPassword",
    operation_id="confirmForgotPassword",
    summary="Set a new password with the reset code the user received",
    success="Reset: the user can now sign in with the new password.",
    problems=CATALOG,
)

ROUTES: tuple[Route, ...] = (RESEND_CONFIRMATION_CODE, CONFIRM_SIGN_UP, FORGOT_PASSWORD, CONFIRM_FORGOT_PASSWORD)


def route_for(path: str) -> Route | None:
    """The route serving `path`, or None."""
    return next((route for route in ROUTES if route.path == path), None)


def route_named(operation_name: str) -> Route | None:
    """The route of the operation Cognito calls `operation_name` (ResendConfirmationCode), or None."""
    return next((route for route in ROUTES if route.operation_name == operation_name), None)
