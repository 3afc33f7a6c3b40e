"""One measurement in a fresh Python process: `python -m bench.child {product|baseline} {cold|warm} OUT [N]`.

cold: time the handler module's import and its first request (what a Lambda cold start adds to a request).
warm: after one warm-up request, time N valid and N invalid requests one by one, and count the bytes the
handler logs. Results go to the JSON file OUT; the handler's own stdout (its logs) is counted, not printed.
"""

from __future__ import annotations

import importlib
import io
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VALID = json.dumps({"username": "someone@example.com"})
INVALID = json.dumps({"username": "has space"})


class CountingStream(io.TextIOBase):
    """Stands in for stdout: counts what the handler logs and throws it away."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, text: str) -> int:
        self.bytes += len(text.encode("utf-8"))
        return len(text)


def main() -> None:
    which, mode, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    # Only what the measured module needs is on the path before the clock starts.
    sys.path.insert(0, str(ROOT / ("lambda" if which == "product" else "bench")))
    from local.api_gateway_event import LocalLambdaContext, build_event

    def event(body: str) -> dict[str, Any]:
        headers = [("Content-Type", "application/json")]
        return build_event("POST", "/resend-confirmation-code", headers, body.encode(), "203.0.113.9", "/")

    logs = CountingStream()
    real_stdout, sys.stdout = sys.stdout, logs
    started = time.perf_counter()
    module = importlib.import_module("handler" if which == "product" else "naive_handler")
    imported = time.perf_counter()
    first = module.lambda_handler(event(VALID), LocalLambdaContext())
    served = time.perf_counter()
    result: dict[str, Any] = {
        "import_ms": (imported - started) * 1000,
        "first_request_ms": (served - imported) * 1000,
        "cold_ms": (served - started) * 1000,
        "first_status": first["statusCode"],
    }

    if mode == "warm":
        for kind, body in (("valid", VALID), ("invalid", INVALID)):
            timings, statuses, log_bytes = [], [], logs.bytes
            for _ in range(count):
                sent = time.perf_counter()
                try:
                    statuses.append(module.lambda_handler(event(body), LocalLambdaContext())["statusCode"])
                except Exception:  # the baseline has no error handling: an exception is its answer
                    statuses.append("exception")
                timings.append((time.perf_counter() - sent) * 1000)
            result[kind] = {
                "ms": timings,
                "statuses": sorted({str(s) for s in statuses}),
                "log_bytes_per_request": (logs.bytes - log_bytes) / count,
            }

    sys.stdout = real_stdout
    out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
