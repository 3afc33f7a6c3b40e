"""docs/snippets/CodeScreens.kt compiled with the real Kotlin compiler (npm `kotlin-compiler`) on Debian's OpenJDK,
against Android's org.json (Debian's libandroid-json-org-java), and run against `make run`'s server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from code_screens.routes import RESEND_CONFIRMATION_CODE
from local.seed import UNCONFIRMED_USER
from tests.conftest import ROOT
from tests.corpus.typed_codes import TYPED_CODES
from tests.local_stack import LocalApi, new_password

pytestmark = pytest.mark.slow  # Kotlin: compiles the client and runs it on a JVM

KOTLIN_LIB = ROOT / "node_modules" / "kotlin-compiler" / "lib"
# Android's own org.json implementation, as Debian packages it (`make test` installs it when root).
ANDROID_JSON = Path("/usr/share/java/json-android.jar")
SNIPPET = ROOT / "docs" / "snippets" / "CodeScreens.kt"
DRIVER = ROOT / "tests" / "kotlin" / "CodeScreensCheck.kt"
RESEND = "cognito-idp:ResendConfirmationCode"
CONFIRM = "cognito-idp:ConfirmSignUp"


def _missing() -> str | None:
    if shutil.which("java") is None:
        return "no `java` on PATH (Debian: apt-get install default-jdk-headless)"
    if not (KOTLIN_LIB / "kotlin-compiler.jar").exists():
        return "node_modules/kotlin-compiler is missing (npm ci installs it from package.json)"
    if not ANDROID_JSON.exists():
        return f"{ANDROID_JSON} is missing (Debian: apt-get install libandroid-json-org-java)"
    return None


def _runtime_classpath(classes: Path) -> str:
    jars = [KOTLIN_LIB / "kotlin-stdlib.jar", KOTLIN_LIB / "kotlinx-coroutines-core-jvm.jar", ANDROID_JSON]
    return os.pathsep.join(str(path) for path in [classes, *jars])


@pytest.fixture(scope="module")
def kotlin_classes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must be able to compile the Kotlin client: {missing}")
        pytest.skip(f"cannot compile the Kotlin client here: {missing}")
    classes = tmp_path_factory.mktemp("kotlin-classes")
    compiled = subprocess.run(
        [
            "java",
            "-cp",
            str(KOTLIN_LIB / "*"),
            "org.jetbrains.kotlin.cli.jvm.K2JVMCompiler",
            str(SNIPPET),
            str(DRIVER),
            "-d",
            str(classes),
            "-no-stdlib",
            "-no-reflect",
            "-Werror",  # the snippet is copied into apps as it is: no warnings either
            "-jvm-target",
            "17",
            "-cp",
            _runtime_classpath(classes),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert compiled.returncode == 0, compiled.stderr
    return classes


def run_client(classes: Path, operation: str, base_url: str, username: str, *code: str, password: str = "") -> str:
    """One call of the client (resend, confirm, forgot or reset); `password` goes to the driver on standard input."""
    finished = subprocess.run(
        ["java", "-cp", _runtime_classpath(classes), "CodeScreensCheckKt", operation, base_url, username, *code],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout.strip()


@pytest.fixture
def disarmed(local_api: LocalApi):  # type: ignore[no-untyped-def]
    yield
    local_api.disarm_faults()


def test_a_sent_code_with_whitespace_around_the_address(kotlin_classes: Path, local_api: LocalApi) -> None:
    before = len(local_api.outbox())

    result = run_client(kotlin_classes, "resend", local_api.url, f" {UNCONFIRMED_USER}\t")

    assert result.startswith("Sent(message=If this account exists"), result
    assert result.endswith("destination=null)")
    outbox = local_api.outbox()
    assert len(outbox) == before + 1 and outbox[0]["username"] == UNCONFIRMED_USER


def test_an_invalid_username(kotlin_classes: Path, local_api: LocalApi) -> None:
    before = local_api.calls(RESEND)

    result = run_client(kotlin_classes, "resend", local_api.url, "two words")

    assert result.startswith("Invalid(code=invalid_request, errors=[FieldError(field=username, "), result
    assert local_api.calls(RESEND) == before


def test_a_throttled_answer_carries_retry_after(kotlin_classes: Path, make_run_api: LocalApi) -> None:
    # make run's per-username limit: a second resend within the 60 s cooldown is a 429 with what is left of it.
    username = f"kotlin-{uuid.uuid4().hex[:8]}@example.com"
    assert requests.post(
        f"{make_run_api.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": username}, timeout=30
    ).ok

    result = run_client(kotlin_classes, "resend", make_run_api.url, username)

    match = re.fullmatch(r"Throttled\(code=attempt_limit_exceeded, retryAfterSeconds=(\d+)\)", result)
    assert match, result
    assert 0 < int(match.group(1)) <= 60


@pytest.mark.usefixtures("disarmed")
def test_a_timeout_is_a_failure_with_a_cooldown(kotlin_classes: Path, local_api: LocalApi) -> None:
    local_api.arm_fault(RESEND, None, delaySeconds=3.5)  # longer than the function's 3 s read timeout

    result = run_client(kotlin_classes, "resend", local_api.url, UNCONFIRMED_USER)

    assert result == "Failed(code=upstream_timeout, status=504, retryAfterSeconds=30)"


@pytest.mark.usefixtures("disarmed")
def test_a_timed_out_confirm_is_a_failure_with_a_cooldown(kotlin_classes: Path, local_api: LocalApi) -> None:
    # The confirm route's 504 carries Retry-After too (the account may already be confirmed, and a second submit
    # would then answer code_mismatch); the client must pass it on as it does for the resend.
    local_api.arm_fault(CONFIRM, None, delaySeconds=3.5)  # longer than the function's 3 s read timeout

    result = run_client(kotlin_classes, "confirm", local_api.url, local_api.sign_up("kotlin-confirm"), "123456")

    assert result == "Failed(code=upstream_timeout, status=504, retryAfterSeconds=30)"


def test_an_unreachable_server_is_a_network_error(kotlin_classes: Path) -> None:
    result = run_client(kotlin_classes, "resend", "http://127.0.0.1:9", UNCONFIRMED_USER)

    assert result == "Failed(code=network_error, status=0, retryAfterSeconds=0)"


def _hex(text: str) -> str:
    return ",".join(f"{ord(char):x}" for char in text)


def test_codes_as_people_type_them_are_sent_as_the_rule_says(kotlin_classes: Path) -> None:
    # The same table every client is held to (tests/corpus/typed_codes.py); in and out as hex code points.
    finished = subprocess.run(
        ["java", "-cp", _runtime_classpath(kotlin_classes), "CodeScreensCheckKt", "--code-as-sent"]
        + [_hex(typed) for typed, _ in TYPED_CODES],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.split("\n")[: len(TYPED_CODES)] == [_hex(sent) for _, sent in TYPED_CODES]


def test_a_code_pasted_with_a_dash_and_an_invisible_character_confirms(
    kotlin_classes: Path, local_api: LocalApi
) -> None:
    # "123\u2013456" (an en dash) with a zero-width space, as a mail client's typography and a web page's copy give
    # it: before the client dropped them, the en dash reached Cognito (the emulator answered 502; Cognito, a wrong
    # code).
    username = local_api.sign_up("kotlin-paste")
    code = local_api.newest_code(username)
    typed = f"\u200b{code[:3]}\u2013{code[3:]} "

    result = subprocess.run(
        [
            "java",
            "-Dsun.jnu.encoding=UTF-8",
            "-Dfile.encoding=UTF-8",
            "-cp",
            _runtime_classpath(kotlin_classes),
            "CodeScreensCheckKt",
            "confirm",
            local_api.url,
            username,
            typed,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Confirmed(message=Your account is confirmed. You can sign in now.)"
    assert local_api.user_status(username)[0] == "CONFIRMED"


# --- a forgotten password ---

FORGOT = "cognito-idp:ForgotPassword"
RESET = "cognito-idp:ConfirmForgotPassword"
SENT_RESET_CODE = (
    "Sent(message=If this account exists and can receive a code, a code to reset its password is on its way., "
    "destination=null)"
)


def test_a_forgotten_password_is_reset_with_the_code_sent(kotlin_classes: Path, local_api: LocalApi) -> None:
    # Given a confirmed user with a verified address
    old_password = new_password("kotlin old")
    username = local_api.confirmed_user("kotlin-reset", old_password)
    password = new_password("kotlin reset")

    # When the client asks for a reset code, and sends it back with a new password
    sent = run_client(kotlin_classes, "forgot", local_api.url, f"{username} ")
    code = local_api.newest_reset_code(username)
    reset = run_client(kotlin_classes, "reset", local_api.url, username, code, password=password)

    # Then the new password signs in, and the old one no longer does
    assert sent == SENT_RESET_CODE
    assert reset == "Reset(message=Your password is reset. You can sign in with the new password now.)"
    assert local_api.signs_in(username, password)
    assert not local_api.signs_in(username, old_password)


def test_an_unknown_user_is_sent_the_same_answer(kotlin_classes: Path, local_api: LocalApi) -> None:
    known = run_client(kotlin_classes, "forgot", local_api.url, local_api.confirmed_user("kotlin-known"))
    unknown = run_client(kotlin_classes, "forgot", local_api.url, f"nobody-{uuid.uuid4().hex[:8]}@example.com")

    assert known == unknown == SENT_RESET_CODE


def test_a_password_that_breaks_the_policy_lists_each_rule(kotlin_classes: Path, local_api: LocalApi) -> None:
    username = local_api.confirmed_user("kotlin-weak")
    run_client(kotlin_classes, "forgot", local_api.url, username)
    before = local_api.calls(RESET)

    result = run_client(
        kotlin_classes, "reset", local_api.url, username, local_api.newest_reset_code(username), password="short"
    )

    # Refused before Cognito, one error per rule broken, and never the password itself.
    assert result == (
        "InvalidPassword(errors=["
        "FieldError(field=password, code=password_too_short, message=Password should have at least 8 characters), "
        "FieldError(field=password, code=password_needs_uppercase, "
        "message=Password should contain an uppercase letter), "
        "FieldError(field=password, code=password_needs_number, message=Password should contain a number), "
        "FieldError(field=password, code=password_needs_symbol, message=Password should contain a symbol)])"
    )
    assert local_api.calls(RESET) == before


def test_a_wrong_reset_code_is_a_code_mismatch(kotlin_classes: Path, local_api: LocalApi) -> None:
    username = local_api.confirmed_user("kotlin-wrong")
    run_client(kotlin_classes, "forgot", local_api.url, username)
    wrong = "000000" if local_api.newest_reset_code(username) != "000000" else "111111"

    result = run_client(kotlin_classes, "reset", local_api.url, username, wrong, password=new_password("kotlin wrong"))

    assert result == "CodeMismatch"


def test_a_second_reset_code_within_the_cooldown_is_throttled(kotlin_classes: Path, make_run_api: LocalApi) -> None:
    # make run's per-username limit: a second reset code within the 60 s cooldown is a 429 with what is left of it.
    username = make_run_api.confirmed_user("kotlin-cooldown")
    assert run_client(kotlin_classes, "forgot", make_run_api.url, username) == SENT_RESET_CODE

    result = run_client(kotlin_classes, "forgot", make_run_api.url, username)

    match = re.fullmatch(r"Throttled\(code=attempt_limit_exceeded, retryAfterSeconds=(\d+)\)", result)
    assert match, result
    assert 0 < int(match.group(1)) <= 60


@pytest.mark.usefixtures("disarmed")
def test_a_timed_out_reset_is_a_failure_with_a_cooldown(kotlin_classes: Path, local_api: LocalApi) -> None:
    # Cognito may have set the new password after the function gave up: the 504's Retry-After reaches the app,
    # which then says to try signing in (resetMessageFor).
    username = local_api.confirmed_user("kotlin-slow")
    run_client(kotlin_classes, "forgot", local_api.url, username)
    local_api.arm_fault(RESET, None, delaySeconds=3.5)  # longer than the function's 3 s read timeout

    result = run_client(
        kotlin_classes,
        "reset",
        local_api.url,
        username,
        local_api.newest_reset_code(username),
        password=new_password("kotlin timeout"),
    )

    assert result == "Failed(code=upstream_timeout, status=504, retryAfterSeconds=30)"
