"""resend_code.lazy_packages: a package registered without its __init__ gives the same names, loading only what is read.

Most tests build a throwaway package in tmp_path whose __init__ counts its own runs, so each can say exactly when
the real __init__ ran; the last ones check the three Powertools packages and a real cold import of the handler.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from resend_code.lazy_packages import DEFERRED_PACKAGES, defer_package_init, defer_package_inits, package_exports

LAMBDA_DIR = Path(__file__).resolve().parents[2] / "lambda"

INIT = """\
\"\"\"A package whose __init__ imports its modules, as Powertools' do, and counts its runs.\"\"\"
import {runs}
from .alpha import Alpha
from .beta import Beta as Renamed
from {name}.gamma import Gamma
from os import sep
{runs}.count += 1
ONLY_IN_INIT = "bound by the __init__"
__all__ = ["Alpha", "Renamed", "Gamma"]
"""


class Package:
    """A throwaway package `name` with modules alpha, beta, gamma and delta, and a counter of its __init__'s runs."""

    def __init__(self, root: Path) -> None:
        self.name = f"lazy_{uuid.uuid4().hex[:12]}"
        self.runs_name = f"{self.name}_runs"
        (root / f"{self.runs_name}.py").write_text("count = 0\n")
        folder = root / self.name
        folder.mkdir()
        (folder / "__init__.py").write_text(INIT.format(name=self.name, runs=self.runs_name))
        for module, cls in (("alpha", "Alpha"), ("beta", "Beta"), ("gamma", "Gamma"), ("delta", "Delta")):
            (folder / f"{module}.py").write_text(f"class {cls}:\n    pass\n")

    @property
    def init_runs(self) -> int:
        count: int = importlib.import_module(self.runs_name).count
        return count

    def module(self) -> ModuleType:
        return sys.modules[self.name]


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Package]:
    monkeypatch.syspath_prepend(str(tmp_path))
    made = Package(tmp_path)
    yield made
    for name in [n for n in sys.modules if n.startswith(made.name)]:
        del sys.modules[name]


def test_the_exports_are_the_names_the_init_imports_from_its_own_modules() -> None:
    source = INIT.format(name="pkg", runs="pkg_runs")

    assert package_exports("pkg", source) == {
        "Alpha": ("pkg.alpha", "Alpha"),
        "Renamed": ("pkg.beta", "Beta"),
        "Gamma": ("pkg.gamma", "Gamma"),
    }
    # A module that only shares the prefix is not the package's own; `from . import x` names no module.
    assert package_exports("pkg", "from pkgx.alpha import A\nfrom . import alpha\nfrom ..up import B\n") == {}


def test_a_module_of_a_deferred_package_imports_without_the_init(package: Package) -> None:
    assert defer_package_init(package.name) is True

    alpha = importlib.import_module(f"{package.name}.alpha")

    assert package.init_runs == 0
    assert alpha.Alpha.__name__ == "Alpha"


def test_an_exported_name_is_the_object_its_module_defines_and_loads_that_module_alone(package: Package) -> None:
    defer_package_init(package.name)

    renamed = package.module().Renamed

    assert renamed is sys.modules[f"{package.name}.beta"].Beta
    assert f"{package.name}.alpha" not in sys.modules
    assert package.module().Gamma is importlib.import_module(f"{package.name}.gamma").Gamma
    assert package.init_runs == 0
    assert "Renamed" in vars(package.module())  # bound once read: the next lookup does not come back here


def test_from_import_works_for_exports_and_modules_without_the_init(package: Package) -> None:
    defer_package_init(package.name)

    namespace: dict[str, object] = {}
    exec(f"from {package.name} import Alpha, delta", namespace)

    assert namespace["Alpha"] is sys.modules[f"{package.name}.alpha"].Alpha
    assert namespace["delta"] is sys.modules[f"{package.name}.delta"]
    assert package.init_runs == 0


def test_a_name_only_the_init_binds_runs_it_once_in_the_same_module(package: Package) -> None:
    defer_package_init(package.name)
    module = package.module()
    alpha = module.Alpha

    assert module.ONLY_IN_INIT == "bound by the __init__"
    assert package.init_runs == 1
    assert module.ONLY_IN_INIT == "bound by the __init__"
    assert module.__all__ == ["Alpha", "Renamed", "Gamma"]
    assert package.init_runs == 1
    assert sys.modules[package.name] is module
    assert module.Alpha is alpha  # the __init__ re-bound the very same class
    with pytest.raises(AttributeError):
        _ = module.not_anywhere


def test_dunder_probes_are_answered_without_running_the_init(package: Package) -> None:
    defer_package_init(package.name)

    assert not hasattr(package.module(), "__all__")
    assert package.init_runs == 0


def test_an_imported_or_missing_package_is_left_alone(package: Package) -> None:
    real = importlib.import_module(package.name)

    assert defer_package_init(package.name) is False
    assert sys.modules[package.name] is real
    assert defer_package_init(f"no_such_package_{uuid.uuid4().hex}") is False


def test_a_deferred_subpackage_is_an_attribute_of_its_parent(tmp_path: Path, package: Package) -> None:
    outer = tmp_path / f"{package.name}_outer"
    outer.mkdir()
    (outer / "__init__.py").write_text("")
    (outer / "inner").mkdir()
    (outer / "inner" / "__init__.py").write_text("from .leaf import LEAF\n")
    (outer / "inner" / "leaf.py").write_text("LEAF = 'leaf'\n")
    name = f"{package.name}_outer.inner"

    assert defer_package_inits((name, package.name)) == [name, package.name]
    assert defer_package_inits((name, package.name)) == []  # both registered already

    parent = importlib.import_module(f"{package.name}_outer")
    assert parent.inner is sys.modules[name]
    assert parent.inner.LEAF == "leaf"


@pytest.mark.parametrize("package_name", DEFERRED_PACKAGES)
def test_each_powertools_package_init_only_imports_and_lists_names(package_name: str) -> None:
    """Skipping the __init__ is only right while it does nothing else: a release that adds anything fails here."""
    spec = importlib.util.find_spec(package_name)
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).read_text(encoding="utf-8")
    tree = ast.parse(source)

    def harmless(statement: ast.stmt) -> bool:
        docstring = isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
        listing = isinstance(statement, ast.Assign) and [ast.unparse(t) for t in statement.targets] == ["__all__"]
        return docstring or listing or isinstance(statement, ast.Import | ast.ImportFrom)

    assert [ast.unparse(s) for s in tree.body if not harmless(s)] == []
    # Every public name is found among the exports, so reading one never falls back to running the __init__.
    public = ast.literal_eval(next(s.value for s in tree.body if isinstance(s, ast.Assign)))
    assert set(public) <= set(package_exports(package_name, source))


FRESH_IMPORT = """
import json, sys
import handler
print(json.dumps(sorted(sys.modules)))
"""


def test_a_cold_import_of_the_handler_loads_only_the_powertools_modules_it_uses(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(LAMBDA_DIR),
        "LAMBDA_TASK_ROOT": str(tmp_path),
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "POWERTOOLS_SERVICE_NAME": "resend-confirmation-code",
        "APP_CLIENTS": json.dumps({"client123": "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf"}),
    }
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(FRESH_IMPORT)], env=env, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    loaded = set(json.loads(completed.stdout.splitlines()[-1]))

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
