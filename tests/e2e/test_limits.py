"""The per-username limit over HTTP, against `python -m local` with make run's own settings (limiter on)."""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from code_screens.routes import RESEND_CONFIRMATION_CODE
from local.seed import UNCONFIRMED_USER
from tests.local_stack import LocalApi

BURST = 12


@pytest.fixture
def local(make_run_api: LocalApi) -> LocalApi:
    return make_run_api


def burst(local: LocalApi, username: str) -> list[requests.Response]:
    """BURST requests for one username at once, each from its own connection (as from many IPs)."""

    def one(_: int) -> requests.Response:
        return requests.post(f"{local.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": username}, timeout=30)

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        return list(pool.map(one, range(BURST)))


@pytest.mark.slow  # load: a concurrent burst
def test_a_concurrent_burst_sends_one_code_and_an_unknown_username_gets_the_same_answers(local: LocalApi) -> None:
    # Given make run's defaults (60 s cooldown, 5 a day) and a fresh outbox for the seeded user
    sent_before = sum(m["username"] == UNCONFIRMED_USER for m in local.outbox())
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"

    # When a burst of concurrent requests comes for an existing account, then for an unknown username
    existing, absent = burst(local, UNCONFIRMED_USER), burst(local, unknown)

    # Then one code is sent, every other request gets 429 with Retry-After, and nothing tells the two apart
    assert sum(m["username"] == UNCONFIRMED_USER for m in local.outbox()) == sent_before + 1
    for responses in (existing, absent):
        assert Counter(r.status_code for r in responses) == {200: 1, 429: BURST - 1}
        for response in responses:
            if response.status_code == 429:
                assert response.json()["code"] == "attempt_limit_exceeded"
                assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert {(r.status_code, r.content) for r in existing} == {(r.status_code, r.content) for r in absent}
    # Headers too, but for the date and Retry-After's countdown.
    for status in (200, 429):
        assert {headers(r) for r in existing if r.status_code == status} == {
            headers(r) for r in absent if r.status_code == status
        }


def headers(response: requests.Response) -> frozenset[tuple[str, str]]:
    return frozenset((k.lower(), v) for k, v in response.headers.items() if k.lower() not in ("date", "retry-after"))


def test_the_limiter_key_is_a_pseudonym_never_the_username(local: LocalApi) -> None:
    items = local.aws("dynamodb").scan(TableName="resend-confirmation-code-limits")["Items"]

    assert items
    for item in items:
        assert "@" not in item["pk"]["S"]
        policy, _, subject = item["pk"]["S"].partition("#")
        if policy == "replay":  # the Cognito door's kept first answers: an HMAC over the pseudonym and more
            assert len(subject) == 64 and int(subject, 16) >= 0
            continue
        # each route's policy (confirm: the attempt cap of issue 11; the password resets' two)
        assert policy in ("resend", "confirm", "forgot_password", "confirm_forgot_password")
        assert len(subject) == 16 and int(subject, 16) >= 0  # the 16-hex-character pseudonym


def test_an_unusable_limiter_table_fails_open_and_says_so(local: LocalApi) -> None:
    username = f"nobody-{uuid.uuid4().hex[:8]}@example.com"

    def post() -> requests.Response:
        return requests.post(f"{local.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": username}, timeout=30)

    assert post().status_code == 200
    # Both of botocore's attempts at the read fail: the limit cannot be checked, so the request goes on.
    local.arm_fault("dynamodb:GetItem", "InternalServerError", status=500, times=2)
    try:
        assert post().status_code == 200
    finally:
        local.disarm_faults()

    assert "Limiter table unavailable: request allowed (fail open)" in local.log()
    assert '"LimiterUnavailable"' in local.log()
    assert post().status_code == 429  # and the limit holds again once DynamoDB answers
