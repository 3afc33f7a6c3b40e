"""The stack reads the function's route table, request models, settings table and metric names at synth time, and
must not load the function's runtime with them: boto3, botocore and Powertools belong to the Lambda, not to
`cdk synth` (a settings module that imported the limiter once made every synth load all three)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

PROBE = """
import sys
sys.path[:0] = ["lambda", "."]
import infra.stack  # noqa: F401  (every construct of the stack, and what they read from lambda/)
print("loaded:" + ",".join(sorted(m for m in ("boto3", "botocore", "aws_lambda_powertools") if m in sys.modules)))
"""


@pytest.mark.slow  # synthesizes the stack in a process of its own
def test_synthesizing_the_stack_loads_neither_boto3_nor_powertools() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )

    assert result.stdout.strip().splitlines()[-1] == "loaded:"
