"""Validators generated from the operations' request schemas by `make validators` (local/validators.py), with
fastjsonschema's compile_to_code: plain Python, committed, never edited by hand (a test fails when one is stale).

The generated modules raise these two exceptions; fastjsonschema's own would make it a run-time dependency.
"""

from __future__ import annotations

from typing import Any


class JsonSchemaValueException(ValueError):
    """A value the schema refuses (the generated code's message only; operations/validation.py explains)."""

    def __init__(
        self, message: str, value: Any = None, name: Any = None, definition: Any = None, rule: Any = None
    ) -> None:
        super().__init__(message)
        self.message, self.value, self.name, self.definition, self.rule = message, value, name, definition, rule


class JsonSchemaValuesException(JsonSchemaValueException):
    """Several refusals at once (never raised by code generated without detailed exceptions)."""
