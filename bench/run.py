"""`make bench`: this project's handler against the naive baseline, measured as Lambda runs them, in one run.

Each measurement is a fresh process of the function side's own interpreter environment (only what Lambda's runtime
and the Powertools layer provide), with the asset laid out as the stack packages it and the variables Lambda sets
(bench/lambda_env.py). The handlers are interleaved (A B A B ...) over BENCH_ROUNDS rounds, so drift on a noisy
machine hits both alike; only ratios from one run mean anything, and each comes with its spread.

Prints a readable report and a JSON summary, writes artifacts/bench.json, and rewrites the "Latest run" part of
docs/performance.md. Each target prints PASS or FAIL. It is a report, not a CI gate: no test asserts a time.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cost_model
from bench.child import IMPORT_END, IMPORT_START
from bench.fake_aws import CLIENT_ID, SECRET_ID, FakeAwsForBench
from bench.lambda_env import function_python, lambda_variables, lay_out_asset
from infra.asset import ASSET_BUDGET_BYTES, RUNTIME_VERSION, shipped_files, staged_asset
from local.api_gateway_event import build_event

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "21"))
IMPORTTIME_ROUNDS = int(os.environ.get("BENCH_IMPORTTIME_ROUNDS", "5"))
WARM_ROUNDS = int(os.environ.get("BENCH_WARM_ROUNDS", "3"))
WARM_REQUESTS = int(os.environ.get("BENCH_WARM_REQUESTS", "1000"))  # per kind and handler, per warm process
MEMORY_SIZE_MB = 256  # the stack's default (infra/config.py)
REGION = "us-east-1"
PERFORMANCE_DOC = ROOT / "docs" / "performance.md"
GET_SECRET = "secretsmanager.GetSecretValue"
RESEND = "AWSCognitoIdentityProviderService.ResendConfirmationCode"
VALID = json.dumps({"username": "someone@example.com"})
INVALID = json.dumps({"username": "has space"})

# The arms of each round: the product as the stack ships it (bytecode included), the same without bytecode (what
# shipping .pyc saves; see docs/performance.md), and the naive baseline.
PRODUCT, PRODUCT_SOURCE_ONLY, BASELINE = "product", "product-source-only", "baseline"
ARMS = (PRODUCT, PRODUCT_SOURCE_ONLY, BASELINE)
MODULES = {PRODUCT: "handler", PRODUCT_SOURCE_ONLY: "handler", BASELINE: "naive_handler"}
# Counting instructions: callgrind (Debian's valgrind) runs the command and prints the count on stderr; a fixed hash
# seed gives the same dict and set layouts, so the same instructions, every run.
CALLGRIND = ("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null")
CALLGRIND_ENV = {"PYTHONHASHSEED": "0"}


def instructions_counted(callgrind_stderr: str) -> int:
    """The count of instructions callgrind executed, from its stderr ("Collected : N")."""
    return int(re.findall(r"Collected : (\d+)", callgrind_stderr)[-1])


EMPTY_HANDLER = "empty_handler"
EMPTY_HANDLER_SOURCE = "def lambda_handler(event, context):\n    return {'statusCode': 200}\n"
COLD_FIGURES = ("cold_ms", "cold_cpu_ms", "import_ms", "first_request_ms", "gc_import_ms")


class Arm:
    """One handler as Lambda would run it: its task root, its environment and the function side's interpreter."""

    def __init__(self, name: str, folder: Path, python: Path, endpoint: str) -> None:
        self.name = name
        self.module = MODULES[name]
        self.python = python
        which = "baseline" if name == BASELINE else "product"
        task_root = lay_out_asset(folder / name / "task", which, with_bytecode=name != PRODUCT_SOURCE_ONLY)
        runtime_dir = folder / name / "runtime"
        runtime_dir.mkdir()
        self.env = lambda_variables(task_root, runtime_dir, MEMORY_SIZE_MB, REGION)
        self.env.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
        # For paired warm runs, the baseline's task root and setting sit beside the product's (bench/child.py).
        self.env.update(BASELINE_TASK_ROOT=str(folder / BASELINE / "task"), SECRET_ID=SECRET_ID)
        if which == "product":  # as the stack configures the function (infra/function_construct.py)
            self.env.update(
                APP_CLIENTS=json.dumps({CLIENT_ID: SECRET_ID}),
                POWERTOOLS_SERVICE_NAME="resend-confirmation-code",
                POWERTOOLS_METRICS_NAMESPACE="ResendConfirmationCode",
                POWERTOOLS_PARAMETERS_MAX_AGE="300",
                POWERTOOLS_LOG_LEVEL="INFO",
            )

    def run(
        self,
        mode: str,
        events: Path,
        count: int = 0,
        *,
        importtime: bool = False,
        instructions: bool = False,
        module: str | None = None,
    ) -> dict[str, Any]:
        """One fresh process of bench/child.py; its JSON result. importtime adds the `-X importtime` breakdown;
        instructions runs it under callgrind and adds `instructions`, the count of instructions it executed up to
        its result (its shutdown left out). module: another handler module of the task root than the arm's."""
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "result.json"
            flags = ["-X", "importtime"] if importtime else []
            under = list(CALLGRIND) if instructions else []
            completed = subprocess.run(
                [*under, str(self.python), *flags, str(ROOT / "bench" / "child.py"), module or self.module, mode]
                + [str(events)]
                + [str(out)]
                + ([str(count)] if count else []),
                env={**self.env, **CALLGRIND_ENV, "BENCH_EXIT_AT_ONCE": "1"} if instructions else self.env,
                capture_output=True,
                text=True,
            )
            if completed.returncode:
                raise RuntimeError(f"{self.name} {mode} run failed:\n{completed.stderr[-3000:]}")
            result: dict[str, Any] = json.loads(out.read_text())
            if importtime:
                result["importtime"] = import_breakdown(completed.stderr)
            if instructions:
                result["instructions"] = instructions_counted(completed.stderr)
            return result


