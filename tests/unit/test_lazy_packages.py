"""runtime/lazy_packages.py: a package registered without its __init__ gives the same names, loading only what is read.

Most tests build a throwaway package in tmp_path shaped like Powertools' (an __init__ that only imports names from
its own modules and lists them); which of its modules are in sys.modules tells what was loaded (the real __init__
would load every one). The last tests check the three Powertools packages and a real cold start of the handler.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import os
import py_compile
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from code_screens.runtime.lazy_packages import (
    DEFERRED_PACKAGES,
    PackageInit,
    defer_package_init,
    defer_package_inits,
    imported_whole,
    read_package_init,
)

ROOT = Path(__file__).resolve().parents[2]
LAMBDA_DIR = ROOT / "lambda"
MODULES = ("alpha", "beta", "gamma", "delta", "epsilon")

INIT = """\
\"\"\"A package whose __init__ imports names from its own modules, as Powertools' do.\"\"\"
from __future__ import annotations
from .alpha import Alpha
from .beta import Beta as Renamed
from {name}.gamma import Gamma
from .epsilon import epsilon
__all__ = ["Alpha", "Renamed", "Gamma", "epsilon"]
"""


class Package:
    """A throwaway package `name`: modules alpha, beta, gamma, delta and epsilon (which defines `epsilon` too)."""

    def __init__(self, root: Path, init: str = INIT) -> None:
        self.name = f"lazy_{uuid.uuid4().hex[:12]}"
        folder = root / self.name
        folder.mkdir()
        (folder / "__init__.py").write_text(init.format(name=self.name))
        for module in MODULES[:4]:
            (folder / f"{module}.py").write_text(f"class {module.title()}:\n    pass\n")
        (folder / "epsilon.py").write_text("def epsilon() -> str:\n    return 'the decorator'\n")

    def module(self) -> ModuleType:
        return sys.modules[self.name]

    def loaded(self) -> set[str]:
        return {module for module in MODULES if f"{self.name}.{module}" in sys.modules}


@pytest.fixture
def make_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Package]]:
    monkeypatch.syspath_prepend(str(tmp_path))
    made: list[Package] = []

    def make(init: str = INIT) -> Package:
        package = Package(tmp_path, init)
        made.append(package)
        return package

    yield make
    for package in made:
        for name in [n for n in sys.modules if n.startswith(package.name)]:
            del sys.modules[name]


@pytest.fixture
def package(make_package: Callable[..., Package]) -> Package:
    return make_package()


def test_an_init_that_only_imports_and_lists_names_is_read_whole() -> None:
    assert read_package_init("pkg", INIT.format(name="pkg")) == PackageInit(
        exports={
            "Alpha": ("pkg.alpha", "Alpha"),
            "Renamed": ("pkg.beta", "Beta"),
            "Gamma": ("pkg.gamma", "Gamma"),
            "epsilon": ("pkg.epsilon", "epsilon"),
        },
        all_names=["Alpha", "Renamed", "Gamma", "epsilon"],
    )
    assert read_package_init("pkg", "from .alpha import Alpha\n") == PackageInit(
        {"Alpha": ("pkg.alpha", "Alpha")}, None
    )


@pytest.mark.parametrize(
    "extra",
    [
        "import pkg_registry",  # a whole module, for what importing it does
        "from . import _register",  # the same, relative
        "from .alpha import *",
        "from pkgx.alpha import A",  # another package that only shares the prefix
        "from ..up import B",
        "from os import sep",
        "COUNT = 1",
        "__all__ = [name for name in ('A',)]",
        "__all__ = [1]",
        "__all__ = 'A'",
        "if True:\n    from .alpha import Alpha",
        "'a string that is not the docstring'",
    ],
)
def test_an_init_that_does_anything_else_is_not_deferred(extra: str) -> None:
    assert read_package_init("pkg", f'"""Doc."""\nfrom .alpha import Alpha\n{extra}\n') is None


def test_a_package_whose_init_does_more_is_imported_the_ordinary_way(make_package: Callable[..., Package]) -> None:
    package = make_package(INIT + "SETTING = 'set by the __init__'\n")

    assert defer_package_init(package.name) is False
    assert package.name not in sys.modules
    assert importlib.import_module(package.name).SETTING == "set by the __init__"


def test_a_module_of_a_deferred_package_imports_alone(package: Package) -> None:
    assert defer_package_init(package.name) is True

    alpha = importlib.import_module(f"{package.name}.alpha")

    assert package.loaded() == {"alpha"}
    assert alpha.Alpha.__name__ == "Alpha"


def test_an_exported_name_is_the_object_its_module_defines_and_loads_that_module_alone(package: Package) -> None:
    defer_package_init(package.name)

    renamed = package.module().Renamed

    assert renamed is sys.modules[f"{package.name}.beta"].Beta
    assert package.loaded() == {"beta"}
    assert package.module().Gamma is importlib.import_module(f"{package.name}.gamma").Gamma
    assert "Renamed" in vars(package.module())  # bound once read: the next lookup does not come back


def test_from_import_works_for_exports_and_modules(package: Package) -> None:
    defer_package_init(package.name)

    namespace: dict[str, object] = {}
    exec(f"from {package.name} import Alpha, delta", namespace)

    assert namespace["Alpha"] is sys.modules[f"{package.name}.alpha"].Alpha
    assert namespace["delta"] is sys.modules[f"{package.name}.delta"]
    assert package.loaded() == {"alpha", "delta"}


def test_a_module_named_like_a_name_the_init_binds_does_not_shadow_it(package: Package) -> None:
    """Powertools' data_classes binds `event_source`, the decorator, over its module of the same name."""
    defer_package_init(package.name)

    importlib.import_module(f"{package.name}.epsilon")
    namespace: dict[str, object] = {}
    exec(f"from {package.name} import epsilon", namespace)

    assert callable(namespace["epsilon"]) and not isinstance(namespace["epsilon"], ModuleType)
    assert namespace["epsilon"] is sys.modules[f"{package.name}.epsilon"].epsilon
    assert package.module().epsilon is namespace["epsilon"]


