"""INIT's cold-start remedies leave the environment as it should be: the garbage collector back on with the
import's objects frozen out of its sight."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Callable

from local.seed import UNCONFIRMED_USER
from tests.conftest import ROOT
from tests.invoke import Invoke


def test_the_collector_is_back_on_after_init_with_the_imports_frozen(make_invoke: Callable[..., Invoke]) -> None:
    gc.unfreeze()

    invoke = make_invoke()

    assert gc.isenabled()
    assert gc.get_freeze_count() > 10_000  # everything the import left alive
    assert invoke({"username": UNCONFIRMED_USER}).status == 200
    gc.unfreeze()  # give the rest of the test run its collector back as it was


def test_a_cold_start_imports_no_xray_sdk(function_env: dict[str, str | None]) -> None:
    # Tracing is Lambda's own active tracing: the X-Ray SDK (end of support 2027-02-25) is neither built nor
    # imported, even where it is installed (Powertools' layer ships it).
    env = {**os.environ, **{k: v for k, v in function_env.items() if v is not None}, "PYTHONPATH": "lambda"}
    probe = "import sys, handler; print(sorted(m for m in sys.modules if m.split('.')[0] == 'aws_xray_sdk'))"

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )

    assert result.stdout.strip().splitlines()[-1] == "[]"