def import_breakdown(stderr: str) -> dict[str, float]:
    """Self time (ms) of the handler's import, summed by top-level package, from `-X importtime` lines."""
    inside, totals = False, defaultdict[str, float](float)
    for line in stderr.splitlines():
        if line == IMPORT_START:
            inside = True
        elif line == IMPORT_END:
            break
        elif inside and (match := re.match(r"import time:\s+(\d+) \|\s+\d+ \| (\s*)(\S+)", line)):
            totals[match.group(3).split(".")[0]] += int(match.group(1)) / 1000
    return dict(totals)


def spread(values: list[float]) -> dict[str, float]:
    """Median and interquartile range (25th-75th percentile)."""
    if len(values) < 2:
        return {"median": values[0], "p25": values[0], "p75": values[0]}
    quartiles = statistics.quantiles(values, n=4, method="inclusive")
    return {"median": statistics.median(values), "p25": quartiles[0], "p75": quartiles[2]}


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] if len(values) >= 2 else values[0]


@contextmanager
def arms(endpoint: str) -> Iterator[dict[str, Arm]]:
    python = function_python()
    with tempfile.TemporaryDirectory() as folder:
        yield {name: Arm(name, Path(folder), python, endpoint) for name in ARMS}


def write_events(folder: Path) -> Path:
    def event(body: str) -> dict[str, Any]:
        headers = [("Content-Type", "application/json")]
        return build_event("POST", "/resend-confirmation-code", headers, body.encode(), "203.0.113.9", "/")

    path = folder / "events.json"
    path.write_text(json.dumps({"valid": event(VALID), "invalid": event(INVALID)}))
    return path


