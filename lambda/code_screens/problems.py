"""Every error the endpoint can answer, with a stable machine-readable `code`: the catalog every door answers from.

The catalog is the contract: the operations' outcome tables and the pipeline answer only with these, each door
renders them in its own shape (doors/json_api.py: RFC 9457), the OpenAPI document and docs/api.md list them, and
the callers' snippets switch on `code`. Details never carry a secret, a hash or the username.
"""

from __future__ import annotations

from typing import NamedTuple

PROBLEM_TYPE_PREFIX = "urn:resend-confirmation-code:problem:"


class ProblemType(NamedTuple):
    """One kind of error: its HTTP status, stable code, title and the detail a caller sees by default."""

    code: str
    status: int
    title: str
    detail: str
    retry_after_seconds: int | None = None


INVALID_JSON = ProblemType(
    "invalid_json", 400, "Malformed JSON", "The body is not a valid UTF-8 JSON document without duplicate keys."
)
INVALID_REQUEST = ProblemType(
    "invalid_request", 400, "Invalid request", "The request body does not match the schema; see `errors`."
)
SERVER_SUPPLIED_FIELD = ProblemType(
    "server_supplied_field",
    400,
    "Field supplied by the server",
    "The secret hash, the client secret and the caller's IP address are supplied by the server; remove them.",
)
# ConfirmSignUp's answer a person acts on. An unknown, already-confirmed or disabled user, an expired or superseded
# code and a taken alias all answer it (see operations/confirm_sign_up.py), so it tells nothing about who exists,
# and its message serves every case it covers.
CODE_MISMATCH = ProblemType(
    "code_mismatch",
    400,
    "Wrong or expired code",
    "That code is wrong or has expired: check the newest message, or ask for a new one. Already confirmed? Sign in.",
)
# A new password that breaks the pool's password policy (password_policy.py), with one field error per rule broken;
# checked before Cognito, so it is the same for every username. Also Cognito's own InvalidPasswordException, with no
# field errors (the pool's policy changed since the deploy, or Cognito's compromised-credentials check).
INVALID_PASSWORD = ProblemType(
    "invalid_password", 400, "Invalid password", "The new password does not meet the password policy."
)
UNKNOWN_CLIENT_ID = ProblemType(
    "unknown_client_id", 400, "Unknown app client", "clientId is not one of the app clients this endpoint serves."
)
ORIGIN_NOT_ALLOWED = ProblemType(
    "origin_not_allowed", 403, "Origin not allowed", "Requests from this web origin are not accepted."
)
REQUEST_BLOCKED = ProblemType(
    "request_blocked", 403, "Request blocked", "The request was blocked by the user pool's protection rules."
)
NOT_FOUND = ProblemType("not_found", 404, "Not found", "There is no such resource.")
METHOD_NOT_ALLOWED = ProblemType(
    "method_not_allowed", 405, "Method not allowed", "This resource does not accept that method."
)
PAYLOAD_TOO_LARGE = ProblemType("payload_too_large", 413, "Payload too large", "The body is larger than allowed.")
UNSUPPORTED_MEDIA_TYPE = ProblemType(
    "unsupported_media_type",
    415,
    "Unsupported media type",
    "Send the body as Content-Type: application/json (UTF-8).",
)
RATE_LIMITED = ProblemType(
    "rate_limited",
    429,
    "Too many requests",
    "Too many requests are being made right now; retry after the time given in Retry-After.",
    retry_after_seconds=1,
)
# The endpoint's own per-username limit (limiter.py): the same for every string, whether or not an account has
# it, so it says "username", never "account". Retry-After is the wait the limiter computed (the default here is
# the default cooldown, for documents that need one number).
ATTEMPT_LIMIT_EXCEEDED = ProblemType(
    "attempt_limit_exceeded",
    429,
    "Attempt limit exceeded",
    "Too many attempts for this username; retry after the time given in Retry-After.",
    retry_after_seconds=60,
)
INTERNAL_ERROR = ProblemType(
    "internal_error", 500, "Internal error", "The request could not be completed. It has been logged."
)
UPSTREAM_ERROR = ProblemType(
    "upstream_error", 502, "Upstream error", "The identity service failed to handle the request; try again later."
)
UPSTREAM_UNAVAILABLE = ProblemType(
    "upstream_unavailable",
    503,
    "Upstream unavailable",
    "The identity service could not be reached; retry after the time given in Retry-After.",
    retry_after_seconds=5,
)
# A timeout does not mean nothing was sent: Cognito may have delivered the code and only its answer was late (the
# function makes one attempt, no SDK retry). A retry at once can send a second code, so the answer carries the
# same 30 s pause the reference page keeps after a code is sent, and every client honours it as a cooldown.
UPSTREAM_TIMEOUT = ProblemType(
    "upstream_timeout",
    504,
    "Upstream timeout",
    "The identity service did not answer in time; a code may already be on its way. Retry after the time given "
    "in Retry-After.",
    retry_after_seconds=30,
)

CATALOG: tuple[ProblemType, ...] = (
    INVALID_JSON,
    INVALID_REQUEST,
    SERVER_SUPPLIED_FIELD,
    CODE_MISMATCH,
    INVALID_PASSWORD,
    UNKNOWN_CLIENT_ID,
    ORIGIN_NOT_ALLOWED,
    REQUEST_BLOCKED,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    PAYLOAD_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    RATE_LIMITED,
    ATTEMPT_LIMIT_EXCEEDED,
    INTERNAL_ERROR,
    UPSTREAM_ERROR,
    UPSTREAM_UNAVAILABLE,
    UPSTREAM_TIMEOUT,
)


class FieldError(NamedTuple):
    """One schema violation: where (a dotted JSON path), a stable error type and a message without the input (both
    from operations/validation.py's table)."""

    field: str
    code: str
    message: str


class Problem(Exception):
    """Raised anywhere in the request's story to answer the caller with a problem from the catalog."""

    def __init__(
        self,
        problem_type: ProblemType,
        detail: str | None = None,
        *,
        errors: tuple[FieldError, ...] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(problem_type.code)
        self.problem_type = problem_type
        self.detail = detail or problem_type.detail
        self.errors = errors
        self.headers = headers or {}


class UpstreamProblem(Problem):
    """A Problem caused by Cognito or Secrets Manager; `source` says which call failed for logs and metrics."""

    def __init__(self, problem_type: ProblemType, source: str, reason: str) -> None:
        super().__init__(problem_type)
        self.source = source
        self.reason = reason
