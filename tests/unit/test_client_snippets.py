"""The callers' snippets know every error code the endpoint can answer, and the route they call is the route."""

import re
from pathlib import Path

import pytest

from resend_code.problems import CATALOG
from resend_code.route import ROUTE_PATH

ROOT = Path(__file__).resolve().parents[2]
JAVASCRIPT = (ROOT / "web" / "resend-code.js").read_text(encoding="utf-8")


def test_the_javascript_client_has_a_message_for_every_code() -> None:
    messages = set(re.findall(r"^\s+([a-z_]+): \"", JAVASCRIPT, re.MULTILINE))

    assert {p.code for p in CATALOG} <= messages


@pytest.mark.parametrize(
    "snippet", ["web/resend-code.js", "docs/snippets/ResendCode.swift", "docs/snippets/ResendCode.kt"]
)
def test_every_snippet_calls_the_route_and_reads_retry_after(snippet: str) -> None:
    text = (ROOT / snippet).read_text(encoding="utf-8")

    assert ROUTE_PATH.strip("/") in text
    assert "Retry-After" in text
    assert "application/json" in text
