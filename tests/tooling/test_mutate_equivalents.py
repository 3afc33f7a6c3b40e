"""Each equivalent-mutant entry in tests/mutate.py names a function lambda/ still has (mutmut's naming: module, then
`x_function` or `xǁClassǁmethod`); an entry left behind by a moved function would excuse whatever mutant a new
function of that name gets."""

from __future__ import annotations

import importlib

import pytest

from tests.mutate import EQUIVALENT


def resolve(mutmut_name: str) -> object:
    """The function or method a mutmut function name ("code_screens.settings.xǁSettingsǁfrom_env") stands for."""
    module_name, _, function = mutmut_name.rpartition(".")
    target: object = importlib.import_module(module_name)
    if function.startswith("xǁ"):
        _, class_name, method = function.split("ǁ")
        return getattr(getattr(target, class_name), method)
    return getattr(target, function.removeprefix("x_"))


@pytest.mark.parametrize("function", sorted({entry.function for entry in EQUIVALENT}))
def test_every_equivalent_entry_names_a_function_that_exists(function: str) -> None:
    assert callable(resolve(function))


def test_resolve_finds_functions_and_methods_and_refuses_what_is_gone() -> None:
    assert resolve("code_screens.settings.xǁSettingsǁfrom_env").__name__ == "from_env"
    assert resolve("code_screens.observability.x_count").__name__ == "count"
    with pytest.raises(AttributeError):
        resolve("code_screens.observability.x__count")  # no such function
