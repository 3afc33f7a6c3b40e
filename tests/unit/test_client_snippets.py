"""The callers' clients agree with the endpoint and with each other: the route, the request fields they send, the
answer fields they read, how they group statuses, Retry-After, and a message for every problem `code`.

The Kotlin client is also compiled and run against the local server (tests/e2e/test_kotlin_client.py); the Swift
one cannot be compiled here, so this file is what keeps it in step, by parsing both sources.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import unicodedata
from dataclasses import fields
from pathlib import Path

import pytest

from code_screens.doors.problem_details import FieldErrorDocument, ProblemDocument
from code_screens.operations.confirm_forgot_password import ConfirmForgotPasswordRequest
from code_screens.operations.confirm_sign_up import ConfirmSignUpRequest
from code_screens.operations.forgot_password import ForgotPasswordRequest
from code_screens.operations.models import camel
from code_screens.operations.resend_confirmation_code import (
    AcceptedResponse,
    CodeDeliveryDetails,
    ResendConfirmationCodeRequest,
)
from code_screens.password_policy import SYMBOLS, broken_rules
from code_screens.problems import CATALOG
from code_screens.routes import CONFIRM_FORGOT_PASSWORD, CONFIRM_SIGN_UP, FORGOT_PASSWORD, RESEND_CONFIRMATION_CODE
from code_screens.settings import PasswordPolicy
from tests.corpus.typed_codes import TYPED_CODES
from tests.corpus.typed_passwords import (
    LOWERCASE,
    NUMBER,
    SYMBOL,
    TOO_SHORT,
    TYPED_PASSWORDS,
    UPPERCASE,
    WHITESPACE,
)

ROOT = Path(__file__).resolve().parents[2]
JAVASCRIPT = (ROOT / "web" / "code-screens.js").read_text(encoding="utf-8")
KOTLIN = (ROOT / "docs" / "snippets" / "CodeScreens.kt").read_text(encoding="utf-8")
SWIFT = (ROOT / "docs" / "snippets" / "CodeScreens.swift").read_text(encoding="utf-8")
CATALOG_CODES = {p.code for p in CATALOG}
# Every route the clients call, in the order each client declares them.
ROUTES = [RESEND_CONFIRMATION_CODE.path, CONFIRM_SIGN_UP.path, FORGOT_PASSWORD.path, CONFIRM_FORGOT_PASSWORD.path]


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
    javascript = re.findall(r'const \w+_ROUTE = "([^"]+)"', JAVASCRIPT)

    assert kotlin == ROUTES
    assert ["/" + path for path in swift] == ROUTES
    assert javascript == ROUTES


REQUESTS = [
    (ResendConfirmationCodeRequest, "fun resendConfirmationCode(", "struct Body:"),
    (ConfirmSignUpRequest, "fun confirmSignUp(", "struct ConfirmBody:"),
    (ForgotPasswordRequest, "fun forgotPassword(", "struct Body:"),
    (ConfirmForgotPasswordRequest, "fun confirmForgotPassword(", "struct ResetBody:"),
]
Request = (
    type[ResendConfirmationCodeRequest]
    | type[ConfirmSignUpRequest]
    | type[ForgotPasswordRequest]
    | type[ConfirmForgotPasswordRequest]
)


def _kotlin_fields(function: str) -> set[str]:
    """The fields a Kotlin function puts in its request body, with bodyFor's when it starts from it."""
    block = _block(_code(KOTLIN), function, "\n    }")
    put = set(re.findall(r'\.put\("(\w+)"', block))
    if "bodyFor(username)" in block:
        put |= set(re.findall(r'\.put\("(\w+)"', _block(_code(KOTLIN), "private fun bodyFor(", "\n    }")))
    return put


@pytest.mark.parametrize(("model", "kotlin_function", "swift_body"), REQUESTS)
def test_kotlin_and_swift_send_the_same_request_fields_the_models_accept(
    model: Request, kotlin_function: str, swift_body: str
) -> None:
    # Route by route, and from code only: a field one client drops from one request (or comments out) is caught
    # even when the other route's request still has a field of that name.
    model_fields = set(model.SCHEMA.fields)
    kotlin = _kotlin_fields(kotlin_function)
    swift = set(re.findall(r"let (\w+):", _block(_code(SWIFT), swift_body, "}")))

    assert kotlin == swift
    assert {"username", "clientId"} <= kotlin <= model_fields
    required = ("username", "confirmationCode", "password")
    assert model.SCHEMA.schema["required"] == [name for name in required if name in kotlin]


