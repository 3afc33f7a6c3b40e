"""`python -m bench.steps`: what each cold-start remedy is worth, each measured against the naive baseline in one
interleaved run (docs/performance.md, "Each step, measured").

Every arm is the shipped asset with one remedy taken back out of a copy of lambda/handler.py (or, for bytecode,
the .pyc left out), so each line reads "without this remedy, the cold start would be ...". The lines are printed
and not written anywhere; they are a record of why each remedy stays.
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.fake_aws import FakeAwsForBench
from bench.lambda_env import function_python
from bench.run import BASELINE, PRODUCT, PRODUCT_SOURCE_ONLY, Arm, spread, write_events

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


def _without_gc_pause(source: str) -> str:
    return re.sub(r"^gc\.(disable|freeze|enable)\(\)$", "", source, flags=re.MULTILINE)


def _eager_packages(source: str) -> str:
    """Powertools' packages imported whole, each __init__ importing every module beside it (as before)."""
    return source.replace("\ndefer_package_inits()\n", "\n")


VARIANTS: dict[str, Callable[[str], str]] = {
    "without GC paused during INIT": _without_gc_pause,
    "Powertools packages imported whole (every resolver, event class and provider)": _eager_packages,
}


def main() -> None:
    fake = FakeAwsForBench()
    fake.start()
    python = function_python()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        events = write_events(root)
        arms = {name: Arm(name, root, python, fake.url) for name in (PRODUCT, PRODUCT_SOURCE_ONLY, BASELINE)}
        labels = {PRODUCT: "as shipped (every remedy)", PRODUCT_SOURCE_ONLY: "without the shipped bytecode"}
        for number, (label, edit) in enumerate(VARIANTS.items()):
            arm = Arm(PRODUCT, root / f"variant{number}", python, fake.url)
            handler = Path(arm.env["LAMBDA_TASK_ROOT"]) / "handler.py"
            edited = edit(handler.read_text())
            assert edited != handler.read_text(), f"{label}: the edit no longer applies to handler.py"
            handler.write_text(edited)
            for stale in handler.parent.glob("__pycache__/handler.*.pyc"):
                stale.unlink()  # its bytecode is the unedited handler's; compile the edit (the .pyc is checked)
            arms[f"variant{number}"], labels[f"variant{number}"] = arm, label
        cold: dict[str, list[dict[str, float]]] = {name: [] for name in arms}
        for _ in range(ROUNDS):
            for name, arm in arms.items():
                cold[name].append(arm.run("cold", events))
    fake.shutdown()
    print(f"Cold start (import + first request) against the naive baseline, {ROUNDS} interleaved rounds;")
    print("median [interquartile range] of each round's ratio:")
    print()
    print("| product | CPU time, ms | ratio, CPU time | wall clock, ms | ratio, wall clock |")
    print("|---|---|---|---|---|")
    for name, label in [*labels.items(), (BASELINE, "naive baseline")]:
        cells = []
        for key in ("cold_cpu_ms", "cold_ms"):
            ms = statistics.median(run[key] for run in cold[name])
            r = spread([a[key] / b[key] for a, b in zip(cold[name], cold[BASELINE], strict=True)])
            cells.append(f"{ms:.0f} | {r['median']:.2f}x [{r['p25']:.2f}-{r['p75']:.2f}]")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
