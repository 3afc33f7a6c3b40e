"""What a Lambda cold start sees, reproduced off Lambda for the benchmark: the function's own interpreter
environment, the asset laid out as the stack packages it, and the variables Lambda sets.

- **Interpreter environment**: a separate virtual environment (bench/.venv-function, git-ignored, built here on
  first use) with only what the Lambda runtime and the Powertools layer give the function: boto3/botocore (the
  runtime), aws-lambda-powertools and pydantic (the layer), at the versions requirements.txt pins. Dev-only
  packages (requests, moto, pytest...) are absent, so X-Ray has nothing extra to patch and nothing extra loads.
- **Asset**: the staged asset infra/asset.py gives the stack (sources and their bytecode for the runtime's Python),
  copied into a task root that the process does not write bytecode into (/var/task is read-only in Lambda).
- **Variables**: LAMBDA_TASK_ROOT, LAMBDA_RUNTIME_DIR, AWS_LAMBDA_FUNCTION_NAME, _MEMORY_SIZE, AWS_EXECUTION_ENV,
  AWS_XRAY_DAEMON_ADDRESS and the rest. Without LAMBDA_TASK_ROOT the X-Ray SDK believes it runs outside Lambda and
  builds a sampling client with a botocore session of its own, tens of milliseconds that never happen in AWS.
  _X_AMZN_TRACE_ID is set per invocation by the child, as Lambda's runtime does (it is absent during INIT).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from infra.asset import RUNTIME_VERSION, asset_files, shipped_files, staged_asset

ROOT = Path(__file__).resolve().parent.parent
FUNCTION_VENV = ROOT / "bench" / ".venv-function"
# What the function gets from AWS, not from its asset: the runtime's boto3, the layer's Powertools and pydantic.
FUNCTION_PACKAGES = ("aws-lambda-powertools", "boto3", "pydantic", "snapshot-restore-py")
FUNCTION_NAME = "resend-confirmation-code-bench"


def pinned_function_requirements(requirements: Path = ROOT / "requirements.txt") -> list[str]:
    """The requirements.txt lines for the packages Lambda provides, e.g. ["aws-lambda-powertools==3.37.0"].

    Raises LookupError when one of FUNCTION_PACKAGES is not pinned there (the bench must not guess a version).
    """
    lines = [line.split("#")[0].strip() for line in requirements.read_text(encoding="utf-8").splitlines()]
    pins = []
    for package in FUNCTION_PACKAGES:
        found = [line for line in lines if re.match(rf"^{re.escape(package)}(\[[^\]]*\])?==", line)]
        if len(found) != 1:
            raise LookupError(f"requirements.txt must pin {package} exactly once")
        pins.append(found[0])
    return pins


def function_python() -> Path:
    """The function side's interpreter, building its virtual environment first when missing or stale (~15 s)."""
    pins = pinned_function_requirements()
    stamp = FUNCTION_VENV / ".pins"
    wanted = hashlib.sha256("\n".join(pins).encode()).hexdigest()
    python = FUNCTION_VENV / "bin" / "python"
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        shutil.rmtree(FUNCTION_VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(FUNCTION_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *pins], check=True)
        stamp.write_text(wanted)
    return python


def lay_out_asset(task_root: Path, which: str, *, with_bytecode: bool = True) -> Path:
    """Copy the function's files into task_root as the stack packages them; return task_root.

    which: "product" (the staged asset of infra/asset.py: lambda/'s sources and their .pyc for the runtime's
    Python) or "baseline" (bench/naive_handler.py alone).
    with_bytecode: for the product, also what those .pyc are to the runtime, bytecode for the bench's own
    interpreter (checked-hash, as shipped; a 3.14 .pyc means nothing to this machine's Python). False lays out the
    sources alone, as the stack shipped them before, so each cold start compiles them.
    """
    task_root.mkdir(parents=True, exist_ok=True)
    if which == "product":
        staged = staged_asset(RUNTIME_VERSION)
        for relative in shipped_files(staged) if with_bytecode else asset_files():
            target = task_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged / relative, target)
        if with_bytecode:
            subprocess.run(
                [
                    str(function_python()),
                    "-m",
                    "compileall",
                    "-q",
                    "--invalidation-mode",
                    "checked-hash",
                    str(task_root),
                ],
                check=True,
            )
    else:
        shutil.copyfile(ROOT / "bench" / "naive_handler.py", task_root / "naive_handler.py")
    return task_root


def lambda_variables(task_root: Path, runtime_dir: Path, memory_mb: int, region: str) -> dict[str, str]:
    """The variables Lambda sets for a Python function during INIT (the trace header comes per invocation)."""
    return {
        "LAMBDA_TASK_ROOT": str(task_root),
        "LAMBDA_RUNTIME_DIR": str(runtime_dir),
        "AWS_EXECUTION_ENV": f"AWS_Lambda_python{RUNTIME_VERSION}",
        "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAME,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{FUNCTION_NAME}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/29/[$LATEST]0123456789abcdef0123456789abcdef",
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "_AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1",
        "_AWS_XRAY_DAEMON_PORT": "2000",
        "_HANDLER": "handler.lambda_handler",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        # /var/task is read-only in Lambda: a cold start compiles what has no shipped bytecode, every time.
        "PYTHONDONTWRITEBYTECODE": "1",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