def test_each_swift_function_sends_its_own_body() -> None:
    # Two routes share `Body` (username and client); the others each have their own, checked above.
    sent = {
        function: re.search(r"await post\(Self\.(\w+)Path, (\w+)\(", _block(_code(SWIFT), function, "case .success"))
        for function in ("func resendConfirmationCode(", "func forgotPassword(")
    }
    for function, match in sent.items():
        assert match and match.group(2) == "Body", function
    assert {match.group(1) for match in sent.values() if match} == {"resendConfirmationCode", "forgotPassword"}


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
    javascript = re.search(r"if \(\[((?:\d{3}, )*\d{3})\]\.includes\(response\.status\)\)", _code(JAVASCRIPT))
    throttled = re.search(r"if \(response\.status === (\d{3}) \|\| response\.status === (\d{3})\)", JAVASCRIPT)

    # One grouping, shared by every route of each client (and the browser's).
    assert kotlin == swift == [(429, 503), (400, 409, 413, 415)]
    assert javascript and throttled
    assert [tuple(map(int, throttled.groups())), tuple(map(int, javascript.group(1).split(", ")))] == kotlin
    # Every status with a Retry-After in the catalog is one the clients read it from.
    retry_statuses = {p.status for p in CATALOG if p.retry_after_seconds is not None}
    assert retry_statuses == {429, 503, 504}
    for source in (KOTLIN, SWIFT, JAVASCRIPT):
        assert '"Retry-After"' in source
    assert "else -> Problem.Failed(code, answer.status, answer.retryAfterSeconds ?: 0)" in _code(KOTLIN)
    assert "default: return .failed(code: code, status: status, retryAfter: retryAfter ?? 0)" in _code(SWIFT)
    # On every route, the wait reaches the caller: a confirm or a reset that timed out (504) may have succeeded.
    assert len(re.findall(r"\.Failed\(problem\.code, problem\.status, problem\.retryAfterSeconds\)", KOTLIN)) == 4
    swift_failed = (
        r"case \.failed\(let code, let status, let retryAfter\): "
        r"return \.failed\(code: code, status: status, retryAfter: retryAfter\)"
    )
    assert len(re.findall(swift_failed, _code(SWIFT))) == 4
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
    "web/code-screens.js": r'\.headers\.get\("Retry-After"\)',
    "docs/snippets/CodeScreens.swift": r'\.value\(forHTTPHeaderField: "Retry-After"\)',
    "docs/snippets/CodeScreens.kt": r'\.getHeaderField\("Retry-After"\)',
}


@pytest.mark.parametrize("snippet", sorted(READS_RETRY_AFTER))
def test_every_snippet_calls_the_route_and_reads_retry_after(snippet: str) -> None:
    code = code_of((ROOT / snippet).read_text(encoding="utf-8"))

    for route in ROUTES:
        assert route.strip("/") in code, route
    assert re.search(READS_RETRY_AFTER[snippet], code)
    assert "application/json" in code


def test_comments_do_not_count_as_code() -> None:
    text = 'const a = "https://x/y"; // reads headers.get("Retry-After")\n/* headers.get("Retry-After") */\n'

    assert code_of(text).strip() == 'const a = "https://x/y";'


@pytest.mark.parametrize(
    ("snippet", "function"),
    [
        ("web/code-screens.js", "export async function confirmSignUp("),
        ("docs/snippets/CodeScreens.swift", "public func confirmSignUp("),
        ("docs/snippets/CodeScreens.kt", "suspend fun confirmSignUp("),
    ],
)
def test_every_snippet_confirms_a_sign_up_with_typed_results(snippet: str, function: str) -> None:
    text = (ROOT / snippet).read_text(encoding="utf-8")

    assert CONFIRM_SIGN_UP.path.strip("/") in text
    assert function in text
    assert "confirmationCode" in text
    # A wrong code and an expired code are told apart: the second offers the resend.
    assert "code_mismatch" in text and "code_expired" in text


@pytest.mark.parametrize(
    ("snippet", "functions"),
    [
        (
            "web/code-screens.js",
            ("export async function forgotPassword(", "export async function confirmForgotPassword("),
        ),
        ("docs/snippets/CodeScreens.swift", ("public func forgotPassword(", "public func confirmForgotPassword(")),
        ("docs/snippets/CodeScreens.kt", ("suspend fun forgotPassword(", "suspend fun confirmForgotPassword(")),
    ],
)
def test_every_snippet_resets_a_password_with_typed_results(snippet: str, functions: tuple[str, ...]) -> None:
    code = _code((ROOT / snippet).read_text(encoding="utf-8"))

    for function in functions:
        assert function in code, function
    assert FORGOT_PASSWORD.path.strip("/") in code and CONFIRM_FORGOT_PASSWORD.path.strip("/") in code
    # A broken rule of the policy and a wrong code each have their words: the first lists the rules, the second
    # offers a new code and another password.
    assert re.search(r"\binvalid_password\b", code) and re.search(r"\bcode_mismatch\b", code)


