"""`make bench`: this project's handler against the naive baseline, measured in one run, with the cost model.

Prints a readable table and a JSON summary, writes artifacts/bench.json, and rewrites the "Latest run" part of
docs/performance.md. Every figure has its ratio to the baseline; each target prints PASS or FAIL. It is a
report, not a CI gate.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cost_model, features
from bench.fake_aws import CLIENT_ID, SECRET_ID, FakeAwsForBench
from infra.asset import LAMBDA_DIR, asset_files

ROOT = Path(__file__).resolve().parent.parent
COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", "12"))
WARM_REQUESTS = int(os.environ.get("BENCH_WARM_REQUESTS", "2000"))
MEMORY_SIZE_MB = 256  # the stack's default (infra/config.py)
PERFORMANCE_DOC = ROOT / "docs" / "performance.md"
GET_SECRET = "secretsmanager.GetSecretValue"
RESEND = "AWSCognitoIdentityProviderService.ResendConfirmationCode"


def child_env(which: str, endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        PYTHONDONTWRITEBYTECODE="",
    )
    if which == "product":  # as the stack configures the function (infra/function_construct.py)
        env.update(
            APP_CLIENTS=json.dumps({CLIENT_ID: SECRET_ID}),
            POWERTOOLS_SERVICE_NAME="resend-confirmation-code",
            POWERTOOLS_METRICS_NAMESPACE="ResendConfirmationCode",
            POWERTOOLS_PARAMETERS_MAX_AGE="300",
            POWERTOOLS_LOG_LEVEL="INFO",
        )
    else:
        env["SECRET_ID"] = SECRET_ID
    return env


def run_child(which: str, mode: str, endpoint: str, count: int = 0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        subprocess.run(
            [sys.executable, "-m", "bench.child", which, mode, str(out), str(count)],
            cwd=ROOT,
            env=child_env(which, endpoint),
            check=True,
        )
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def import_contributors(which: str, endpoint: str, top: int = 8) -> list[tuple[str, float]]:
    """Top-level imports by cumulative time (`python -X importtime`), in milliseconds."""
    folder = ROOT / ("lambda" if which == "product" else "bench")
    module = "handler" if which == "product" else "naive_handler"
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=folder,
        env=child_env(which, endpoint),
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in completed.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if match and len(match.group(3)) <= 2:  # the module itself and what it imports directly
            rows.append((match.group(4).strip(), int(match.group(2)) / 1000))
    return sorted(rows, key=lambda row: row[1], reverse=True)[:top]


def zipped_size(files: list[tuple[Path, str]]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "asset.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path, name in files:
                zipped.write(path, name)
        return archive.stat().st_size


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] if len(values) >= 2 else values[0]


def measure() -> dict[str, Any]:
    fake = FakeAwsForBench()
    fake.start()
    results: dict[str, Any] = {"product": {}, "baseline": {}}
    cold: dict[str, list[dict[str, float]]] = {"product": [], "baseline": []}
    for _ in range(COLD_RUNS):  # interleaved, so drift on the machine hits both alike
        for which in ("product", "baseline"):
            cold[which].append(run_child(which, "cold", fake.url))
    for which in ("product", "baseline"):
        runs = cold[which]
        results[which]["cold"] = {
            key: statistics.median(run[key] for run in runs) for key in ("import_ms", "first_request_ms", "cold_ms")
        }
        results[which]["import_contributors"] = import_contributors(which, fake.url)

    for which in ("product", "baseline"):
        secrets_before, resend_before = fake.count(GET_SECRET), fake.count(RESEND)
        warm = run_child(which, "warm", fake.url, WARM_REQUESTS)
        total_requests = 1 + 2 * WARM_REQUESTS  # the warm-up request, then valid and invalid
        valid_resends = 1 + WARM_REQUESTS
        results[which]["warm"] = {
            kind: {
                "p50_ms": percentile(warm[kind]["ms"], 50),
                "p99_ms": percentile(warm[kind]["ms"], 99),
                "statuses": warm[kind]["statuses"],
                "log_bytes_per_request": warm[kind]["log_bytes_per_request"],
            }
            for kind in ("valid", "invalid")
        }
        secret_calls = fake.count(GET_SECRET) - secrets_before
        resend_calls = fake.count(RESEND) - resend_before
        results[which]["secret_calls_per_1000"] = secret_calls / total_requests * 1000
        results[which]["secret_calls_per_process"] = secret_calls
        results[which]["cognito_calls_per_1000_invalid"] = max(0, resend_calls - valid_resends) / WARM_REQUESTS * 1000
    fake.shutdown()

    results["product"]["asset_zip_bytes"] = zipped_size([(LAMBDA_DIR / f, str(f)) for f in asset_files()])
    results["baseline"]["asset_zip_bytes"] = zipped_size([(ROOT / "bench" / "naive_handler.py", "naive_handler.py")])
    return results


def ratio(product: float, baseline: float) -> float:
    return product / baseline if baseline else float("inf")


def targets(r: dict[str, Any]) -> list[tuple[str, bool, str]]:
    p, b = r["product"], r["baseline"]
    cold = ratio(p["cold"]["cold_ms"], b["cold"]["cold_ms"])
    warm = ratio(p["warm"]["valid"]["p50_ms"], b["warm"]["valid"]["p50_ms"])
    return [
        ("cold start <= 1.3x baseline", cold <= 1.3, f"{cold:.2f}x"),
        ("warm valid request <= 0.6x baseline", warm <= 0.6, f"{warm:.2f}x"),
        (
            "Secrets Manager calls <= 1 per cache period per process",
            p["secret_calls_per_process"] <= 1,
            f"{p['secret_calls_per_process']} in {1 + 2 * WARM_REQUESTS} requests",
        ),
        (
            "zero Cognito calls for invalid input",
            p["cognito_calls_per_1000_invalid"] == 0,
            f"{p['cognito_calls_per_1000_invalid']:.0f} per 1,000",
        ),
        ("code asset < 50 KB zipped", p["asset_zip_bytes"] < 50_000, f"{p['asset_zip_bytes'] / 1000:.1f} KB"),
    ]


def cost_tables(r: dict[str, Any]) -> dict[str, Any]:
    def measured(which: str) -> cost_model.Measured:
        side = r[which]
        return cost_model.Measured(
            warm_valid_ms=side["warm"]["valid"]["p50_ms"],
            cold_ms=side["cold"]["cold_ms"],
            log_bytes_per_request=side["warm"]["valid"]["log_bytes_per_request"],
        )

    stack, naive = cost_model.stack_design(MEMORY_SIZE_MB), cost_model.NAIVE
    product, baseline = measured("product"), measured("baseline")
    by_volume = {
        str(volume): {
            "stack": cost_model.monthly_cost(stack, product, volume),
            "naive": cost_model.monthly_cost(naive, baseline, volume),
        }
        for volume in cost_model.VOLUMES
    }
    memory = {
        str(mb): {
            "warm_request_ms_estimate": cost_model.warm_latency_ms(cost_model.stack_design(mb), product),
            "lambda_cost_at_1m": sum(
                v
                for k, v in cost_model.monthly_cost(cost_model.stack_design(mb), product, 1_000_000).items()
                if k.startswith("Lambda")
            ),
        }
        for mb in (128, 256, 512, 1024)
    }
    return {
        "by_volume": by_volume,
        "break_even_requests_per_month": cost_model.break_even(stack, product, naive, baseline),
        "memory_options": memory,
        "assumptions": cost_model.ASSUMPTIONS,
    }


def money(value: float) -> str:
    return f"${value:,.2f}"


def report(r: dict[str, Any], costs: dict[str, Any]) -> str:
    p, b = r["product"], r["baseline"]
    lines = [
        f"Measured {r['date']} on {r['machine']}, Python {r['python']}. AWS is a fast loopback fake "
        "(bench/fake_aws.py), so these are the handlers' own costs; network time to AWS is not in them.",
        "",
        "| figure | this project | naive baseline | ratio |",
        "|---|---|---|---|",
    ]

    def row(label: str, product: float, baseline: float, unit: str = " ms") -> None:
        times = f"{ratio(product, baseline):.2f}x" if baseline else "n/a"
        lines.append(f"| {label} | {product:.1f}{unit} | {baseline:.1f}{unit} | {times} |")

    row(f"cold start: import + first request (median of {COLD_RUNS})", p["cold"]["cold_ms"], b["cold"]["cold_ms"])
    row("  of which import", p["cold"]["import_ms"], b["cold"]["import_ms"])
    row("  of which first request", p["cold"]["first_request_ms"], b["cold"]["first_request_ms"])
    for kind in ("valid", "invalid"):
        for stat in ("p50_ms", "p99_ms"):
            row(f"warm {kind} request {stat[:3]} ({WARM_REQUESTS})", p["warm"][kind][stat], b["warm"][kind][stat])
    row("Secrets Manager calls per 1,000 requests", p["secret_calls_per_1000"], b["secret_calls_per_1000"], "")
    row(
        "Cognito calls per 1,000 invalid requests",
        p["cognito_calls_per_1000_invalid"],
        b["cognito_calls_per_1000_invalid"],
        "",
    )
    row("log bytes per valid request", p["warm"]["valid"]["log_bytes_per_request"], 0.0, " B")
    row("code asset, zipped", p["asset_zip_bytes"] / 1000, b["asset_zip_bytes"] / 1000, " KB")
    lines += ["", "| target | result | measured |", "|---|---|---|"]
    lines += [f"| {name} | {'PASS' if ok else 'FAIL'} | {value} |" for name, ok, value in r["targets"]]
    for which, label in (("product", "this project"), ("baseline", "naive baseline")):
        top = ", ".join(f"{name} {ms:.0f} ms" for name, ms in r[which]["import_contributors"])
        lines += ["", f"Top imports, {label} (cumulative, `-X importtime`): {top}."]

    lines += ["", "Monthly cost (US$, us-east-1 list prices; see the model below):", ""]
    header = "| line | " + " | ".join(f"{int(v):,} stack | {int(v):,} naive" for v in cost_model.VOLUMES) + " |"
    lines += [header, "|---|" + "---|" * (2 * len(cost_model.VOLUMES))]
    items = list(costs["by_volume"][str(cost_model.VOLUMES[0])]["stack"])
    for item in [*items, "total"]:
        cells = []
        for volume in cost_model.VOLUMES:
            for side in ("stack", "naive"):
                bill = costs["by_volume"][str(volume)][side]
                cells.append(money(sum(bill.values()) if item == "total" else bill[item]))
        lines.append(f"| {item} | " + " | ".join(cells) + " |")
    even = costs["break_even_requests_per_month"]
    lines += [
        "",
        f"Break-even: from about {even:,} requests a month the stack costs less than the naive design."
        if even
        else "Break-even: none below 1 billion requests a month.",
        "",
        "| memory | estimated warm request in Lambda | Lambda cost at 1 M requests/month |",
        "|---|---|---|",
    ]
    for mb, option in costs["memory_options"].items():
        lines.append(
            f"| {mb} MB | {option['warm_request_ms_estimate']:.0f} ms | {money(option['lambda_cost_at_1m'])} |"
        )
    lines += ["", "Assumptions: " + "; ".join(f"{k}: {v}" for k, v in costs["assumptions"].items()) + "."]
    warm_ms = costs["memory_options"][str(MEMORY_SIZE_MB)]["warm_request_ms_estimate"]
    lines += features.report_lines(warm_ms, MEMORY_SIZE_MB)
    return "\n".join(lines)


def update_doc(section: str) -> None:
    text = PERFORMANCE_DOC.read_text(encoding="utf-8")
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    PERFORMANCE_DOC.write_text(f"{before}{start}\n{section}\n{end}{after}", encoding="utf-8")


def main() -> None:
    results = measure()
    results["date"] = datetime.now(UTC).strftime("%Y-%m-%d")
    results["machine"] = f"{os.cpu_count()} CPUs ({os.uname().machine})"
    results["python"] = sys.version.split()[0]
    results["targets"] = targets(results)
    costs = cost_tables(results)
    text = report(results, costs)
    (ROOT / "artifacts").mkdir(exist_ok=True)
    summary = {"results": results, "costs": costs}
    (ROOT / "artifacts" / "bench.json").write_text(json.dumps(summary, indent=2))
    print(text)
    print()
    print(json.dumps({"targets": results["targets"], "product": results["product"], "baseline": results["baseline"]}))
    update_doc(text)


if __name__ == "__main__":
    main()
