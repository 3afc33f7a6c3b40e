"""What the function's code asset holds: lambda/ without caches or dot-files. The stack packages it with these
excludes, and the benchmark measures the same set of files."""

from __future__ import annotations

import fnmatch
from pathlib import Path

LAMBDA_DIR = Path(__file__).resolve().parent.parent / "lambda"
ASSET_EXCLUDES = ["**/__pycache__", "**/*.pyc", "**/.*"]


def _excluded(relative: str) -> bool:
    parts = relative.split("/")
    return any(
        fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(part, pattern.removeprefix("**/"))
        for pattern in ASSET_EXCLUDES
        for part in parts
    )


def asset_files(root: Path = LAMBDA_DIR) -> list[Path]:
    """The files CDK puts in the asset, relative to `root`, sorted."""
    return sorted(
        path.relative_to(root)
        for path in root.rglob("*")
        if path.is_file() and not _excluded(str(path.relative_to(root)))
    )
