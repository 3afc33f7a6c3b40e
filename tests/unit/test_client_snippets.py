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


def code_of(text: str) -> str:
    """The source without its comments (all three languages use // and /* */), so a mention in prose is no proof."""
    without_blocks = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return "\n".join(re.sub(r"(^|\s)//.*$", "", line) for line in without_blocks.splitlines())


# How each language reads a response header: the snippet must read Retry-After in code, not just name it.
READS_RETRY_AFTER = {
    "web/resend-code.js": r'\.headers\.get\("Retry-After"\)',
    "docs/snippets/ResendCode.swift": r'\.value\(forHTTPHeaderField: "Retry-After"\)',
    "docs/snippets/ResendCode.kt": r'\.header\("Retry-After"\)',
}


@pytest.mark.parametrize("snippet", sorted(READS_RETRY_AFTER))
def test_every_snippet_calls_the_route_and_reads_retry_after(snippet: str) -> None:
    code = code_of((ROOT / snippet).read_text(encoding="utf-8"))

    assert ROUTE_PATH.strip("/") in code
    assert re.search(READS_RETRY_AFTER[snippet], code)
    assert "application/json" in code


def test_comments_do_not_count_as_code() -> None:
    text = 'const a = "https://x/y"; // reads headers.get("Retry-After")\n/* headers.get("Retry-After") */\n'

    assert code_of(text).strip() == 'const a = "https://x/y";'
