"""How a parsed body becomes an operation's typed request, or the list of what is wrong with it.

Two parts, one schema (each operation's `SCHEMA`):
- acceptance: the rules JSON Schema cannot say normalize the value first (`x-normalize`: a username's surrounding
  whitespace, a code as typed), then the operation's validator, generated from the schema at build time
  (operations/generated/, `make validators`), then the remaining rules (`x-check`, no lone surrogate in any string,
  no server-supplied clientMetadata key). Valid requests, almost all of them, pay for nothing else.
- explanation, only for a refused body: fastjsonschema stops at the first error, and callers have always been told
  every error at once, in a fixed order. `explain` walks the same schema for them all, each as (path, rule) where
  the rule is the JSON Schema keyword fastjsonschema's own `rule` names (or one of the named rules), and
  FIELD_ERRORS turns a rule into the field error's stable `code` and `message`: never a validator's prose.

Nothing here imports pydantic or fastjsonschema (the generated code needs neither).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from code_screens.operations import models
from code_screens.operations.generated import JsonSchemaValueException

Location = tuple[str, ...]

# The rules outside JSON Schema, by the name the schema gives them.
NORMALIZERS: dict[str, Callable[[Any], Any]] = {
    "strip_surrounding_whitespace": models.strip_surrounding_whitespace,
    "code_as_sent": models.code_as_sent,
}
CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    # name -> (the check, the pattern the field error quotes)
    "printable_username": (models.printable_username, models.USERNAME_PATTERN),
    "six_ascii_digits": (models.six_ascii_digits, models.CONFIRMATION_CODE_PATTERN),
}


class Violation(NamedTuple):
    """One thing wrong with a body: where (the path of keys), which rule, and the rule's figure or name."""

    location: Location
    rule: str
    """A JSON Schema keyword (type, required, additionalProperties, minLength, maxLength, pattern, maxProperties) or
    a named rule (unicode, serverSupplied)."""
    context: Any = None
    """The rule's figure (a length, a pattern, the expected type or object title) or the server-supplied name."""
    field: str | None = None
    """For serverSupplied: the name that was sent, appended to the path."""

    @property
    def path(self) -> str:
        """The dotted JSON path the caller reads, or (body)."""
        parts = [*self.location, self.field] if self.field is not None else list(self.location)
        return ".".join(parts) or "(body)"


def _characters(count: int) -> str:
    return "character" if count == 1 else "characters"


# rule -> (the field error's code, its message): the wording callers have always read (pydantic's, since 2.0).
FIELD_ERRORS: dict[str, Callable[[Any], tuple[str, str]]] = {
    "type:string": lambda _: ("string_type", "Input should be a valid string"),
    "type:boolean": lambda _: ("bool_type", "Input should be a valid boolean"),
    "type:map": lambda _: ("dict_type", "Input should be a valid dictionary"),
    "type:object": lambda title: ("model_type", f"Input should be a valid dictionary or instance of {title}"),
    "unicode": lambda _: (
        "string_unicode",
        "Input should be a valid string, unable to parse raw data as a unicode string",
    ),
    "minLength": lambda n: ("string_too_short", f"String should have at least {n} {_characters(n)}"),
    "maxLength": lambda n: ("string_too_long", f"String should have at most {n} {_characters(n)}"),
    "pattern": lambda pattern: ("string_pattern_mismatch", f"String should match pattern '{pattern}'"),
    "maxProperties": lambda n: ("too_long", f"Dictionary should have at most {n} items after validation, not more"),
    "required": lambda _: ("missing", "Field required"),
    "additionalProperties": lambda _: ("extra_forbidden", "Extra inputs are not permitted"),
    "serverSupplied": lambda name: (
        "server_supplied_field",
        f"{name} is supplied by the server; remove it from the request",
    ),
}
SERVER_SUPPLIED = "serverSupplied"


def code_and_message(violation: Violation) -> tuple[str, str]:
    """The field error's stable code and message for a violation."""
    return FIELD_ERRORS[violation.rule](violation.field if violation.rule == SERVER_SUPPLIED else violation.context)


