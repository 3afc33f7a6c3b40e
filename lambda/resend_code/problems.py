"""Every error the endpoint can answer, as RFC 9457 problem details with a stable machine-readable `code`.

The catalog is the contract: the handler answers only with these, the OpenAPI document and docs/api.md list
them, and the callers' snippets switch on `code`. Details never carry a secret, a hash or the username.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from resend_code.response_model import FieldErrorDocument, ProblemDocument

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:resend-confirmation-code:problem:"


@dataclass(frozen=True)
class ProblemType:
    """One kind of error: its HTTP status, stable code, title and the detail a caller sees by default."""

    code: str
    status: int
    title: str
    detail: str
    retry_after_seconds: int | None = None

    @property
    def type_uri(self) -> str:
        return PROBLEM_TYPE_PREFIX + self.code


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
# ConfirmSignUp's answers a person acts on. An unknown, already-confirmed or disabled user answers
# code_mismatch too (see upstream_errors.CONFIRM_SIGN_UP_ERRORS), so these tell nothing about who exists.
CODE_MISMATCH = ProblemType(
    "code_mismatch", 400, "Wrong code", "The confirmation code is not the one that was sent; check it and try again."
)
CODE_EXPIRED = ProblemType(
    "code_expired",
    400,
    "Code expired",
    "The confirmation code has expired or was replaced by a newer one; ask for a new code.",
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
# Only the holder of the right code reaches this answer: Cognito checks the code before the alias.
ALIAS_EXISTS = ProblemType(
    "alias_exists",
    409,
    "Alias exists",
    "Another account already uses this e-mail address or phone number; sign in to that account instead.",
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
UPSTREAM_TIMEOUT = ProblemType(
    "upstream_timeout", 504, "Upstream timeout", "The identity service did not answer in time; try again later."
)

CATALOG: tuple[ProblemType, ...] = (
    INVALID_JSON,
    INVALID_REQUEST,
    SERVER_SUPPLIED_FIELD,
    CODE_MISMATCH,
    CODE_EXPIRED,
    UNKNOWN_CLIENT_ID,
    ORIGIN_NOT_ALLOWED,
    REQUEST_BLOCKED,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    ALIAS_EXISTS,
    PAYLOAD_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    RATE_LIMITED,
    ATTEMPT_LIMIT_EXCEEDED,
    INTERNAL_ERROR,
    UPSTREAM_ERROR,
    UPSTREAM_UNAVAILABLE,
    UPSTREAM_TIMEOUT,
)


@dataclass(frozen=True)
class FieldError:
    """One schema violation: where (a dotted JSON path), a pydantic error type and a message without the input."""

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


@dataclass(frozen=True)
class ProblemBody:
    """The JSON body and headers of a problem response."""

    body: str
    headers: dict[str, str] = field(default_factory=dict)


def render_problem(problem: Problem) -> ProblemBody:
    """Render a problem as an RFC 9457 body plus the headers it needs (Retry-After on 429 and 503).

    Retry-After is the problem's own header when it has one (a computed wait), else the type's default.
    """
    problem_type = problem.problem_type
    document = ProblemDocument(
        type=problem_type.type_uri,
        title=problem_type.title,
        status=problem_type.status,
        detail=problem.detail,
        code=problem_type.code,
        errors=[FieldErrorDocument(field=e.field, code=e.code, message=e.message) for e in problem.errors] or None,
    )
    headers = dict(problem.headers)
    if problem_type.retry_after_seconds is not None:
        # A computed wait (the limiter's) wins over the type's default.
        headers.setdefault("Retry-After", str(problem_type.retry_after_seconds))
    return ProblemBody(body=document.model_dump_json(by_alias=True, exclude_none=True), headers=headers)
