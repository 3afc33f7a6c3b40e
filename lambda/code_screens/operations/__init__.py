"""The Cognito operations the endpoint serves, one module each, and the shape every one of them fills in.

An operation module tells its whole story and nothing about HTTP: its request schema, the Cognito parameters it
sends (the caller's fields plus what only the server supplies: ClientId, SecretHash, the caller's IP), its success
answer, and one outcome table that says, for every error Cognito can answer (botocore's service model lists them;
a unit test keeps each table complete), what the caller is told, whether it is an account fault answered
neutrally, whether it points at a set-up problem, and so how it is counted and logged. The pipeline runs it, the
doors render what it says, observability.py counts and logs it. Adding an operation is one module here and one
row in routes.py.

Nothing here imports boto3 or Powertools: the stack reads these modules (request schemas, names) at synth time.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from code_screens.problems import INTERNAL_ERROR, UPSTREAM_ERROR, ProblemType

if TYPE_CHECKING:
    from code_screens.operations.models import ResponseBody
    from code_screens.secret_hash import AppClientCredentials
    from code_screens.settings import LimitPolicy, Settings


class CognitoError(NamedTuple):
    """Cognito's refusal of a call: its error code and message (matched on the code, never the HTTP status:
    Cognito sends 400 on the wire for NotAuthorized, TooManyRequests and LimitExceeded alike)."""

    code: str
    message: str = ""

    @property
    def is_secret_hash_rejection(self) -> bool:
        """True when Cognito refused the secret hash (a wrong or rotated secret), not the user."""
        message = self.message.lower()
        return self.code == "NotAuthorizedException" and ("secret hash" in message or "secret_hash" in message)


class Kind(enum.Enum):
    """What an outcome is to the operator."""

    SUCCEEDED = "succeeded"
    """Cognito did what was asked."""
    REFUSED = "refused"
    """Cognito said no for a reason of this request or account (a wrong code, an unknown user): normal traffic."""
    ACCOUNT_FAULT = "account_fault"
    """A failure the caller is answered neutrally for, because only a real account can cause it (its own attempt
    limit, a delivery or trigger failure); the operator must still see it (CognitoFailureAnsweredNeutrally)."""
    FAILED = "failed"
    """A failure the caller sees as a problem (429, 5xx): counted in CognitoFailure, one alarm."""


class Outcome(NamedTuple):
    """One row of an outcome table: what the caller is told and what the operator sees."""

    answer: ProblemType | None
    """The catalog problem the caller gets, or None for the operation's success answer (a neutral refusal)."""
    kind: Kind
    setup: bool = False
    """True when the error points at the pool's, the app client's or the account's set-up rather than at one
    request (CognitoSetupRefusal, whose share of all requests an alarm watches)."""
    not_setup_when: tuple[str, ...] = ()
    """Fragments of Cognito's message (lower case) that make this error one anybody can cause at will for an
    account (an already-confirmed or disabled user), not a set-up problem: an outsider must not be able to set off
    the set-up alarm on a quiet endpoint."""


# Cognito's words for account states anybody can bring about at will for an account of their own (a disabled user,
# one an administrator created who has not yet chosen a password, one without a verified address, an already
# confirmed one): whichever operation and error code carries them, never a set-up refusal, so no outsider can set
# off the set-up alarm (Outcome.not_setup_when adds an operation's own).
ACCOUNT_STATE_MESSAGES = (
    "user is disabled",
    "cannot be reset in the current state",
    "no registered/verified email or phone_number",
    "status is confirmed",
    "already confirmed",
)

SUCCEEDED = Outcome(None, Kind.SUCCEEDED)
# Cognito refused the secret hash even after the secret was read again: this deployment's configuration is wrong.
SECRET_HASH_REJECTED = Outcome(INTERNAL_ERROR, Kind.FAILED, setup=True)
# An error code the service model does not list (a newer Cognito): a failure, not a guess at its meaning.
UNLISTED_ERROR = Outcome(UPSTREAM_ERROR, Kind.FAILED)


class Success(NamedTuple):
    """How a success is logged and counted: the log line's fields and the value of the success metric's dimension
    (None when the metric has none)."""

    log_fields: Mapping[str, str] = MappingProxyType({})
    dimension_value: str | None = None


class Operation(NamedTuple):
    """One Cognito operation as the endpoint serves it (see the package's docstring)."""

    name: str
    """Cognito's action, as the AWS SDKs, the emulator and X-Ray name it (e.g. "ConfirmSignUp")."""
    client_method: str
    """botocore's method for it (e.g. "confirm_sign_up")."""
    request_model: Any
    """The request's type: a frozen dataclass with SCHEMA (its JSON Schema and generated validator,
    operations/validation.RequestSchema) and from_document(); pipeline.validate_request is the one way in."""
    response_model: type[ResponseBody]
    """The JSON body of the success answer (its SCHEMA is what OpenAPI publishes)."""
    limit: Callable[[Settings], LimitPolicy]
    """The per-username limit the pipeline counts the request against before Cognito."""
    parameters: Callable[[Any, AppClientCredentials, str | None], dict[str, Any]]
    """(request, credentials, caller IP or None) -> the Cognito call's parameters."""
    answer: Callable[[Mapping[str, Any] | None, Settings], ResponseBody]
    """(Cognito's response, or None for a neutral refusal; settings) -> the success body."""
    outcomes: Mapping[str, Outcome]
    """Cognito error code -> outcome: every error the service model lists for the operation."""
    success_log: str
    success_metric: str
    success_dimension: str | None
    success: Callable[[Mapping[str, Any]], Success]
    refused_log: str
    account_fault_log: str
    refusal_metric: str
    refusal_dimension: str
    reason_log_field: str
    """The log field that carries the refusal's reason."""
    reason: Callable[[CognitoError], str] = lambda error: error.code
    """The refusal's reason for the operator (the error code, unless the operation tells cases apart)."""
    check: Callable[[Any, Settings], None] | None = None
    """(request, settings) -> None: a rule of the operation's own that needs the settings (a new password against
    the pool's policy), run by the pipeline after the request schema and the clientMetadata allow-list, before the
    app client, the limiter and Cognito, so its refusal is the same for every username and spends no attempt;
    raises Problem."""

    def outcome_of(self, error: CognitoError) -> Outcome:
        """The table's row for a Cognito error (a secret-hash rejection and an unlisted code have their own)."""
        if error.is_secret_hash_rejection:
            return SECRET_HASH_REJECTED
        outcome = self.outcomes.get(error.code, UNLISTED_ERROR)
        message = error.message.lower()
        if outcome.setup and any(
            fragment in message for fragment in (*ACCOUNT_STATE_MESSAGES, *outcome.not_setup_when)
        ):
            return outcome._replace(setup=False)
        return outcome
