"""What the function's code asset holds: lambda/ without caches or dot-files, plus bytecode compiled for the
runtime's Python (infra/bytecode.py). The stack packages the staged folder, and the benchmark lays out the same."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from infra.bytecode import COMPILER, PYODIDE, compile_for_runtime

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_DIR = ROOT / "lambda"
ASSET_EXCLUDES = ["**/__pycache__", "**/*.pyc", "**/.*"]
# The Python of the stack's Lambda runtime (infra/function_construct.py's RUNTIME, which a test keeps equal): the
# version the shipped bytecode is compiled for.
RUNTIME_VERSION = "3.14"
# Staged assets, one folder per content hash (git-ignored); a synth reuses the one that matches the sources.
STAGING_DIR = ROOT / ".build" / "lambda-asset"
# The zipped asset's budget, one figure for the bench's target and the template test. Lambda fetches 200 KB inside
# AWS in well under a millisecond, so this is a tripwire for something that should not be there (a vendored
# boto3, a data file), not a latency budget: the sources of two routes and the limiter, each beside its bytecode
# for the runtime's Python (about twice the sources alone), zipped to 149.2 KB. Raised since, each time with the
# figure measured, and nothing in it unused (every file is imported by an entry point, and checked-hash bytecode
# needs its source beside it): by the validators generated from the request schemas (operations/generated/, about
# 15 KB zipped with their bytecode) and the rules and explanation beside them (operations/validation.py, about
# 13 KB), which replaced pydantic, provided by the layer outside the asset; in exchange the cold start lost
# pydantic's import and model build, about 275 M of its instructions (1,419 M -> 1,145 M through INIT in
# `python -m bench.imports` on 3.11; docs/performance.md). By the client-secret rotation function
# (rotation_handler.py, code_screens/rotation.py), which ships in the same asset: about 20 KB. By the Cognito door
# (doors/cognito_protocol.py and doors/cognito_shape.py): about 25 KB. By the password-reset operations
# (operations/forgot_password.py, operations/confirm_forgot_password.py, their generated validators and
# password_policy.py, with the settings and models they added): about 40 KB, 279,178 bytes in all. Hence 300 KB.
ASSET_BUDGET_BYTES = 300_000


def _excluded(relative: str) -> bool:
    parts = relative.split("/")
    return any(
        fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(part, pattern.removeprefix("**/"))
        for pattern in ASSET_EXCLUDES
        for part in parts
    )


def asset_files(root: Path = LAMBDA_DIR) -> list[Path]:
    """The source files CDK puts in the asset, relative to `root`, sorted."""
    return sorted(
        path.relative_to(root)
        for path in root.rglob("*")
        if path.is_file() and not _excluded(str(path.relative_to(root)))
    )


def staged_asset(runtime_version: str) -> Path:
    """The folder the stack ships: asset_files() and their checked-hash .pyc for Python `runtime_version` ("3.14").

    Built once per content (sources, compiler script and Pyodide version) and reused. Raises
    infra.bytecode.BytecodeError when the runtime's Python cannot be run here (see there).
    """
    sources = {str(path): (LAMBDA_DIR / path).read_text(encoding="utf-8") for path in asset_files()}
    pyodide_version = json.loads((PYODIDE / "package.json").read_text())["version"] if PYODIDE.is_dir() else ""
    key = hashlib.sha256(
        json.dumps([sources, runtime_version, COMPILER.read_text(), pyodide_version], sort_keys=True).encode()
    ).hexdigest()[:16]
    target = STAGING_DIR / key
    if target.is_dir():
        return target
    _, bytecode = compile_for_runtime(sources, runtime_version)
    STAGING_DIR.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=STAGING_DIR, prefix=".building-"))
    for name, text in sources.items():
        (building / name).parent.mkdir(parents=True, exist_ok=True)
        (building / name).write_text(text, encoding="utf-8")
    for name, data in bytecode.items():
        (building / name).parent.mkdir(parents=True, exist_ok=True)
        (building / name).write_bytes(data)
    for stale in STAGING_DIR.iterdir():  # keep one staged asset, the current one
        if stale.is_dir() and not stale.name.startswith(".building-"):
            shutil.rmtree(stale, ignore_errors=True)
    try:
        os.replace(building, target)
    except OSError:  # another synth staged the same content meanwhile: theirs is as good
        shutil.rmtree(building, ignore_errors=True)
    return target


def shipped_files(staged: Path) -> list[Path]:
    """The files of a staged asset, relative to it, sorted: each source and its .pyc."""
    return sorted(path.relative_to(staged) for path in staged.rglob("*") if path.is_file())