def test_every_client_sends_the_new_password_exactly_as_typed() -> None:
    # Never trimmed or normalized: a space the person typed is part of the password (the server refuses one at either
    # end, by name, rather than setting a password the person did not type).
    assert "password: String(password)," in _code(JAVASCRIPT)
    assert '.put("password", password)' in _code(KOTLIN)
    assert "password: password," in _code(SWIFT)
    for source in (JAVASCRIPT, KOTLIN, SWIFT):
        assert not re.search(r"password\.(trim|normalize|trimmingCharacters)", _code(source))


def test_kotlin_and_swift_type_the_reset_answers_alike() -> None:
    kotlin = _block(_code(KOTLIN), "sealed interface ConfirmForgotPasswordResult", "\n}")
    swift = _block(_code(SWIFT), "public enum ConfirmForgotPasswordResult", "\n}")
    kotlin_cases = re.findall(r"data (?:class|object) (\w+)", kotlin)
    swift_cases = re.findall(r"case (\w+)", swift)

    assert [name[0].lower() + name[1:] for name in kotlin_cases] == swift_cases
    assert swift_cases == ["reset", "codeMismatch", "invalidPassword", "invalid", "throttled", "failed"]
    forgot_kotlin = re.findall(
        r"data class (\w+)", _block(_code(KOTLIN), "sealed interface ForgotPasswordResult", "\n}")
    )
    forgot_swift = re.findall(r"case (\w+)", _block(_code(SWIFT), "public enum ForgotPasswordResult", "\n}"))
    assert [name.lower() for name in forgot_kotlin] == forgot_swift == ["sent", "invalid", "throttled", "failed"]


@pytest.mark.parametrize("snippet", ["docs/snippets/CodeScreens.swift", "docs/snippets/CodeScreens.kt"])
def test_mobile_snippets_share_the_pages_messages(snippet: str) -> None:
    text = (ROOT / snippet).read_text(encoding="utf-8")
    javascript = dict(re.findall(r'^\s+([a-z_]+): "(.+)",$', JAVASCRIPT, re.MULTILINE))

    for code in ("code_mismatch", "code_expired", "alias_exists", "attempt_limit_exceeded", "invalid_password"):
        assert javascript[code] in text, code


