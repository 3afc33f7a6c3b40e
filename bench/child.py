"""One measurement in a fresh process, run by the function side's interpreter (bench/lambda_env.py):
`python bench/child.py MODULE {cold|warm} EVENTS OUT [N]`.

It imports nothing from this repository (the function side has only what Lambda provides), so it is run as a
script, with the task root first on sys.path as Lambda puts it.

cold: time the handler module's import and its first request (what a Lambda cold start adds to a request), and
the garbage collector's time during the import.
warm: after that, time N valid and N invalid requests one by one, every 20th one sampled for X-Ray as the stack's
5 % rule would, and count the bytes the handler logs. paired: the same, alternating with the naive baseline in
this process (see paired()). parts: N rounds of warm valid requests with one part of the product's work left out
at a time (see parts()). Results go to the JSON file OUT; the handler's own stdout
(its logs) is counted, not printed. With `-X importtime`, the import's own lines sit between two marker lines on
stderr.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

SAMPLED_EVERY = 20  # the stack samples 5 % of requests (infra/api_construct.py's X-Ray sampling)
IMPORT_START, IMPORT_END = "bench: import starts", "bench: import ends"


class CountingStream(io.TextIOBase):
    """Stands in for stdout: counts what the handler logs and throws it away."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, text: str) -> int:
        self.bytes += len(text.encode("utf-8"))
        return len(text)


class BenchLambdaContext:
    """The attributes of Lambda's context object that Powertools reads."""

    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "bench")
    function_version = "$LATEST"
    invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
    memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"))
    log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
    log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")

    def __init__(self, request_number: int) -> None:
        self.aws_request_id = f"00000000-0000-4000-8000-{request_number:012d}"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


class GcClock:
    """Time spent in the garbage collector, through gc.callbacks."""

    def __init__(self) -> None:
        self.total = 0.0
        self.collections = 0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._started
            self.collections += 1


def invoke(module: Any, event: dict[str, Any], number: int) -> Any:
    # Lambda's runtime sets the trace header in the environment for each invocation.
    sampled = 1 if number % SAMPLED_EVERY == SAMPLED_EVERY - 1 else 0
    os.environ["_X_AMZN_TRACE_ID"] = (
        f"Root=1-6749a000-{number:024x};Parent={number + 1:016x};Sampled={sampled};Lineage=1:abcdef12:0"
    )
    return module.lambda_handler(event, BenchLambdaContext(number))


def paired(product: Any, events: dict[str, Any], count: int, logs: CountingStream) -> dict[str, Any]:
    """Warm requests to the product and the baseline in turn, A B A B, in this one process: the only way to keep
    a busy machine's drift out of a ratio of milliseconds. The baseline's task root is BASELINE_TASK_ROOT."""
    sys.path.append(os.environ["BASELINE_TASK_ROOT"])
    baseline = importlib.import_module("naive_handler")
    invoke(baseline, events["valid"], 0)  # its first (cold) request, off the clock
    result: dict[str, Any] = {}
    number = 1
    for kind in ("valid", "invalid"):
        timings: dict[str, list[float]] = {"product": [], "baseline": []}
        cpu: dict[str, list[float]] = {"product": [], "baseline": []}
        statuses: dict[str, set[str]] = {"product": set(), "baseline": set()}
        log_bytes = 0
        for _ in range(count):
            for name, module in (("product", product), ("baseline", baseline)):
                before, sent, sent_cpu = logs.bytes, time.perf_counter(), time.process_time()
                try:
                    statuses[name].add(str(invoke(module, events[kind], number)["statusCode"]))
                except Exception:  # the baseline has no error handling: an exception is its answer
                    statuses[name].add("exception")
                timings[name].append((time.perf_counter() - sent) * 1000)
                # The handler's own CPU (the fake AWS runs in the parent process): what Lambda bills for, and the
                # figure a busy machine moves least.
                cpu[name].append((time.process_time() - sent_cpu) * 1000)
                if name == "product":
                    log_bytes += logs.bytes - before
                number += 1
        result[kind] = {
            name: {"ms": timings[name], "cpu_ms": cpu[name], "statuses": sorted(statuses[name])}
            for name in ("product", "baseline")
        }
        result[kind]["product"]["log_bytes_per_request"] = log_bytes / count
    return result


