"""The API Gateway request models, each derived from the one JSON Schema the Lambda validates its route with
(the operation's REQUEST_SCHEMA, whose generated validator the function runs).

API Gateway validates with JSON Schema draft 4, so the portable schema (without the rules the function applies
itself, see operations.models.portable_json_schema) is translated: `$defs` become `definitions`, keywords draft 4
does not know are dropped, and so are descriptive keywords that only make the model larger.
"""

from __future__ import annotations

from typing import Any

from code_screens.operations.models import portable_json_schema
from code_screens.operations.resend_confirmation_code import ResendConfirmationCodeRequest

DRAFT_4 = "http://json-schema.org/draft-04/schema#"
_DROPPED = frozenset({"examples", "title", "description", "default", "propertyNames"})


def _translate(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            # Under "properties" the keys are field names, not keywords: keep them all.
            key: ({name: _translate(sub) for name, sub in value.items()} if key == "properties" else _translate(value))
            for key, value in node.items()
            if key not in _DROPPED
        }
    if isinstance(node, list):
        return [_translate(item) for item in node]
    return node


def gateway_request_schema(model: Any = ResendConfirmationCodeRequest) -> dict[str, Any]:
    """A route's request body schema as an API Gateway (draft 4) model; `model` is an operation's request type."""
    schema = portable_json_schema(model.SCHEMA.schema, ref_template="#/definitions/{model}")
    definitions = schema.pop("$defs", {})
    translated: dict[str, Any] = {"$schema": DRAFT_4, **_translate(schema)}
    translated["title"] = model.SCHEMA.title
    if definitions:
        translated["definitions"] = _translate(definitions)
    return translated


# cfn-lint's W2501 reads any property named like "password" in a template as a secret that should be a parameter
# with NoEcho or a dynamic reference; in a request model it is a field's JSON Schema (a type and a length), and no
# password is in the template. Ignored on exactly the models that describe one.
_PASSWORD_RULE = "W2501"


def describes_a_password(schema: Any) -> bool:
    """True when a model's schema has a field named password (any case), at any level."""
    if isinstance(schema, dict):
        properties = schema.get("properties")
        if isinstance(properties, dict) and any(name.lower() == "password" for name in properties):
            return True
        return any(describes_a_password(value) for value in schema.values())
    if isinstance(schema, list):
        return any(describes_a_password(item) for item in schema)
    return False


def ignore_password_field_lint(resource: Any, schema: Any) -> None:
    """cfn-lint's metadata on a request model's CloudFormation resource that ignores W2501, when its schema
    describes a password field (see above)."""
    if describes_a_password(schema):
        resource.add_metadata("cfn-lint", {"config": {"ignore_checks": [_PASSWORD_RULE]}})
