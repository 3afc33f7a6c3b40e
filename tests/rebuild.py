"""Modules built again inside a test: what a module computes at import (a schema, a router's endpoints) ran before
any test started, so a test that only reads it cannot tell a change to the code that built it."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType


@contextmanager
def rebuilt(*names: str) -> Iterator[list[ModuleType]]:
    """Reload the modules `names`, in that order; afterwards put every one back exactly as it was (the same
    objects), so no other test meets a second copy of a class."""
    saved = {name: dict(importlib.import_module(name).__dict__) for name in names}
    try:
        yield [importlib.reload(sys.modules[name]) for name in names]
    finally:
        for name, namespace in saved.items():
            module = sys.modules[name]
            module.__dict__.clear()
            module.__dict__.update(namespace)