def test_star_import_and_dir_list_the_inits_names(package: Package) -> None:
    defer_package_init(package.name)

    assert {"Alpha", "Renamed", "Gamma", "epsilon", "__all__"} <= set(dir(package.module()))  # before any is read
    assert package.loaded() == set()
    namespace: dict[str, object] = {}
    exec(f"from {package.name} import *", namespace)

    assert {name for name in namespace if not name.startswith("__")} == {"Alpha", "Renamed", "Gamma", "epsilon"}
    assert namespace["Renamed"] is sys.modules[f"{package.name}.beta"].Beta


def test_a_name_nobody_binds_is_the_attribute_error_a_real_package_gives(package: Package) -> None:
    defer_package_init(package.name)
    module = package.module()

    with pytest.raises(AttributeError) as missing:
        _ = module.not_anywhere

    assert str(missing.value) == f"module {package.name!r} has no attribute 'not_anywhere'"
    assert package.loaded() == set()  # nothing loaded to find out
    assert not hasattr(module, "not_anywhere")


def test_dunder_probes_are_answered_as_missing_without_loading_anything(package: Package) -> None:
    defer_package_init(package.name)

    with pytest.raises(AttributeError) as probed:
        _ = package.module().__wrapped__

    assert str(probed.value) == f"module {package.name!r} has no attribute '__wrapped__'"
    assert package.loaded() == set()


def test_a_module_of_the_package_is_an_attribute_once_read_as_after_the_real_init(package: Package) -> None:
    defer_package_init(package.name)

    gamma = package.module().gamma  # the real __init__ imports gamma, which binds it on the package

    assert gamma is sys.modules[f"{package.name}.gamma"]
    assert package.loaded() == {"gamma"}


def test_an_imported_or_missing_package_is_left_alone(package: Package) -> None:
    real = importlib.import_module(package.name)

    assert defer_package_init(package.name) is False
    assert sys.modules[package.name] is real
    assert defer_package_init(f"no_such_package_{uuid.uuid4().hex}") is False


def test_a_namespace_package_or_one_without_source_has_no_init_to_skip(tmp_path: Path, package: Package) -> None:
    (tmp_path / f"{package.name}_namespace").mkdir()  # a folder without __init__.py: no origin, still a loader

    assert defer_package_init(f"{package.name}_namespace") is False
    assert f"{package.name}_namespace" not in sys.modules
    compiled = tmp_path / f"{package.name}_compiled"
    compiled.mkdir()
    (compiled / "__init__.py").write_text("from .alpha import Alpha\n")
    (compiled / "alpha.py").write_text("Alpha = 1\n")
    py_compile.compile(str(compiled / "__init__.py"), cfile=str(compiled / "__init__.pyc"))
    (compiled / "__init__.py").unlink()  # bytecode alone: nothing to read the __init__ from

    assert defer_package_init(f"{package.name}_compiled") is False


def test_a_deferred_subpackage_is_an_attribute_of_its_parent(tmp_path: Path, package: Package) -> None:
    outer = tmp_path / f"{package.name}_outer"
    (outer / "middle" / "inner").mkdir(parents=True)
    (outer / "__init__.py").write_text("")
    (outer / "middle" / "__init__.py").write_text("")
    (outer / "middle" / "inner" / "__init__.py").write_text("from .leaf import LEAF\n")
    (outer / "middle" / "inner" / "leaf.py").write_text("LEAF = 'leaf'\n")
    name = f"{package.name}_outer.middle.inner"

    assert defer_package_inits((name, package.name)) == [name, package.name]
    assert defer_package_inits((name, package.name)) == []  # both registered already

    middle = importlib.import_module(f"{package.name}_outer.middle")
    assert middle.inner is sys.modules[name]
    assert middle.inner.LEAF == "leaf"


