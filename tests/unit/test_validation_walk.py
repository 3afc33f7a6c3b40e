"""operations/validation.py on schemas of its own making: what it promises for any request schema, not only for
the two of today (a nested object found through `$defs`, patterns anchored at the very end whatever was compiled
before, a lone surrogate refused in a field no other rule looks at)."""

from __future__ import annotations

from typing import Any

import pytest

from code_screens.operations import validation
from code_screens.operations.validation import Refused, RequestSchema, Violation, explain

NESTED: dict[str, Any] = {
    "type": "object",
    "properties": {"outer": {"anyOf": [{"$ref": "#/$defs/Outer"}, {"type": "null"}]}},
    "$defs": {
        "Outer": {"type": "object", "properties": {"inner": {"$ref": "#/$defs/Inner"}}},
        "Inner": {"type": "object", "properties": {"leaf": {"type": "string", "minLength": 2}}},
    },
}
TWO_PATTERNS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "letters": {"type": "string", "pattern": "^[a-z]+$"},
        "digits": {"type": "string", "pattern": "^[0-9]+$"},
    },
}


def test_a_nested_object_is_found_through_the_roots_defs_at_any_depth() -> None:
    assert explain({"outer": {"inner": {"leaf": "x"}}}, NESTED) == [
        Violation(("outer", "inner", "leaf"), "minLength", 2)
    ]


@pytest.fixture
def nothing_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk's compiled patterns forgotten: whatever ran earlier in this process (another test) compiled them."""
    monkeypatch.setattr(validation, "_PATTERNS", {})


@pytest.mark.usefixtures("nothing_compiled")
def test_each_pattern_is_its_own_and_holds_to_the_very_end() -> None:
    assert explain({"letters": "abc", "digits": "123"}, TWO_PATTERNS) == []
    assert explain({"letters": "abc\n", "digits": "12a"}, TWO_PATTERNS) == [
        Violation(("letters",), "pattern", "^[a-z]+$"),  # `$` is the end of the text, not before a final line break
        Violation(("digits",), "pattern", "^[0-9]+$"),
    ]


def test_a_lone_surrogate_is_refused_where_no_other_rule_would() -> None:
    free_text = {"type": "object", "properties": {"note": {"type": "string"}, "flag": {"type": "boolean"}}}
    schema = RequestSchema(free_text, check=lambda document: None)  # a validator that accepts anything

    assert schema.accept({"note": "caf\u00e9", "flag": True}) == {"note": "caf\u00e9", "flag": True}
    with pytest.raises(Refused) as refused:
        schema.accept({"note": "a\ud800", "flag": True})
    assert refused.value.violations == [Violation(("note",), "unicode")]


def test_a_field_with_only_a_normalizer_or_only_a_check_gets_the_one_it_has() -> None:
    schema = RequestSchema(
        {
            "type": "object",
            "properties": {
                "name": {"type": "string", "x-normalize": "strip_surrounding_whitespace"},
                "code": {"type": "string", "x-check": "six_ascii_digits"},
            },
        },
        check=lambda document: None,
    )

    assert schema.accept({"name": "  someone \t", "code": "123456"}) == {"name": "someone", "code": "123456"}
    with pytest.raises(Refused) as refused:
        schema.accept({"name": "someone", "code": "12345"})
    assert refused.value.violations == [Violation(("code",), "pattern", "^[0-9]{6}$")]
