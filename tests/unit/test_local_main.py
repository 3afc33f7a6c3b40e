"""`python -m local` names the function's Powertools service before it imports any of the function's modules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import local.__main__
from code_screens import observability
print(observability.logger.service)
"""


@pytest.mark.slow  # starts the local server in a process of its own
def test_the_local_servers_modules_log_under_the_functions_service() -> None:
    """A module imported before the service is named logs under "service_undefined", with no JSON formatter: the
    local server's "Response time floor exceeded" line came out bare, without over_ms or user_ref."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POWERTOOLS_")}
    env["PYTHONPATH"] = f"{ROOT / 'lambda'}:{ROOT}"

    completed = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )

    assert completed.stdout.strip() == "resend-confirmation-code"
