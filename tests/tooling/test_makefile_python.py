"""`make` checks the interpreter before installing anything, and remakes a virtual environment that another
interpreter made. Run on a copy of the Makefile in a temporary folder with `make -n` (nothing is installed)."""

from __future__ import annotations

import glob
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _interpreters() -> dict[tuple[int, int], str]:
    """Real Python interpreters on this machine by version (PATH, pyenv, Debian's /usr/bin)."""
    candidates = [shutil.which(f"python3.{minor}") for minor in range(6, 16)]
    candidates += glob.glob("/root/.pyenv/versions/*/bin/python3") + glob.glob("/usr/bin/python3.*")
    found: dict[tuple[int, int], str] = {}
    for path in filter(None, candidates):
        try:
            out = subprocess.run(
                [path, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True, timeout=10
            )
        except OSError:
            continue
        if out.returncode == 0 and out.stdout.strip():
            major, minor = (int(part) for part in out.stdout.split())
            found.setdefault((major, minor), path)
    return found


INTERPRETERS = _interpreters()


def _project_copy(tmp_path: Path) -> Path:
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", "package.json", "package-lock.json"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def _make(folder: Path, python: str, target: str = "run") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-n", target, f"PYTHON={python}"], cwd=folder, capture_output=True, text=True, timeout=60
    )


def test_an_interpreter_older_than_3_11_is_refused_before_anything_is_installed(tmp_path: Path) -> None:
    older = [path for version, path in sorted(INTERPRETERS.items()) if (3, 0) <= version < (3, 11)]
    if not older:
        pytest.skip("no Python older than 3.11 on this machine to try the check with")
    folder = _project_copy(tmp_path)

    made = _make(folder, older[-1])

    assert made.returncode != 0
    assert "needs Python 3.11 or newer" in made.stderr
    assert "pip install" not in made.stdout and not (folder / ".venv").exists()


def test_a_virtual_environment_made_by_another_interpreter_is_made_again(tmp_path: Path) -> None:
    current = sys.version_info[:2]
    other = [path for version, path in INTERPRETERS.items() if version >= (3, 11) and version != current]
    if not other:
        pytest.skip("needs a second Python 3.11+ interpreter on this machine (a different version from this one)")
    folder = _project_copy(tmp_path)
    subprocess.run([other[0], "-m", "venv", "--without-pip", str(folder / ".venv")], check=True, timeout=120)

    made = _make(folder, sys.executable)

    assert made.returncode == 0, made.stderr
    assert "was made with another Python interpreter" in made.stdout
    assert not (folder / ".venv").exists()  # removed; `make run` (without -n) would create it with PYTHON
    assert f"{sys.executable} -m venv .venv" in made.stdout


def test_a_virtual_environment_made_by_the_same_interpreter_is_kept(tmp_path: Path) -> None:
    folder = _project_copy(tmp_path)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder / ".venv")], check=True, timeout=120)

    made = _make(folder, sys.executable)

    assert made.returncode == 0, made.stderr
    assert "another Python interpreter" not in made.stdout
    assert (folder / ".venv" / "bin" / "python").exists()