def measure() -> dict[str, Any]:
    fake = FakeAwsForBench()
    fake.start()
    results: dict[str, Any] = {name: {} for name in ARMS}
    with tempfile.TemporaryDirectory() as folder, arms(fake.url) as by_name:
        events = write_events(Path(folder))
        cold: dict[str, list[dict[str, float]]] = {name: [] for name in ARMS}
        for _ in range(ROUNDS):  # A B C A B C ...: drift on the machine hits every arm alike
            for name in ARMS:
                cold[name].append(by_name[name].run("cold", events))
        for name in ARMS:
            results[name]["cold"] = {key: spread([run[key] for run in cold[name]]) for key in COLD_FIGURES}
            results[name]["gc_import_collections"] = statistics.median(r["gc_import_collections"] for r in cold[name])
            # Paired ratios: each round's arm against the same round's baseline.
            for key in ("cold_ms", "cold_cpu_ms"):
                results[name][key.replace("_ms", "_ratio")] = spread(
                    [run[key] / base[key] for run, base in zip(cold[name], cold[BASELINE], strict=True)]
                )

        # Instructions executed, counted by callgrind: the one cold-start figure a busy machine cannot move (CPU time
        # still moves with caches and frequency). One run each is enough: the count is the same every time.
        # A handler that does nothing, run the same way, is the interpreter's start and the harness's own work:
        # taken off both, what is left is the span the CPU figures cover, the import and the first request.
        if shutil.which("valgrind"):
            baseline = by_name[BASELINE]
            (Path(baseline.env["LAMBDA_TASK_ROOT"]) / f"{EMPTY_HANDLER}.py").write_text(EMPTY_HANDLER_SOURCE)
            nothing = baseline.run("cold", events, instructions=True, module=EMPTY_HANDLER)["instructions"]
            for name in (PRODUCT, BASELINE):
                counted = by_name[name].run("cold", events, instructions=True)["instructions"]
                results[name]["cold_instructions"] = counted - nothing

        breakdowns: dict[str, list[dict[str, float]]] = {name: [] for name in ARMS}
        for _ in range(IMPORTTIME_ROUNDS):
            for name in (PRODUCT, BASELINE):
                breakdowns[name].append(by_name[name].run("cold", events, importtime=True)["importtime"])
        for name in (PRODUCT, BASELINE):
            packages = {package for run in breakdowns[name] for package in run}
            medians = {p: statistics.median(run.get(p, 0.0) for run in breakdowns[name]) for p in packages}
            results[name]["import_by_package"] = sorted(medians.items(), key=lambda item: item[1], reverse=True)

        # AWS call counts: one warm process per handler, each alone against the fake.
        calls: dict[str, dict[str, list[int]]] = {name: {"secret": [], "resend": []} for name in (PRODUCT, BASELINE)}
        for name in (PRODUCT, BASELINE):
            secrets_before, resend_before = fake.count(GET_SECRET), fake.count(RESEND)
            by_name[name].run("warm", events, WARM_REQUESTS)
            calls[name]["secret"].append(fake.count(GET_SECRET) - secrets_before)
            calls[name]["resend"].append(fake.count(RESEND) - resend_before)
        # Latency: both handlers warm in one process, requests alternating (bench/child.py's paired()).
        paired = [by_name[PRODUCT].run("paired", events, WARM_REQUESTS) for _ in range(WARM_ROUNDS)]
    fake.shutdown()

    total_requests = 1 + 2 * WARM_REQUESTS  # per process: the first request, then valid and invalid
    valid_resends = 1 + WARM_REQUESTS
    for name, side in ((PRODUCT, "product"), (BASELINE, "baseline")):
        results[name]["warm"] = {
            kind: {
                "p50_ms": percentile([ms for run in paired for ms in run[kind][side]["ms"]], 50),
                "p99_ms": percentile([ms for run in paired for ms in run[kind][side]["ms"]], 99),
                "p50_by_process": [percentile(run[kind][side]["ms"], 50) for run in paired],
                "cpu_p50_ms": percentile([ms for run in paired for ms in run[kind][side]["cpu_ms"]], 50),
                "cpu_mean_ms": statistics.mean(ms for run in paired for ms in run[kind][side]["cpu_ms"]),
                "cpu_p50_by_process": [percentile(run[kind][side]["cpu_ms"], 50) for run in paired],
                "statuses": sorted({s for run in paired for s in run[kind][side]["statuses"]}),
            }
            for kind in ("valid", "invalid")
        }
        results[name]["secret_calls_per_1000"] = statistics.mean(calls[name]["secret"]) / total_requests * 1000
        results[name]["secret_calls_per_process"] = max(calls[name]["secret"])
        extra_resends = statistics.mean(max(0, n - valid_resends) for n in calls[name]["resend"])
        results[name]["cognito_calls_per_1000_invalid"] = extra_resends / WARM_REQUESTS * 1000
    for kind in ("valid", "invalid"):
        results[PRODUCT]["warm"][kind]["log_bytes_per_request"] = statistics.mean(
            run[kind]["product"]["log_bytes_per_request"] for run in paired
        )
        results[BASELINE]["warm"][kind]["log_bytes_per_request"] = 0.0  # it logs nothing of its own
    for figure in ("p50_by_process", "cpu_p50_by_process"):
        results[PRODUCT][f"warm_ratio_{figure}"] = [
            p / b
            for p, b in zip(
                results[PRODUCT]["warm"]["valid"][figure], results[BASELINE]["warm"]["valid"][figure], strict=True
            )
        ]

    staged = staged_asset(RUNTIME_VERSION)
    results[PRODUCT]["asset_zip_bytes"] = zipped_size([(staged / f, str(f)) for f in shipped_files(staged)])
    results[BASELINE]["asset_zip_bytes"] = zipped_size([(ROOT / "bench" / "naive_handler.py", "naive_handler.py")])
    return results


