"""Three Powertools packages imported without running their __init__.py, whose names load on first use.

Each of these packages' __init__.py imports every module beside it, and this function uses one or two of them:

- `aws_lambda_powertools.event_handler`: every resolver (AppSync's imports asyncio, Bedrock's, VPC Lattice's...);
  the function uses the REST one.
- `aws_lambda_powertools.utilities.data_classes`: about 35 event classes (SQS, Kinesis, CodePipeline...); the REST
  resolver uses a few (aws-powertools/powertools-lambda-python#2352 reported their import cost).
- `aws_lambda_powertools.utilities.parameters`: every provider (SSM, AppConfig, DynamoDB...); the function reads
  Secrets Manager.

Counted in instructions (callgrind, docs/performance.md), skipping them takes about 6 % off a cold start. Powertools
made its parser lazy the same way, with a module-level `__getattr__` (powertools-lambda-python#8405); until these
three packages are, `defer_package_init` does it from outside, and changes nothing else:

- `from package import Name` gives the very object the package's __init__ would have bound (it is read from the
  module the __init__ imports it from, found by reading the __init__'s `from .module import Name` lines);
- `import package.module` imports that module alone, as it always did;
- any other name runs the real __init__, once, in the same module object, and is then read from it.

It is only right for a package whose __init__ does nothing but import and list names; a test checks that of each
package in DEFERRED_PACKAGES, so a Powertools release that adds anything else fails the tests, not the function.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from types import ModuleType

DEFERRED_PACKAGES = (
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.utilities.data_classes",
    "aws_lambda_powertools.utilities.parameters",
)


def package_exports(package: str, init_source: str) -> dict[str, tuple[str, str]]:
    """The names a package's __init__ imports from its own modules: {bound name: (module, name in that module)}.

    package: the package's dotted name, e.g. "aws_lambda_powertools.event_handler".
    init_source: the text of its __init__.py. Reads `from .module import Name [as Alias]` and
    `from package.module import Name`; imports from anywhere else, and everything that is not an import, are left
    to the real __init__. Raises SyntaxError when init_source is not Python.
    """
    exports: dict[str, tuple[str, str]] = {}
    for statement in ast.parse(init_source).body:
        if not isinstance(statement, ast.ImportFrom) or statement.module is None:
            continue
        if statement.level == 1:
            source = f"{package}.{statement.module}"
        elif statement.level == 0 and statement.module.startswith(f"{package}."):
            source = statement.module
        else:
            continue
        for alias in statement.names:
            exports[alias.asname or alias.name] = (source, alias.name)
    return exports


def defer_package_init(package: str) -> bool:
    """Register `package` in sys.modules without running its __init__.py; its names load on first use.

    Returns False, and changes nothing, when the package is already imported (its __init__ has run) or cannot be
    found; True when it was registered. Must run before anything imports the package or one of its modules.
    """
    if package in sys.modules:
        return False
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None or spec.loader is None:
        return False
    module = importlib.util.module_from_spec(spec)
    with open(spec.origin, encoding="utf-8") as init_file:
        exports = package_exports(package, init_file.read())
    loader = spec.loader

    def __getattr__(name: str) -> object:
        if name in exports:
            source, original = exports[name]
            value = getattr(importlib.import_module(source), original)
            setattr(module, name, value)  # read once: the next lookup finds it without this function
            return value
        if name.startswith("__"):
            # Dunder lookups (__path__ is already set; __all__, __file__...) are the import system's probes.
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if importlib.util.find_spec(f"{package}.{name}") is not None:
            return importlib.import_module(f"{package}.{name}")  # `from package import module`
        # Anything else only the real __init__ can say: run it, once, into this same module object.
        del module.__getattr__
        loader.exec_module(module)
        return getattr(module, name)

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[package] = module
    _bind_to_parent(package, module)
    return True


def defer_package_inits(packages: tuple[str, ...] = DEFERRED_PACKAGES) -> list[str]:
    """defer_package_init for each of packages; returns the ones registered (those not already imported)."""
    return [package for package in packages if defer_package_init(package)]


def _bind_to_parent(package: str, module: ModuleType) -> None:
    # The import system binds a submodule to its parent package when it loads it; a module registered by hand
    # must be bound the same way, or `parent.package` would not be found as an attribute.
    parent_name, _, child = package.rpartition(".")
    if parent_name:
        setattr(importlib.import_module(parent_name), child, module)
