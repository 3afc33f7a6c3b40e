"""cognito_shape.py's renaming on schemas and answers of its own making: every shape it is written for (an inline
object, a nullable object, a field's examples, the caller's own keys, $refs at any depth, a response without
required fields), not only the two operations of today, whose schemas use a few of them."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from code_screens.doors.cognito_shape import (
    cognito_request_schema,
    cognito_success_schema,
    field_names_for,
    success_document,
)
from code_screens.operations.models import ResponseBody


def test_a_request_schema_in_cognitos_names() -> None:
    schema = {
        "type": "object",
        "properties": {
            # A field's examples are values, not field names, whatever they look like.
            "userName": {"type": "string", "examples": [{"required": ["asIs"], "properties": {"asIs": 1}}]},
            # The caller's own keys reach the trigger as sent: never renamed.
            "clientMetadata": {
                "type": "object",
                "properties": {"anyCase": {"type": "string"}},
                "required": ["anyCase"],
            },
            "deliveryOptions": {
                "anyOf": [
                    {"type": "object", "properties": {"viaEmail": {"type": "boolean"}}, "required": ["viaEmail"]},
                    {"type": "null"},
                ]
            },
        },
        "required": ["userName"],
        "$defs": {"Nested": {"type": "object", "properties": {"innerField": {"type": "string"}}}},
    }

    assert cognito_request_schema(schema) == {
        "type": "object",
        "properties": {
            "UserName": {"type": "string", "examples": [{"required": ["asIs"], "properties": {"asIs": 1}}]},
            "ClientMetadata": {
                "type": "object",
                "properties": {"anyCase": {"type": "string"}},
                "required": ["anyCase"],
            },
            "DeliveryOptions": {
                "anyOf": [
                    {"type": "object", "properties": {"ViaEmail": {"type": "boolean"}}, "required": ["ViaEmail"]},
                    {"type": "null"},
                ]
            },
        },
        "required": ["UserName"],
        "$defs": {"Nested": {"type": "object", "properties": {"InnerField": {"type": "string"}}}},
    }


def test_a_success_schema_in_cognitos_shape() -> None:
    schema = {
        "type": "object",
        "properties": {
            "message": {"type": "string"},
            "sentTo": {"type": "string"},
            "details": {"anyOf": [{"$ref": "#/$defs/Details"}, {"type": "null"}]},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        },
        "required": ["message", "sentTo"],
        "$defs": {"Details": {"type": "object", "properties": {"medium": {"type": "string"}}}},
    }

    assert cognito_success_schema(schema) == {
        "type": "object",
        "properties": {
            "SentTo": {"type": "string"},
            # An absent nested answer is written {}; a nullable plain value stays as it is.
            "Details": {"anyOf": [{"$ref": "#/$defs/Details"}, {"type": "object", "maxProperties": 0}]},
            "Note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        },
        "required": ["SentTo"],
        "$defs": {"Details": {"type": "object", "properties": {"Medium": {"type": "string"}}}},
    }
    assert cognito_success_schema({"type": "object"}) == {"type": "object", "properties": {}}


def test_cognitos_names_become_the_schemas_at_any_depth() -> None:
    schema = {
        "type": "object",
        "properties": {"outer": {"$ref": "#/$defs/Outer"}, "anything": True},  # `true`: any value, no names
        "$defs": {
            "Outer": {
                "type": "object",
                "properties": {"inner": {"anyOf": [{"$ref": "#/$defs/Inner"}, {"type": "null"}]}},
            },
            "Inner": {"type": "object", "properties": {"leaf": {"type": "string"}}},
        },
    }
    rename = field_names_for(SimpleNamespace(SCHEMA=SimpleNamespace(schema=schema)))

    document = {"Outer": {"Inner": {"Leaf": "x", "Other": 1}}, "Anything": {"Kept": 1}, "Stranger": [2]}

    assert rename(document) == {
        "outer": {"inner": {"leaf": "x", "~Other": 1}},
        "anything": {"Kept": 1},
        "~Stranger": [2],  # not a Cognito name: kept behind the mark, for the validation to refuse by name
    }
    assert rename(["not", "an", "object"]) == ["not", "an", "object"]


@dataclass(frozen=True)
class Details(ResponseBody):
    medium: str


@dataclass(frozen=True)
class Answer(ResponseBody):
    message: str
    details: Details | None = None
    note: str | None = None
    attempts: int = 0


def test_a_success_body_in_cognitos_shape() -> None:
    assert success_document(Answer("m")) == {"Details": {}, "Attempts": 0}
    assert success_document(Answer("m", Details("EMAIL"), "n", 2)) == {
        "Details": {"Medium": "EMAIL"},
        "Note": "n",
        "Attempts": 2,
    }


@dataclass(frozen=True)
class Listing(ResponseBody):
    message: str
    first: str | None = None
    items: tuple[Details | str, ...] = ()


def test_a_body_leaves_out_only_its_null_fields_and_writes_lists_item_by_item() -> None:
    assert Listing("m", None, (Details("EMAIL"), "plain")).to_document() == {
        "message": "m",
        "items": [{"medium": "EMAIL"}, "plain"],
    }
