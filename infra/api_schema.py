"""The API Gateway request model, derived from the one pydantic request model the Lambda validates with.

API Gateway validates with JSON Schema draft 4, so the pydantic (draft 2020-12) schema is translated:
`$defs` become `definitions`, and keywords draft 4 does not know are dropped. Two more are dropped on purpose:
`pattern`, because the username pattern uses Unicode property classes (`\\p{L}`) that API Gateway does not
document support for (the Lambda checks it), and descriptive keywords that only make the model larger.
"""

from __future__ import annotations

from typing import Any

from resend_code.request_model import ResendConfirmationCodeRequest

DRAFT_4 = "http://json-schema.org/draft-04/schema#"
_DROPPED = frozenset({"pattern", "examples", "title", "description", "default", "propertyNames"})


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


def gateway_request_schema() -> dict[str, Any]:
    """The request body's schema as an API Gateway (draft 4) model."""
    schema = ResendConfirmationCodeRequest.model_json_schema(by_alias=True, ref_template="#/definitions/{model}")
    definitions = schema.pop("$defs", {})
    translated: dict[str, Any] = {"$schema": DRAFT_4, **_translate(schema)}
    translated["title"] = "ResendConfirmationCodeRequest"
    if definitions:
        translated["definitions"] = _translate(definitions)
    return translated