def _rule(typed: str) -> str:
    """docs/clients.md's rule, written once more in Python to check the shared table itself."""
    white_space = set("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | set(map(chr, range(0x2000, 0x200B)))
    kept = (c for c in typed if c not in white_space and unicodedata.category(c) not in ("Pd", "Cf"))
    return "".join(str(unicodedata.decimal(c)) if unicodedata.category(c) == "Nd" else c for c in kept)


def test_the_typed_codes_table_follows_the_rule() -> None:
    assert [(typed, _rule(typed)) for typed, _ in TYPED_CODES] == TYPED_CODES


def _run_browser_client(tmp_path: Path, script: str) -> str:
    """Run `script` under Node with the very module the page imports bound to `client` (copied as .mjs: Node reads
    it as an ES module without a warning); its standard output."""
    if shutil.which("node") is None:
        pytest.skip("no `node` on PATH")
    module = tmp_path / "code-screens.mjs"
    module.write_text(JAVASCRIPT, encoding="utf-8")
    finished = subprocess.run(
        ["node", "--input-type=module", "-e", f"import * as client from {json.dumps(module.as_uri())};\n{script}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return finished.stdout


def test_the_browser_client_sends_codes_as_the_rule_says(tmp_path: Path) -> None:
    typed = [typed for typed, _ in TYPED_CODES]

    stdout = _run_browser_client(tmp_path, f"console.log(JSON.stringify({json.dumps(typed)}.map(client.codeAsSent)));")

    assert json.loads(stdout) == [sent for _, sent in TYPED_CODES]


def test_the_browser_clients_password_hints_follow_the_default_policy(tmp_path: Path) -> None:
    typed = [password for password, _ in TYPED_PASSWORDS]

    stdout = _run_browser_client(
        tmp_path, f"console.log(JSON.stringify({json.dumps(typed)}.map((p) => client.passwordRulesBroken(p))));"
    )

    assert json.loads(stdout) == [broken for _, broken in TYPED_PASSWORDS]


OTHER_POLICY = PasswordPolicy(
    minimum_length=12, require_uppercase=False, require_lowercase=False, require_numbers=True, require_symbols=False
)


@pytest.mark.parametrize("policy", [PasswordPolicy(), OTHER_POLICY])
def test_the_browser_clients_password_hints_agree_with_the_server(tmp_path: Path, policy: PasswordPolicy) -> None:
    # Hints never stricter than the server (and, being equal, never looser either): the page's tick is the answer.
    typed = [password for password, _ in TYPED_PASSWORDS]
    browser_policy = {
        "minimumLength": policy.minimum_length,
        "requireUppercase": policy.require_uppercase,
        "requireLowercase": policy.require_lowercase,
        "requireNumbers": policy.require_numbers,
        "requireSymbols": policy.require_symbols,
    }
    script = f"const policy = {json.dumps(browser_policy)};\n"
    script += f"console.log(JSON.stringify({json.dumps(typed)}.map((p) => client.passwordRulesBroken(p, policy))));"

    stdout = _run_browser_client(tmp_path, script)

    assert json.loads(stdout) == [[error.code for error in broken_rules(password, policy)] for password in typed]


def test_the_page_states_the_servers_default_policy() -> None:
    # The reference page's list is what its hints read (forgot-password.js): Cognito's default policy, as the
    # function's PASSWORD_* settings default to.
    page = (ROOT / "web" / "forgot-password.html").read_text(encoding="utf-8")
    rules = re.findall(r'<li data-rule="(\w+)"', page)
    minimum = re.search(r'data-rule="password_too_short" data-minimum-length="(\d+)">at least (\d+) characters<', page)
    default = PasswordPolicy()

    assert minimum and int(minimum.group(1)) == int(minimum.group(2)) == default.minimum_length
    assert rules == [TOO_SHORT, UPPERCASE, LOWERCASE, NUMBER, SYMBOL, WHITESPACE]
    assert default.require_uppercase and default.require_lowercase and default.require_numbers
    assert default.require_symbols
    # Every symbol the server counts is listed for the person to read.
    symbols = re.search(r'data-rule="password_needs_symbol">a symbol: ([^<]+)</li>', page)
    assert symbols and set(html.unescape(symbols.group(1)).split(" ")) == set(SYMBOLS)


def test_the_browser_clients_password_hints_follow_a_pools_own_policy(tmp_path: Path) -> None:
    # A pool with other rules: 12 characters, numbers only required. A rule the policy leaves out is never hinted.
    policy = {
        "minimumLength": 12,
        "requireUppercase": False,
        "requireLowercase": False,
        "requireNumbers": True,
        "requireSymbols": False,
    }
    typed = ["abcdefghijk", "abcdefghijk1", " bcdefghijk1"]

    script = f"const policy = {json.dumps(policy)};\n"
    script += f"console.log(JSON.stringify({json.dumps(typed)}.map((p) => client.passwordRulesBroken(p, policy))));"

    stdout = _run_browser_client(tmp_path, script)

    assert json.loads(stdout) == [[TOO_SHORT, NUMBER], [], [WHITESPACE]]


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


def test_every_client_has_the_reset_routes_own_messages() -> None:
    # Its code_mismatch also answers a password the pool's history refuses; after its timeout the password may be
    # reset already.
    javascript = dict(re.findall(r'^\s+([a-z_]+): "([^"]*)",$', _block(JAVASCRIPT, "RESET_MESSAGES", "});"), re.M))
    kotlin = dict(re.findall(r'^\s+"([a-z_]+)" -> "([^"]*)"$', _block(KOTLIN, "fun resetMessageFor", "else ->"), re.M))
    swift_block = _block(SWIFT, "static func resetMessage(for", "default:")
    swift = dict(re.findall(r'^\s+case "([a-z_]+)": return "([^"]*)"$', swift_block, re.MULTILINE))

    assert set(javascript) == {"code_mismatch", "upstream_timeout"}
    assert kotlin == swift == javascript
    assert "a password you have not used recently" in javascript["code_mismatch"]
    assert "may already be reset" in javascript["upstream_timeout"]
    assert "on its way" not in javascript["upstream_timeout"]
    # The browser client applies them itself, as it does the confirm route's.
    assert "post(baseUrl, CONFIRM_FORGOT_PASSWORD_ROUTE, body, options, RESET_MESSAGES)" in _code(JAVASCRIPT)


def test_a_wrong_code_message_serves_every_case_it_covers() -> None:
    # Expired and replaced codes will answer code_mismatch too, as will an account already confirmed.
    assert javascript_messages()["code_mismatch"] == (
        "That code is wrong or has expired: check the newest message, or ask for a new one. Already confirmed? Sign in."
    )
