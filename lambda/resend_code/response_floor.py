"""A minimum response time for answers that reached Cognito, so timing does not tell a real send from no account.

In AWS a real send runs the pool's custom message trigger and hands the message to SES or SNS; an unknown or
confirmed user does neither, so it answers sooner. Holding every answer that reached Cognito until the same
floor hides that difference, as long as the real send is faster than the floor. What it does not hide: a send
slower than the floor (counted as ResponseTimeFloorExceeded, so the operator can raise it), the limiter's 429s
(they never reach Cognito and are the same for every username anyway), and anything outside this function's
time (the delivery itself: an e-mail or SMS arriving is the one signal only the account's owner sees).

The floor is billed Lambda time: docs/performance.md prices it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from aws_lambda_powertools import Logger, single_metric
from aws_lambda_powertools.metrics import MetricUnit

from resend_code import metric_names as names

logger = Logger(child=True)

# What the stack and make run set unless told otherwise. Chosen from the cost model (bench/features.py prints
# it): Cognito's ResendConfirmationCode takes ~120 ms, a warm custom message trigger and the SES hand-off add a
# few hundred more, so 500 ms covers a typical real send, and the padding it bills (~350 ms at 256 MB, arm64)
# costs about $1.2 per million requests. A pool whose trigger cold-starts needs more (watch
# ResponseTimeFloorExceeded); every extra 100 ms costs about $0.33 per million.
DEFAULT_RESPONSE_TIME_FLOOR_MS = 500


@contextmanager
def response_time_floor(floor_seconds: float, started: float) -> Iterator[None]:
    """Run the block, then sleep until `started + floor_seconds` (time.monotonic() seconds), whatever the block
    did, exceptions included. A floor of 0 does nothing; a block that overran the floor is counted."""
    try:
        yield
    finally:
        if floor_seconds > 0:
            remaining = started + floor_seconds - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)
            else:
                logger.warning("Response time floor exceeded", extra={"over_ms": round(-remaining * 1000)})
                with single_metric(name=names.RESPONSE_TIME_FLOOR_EXCEEDED, unit=MetricUnit.Count, value=1):
                    pass
