"""The callers' snippets know every error code the endpoint can answer, and the routes they call are the routes."""

import re
from pathlib import Path

import pytest

from resend_code.problems import CATALOG
from resend_code.route import CONFIRM_SIGN_UP_PATH, ROUTE_PATH

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


@pytest.mark.parametrize(
    ("snippet", "function"),
    [
        ("web/resend-code.js", "export async function confirmSignUp("),
        ("docs/snippets/ResendCode.swift", "public func confirmSignUp("),
        ("docs/snippets/ResendCode.kt", "suspend fun confirmSignUp("),
    ],
)
def test_every_snippet_confirms_a_sign_up_with_typed_results(snippet: str, function: str) -> None:
    text = (ROOT / snippet).read_text(encoding="utf-8")

    assert CONFIRM_SIGN_UP_PATH.strip("/") in text
    assert function in text
    assert "confirmationCode" in text
    # A wrong code and an expired code are told apart: the second offers the resend.
    assert "code_mismatch" in text and "code_expired" in text


@pytest.mark.parametrize("snippet", ["docs/snippets/ResendCode.swift", "docs/snippets/ResendCode.kt"])
def test_mobile_snippets_share_the_pages_messages(snippet: str) -> None:
    text = (ROOT / snippet).read_text(encoding="utf-8")
    javascript = dict(re.findall(r'^\s+([a-z_]+): "(.+)",$', JAVASCRIPT, re.MULTILINE))

    for code in ("code_mismatch", "code_expired", "alias_exists", "attempt_limit_exceeded"):
        assert javascript[code] in text, code
