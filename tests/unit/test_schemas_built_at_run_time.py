"""The request schemas are built when their operation modules are imported (Lambda does that once, at INIT), so a
test that only reads them reads what was built before it started. Rebuilt here, inside the test (the modules
reloaded, then put back as they were), they must still be what docs/openapi.json publishes, and still apply the
rules beside the schema: a change to the functions that build them cannot hide behind an import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from code_screens.operations.validation import Refused
from code_screens.routes import ROUTES
from tests.rebuild import rebuilt

DOCS_OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
OPERATION_MODULES = tuple(sorted({route.operation.request_model.__module__ for route in ROUTES}))


def test_the_request_schemas_built_again_are_the_published_ones() -> None:
    # routes.py and local/openapi.py hold the operations by reference: rebuilt after the operation modules.
    with rebuilt(*OPERATION_MODULES, "code_screens.routes", "local.openapi") as modules:
        openapi = modules[-1]

        assert openapi.render() == DOCS_OPENAPI.read_text(encoding="utf-8")


def _document(model: Any, **fields: Any) -> dict[str, Any]:
    """A request with every required field, each as a person might type it (surrounding spaces, a dashed code)."""
    typed = {"username": " \u3000someone@example.com\t", "confirmationCode": " 123-456 ", "password": "Correct-h0rse"}
    return {name: typed[name] for name in model.SCHEMA.schema["required"]} | fields


@pytest.mark.parametrize("module_name", OPERATION_MODULES)
def test_the_rebuilt_requests_apply_the_rules_beside_the_schema(module_name: str) -> None:
    with rebuilt(module_name) as (module,):
        model = module.OPERATION.request_model
        accepted = model.SCHEMA.accept(_document(model))

        assert accepted["username"] == "someone@example.com"
        if "confirmationCode" in accepted:
            assert accepted["confirmationCode"] == "123456"
        for refused in (
            _document(model, username="some\x00one"),
            _document(model, clientMetadata={"SECRET_HASH": "x"}),
            _document(model, unknown="x"),
            *([_document(model, confirmationCode="12345")] if "confirmationCode" in accepted else []),
        ):
            with pytest.raises(Refused):
                model.SCHEMA.accept(refused)
