"""Three Powertools packages imported without running their __init__.py, whose names load on first use.

Each of these packages' __init__.py imports every module beside it, and this function uses one or two of them:

- `aws_lambda_powertools.event_handler`: every resolver (AppSync's imports asyncio, Bedrock's, VPC Lattice's...);
  the function uses the REST one.
- `aws_lambda_powertools.utilities.data_classes`: about 35 event classes (SQS, Kinesis, CodePipeline...); the REST
  resolver uses a few (aws-powertools/powertools-lambda-python#2352 reported their import cost).
- `aws_lambda_powertools.utilities.parameters`: every provider (SSM, AppConfig, DynamoDB...); the function reads
  Secrets Manager.

Skipping them takes about 0.08x of the naive baseline's instructions off a cold start (docs/performance.md, "Each
step, measured"). Powertools made its parser lazy the same way, with a module-level `__getattr__`
(powertools-lambda-python#8405); until these three packages are, `defer_package_init` does it from outside:

- `from package import Name` gives the very object the __init__ would have bound, read from the module the
  __init__ imports it from (found by reading the __init__'s `from .module import Name` lines), and loads that
  module alone;
- `import package.module` imports that module alone, as it always did;
- `__all__` is the __init__'s own list, so `from package import *` gives the same names;
- any other name is an AttributeError, as it is after the real __init__, which binds nothing else.

That is only right for an __init__ that does nothing but import names from its own modules and list them. Each
one is read at every cold start and checked for exactly that (`read_package_init`); one that does anything else
(a release of the layer that adds code, or a side-effect import) is imported the ordinary way instead, and the
handler says so once in the INIT log ("Powertools package imported whole"), with the package's name.

When to delete this module: when Powertools makes these three `__init__`s lazy itself (as it did the parser's), or
when the Lambda runtime's Python has lazy imports of its own (PEP 810, `lazy from ... import`) that Powertools'
layer uses; `python -m bench.imports` then shows no difference with and without `defer_package_inits`.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from types import ModuleType
from typing import NamedTuple

DEFERRED_PACKAGES = (
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.utilities.data_classes",
    "aws_lambda_powertools.utilities.parameters",
)


class PackageInit(NamedTuple):
    """What a package's __init__ binds: names imported from its own modules, and its `__all__` when it has one."""

    exports: dict[str, tuple[str, str]]
    """{bound name: (dotted module it comes from, its name there)}."""
    all_names: list[str] | None


def read_package_init(package: str, init_source: str) -> PackageInit | None:
    """The names a package's __init__ binds, or None when it does anything besides binding them.

    package: the package's dotted name, e.g. "aws_lambda_powertools.event_handler".
    init_source: the text of its __init__.py. Allowed, and read: a docstring,
    `from __future__ import ...`, `from .module import Name [as Alias]` or `from package.module import Name` (the
    package's own modules, names listed one by one), and `__all__ = [...]` of literal strings. Anything else
    (another statement, an import from elsewhere or of a whole module, `*`) gives None: skipping that __init__
    would skip what it does.
    Raises SyntaxError when init_source is not Python.
    """
    exports: dict[str, tuple[str, str]] = {}
    all_names: list[str] | None = None
    for index, statement in enumerate(ast.parse(init_source).body):
        if index == 0 and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # the docstring
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            continue
        if isinstance(statement, ast.ImportFrom) and statement.module is not None:
            source = _own_module(package, statement.module, statement.level)
            if source is None or any(alias.name == "*" for alias in statement.names):
                return None
            for alias in statement.names:
                exports[alias.asname or alias.name] = (source, alias.name)
            continue
        if isinstance(statement, ast.Assign) and [ast.unparse(target) for target in statement.targets] == ["__all__"]:
            try:
                listed = ast.literal_eval(statement.value)
            except ValueError:
                return None
            if not isinstance(listed, list | tuple) or not all(isinstance(name, str) for name in listed):
                return None
            all_names = list(listed)
            continue
        return None
    return PackageInit(exports, all_names)


def _own_module(package: str, module: str, level: int) -> str | None:
    if level == 1:
        return f"{package}.{module}"
    if level == 0 and module.startswith(f"{package}."):
        return module
    return None


def defer_package_init(package: str) -> bool:
    """Register `package` in sys.modules without running its __init__.py; its names load on first use.

    Returns True when it was registered; False, changing nothing, when the package is already imported (its
    __init__ has run), cannot be found, or has an __init__ that does more than import and list names (see
    read_package_init). Must run before anything imports the package or one of its modules.
    """
    if package in sys.modules:
        return False
    spec = importlib.util.find_spec(package)
    if spec is None:
        return False
    # The __init__'s source as its loader reads it (decoded as Python decodes source); a namespace package (no
    # loader) or one shipped as bytecode alone (no source) gives none, and is left alone.
    get_source = getattr(spec.loader, "get_source", None)
    source = get_source(package) if get_source is not None else None
    init = read_package_init(package, source) if source is not None else None
    if init is None:
        return False
    module = importlib.util.module_from_spec(spec)
    exports = init.exports

    class DeferredPackage(ModuleType):
        def __getattr__(self, name: str) -> object:
            if name in exports:
                source, original = exports[name]
                value = getattr(importlib.import_module(source), original)
                ModuleType.__setattr__(self, name, value)  # the next lookup finds it without coming here
                return value
            if importlib.util.find_spec(f"{package}.{name}") is not None:
                # One of the package's modules, which the real __init__ may have imported: `package.module` and
                # `from package import module` load it (and it alone).
                return importlib.import_module(f"{package}.{name}")
            # A name nobody binds: the real __init__ binds nothing but its imports and __all__ (read_package_init
            # checked), so there is no more to find by running it.
            raise AttributeError(f"module {package!r} has no attribute {name!r}")

        def __setattr__(self, name: str, value: object) -> None:
            # The import system binds each module it loads to its package. Where the __init__ binds that same name
            # to something the module defines (data_classes' `event_source`: a module and the decorator in it),
            # the __init__'s binding wins, as it would have after the __init__'s own import of it.
            if isinstance(value, ModuleType) and value.__name__ == f"{package}.{name}" and name in exports:
                source, original = exports[name]
                if source == value.__name__:
                    value = getattr(value, original)
            ModuleType.__setattr__(self, name, value)

        def __dir__(self) -> list[str]:
            return sorted(set(vars(self)) | set(exports))

    module.__class__ = DeferredPackage
    if init.all_names is not None:
        module.__all__ = init.all_names  # type: ignore[attr-defined]
    sys.modules[package] = module
    _bind_to_parent(package, module)
    _REGISTERED.add(package)
    return True


def defer_package_inits(packages: tuple[str, ...] = DEFERRED_PACKAGES) -> list[str]:
    """defer_package_init for each of packages; returns the ones registered."""
    return [package for package in packages if defer_package_init(package)]


# The packages this process registered without their __init__, whichever call did it.
_REGISTERED: set[str] = set()


def imported_whole(packages: tuple[str, ...] = DEFERRED_PACKAGES) -> list[str]:
    """Those of `packages` that are imported with their __init__ run (the fallback: an __init__ that does more than
    bind names, or something imported them first), in the order given."""
    return [package for package in packages if package in sys.modules and package not in _REGISTERED]


def _bind_to_parent(package: str, module: ModuleType) -> None:
    # The import system binds a module to its parent package when it loads it; one registered by hand must be bound
    # the same way, or `parent.package` would not be found as an attribute.
    parent_name, _, child = package.rpartition(".")
    if parent_name:
        setattr(importlib.import_module(parent_name), child, module)
