"""RFC 9457 problem details: how a problem from the catalog is written as `application/problem+json`.

The JSON door answers with it, and the stack writes API Gateway's own answers (gateway responses, the WAF's block)
in the same shape, which is why it lives apart from the door: the stack imports it at synth without Powertools.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from code_screens.operations.models import ResponseBody
from code_screens.problems import PROBLEM_TYPE_PREFIX, Problem

PROBLEM_CONTENT_TYPE = "application/problem+json"


@dataclass(frozen=True)
class FieldErrorDocument(ResponseBody):
    """One schema violation; never echoes the value that was sent."""

    field: str
    code: str
    message: str


@dataclass(frozen=True)
class ProblemDocument(ResponseBody):
    """An RFC 9457 problem with this API's stable `code`."""

    SCHEMA: ClassVar[dict[str, Any]] = {
        "$defs": {
            "FieldErrorDocument": {
                "description": "One schema violation; never echoes the value that was sent.",
                "properties": {
                    "field": {"description": "Dotted JSON path of the field, or (body).", "type": "string"},
                    "code": {"description": "The validation error type, such as string_too_long.", "type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["field", "code", "message"],
                "title": "FieldErrorDocument",
                "type": "object",
            }
        },
        "description": "An RFC 9457 problem with this API's stable `code`.",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "errors": {
                "anyOf": [{"items": {"$ref": "#/$defs/FieldErrorDocument"}, "type": "array"}, {"type": "null"}],
                "default": None,
            },
        },
        "required": ["type", "title", "status", "detail", "code"],
        "title": "Problem",
        "type": "object",
    }

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldErrorDocument] | None = None


class ProblemBody(NamedTuple):
    """The JSON body and headers of a problem response."""

    body: str
    headers: dict[str, str]


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
    return ProblemBody(body=document.to_json(), headers=headers)
