"""A bounded load test on loopback: a few thousand mixed requests at 50 concurrent clients against the local stack.

Zero 5xx, zero dropped connections, Secrets Manager read at most once per cache period (counted at the emulator),
Cognito never called for invalid input. Latency percentiles go to the test output and artifacts/load.json; they
are a record, not an assertion (make bench measures speed). The local server runs one request at a time, as one
Lambda execution environment does, so the latency here is mostly queueing behind 49 other clients.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from code_screens.routes import RESEND_CONFIRMATION_CODE
from local.seed import UNCONFIRMED_USER
from tests.conftest import ARTIFACTS
from tests.local_stack import LocalApi

pytestmark = pytest.mark.slow  # a load test: thousands of requests over HTTP

REQUESTS = 2000
CONCURRENCY = 50
DEADLINE_SECONDS = 180
RESEND = "cognito-idp:ResendConfirmationCode"
GET_SECRET = "secretsmanager:GetSecretValue"

# (kind, body): sent, unknown user (answered neutrally by Cognito), refused before Cognito.
MIX = [
    ("valid", json.dumps({"username": UNCONFIRMED_USER})),
    ("unknown", json.dumps({"username": "nobody-at-all@example.com"})),
    ("invalid", json.dumps({"username": "has space"})),
    ("valid", json.dumps({"username": UNCONFIRMED_USER, "clientMetadata": {"locale": "fr"}})),
    ("invalid", '{"username": '),
]


def test_mixed_load_has_no_errors_and_reads_the_secret_once(
    local_api: LocalApi, capsys: pytest.CaptureFixture[str]
) -> None:
    sessions = threading.local()
    started = time.monotonic()
    before_cognito, before_secret = local_api.calls(RESEND), local_api.calls(GET_SECRET)

    def one(index: int) -> tuple[str, int | str, float]:
        kind, body = MIX[index % len(MIX)]
        if time.monotonic() - started > DEADLINE_SECONDS:
            return kind, "skipped: deadline", 0.0
        if not hasattr(sessions, "session"):
            sessions.session = requests.Session()
        sent = time.perf_counter()
        try:
            response = sessions.session.post(
                f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}",
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=10,
            )
        except requests.RequestException as error:
            return kind, f"dropped: {type(error).__name__}", time.perf_counter() - sent
        return kind, response.status_code, time.perf_counter() - sent

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        results = list(pool.map(one, range(REQUESTS)))
    elapsed = time.monotonic() - started

    statuses = [status for _, status, _ in results]
    latencies = sorted(seconds * 1000 for _, status, seconds in results if isinstance(status, int))
    cuts = statistics.quantiles(latencies, n=100)
    report = {
        "requests": REQUESTS,
        "concurrency": CONCURRENCY,
        "seconds": round(elapsed, 2),
        "requests_per_second": round(REQUESTS / elapsed, 1),
        "p50_ms": round(cuts[49], 1),
        "p99_ms": round(cuts[98], 1),
        "max_ms": round(latencies[-1], 1),
        "by_status": dict(sorted(Counter(map(str, statuses)).items())),
        "cognito_calls": local_api.calls(RESEND) - before_cognito,
        "secret_reads": local_api.calls(GET_SECRET) - before_secret,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(report, indent=2))
    with capsys.disabled():
        print(f"\nload: {json.dumps(report)}")

    assert [s for s in statuses if not isinstance(s, int)] == [], "dropped connections or deadline reached"
    assert [s for s in statuses if isinstance(s, int) and s >= 500] == []
    expected = {"valid": 200, "unknown": 200, "invalid": 400}
    assert all(status == expected[kind] for kind, status, _ in results)
    # Only valid and unknown-user requests reach Cognito; invalid ones never do.
    assert report["cognito_calls"] == sum(kind != "invalid" for kind, _, _ in results)
    # Warm cache: at most one read of each secret (the app client's, the pseudonym key) in a run shorter than the
    # 300 s cache period.
    assert report["secret_reads"] <= 2