class Refused(Exception):
    """A body the schema refuses, with every violation in the order callers read them."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__(f"{len(violations)} violation(s)")
        self.violations = violations


@dataclass(frozen=True)
class RequestSchema:
    """An operation's request schema and the validator generated from it."""

    schema: dict[str, Any]
    """The schema as a person reads it (operations/<operation>.py)."""
    check: Callable[[Any], Any]
    """The generated validator (raises JsonSchemaValueException)."""
    _checked_fields: tuple[tuple[str, str | None, str | None], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        checked = tuple(
            (name, prop.get("x-normalize"), prop.get("x-check"))
            for name, prop in self.schema["properties"].items()
            if "x-normalize" in prop or "x-check" in prop
        )
        object.__setattr__(self, "_checked_fields", checked)

    @property
    def title(self) -> str:
        """The schema's title: the request's name in the gateway models and OpenAPI."""
        title: str = self.schema["title"]
        return title

    @property
    def fields(self) -> tuple[str, ...]:
        """The request's top-level field names, as the JSON names them."""
        return tuple(self.schema["properties"])

    def accept(self, document: Any) -> dict[str, Any]:
        """The document with the rules' normalizations applied, when every rule accepts it; else Refused."""
        if type(document) is dict:
            prepared = dict(document)
            for name, normalize, _ in self._checked_fields:
                if normalize is not None and name in prepared:
                    prepared[name] = NORMALIZERS[normalize](prepared[name])
            try:
                self.check(prepared)
            except JsonSchemaValueException:
                pass
            else:
                if self._rules_hold(prepared):
                    return prepared
        raise Refused(explain(document, self.schema))

    def _rules_hold(self, prepared: dict[str, Any]) -> bool:
        # The schema held, so every field is a known one of the right type; what is left is what it cannot say.
        for name, _, check in self._checked_fields:
            if check is not None and not CHECKS[check][0](prepared[name]):
                return False
        metadata = prepared.get("clientMetadata")
        if metadata and any(models.is_server_supplied(key) for key in metadata):
            return False
        # The schema held, so the top level's names are its own and its values strings, booleans, None or objects
        # of strings (one level down): a plain loop, no recursion, on the warm path.
        for value in prepared.values():
            if type(value) is dict:
                for key, item in value.items():
                    if _holds_a_lone_surrogate(key) or (type(item) is str and _holds_a_lone_surrogate(item)):
                        return False
            elif type(value) is str and _holds_a_lone_surrogate(value):
                return False
        return True


def _holds_a_lone_surrogate(value: str) -> bool:
    """True when value holds a lone surrogate: JSON's \\ud800 escape decodes to one, no UTF-8 text can carry it,
    and Cognito could not read it."""
    if value.isascii():
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# --- explanation: every violation, in the order callers have always read them ---


def explain(document: Any, schema: dict[str, Any]) -> list[Violation]:
    """Every violation of a request schema by document: the fields in the schema's order (a missing one where it
    would be), then unknown fields in the body's order; inside a field, the first rule it breaks. A
    server-supplied name stops its own object (the caller is told that, not what else is wrong there)."""
    return _object(document, schema, (), schema)


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        resolved: dict[str, Any] = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
        return resolved
    return schema


def _object(value: Any, schema: dict[str, Any], location: Location, root: dict[str, Any]) -> list[Violation]:
    if type(value) is not dict:
        return [Violation(location, "type:object", schema["title"])]
    for key in value:
        if models.is_server_supplied(key):
            return [Violation(location, SERVER_SUPPLIED, field=key)]
    properties: dict[str, Any] = schema["properties"]
    required = schema.get("required", ())
    violations: list[Violation] = []
    for name, prop in properties.items():
        if name in value:
            violations += _value(value[name], prop, (*location, name), root)
        elif name in required:
            violations.append(Violation((*location, name), "required"))
    violations += [Violation((*location, key), "additionalProperties") for key in value if key not in properties]
    return violations


def _value(value: Any, schema: dict[str, Any], location: Location, root: dict[str, Any]) -> list[Violation]:
    if "anyOf" in schema:  # every optional field: its schema or null
        if value is None:
            return []
        schema = schema["anyOf"][0]
    schema = _resolve(schema, root)
    kind = schema.get("type")
    if kind == "object":
        if "properties" in schema:
            return _object(value, schema, location, root)
        return _map(value, schema, location)
    if kind == "boolean":
        return [] if type(value) is bool else [Violation(location, "type:boolean")]
    return _string(value, schema, location)


def _map(value: Any, schema: dict[str, Any], location: Location) -> list[Violation]:
    """clientMetadata: string keys and values; an entry counts towards maxProperties only when both are valid."""
    if type(value) is not dict:
        return [Violation(location, "type:map")]
    for key in value:
        if models.is_server_supplied(key):
            return [Violation(location, SERVER_SUPPLIED, field=key)]
    violations: list[Violation] = []
    valid = 0
    for key, item in value.items():
        errors = _string(key, schema["propertyNames"], (*location, key, "[key]"))
        errors += _string(item, schema["additionalProperties"], (*location, key))
        violations += errors
        if not errors:
            valid += 1
            if valid > schema["maxProperties"]:
                # As pydantic did: once too many entries are valid, that is the one thing said about the map.
                return [Violation(location, "maxProperties", schema["maxProperties"])]
    return violations


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _string(value: Any, schema: dict[str, Any], location: Location) -> list[Violation]:
    normalize = schema.get("x-normalize")
    if normalize is not None:
        value = NORMALIZERS[normalize](value)
    if type(value) is not str:
        return [Violation(location, "type:string")]
    if _holds_a_lone_surrogate(value):
        return [Violation(location, "unicode")]
    length = len(value)
    if "minLength" in schema and length < schema["minLength"]:
        return [Violation(location, "minLength", schema["minLength"])]
    if "maxLength" in schema and length > schema["maxLength"]:
        return [Violation(location, "maxLength", schema["maxLength"])]
    pattern = schema.get("pattern")
    if pattern is not None:
        # `$` as JSON Schema means it, the end of the text (Python's `$` also matches before a final line break).
        compiled = _PATTERNS.setdefault(pattern, re.compile(pattern.removesuffix("$") + r"\Z"))
        if not compiled.search(value):
            return [Violation(location, "pattern", pattern)]
    check = schema.get("x-check")
    if check is not None:
        holds, quoted = CHECKS[check]
        if not holds(value):
            return [Violation(location, "pattern", quoted)]
    return []
