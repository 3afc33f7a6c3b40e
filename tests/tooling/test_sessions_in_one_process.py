"""`make mutate` runs pytest many times in one process (mutmut's forks of it): a session must not inherit what an
earlier one cached, such as an AWS client pointed at the earlier session's emulator, which is gone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

# The rotation function caches its clients for its execution environment, as Lambda keeps them warm.
ROTATION_TEST = (
    "tests/integration/test_client_secret_rotation.py::test_rotate_secret_stores_a_new_secret_and_revokes_the_old"
)


@pytest.mark.slow
def test_a_second_session_in_the_same_process_reaches_its_own_emulator() -> None:
    code = (
        "import pytest\n"
        f"args = ['-q', '-p', 'no:cacheprovider', {ROTATION_TEST!r}]\n"
        "print('exit codes', pytest.main(args), pytest.main(args))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)

    assert "exit codes 0 0" in completed.stdout, completed.stdout[-3000:]
