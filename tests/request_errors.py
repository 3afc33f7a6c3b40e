"""The request-model tests' view of validation: pipeline.validate_request's result, or its violations in the shape
those tests have always read (type, loc, msg, ctx), from operations/validation.py's table."""

from __future__ import annotations

from typing import Any

import pytest

from code_screens import pipeline
from code_screens.operations.validation import SERVER_SUPPLIED, Refused, code_and_message


def validated(model: Any, document: Any) -> Any:
    """The typed request, through the pipeline's one place of validation."""
    return pipeline.validate_request(document, model)


def errors_of(model: Any, document: Any) -> list[dict[str, Any]]:
    """Every violation of document, after checking the pipeline refuses it."""
    with pytest.raises(pipeline.Problem):
        pipeline.validate_request(document, model)
    with pytest.raises(Refused) as raised:
        model.SCHEMA.accept(document)
    errors = []
    for violation in raised.value.violations:
        code, message = code_and_message(violation)
        # A server-supplied name is the object's error, naming the field in its context (the path appends it).
        error: dict[str, Any] = {"type": code, "loc": violation.location, "msg": message}
        if violation.rule == SERVER_SUPPLIED:
            error["ctx"] = {"field": violation.field}
        errors.append(error)
    return errors