@pytest.mark.parametrize("package_name", DEFERRED_PACKAGES)
def test_each_powertools_package_can_be_deferred_and_exports_every_public_name(package_name: str) -> None:
    """The pinned Powertools' __init__ files pass the check the function makes at each cold start; a release that
    adds anything else to one fails here first (and, in Lambda, is imported the ordinary way)."""
    spec = importlib.util.find_spec(package_name)
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).read_text(encoding="utf-8")

    init = read_package_init(package_name, source)

    assert init is not None
    assert init.all_names is not None and set(init.all_names) <= set(init.exports)
    # Every name the __init__ binds is one of its from-imports: the exports are all of them.
    bound = {
        alias.asname or alias.name for s in ast.parse(source).body if isinstance(s, ast.ImportFrom) for alias in s.names
    }
    assert bound == set(init.exports)


FUNCTION = """
import json, sys
import handler
from local.api_gateway_event import LocalLambdaContext, build_event


answers = []
for method, body, headers in (
    ("POST", b'{"username": "has space"}', {"Content-Type": "application/json", "Origin": "https://app.example.com"}),
    ("OPTIONS", b"", {"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"}),
):
    path = "/resend-confirmation-code"
    event = build_event(method, path, headers.items(), body, "203.0.113.7", path)
    answer = handler.lambda_handler(event, LocalLambdaContext())
    headers = {**answer.get("headers", {}), **{k: v[-1] for k, v in answer.get("multiValueHeaders", {}).items()}}
    answers.append([answer["statusCode"], headers, answer["body"]])
print(json.dumps({"modules": sorted(sys.modules), "answers": answers}))
"""


def test_a_cold_start_of_the_handler_loads_only_the_powertools_modules_it_uses(tmp_path: Path) -> None:
    """In a fresh interpreter, as in Lambda: the handler answers a request with the packages deferred, having loaded
    none of the resolvers, event classes and providers it does not use."""
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": f"{LAMBDA_DIR}:{LAMBDA_DIR.parent}",
        "LAMBDA_TASK_ROOT": str(tmp_path),
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "POWERTOOLS_SERVICE_NAME": "resend-confirmation-code",
        "POWERTOOLS_METRICS_NAMESPACE": "ResendConfirmationCode",
        "ALLOWED_ORIGINS": "https://app.example.com",
        "APP_CLIENTS": json.dumps({"client123": "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf"}),
    }
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(FUNCTION)], env=env, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.splitlines()[-1])
    loaded = set(report["modules"])

    (invalid_status, invalid_headers, invalid_body), (preflight_status, preflight_headers, _) = report["answers"]
    assert (invalid_status, json.loads(invalid_body)["code"]) == (400, "invalid_request")
    assert invalid_headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert preflight_status == 204 and preflight_headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "aws_lambda_powertools.event_handler.api_gateway" in loaded
    assert "aws_lambda_powertools.utilities.parameters.secrets" in loaded
    never = {
        "asyncio",  # AppSync's resolver
        "aws_lambda_powertools.event_handler.appsync",
        "aws_lambda_powertools.event_handler.bedrock_agent",
        "aws_lambda_powertools.utilities.data_classes.sqs_event",
        "aws_lambda_powertools.utilities.data_classes.code_pipeline_job_event",
        "aws_lambda_powertools.utilities.parameters.ssm",
        "aws_lambda_powertools.utilities.parameters.appconfig",
    }
    assert never & loaded == set()


INIT_PROBE = """
import json, sys
sys.path[:0] = ["lambda"]
from code_screens.runtime import lazy_packages
if sys.argv[1] == "busier-init":
    lazy_packages.read_package_init = lambda package, source: None  # as if a layer's __init__ did more
import handler
"""


@pytest.mark.parametrize(("case", "expected"), [("as-shipped", []), ("busier-init", list(DEFERRED_PACKAGES))])
def test_init_says_once_which_powertools_packages_were_imported_whole(case: str, expected: list[str]) -> None:
    env = {
        **os.environ,
        "APP_CLIENTS": json.dumps({"client1": "secret1"}),
        "POWERTOOLS_SERVICE_NAME": "resend-confirmation-code",
        "AWS_DEFAULT_REGION": "us-east-1",
    }

    result = subprocess.run(
        [sys.executable, "-c", INIT_PROBE, case], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    warned = [line["package"] for line in lines if line.get("message") == "Powertools package imported whole"]
    assert warned == expected


def test_imported_whole_names_only_packages_imported_with_their_init_run() -> None:
    never_imported = f"no_such_package_{uuid.uuid4().hex}"

    assert imported_whole(("json", never_imported)) == ["json"]  # json ran its __init__; the other is not imported


def test_a_deferred_package_is_not_one_imported_whole(package: Package) -> None:
    assert imported_whole((package.name,)) == []  # not imported at all yet

    assert defer_package_init(package.name) is True

    assert package.name in sys.modules
    assert imported_whole((package.name,)) == []  # in sys.modules, but its __init__ was never run
