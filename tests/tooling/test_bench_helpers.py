"""The benchmark's own arithmetic and plumbing (the timings themselves are a report, never asserted)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from bench.child import IMPORT_END, IMPORT_START
from bench.lambda_env import pinned_function_requirements
from bench.run import feature_lines, import_breakdown, spread


def test_import_breakdown_sums_self_time_by_package_between_the_markers() -> None:
    stderr = "\n".join(
        [
            "import time:       100 |        100 | site",
            IMPORT_START,
            "import time:      2000 |       5000 |     botocore.model",
            "import time:      3000 |       3000 |   botocore",
            "import time:       500 |        500 |     code_screens.settings",
            "import time:      1500 |       2000 | handler",
            IMPORT_END,
            "import time:      9000 |       9000 | later",
        ]
    )

    assert import_breakdown(stderr) == {"botocore": 5.0, "code_screens": 0.5, "handler": 1.5}


def test_spread_is_the_median_and_the_interquartile_range() -> None:
    assert spread([1.0, 2.0, 3.0, 4.0, 100.0]) == {"median": 3.0, "p25": 2.0, "p75": 4.0}
    assert spread([7.0]) == {"median": 7.0, "p25": 7.0, "p75": 7.0}


def test_the_function_side_gets_exactly_the_pinned_runtime_and_layer_packages(tmp_path: Path) -> None:
    pins = pinned_function_requirements()

    assert [pin.split("==")[0] for pin in pins] == [
        "aws-lambda-powertools",
        "boto3",
        "pydantic",
        "snapshot-restore-py",
    ]
    unpinned = tmp_path / "requirements.txt"
    unpinned.write_text("aws-lambda-powertools[tracer]==3.37.0\nboto3>=1\npydantic==2.14.4\n")
    with pytest.raises(LookupError, match="pin boto3"):
        pinned_function_requirements(unpinned)


def test_features_measured_in_bench_features_get_their_own_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    features = types.ModuleType("bench.features")
    features.report_lines = lambda: ["| per-username limit | 12.0 ms |"]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bench.features", features)

    assert feature_lines() == ["| per-username limit | 12.0 ms |"]
