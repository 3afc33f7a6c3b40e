"""`python -m bench.warm_parts`: what each part of the product's own work costs a warm valid request, in place.

The warm target (issue 19: at most 0.6x the naive handler's CPU time) is read against this. The product's request
is one botocore call to Cognito plus its own work (Powertools' resolver and decorators, validation, the log line,
the counts); the baseline's is two botocore calls. Each variant leaves one part out (bench/child.py's parts()), and
every variant and the baseline take turns request by request in one warm process of the function side's
interpreter, with the asset as shipped and the variables Lambda sets, so the machine's drift hits all alike. CPU
time per request, median of BENCH_PARTS_ROUNDS rounds (1,500 by default); a report for docs/performance.md, not a
test.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.fake_aws import FakeAwsForBench
from bench.run import PRODUCT, ROOT, arms, write_events

ROUNDS = int(os.environ.get("BENCH_PARTS_ROUNDS", "1500"))


def main() -> None:
    fake = FakeAwsForBench()
    fake.start()
    try:
        with arms(fake.url) as by_name, tempfile.TemporaryDirectory() as folder:
            events = write_events(Path(folder))
            arm = by_name[PRODUCT]
            out = Path(folder) / "parts.json"
            child = [str(arm.python), str(ROOT / "bench" / "child.py"), arm.module, "parts", str(events), str(out)]
            subprocess.run(
                [*child, str(ROUNDS)],
                env=arm.env,
                capture_output=True,
                check=True,
            )
            cpu: dict[str, list[float]] = json.loads(out.read_text())["parts_cpu_ms"]
    finally:
        fake.shutdown()
    baseline = statistics.median(cpu["naive baseline"])
    print(f"Warm valid request, CPU time, median of {ROUNDS} interleaved rounds:\n")
    print("| variant | CPU per request | ratio to the naive baseline |")
    print("|---|---|---|")
    for name, values in cpu.items():
        median = statistics.median(values)
        print(f"| {name} | {median * 1000:.0f} us | {median / baseline:.2f}x |")


if __name__ == "__main__":
    main()
