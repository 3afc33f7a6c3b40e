"""RFC 9457 problem details: how a problem from the catalog is written as `application/problem+json`.

The JSON door answers with it, and the stack writes API Gateway's own answers (gateway responses, the WAF's block)
in the same shape, which is why it lives apart from the door: the stack imports it at synth without Powertools.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ConfigDict, Field

from code_screens.operations.models import ResponsePart
from code_screens.problems import PROBLEM_TYPE_PREFIX, Problem

PROBLEM_CONTENT_TYPE = "application/problem+json"


class FieldErrorDocument(ResponsePart):
    """One schema violation; never echoes the value that was sent."""

    field: str = Field(description="Dotted JSON path of the field, or (body).")
    code: str = Field(description="The validation error type, such as string_too_long.")
    message: str


class ProblemDocument(ResponsePart):
    """An RFC 9457 problem with this API's stable `code`."""

    model_config = ConfigDict(title="Problem")

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldErrorDocument] | None = None


@dataclass(frozen=True)
class ProblemBody:
    """The JSON body and headers of a problem response."""

    body: str
    headers: dict[str, str] = field(default_factory=dict)


def render_problem(problem: Problem) -> ProblemBody:
    """Render a problem as an RFC 9457 body plus the headers it needs (Retry-After on 429, 503 and 504).

    Retry-After is the problem's own header when it has one (a computed wait), else the type's default.
    """
    problem_type = problem.problem_type
    document = ProblemDocument(
        type=PROBLEM_TYPE_PREFIX + problem_type.code,
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
