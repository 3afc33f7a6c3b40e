"""Bytecode for the function's asset, compiled by the Lambda runtime's own Python version.

Without it, every cold start compiles lambda/*.py (the asset's /var/task is read-only, so nothing is cached).
.pyc files are specific to a Python minor version, and this machine's Python (3.11) is not the runtime's (3.14):
CPython 3.14 runs here as Pyodide (CPython compiled to WebAssembly, an npm package pinned in package.json) under
Node, which CDK needs anyway. Bytecode does not depend on the platform, only on the version.

The .pyc files use checked-hash invalidation (PEP 552): the runtime hashes the source and ignores a .pyc whose
hash differs, so a stale one is never used.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPILER = ROOT / "infra" / "compile_pyc.mjs"
PYODIDE = ROOT / "node_modules" / "pyodide"


class BytecodeError(RuntimeError):
    """The runtime's Python could not be run or refused a source file; the message says which and how to fix."""


def compile_for_runtime(sources: dict[str, str], version: str) -> tuple[str, dict[str, bytes]]:
    """Compile {relative path: source text} with CPython `version` ("3.14").

    Returns the cache tag ("cpython-314") and {relative .pyc path: bytes}, e.g.
    "code_screens/__pycache__/settings.cpython-314.pyc". Takes about 3 s (loading the interpreter in Node).
    Raises BytecodeError when Node or Pyodide is missing, or Pyodide's Python is not `version`.
    """
    node = shutil.which("node")
    if node is None or not PYODIDE.is_dir():
        raise BytecodeError("compiling the asset's bytecode needs Node and the npm packages: run `npm ci`")
    completed = subprocess.run(  # noqa: S603 (our own script, run by the Node on PATH)
        [node, str(COMPILER)],
        input=json.dumps({"files": sources, "version": version}),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if completed.returncode != 0:
        raise BytecodeError(f"the runtime's Python could not compile the asset:\n{completed.stderr[-2000:]}")
    answer = json.loads(completed.stdout)
    return answer["cache_tag"], {name: base64.b64decode(data) for name, data in answer["pyc"].items()}