def parts(product: Any, events: dict[str, Any], count: int) -> dict[str, Any]:
    """Warm valid requests with one part of the product's own work left out at a time, every
    variant and the baseline once per round, request by request, in this one process (bench/warm_parts.py). The
    order turns by one place each round, so no variant always follows the baseline's call. What a part costs in
    place: after botocore's call has taken the CPU's caches, a part costs several times what it costs timed alone.
    An ablation for reading the warm figure, never a way the function runs."""
    sys.path.append(os.environ["BASELINE_TASK_ROOT"])
    baseline = importlib.import_module("naive_handler")
    observability: Any = importlib.import_module("code_screens.observability")
    shipped = (observability.count, observability.logger.info)
    inner = product.lambda_handler.__wrapped__.__wrapped__  # under the Logger's and the Metrics' decorators

    def nothing(*args: Any, **kwargs: Any) -> None:
        return None

    class Undecorated:
        @staticmethod
        def lambda_handler(event: dict[str, Any], context: Any) -> Any:
            product.app.append_context(settings=product.SETTINGS, configuration_error=product.CONFIGURATION_ERROR)
            return inner(event, context)

    count_with, info_with = shipped
    variants: dict[str, tuple[Any, Any, Any]] = {  # (handler module, count, logger.info)
        "as shipped": (product, count_with, info_with),
        "without the log line (logger.info)": (product, count_with, nothing),
        "without the counts (EMF)": (product, nothing, info_with),
        "without the log line and the counts": (product, nothing, nothing),
        "without Powertools' Logger and Metrics decorators": (Undecorated, count_with, info_with),
        "naive baseline": (baseline, count_with, info_with),
    }
    order = list(variants)
    cpu: dict[str, list[float]] = {name: [] for name in order}
    invoke(baseline, events["valid"], 0)
    number = 1
    for round_number in range(count):
        turn = round_number % len(order)
        for name in order[turn:] + order[:turn]:
            module, observability.count, observability.logger.info = variants[name]
            started = time.process_time()
            # The baseline has no error handling: an exception is its answer. The product's must come through.
            with contextlib.suppress(Exception) if module is baseline else contextlib.nullcontext():
                invoke(module, events["valid"], number)
            cpu[name].append((time.process_time() - started) * 1000)
            number += 1
    observability.count, observability.logger.info = shipped
    return {"parts_cpu_ms": cpu}


def main() -> None:
    module_name, mode, events_file, out = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    # Run as a script, Python put bench/ first on the path; Lambda puts the task root there instead.
    sys.path[0] = os.environ["LAMBDA_TASK_ROOT"]
    os.chdir(os.environ["LAMBDA_TASK_ROOT"])
    events = json.loads(events_file.read_text())

    logs = CountingStream()
    real_stdout, sys.stdout = sys.stdout, logs
    gc_clock = GcClock()
    gc.callbacks.append(gc_clock)
    print(IMPORT_START, file=sys.stderr, flush=True)
    started, started_cpu = time.perf_counter(), time.process_time()
    module = importlib.import_module(module_name)
    imported = time.perf_counter()
    print(IMPORT_END, file=sys.stderr, flush=True)
    gc_during_import, collections_during_import = gc_clock.total, gc_clock.collections
    first = invoke(module, events["valid"], 0)
    served, served_cpu = time.perf_counter(), time.process_time()
    result: dict[str, Any] = {
        "import_ms": (imported - started) * 1000,
        "first_request_ms": (served - imported) * 1000,
        "cold_ms": (served - started) * 1000,
        # CPU time of this process alone: what a busy machine's other processes cannot inflate. Lambda gives
        # INIT its own CPU, so on a shared machine this is the closer figure; files come from the page cache.
        "cold_cpu_ms": (served_cpu - started_cpu) * 1000,
        "gc_import_ms": gc_during_import * 1000,
        "gc_import_collections": collections_during_import,
        "first_status": first["statusCode"],
    }

    if mode == "paired":
        result.update(paired(module, events, count, logs))
    if mode == "parts":
        result.update(parts(module, events, count))
    if mode == "warm":
        number = 1
        for kind in ("valid", "invalid"):
            timings, statuses, log_bytes = [], [], logs.bytes
            for _ in range(count):
                sent = time.perf_counter()
                try:
                    statuses.append(invoke(module, events[kind], number)["statusCode"])
                except Exception:  # the baseline has no error handling: an exception is its answer
                    statuses.append("exception")
                timings.append((time.perf_counter() - sent) * 1000)
                number += 1
            result[kind] = {
                "ms": timings,
                "statuses": sorted({str(s) for s in statuses}),
                "log_bytes_per_request": (logs.bytes - log_bytes) / count,
            }

    sys.stdout = real_stdout
    out.write_text(json.dumps(result))
    if os.environ.get("BENCH_EXIT_AT_ONCE") == "1":
        # Counting instructions: the interpreter's shutdown (freeing every object) is no part of a cold start and
        # costs the handlers very differently, so the count ends here.
        os._exit(0)


if __name__ == "__main__":
    main()
