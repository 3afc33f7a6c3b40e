"""The callers' clients agree with the endpoint and with each other: the route, the request fields they send, the
answer fields they read, how they group statuses, Retry-After, and a message for every problem `code`.

The Kotlin client is also compiled and run against the local server (tests/e2e/test_kotlin_client.py); the Swift
one cannot be compiled here, so this file is what keeps it in step, by parsing both sources.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from dataclasses import fields
from pathlib import Path

import pytest

from code_screens.doors.problem_details import FieldErrorDocument, ProblemDocument
from code_screens.operations.confirm_sign_up import ConfirmSignUpRequest
from code_screens.operations.models import camel
from code_screens.operations.resend_confirmation_code import (
    AcceptedResponse,
    CodeDeliveryDetails,
    ResendConfirmationCodeRequest,
)
from code_screens.problems import CATALOG
from code_screens.routes import CONFIRM_SIGN_UP, RESEND_CONFIRMATION_CODE
from tests.corpus.typed_codes import TYPED_CODES

ROOT = Path(__file__).resolve().parents[2]
JAVASCRIPT = (ROOT / "web" / "resend-code.js").read_text(encoding="utf-8")
KOTLIN = (ROOT / "docs" / "snippets" / "ResendCode.kt").read_text(encoding="utf-8")
SWIFT = (ROOT / "docs" / "snippets" / "ResendCode.swift").read_text(encoding="utf-8")
CATALOG_CODES = {p.code for p in CATALOG}


def _block(source: str, start: str, end: str) -> str:
    """The text between the first `start` and the next `end` after it."""
    begin = source.index(start)
    return source[begin : source.index(end, begin)]


def _code(source: str) -> str:
    """Source without comments (whole lines, `/* ... */` blocks and a `//` after code), so a name mentioned only
    in a comment, or a field commented out, does not count. A `//` right after a colon (a URL) is kept."""
    without_blocks = re.sub(r"/\*.*?\*/", "", source, flags=re.DOTALL)
    lines = (re.sub(r"(^|\s)//.*$", "", line) for line in without_blocks.splitlines())
    return "\n".join(line for line in lines if not line.lstrip().startswith("*"))


def javascript_messages() -> dict[str, str]:
    return dict(re.findall(r'^\s+([a-z_]+): "([^"]*)",$', _block(JAVASCRIPT, "MESSAGES", "});"), re.MULTILINE))


def kotlin_messages() -> dict[str, str]:
    return dict(re.findall(r'^\s+"([a-z_]+)" -> "([^"]*)"$', _block(KOTLIN, "fun messageFor", "else ->"), re.M))


def swift_messages() -> dict[str, str]:
    block = _block(SWIFT, "static func message(for", "default:")
    return dict(re.findall(r'^\s+case "([a-z_]+)": return "([^"]*)"$', block, re.MULTILINE))


def test_every_client_has_the_same_message_for_every_problem_code() -> None:
    javascript, kotlin, swift = javascript_messages(), kotlin_messages(), swift_messages()

    assert set(javascript) >= CATALOG_CODES
    assert kotlin == javascript
    assert swift == javascript


def test_the_route_each_client_calls_is_the_route() -> None:
    kotlin = re.findall(r'const val \w+_PATH = "([^"]+)"', KOTLIN)
    swift = re.findall(r'static let \w+Path = "([^"]+)"', SWIFT)
    javascript = re.findall(r'const (?:RESEND|CONFIRM)_ROUTE = "([^"]+)"', JAVASCRIPT)

    assert kotlin == [RESEND_CONFIRMATION_CODE.path, CONFIRM_SIGN_UP.path]
    assert ["/" + path for path in swift] == [RESEND_CONFIRMATION_CODE.path, CONFIRM_SIGN_UP.path]
    assert javascript == [RESEND_CONFIRMATION_CODE.path, CONFIRM_SIGN_UP.path]


@pytest.mark.parametrize(
    ("model", "kotlin_function", "swift_body"),
    [
        (ResendConfirmationCodeRequest, "fun resendConfirmationCode(", "struct Body:"),
        (ConfirmSignUpRequest, "fun confirmSignUp(", "struct ConfirmBody:"),
    ],
)
def test_kotlin_and_swift_send_the_same_request_fields_the_models_accept(
    model: type[ResendConfirmationCodeRequest | ConfirmSignUpRequest], kotlin_function: str, swift_body: str
) -> None:
    # Route by route, and from code only: a field one client drops from one request (or comments out) is caught
    # even when the other route's request still has a field of that name.
    model_fields = set(model.SCHEMA.fields)
    kotlin = set(re.findall(r'\.put\("(\w+)"', _block(_code(KOTLIN), kotlin_function, "\n    }")))
    swift = set(re.findall(r"let (\w+):", _block(_code(SWIFT), swift_body, "}")))

    assert kotlin == swift
    assert {"username", "clientId"} <= kotlin <= model_fields
    assert model.SCHEMA.schema["required"] == [name for name in ("username", "confirmationCode") if name in kotlin]


def test_kotlin_and_swift_read_the_same_answer_fields_the_endpoint_sends() -> None:
    sent = {
        *(camel(f.name) for f in fields(AcceptedResponse)),
        *(camel(f.name) for f in fields(CodeDeliveryDetails)),
        *(camel(f.name) for f in fields(ProblemDocument)),
        *(camel(f.name) for f in fields(FieldErrorDocument)),
    }
    kotlin = set(re.findall(r'\.opt(?:String|JSONObject|JSONArray)\("(\w+)"\)', _code(KOTLIN)))
    swift_structs = [
        _block(_code(SWIFT), "struct FieldError", "\n}"),
        _block(_code(SWIFT), "struct Accepted", "\n    }"),
        _block(_code(SWIFT), "struct Problem", "\n    }"),
    ]
    swift = {name for block in swift_structs for name in re.findall(r"let (\w+):", block)}

    assert kotlin == swift
    assert kotlin <= sent


def _status_groups(source: str, pattern: str) -> list[tuple[int, ...]]:
    return [tuple(int(s) for s in group.split(", ")) for group in re.findall(pattern, source, re.MULTILINE)]


def test_kotlin_and_swift_group_statuses_and_honour_retry_after_alike() -> None:
    kotlin = _status_groups(_code(KOTLIN), r"^\s+((?:\d{3}, )*\d{3}) ->")
    swift = _status_groups(_code(SWIFT), r"^\s+case ((?:\d{3}, )*\d{3}):")

    assert kotlin == swift == [(429, 503), (400, 413, 415)]
    # Every status with a Retry-After in the catalog is one the clients read it from.
    retry_statuses = {p.status for p in CATALOG if p.retry_after_seconds is not None}
    assert retry_statuses == {429, 503, 504}
    for source in (KOTLIN, SWIFT, JAVASCRIPT):
        assert '"Retry-After"' in source
    assert re.search(r"Failed\(code, answer\.status, answer\.retryAfterSeconds", KOTLIN)
    assert re.search(r"\.failed\(code: code, status: status, retryAfter: retryAfter \?\? 0\)", SWIFT)
    # On both routes: a confirm that timed out (504) may already have confirmed the account.
    assert len(re.findall(r"Failed\(code, answer\.status, answer\.retryAfterSeconds \?: 0\)", _code(KOTLIN))) == 2
    assert len(re.findall(r"\.failed\(code: code, status: status, retryAfter: retryAfter \?\? 0\)", _code(SWIFT))) == 2
    assert "DEFAULT_RETRY_AFTER_SECONDS = 60L" in KOTLIN and "defaultRetryAfter: TimeInterval = 60" in SWIFT


def test_every_client_strips_whitespace_around_the_username() -> None:
    assert 'put("username", username.trim())' in KOTLIN
    assert "username.trimmingCharacters(in: .whitespacesAndNewlines)" in SWIFT
    assert "username: String(username).trim()" in JAVASCRIPT


def code_of(text: str) -> str:
    """The source without its comments (all three languages use // and /* */), so a mention in prose is no proof."""
    without_blocks = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return "\n".join(re.sub(r"(^|\s)//.*$", "", line) for line in without_blocks.splitlines())


# How each language reads a response header: the snippet must read Retry-After in code, not just name it.
READS_RETRY_AFTER = {
    "web/resend-code.js": r'\.headers\.get\("Retry-After"\)',
    "docs/snippets/ResendCode.swift": r'\.value\(forHTTPHeaderField: "Retry-After"\)',
    "docs/snippets/ResendCode.kt": r'\.getHeaderField\("Retry-After"\)',
}


@pytest.mark.parametrize("snippet", sorted(READS_RETRY_AFTER))
def test_every_snippet_calls_the_route_and_reads_retry_after(snippet: str) -> None:
    code = code_of((ROOT / snippet).read_text(encoding="utf-8"))

    assert RESEND_CONFIRMATION_CODE.path.strip("/") in code
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

    assert CONFIRM_SIGN_UP.path.strip("/") in text
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


def _rule(typed: str) -> str:
    """docs/clients.md's rule, written once more in Python to check the shared table itself."""
    white_space = set("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | set(map(chr, range(0x2000, 0x200B)))
    kept = (c for c in typed if c not in white_space and unicodedata.category(c) not in ("Pd", "Cf"))
    return "".join(str(unicodedata.decimal(c)) if unicodedata.category(c) == "Nd" else c for c in kept)


def test_the_typed_codes_table_follows_the_rule() -> None:
    assert [(typed, _rule(typed)) for typed, _ in TYPED_CODES] == TYPED_CODES


def test_the_browser_client_sends_codes_as_the_rule_says(tmp_path: Path) -> None:
    # Run the very module the page imports (copied as .mjs: Node reads it as an ES module without a warning).
    if shutil.which("node") is None:
        pytest.skip("no `node` on PATH")
    module = tmp_path / "resend-code.mjs"
    module.write_text(JAVASCRIPT, encoding="utf-8")
    script = (
        f"import {{ codeAsSent }} from {json.dumps(module.as_uri())};\n"
        f"const typed = {json.dumps([typed for typed, _ in TYPED_CODES])};\n"
        "console.log(JSON.stringify(typed.map(codeAsSent)));\n"
    )

    finished = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60, check=True
    )

    assert json.loads(finished.stdout) == [sent for _, sent in TYPED_CODES]


def test_every_client_sends_the_code_through_its_rule() -> None:
    # The confirm call sends codeAsSent(code), never the code as typed, and the page uses the client's function.
    assert "confirmationCode: codeAsSent(confirmationCode)" in _code(JAVASCRIPT)
    assert '.put("confirmationCode", codeAsSent(confirmationCode))' in _code(KOTLIN)
    assert "confirmationCode: Self.codeAsSent(confirmationCode)" in _code(SWIFT)
    page = _code((ROOT / "web" / "page.js").read_text(encoding="utf-8"))
    assert "codeAsSent(code.value)" in page


def test_the_swift_client_drops_and_converts_what_the_rule_names() -> None:
    # Not compiled here: its codeAsSent must at least test the same Unicode properties as the others.
    body = _block(_code(SWIFT), "public static func codeAsSent(", "\n    }\n")
    for needed in (
        "properties.isWhitespace",
        "case .dashPunctuation, .format:",
        "case .decimalNumber:",
        "properties.numericValue",
    ):
        assert needed in body, needed
    kotlin = _block(_code(KOTLIN), "fun codeAsSent(", "fun confirmMessageFor(")
    for needed in ("Character.DASH_PUNCTUATION", "Character.FORMAT", "Character.DECIMAL_DIGIT_NUMBER", "0x85"):
        assert needed in kotlin, needed
    assert re.search(r"\[\\p\{White_Space\}\\p\{Pd\}\\p\{Cf\}\]", JAVASCRIPT)


def test_every_client_has_the_confirm_routes_own_timeout_message() -> None:
    # A confirm that timed out may have confirmed the account: not the resend's "a code may be on its way".
    javascript = dict(re.findall(r'^\s+([a-z_]+): "([^"]*)",$', _block(JAVASCRIPT, "CONFIRM_MESSAGES", "});"), re.M))
    kotlin = dict(
        re.findall(r'^\s+"([a-z_]+)" -> "([^"]*)"$', _block(KOTLIN, "fun confirmMessageFor", "else ->"), re.M)
    )
    swift_block = _block(SWIFT, "static func confirmMessage(for", "default:")
    swift = dict(re.findall(r'^\s+case "([a-z_]+)": return "([^"]*)"$', swift_block, re.MULTILINE))

    assert set(javascript) == {"upstream_timeout"}
    assert kotlin == swift == javascript
    assert "try signing in" in javascript["upstream_timeout"]
    assert "on its way" not in javascript["upstream_timeout"]


def test_a_wrong_code_message_serves_every_case_it_covers() -> None:
    # Expired and replaced codes will answer code_mismatch too, as will an account already confirmed.
    assert javascript_messages()["code_mismatch"] == (
        "That code is wrong or has expired: check the newest message, or ask for a new one. Already confirmed? Sign in."
    )