def zipped_size(files: list[tuple[Path, str]]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "asset.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path, name in files:
                zipped.write(path, name)
        return archive.stat().st_size


def ratio(product: float, baseline: float) -> float:
    return product / baseline if baseline else float("inf")


def targets(r: dict[str, Any]) -> list[tuple[str, bool, str]]:
    p, b = r[PRODUCT], r[BASELINE]
    cold, cold_cpu = p["cold_ratio"], p["cold_cpu_ratio"]
    # The warm target is on CPU time, as the issue that set it says: wall time adds the loopback fake's answer,
    # which is the machine's, not the handler's (and is shown above).
    warm = ratio(p["warm"]["valid"]["cpu_p50_ms"], b["warm"]["valid"]["cpu_p50_ms"])

    def shown(s: dict[str, float]) -> str:
        return f"{s['median']:.2f}x [{s['p25']:.2f}-{s['p75']:.2f}]"

    return [
        ("cold start <= 1.2x baseline, CPU time", cold_cpu["median"] <= 1.2, shown(cold_cpu)),
        ("cold start <= 1.2x baseline, wall clock", cold["median"] <= 1.2, shown(cold)),
        *(
            [
                (
                    # Issue 19's target, on the one figure the machine's load cannot move.
                    "cold start <= 1.15x baseline, instructions executed",
                    p["cold_instructions"] <= 1.15 * b["cold_instructions"],
                    f"{ratio(p['cold_instructions'], b['cold_instructions']):.2f}x",
                )
            ]
            if "cold_instructions" in p
            else []
        ),
        ("warm valid request <= 0.6x baseline, CPU time", warm <= 0.6, f"{warm:.2f}x"),
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
        (
            f"code asset < {ASSET_BUDGET_BYTES // 1000} KB zipped (infra/asset.py)",
            p["asset_zip_bytes"] < ASSET_BUDGET_BYTES,
            f"{p['asset_zip_bytes'] / 1000:.1f} KB",
        ),
    ]


def feature_lines() -> list[str]:
    """Lines from bench/features.py, when it exists: features that add a network call or a deliberate wait
    (a per-username limit, a minimum response time) are measured and reported on their own lines, never folded
    into the cold and warm figures above. The module offers `report_lines()` (or `measure()`) returning Markdown
    lines (a list, or one string)."""
    try:
        features = importlib.import_module("bench.features")
    except ModuleNotFoundError as error:
        if error.name != "bench.features":
            raise
        return []
    report: Callable[[], list[str] | str] = getattr(features, "report_lines", None) or features.measure
    lines = report()
    return lines.splitlines() if isinstance(lines, str) else [str(line) for line in lines]


def cost_tables(r: dict[str, Any]) -> dict[str, Any]:
    def measured(which: str) -> cost_model.Measured:
        side = r[which]
        return cost_model.Measured(
            warm_valid_ms=side["warm"]["valid"]["p50_ms"],
            cold_ms=side["cold"]["cold_ms"]["median"],
            log_bytes_per_request=side["warm"]["valid"]["log_bytes_per_request"],
        )

    stack, naive = cost_model.stack_design(MEMORY_SIZE_MB), cost_model.NAIVE
    product, baseline = measured(PRODUCT), measured(BASELINE)
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
    remedies = {
        str(volume): {
            remedy: cost_model.cold_start_remedy_cost(remedy, stack, product, volume)
            for remedy in cost_model.COLD_START_REMEDIES
        }
        for volume in cost_model.REMEDY_VOLUMES
    }
    return {
        "by_volume": by_volume,
        "break_even_requests_per_month": cost_model.break_even(stack, product, naive, baseline),
        "memory_options": memory,
        "cold_start_remedies": remedies,
        "assumptions": cost_model.ASSUMPTIONS,
    }


def money(value: float) -> str:
    return f"${value:,.2f}"


def report(r: dict[str, Any], costs: dict[str, Any], features: list[str]) -> str:
    p, source_only, b = r[PRODUCT], r[PRODUCT_SOURCE_ONLY], r[BASELINE]
    lines = [
        f"Measured {r['date']} on {r['machine']}, Python {r['python']} (the function side: only boto3, Powertools "
        f"and pydantic, at requirements.txt's versions), with the variables Lambda sets and the asset as the stack "
        f"packages it (its bytecode for Python {RUNTIME_VERSION} stands in as bytecode for this machine's Python). "
        f"{ROUNDS} interleaved rounds; median [25th-75th percentile]. AWS is a fast loopback fake "
        "(bench/fake_aws.py), so these are the handlers' own costs; network time to AWS is not in them.",
        "",
        "| figure | this project | naive baseline | ratio |",
        "|---|---|---|---|",
    ]

    def cell(s: dict[str, float], unit: str = " ms") -> str:
        return f"{s['median']:.1f}{unit} [{s['p25']:.1f}-{s['p75']:.1f}]"

    def row(label: str, product: float, baseline: float, unit: str = " ms") -> None:
        times = f"{ratio(product, baseline):.2f}x" if baseline else "n/a"
        lines.append(f"| {label} | {product:.1f}{unit} | {baseline:.1f}{unit} | {times} |")

    cr = p["cold_ratio"]
    lines.append(
        f"| cold start: import + first request, wall clock | {cell(p['cold']['cold_ms'])} "
        f"| {cell(b['cold']['cold_ms'])} "
        f"| {cr['median']:.2f}x [{cr['p25']:.2f}-{cr['p75']:.2f}] |"
    )
    cc = p["cold_cpu_ratio"]
    lines.append(
        f"| cold start, CPU time of the process | {cell(p['cold']['cold_cpu_ms'])} | {cell(b['cold']['cold_cpu_ms'])} "
        f"| {cc['median']:.2f}x [{cc['p25']:.2f}-{cc['p75']:.2f}] |"
    )
    if "cold_instructions" in p:
        lines.append(
            f"| cold start, instructions executed: import + first request (callgrind; the same every run) "
            f"| {p['cold_instructions'] / 1e6:.0f} M | {b['cold_instructions'] / 1e6:.0f} M "
            f"| {ratio(p['cold_instructions'], b['cold_instructions']):.2f}x |"
        )
    else:
        lines.append("| cold start, instructions executed | not counted: valgrind is not installed | | |")
    for key, label in (("import_ms", "import"), ("first_request_ms", "first request"), ("gc_import_ms", "GC")):
        lines.append(
            f"|   of which {label}{' during import' if key == 'gc_import_ms' else ''} "
            f"| {cell(p['cold'][key])} | {cell(b['cold'][key])} "
            f"| {ratio(p['cold'][key]['median'], b['cold'][key]['median']):.2f}x |"
        )
    for key, label in (("cold_ms", "wall clock"), ("cold_cpu_ms", "CPU time")):
        sr = source_only[key.replace("_ms", "_ratio")]
        lines.append(
            f"| cold start without the shipped bytecode (compiling lambda/ each time), {label} "
            f"| {cell(source_only['cold'][key])} | {cell(b['cold'][key])} "
            f"| {sr['median']:.2f}x [{sr['p25']:.2f}-{sr['p75']:.2f}] |"
        )
    n = WARM_ROUNDS * WARM_REQUESTS
    for kind in ("valid", "invalid"):
        for stat in ("p50_ms", "p99_ms"):
            row(f"warm {kind} request {stat[:3]} ({n})", p["warm"][kind][stat], b["warm"][kind][stat])
        row(f"warm {kind} request p50, CPU time ({n})", p["warm"][kind]["cpu_p50_ms"], b["warm"][kind]["cpu_p50_ms"])
        row(f"warm {kind} request mean, CPU time ({n})", p["warm"][kind]["cpu_mean_ms"], b["warm"][kind]["cpu_mean_ms"])
    row("Secrets Manager calls per 1,000 requests", p["secret_calls_per_1000"], b["secret_calls_per_1000"], "")
    row(
        "Cognito calls per 1,000 invalid requests",
        p["cognito_calls_per_1000_invalid"],
        b["cognito_calls_per_1000_invalid"],
        "",
    )
    row("log bytes per valid request", p["warm"]["valid"]["log_bytes_per_request"], 0.0, " B")
    row("code asset, zipped", p["asset_zip_bytes"] / 1000, b["asset_zip_bytes"] / 1000, " KB")
    warm_ratios = ", ".join(f"{x:.2f}x" for x in p["warm_ratio_p50_by_process"])
    cpu_ratios = ", ".join(f"{x:.2f}x" for x in p["warm_ratio_cpu_p50_by_process"])
    lines += [
        "",
        f"Warm figures: {WARM_ROUNDS} processes in which both handlers, warm, take {WARM_REQUESTS} valid then "
        f"{WARM_REQUESTS} invalid requests in turn (A B A B); every 20th request is sampled for X-Ray. Valid p50 "
        f"ratio per process: {warm_ratios} (wall clock), {cpu_ratios} (CPU time).",
    ]
    lines += ["", "| target | result | measured |", "|---|---|---|"]
    lines += [f"| {name} | {'PASS' if ok else 'FAIL'} | {value} |" for name, ok, value in r["targets"]]
    for which, label in ((PRODUCT, "this project"), (BASELINE, "naive baseline")):
        top = ", ".join(f"{name} {ms:.1f}" for name, ms in r[which]["import_by_package"][:10])
        lines += [
            "",
            f"Import self time by package, {label} (ms, median of {IMPORTTIME_ROUNDS}, `-X importtime`): {top}.",
        ]
    lines += ["", "Features that add a network call or a deliberate wait, on their own lines:", ""]
    lines += features or ["(none in this build)"]

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
        'Cold-start remedies, added monthly cost at 256 MB arm64 (US$; see "The fix for an idle endpoint"):',
        "",
        "| remedy | " + " | ".join(f"{int(v):,} requests/month" for v in cost_model.REMEDY_VOLUMES) + " |",
        "|---|" + "---|" * len(cost_model.REMEDY_VOLUMES),
    ]
    for remedy in cost_model.COLD_START_REMEDIES:
        cells = [money(costs["cold_start_remedies"][str(v)][remedy]) for v in cost_model.REMEDY_VOLUMES]
        lines.append(f"| {remedy} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| memory | estimated warm request in Lambda | Lambda cost at 1 M requests/month |",
        "|---|---|---|",
    ]
    for mb, option in costs["memory_options"].items():
        lines.append(
            f"| {mb} MB | {option['warm_request_ms_estimate']:.0f} ms | {money(option['lambda_cost_at_1m'])} |"
        )
    lines += ["", "Assumptions: " + "; ".join(f"{k}: {v}" for k, v in costs["assumptions"].items()) + "."]
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
    features = feature_lines()
    text = report(results, costs, features)
    (ROOT / "artifacts").mkdir(exist_ok=True)
    summary = {"results": results, "costs": costs}
    (ROOT / "artifacts" / "bench.json").write_text(json.dumps(summary, indent=2))
    print(text)
    print()
    print(json.dumps({"targets": results["targets"], "cold_cpu_ratio": results[PRODUCT]["cold_cpu_ratio"]}))
    update_doc(text)


if __name__ == "__main__":
    main()
