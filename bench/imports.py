"""`python -m bench.imports`: where the product's cold start goes beyond the baseline's, counted in instructions.

Each step imports one more part of what lambda/handler.py imports, in the handler's order (then the operation module a
route imports on its first request), in a fresh process of the
function side's interpreter, with the variables Lambda sets and the asset as shipped (bench/lambda_env.py), under
callgrind (valgrind). A step's figure is what it adds to the one before: instructions do not move with the machine's
load, so one run of each is the measurement. Parts that share modules (boto3 and Powertools both load typing,
dataclasses, email...) are charged to whichever comes first, as in the handler. docs/performance.md quotes it.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from bench.lambda_env import function_python
from bench.run import CALLGRIND, CALLGRIND_ENV, PRODUCT, Arm, instructions_counted

_LAZY = "from code_screens.runtime.lazy_packages import defer_package_inits; defer_package_inits()"
# (label, statements that step adds), cumulative, in the order lambda/handler.py runs them. GC is paused as the
# handler pauses it, so no step pays for the collector.
STEPS: tuple[tuple[str, str | None], ...] = (
    ("Python itself", "import gc, os; gc.disable()"),
    ("boto3", "import boto3"),
    ("Powertools (its Logger and Metrics), three packages registered lazily (lazy_packages.py)", _LAZY),
    ("Powertools Logger and Metrics (already there)", "from aws_lambda_powertools import Logger, Metrics"),
    ("Powertools REST resolver", "from aws_lambda_powertools.event_handler import APIGatewayRestResolver"),
    ("Powertools Secrets Manager provider", "from aws_lambda_powertools.utilities.parameters import SecretsProvider"),
    (
        "this project's modules (settings, the route table, the shared schemas and rules, both doors)",
        "from code_screens.doors import json_api",
    ),
    ("handler.py: settings, resolver and both AWS clients", "import handler"),
    (
        "the operation a first request imports (ResendConfirmationCode: schema, generated validator, outcome table)",
        "import code_screens.operations.resend_confirmation_code",
    ),
    ("(for scale: the naive baseline's two clients after boto3)", None),
)


def count(python: Path, env: dict[str, str], code: str, task_root: Path) -> int:
    """Instructions callgrind counts for `python -c code` run in task_root, up to the end of code (os imported)."""
    completed = subprocess.run(
        # Ended at once: the interpreter's shutdown (freeing every object) is no part of a cold start.
        [*CALLGRIND, str(python), "-c", f"{code}\nos._exit(0)"],
        env={**env, **CALLGRIND_ENV, "PYTHONPATH": str(task_root)},
        cwd=task_root,
        capture_output=True,
        text=True,
        check=True,
    )
    return instructions_counted(completed.stderr)


def main() -> None:
    python = function_python()
    with tempfile.TemporaryDirectory() as folder:
        # The product arm of `make bench`: its task root and the environment the stack gives the function. No AWS
        # call is made (nothing here sends a request), so its endpoint is never reached.
        arm = Arm(PRODUCT, Path(folder), python, endpoint="http://127.0.0.1:9")
        task_root = Path(arm.env["LAMBDA_TASK_ROOT"])
        print("| step | instructions it adds | running total |")
        print("|---|---|---|")
        code, previous = "", 0
        for label, statements in STEPS:
            if statements is None:
                clients = "boto3.client('secretsmanager'); boto3.client('cognito-idp')"
                total = count(python, arm.env, f"import gc, os; gc.disable()\nimport boto3\n{clients}", task_root)
                print(f"| {label} | | {total / 1e6:.0f} M |")
                continue
            code += statements + "\n"
            total = count(python, arm.env, code, task_root)
            print(f"| {label} | {(total - previous) / 1e6:+.0f} M | {total / 1e6:.0f} M |", flush=True)
            previous = total


if __name__ == "__main__":
    main()
