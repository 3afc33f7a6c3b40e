"""Amplify JS v6, unmodified (npm, pinned in package.json), bundled by esbuild and run in headless Chromium on a page
served from another origin than the API: its only change is `userPoolEndpoint` (or a per-call
`createAmplifyContext`), against the Cognito door of `python -m local`. CORS, the retries and the error names are
Amplify's own."""

from __future__ import annotations

import http.server
import os
import subprocess
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from local.seed import CONFIRMED_USER
from tests.conftest import ARTIFACTS, ROOT
from tests.e2e.test_reference_page import CHROMIUM, CHROMIUM_ARGS
from tests.local_stack import LocalApi, start_local_api, stop_local_api

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
ENTRY = ROOT / "tests" / "e2e" / "js" / "amplify_page.mjs"
RESEND = "cognito-idp:ResendConfirmationCode"
PAGE = b"<!doctype html><html lang=en><title>Amplify against the Cognito door</title><script src=bundle.js></script>"

playwright_sync = pytest.importorskip("playwright.sync_api", reason="Playwright is installed by requirements-dev.txt")


@pytest.fixture(scope="module")
def page_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page (Amplify bundled by esbuild) on a loopback port of its own: another origin than the API."""
    if not ESBUILD.exists():
        pytest.skip("esbuild is missing: npm ci installs it from package.json")
    site = tmp_path_factory.mktemp("amplify-page")
    subprocess.run(
        [str(ESBUILD), str(ENTRY), "--bundle", "--format=iife", "--platform=browser", "--target=es2020",
         f"--outfile={site / 'bundle.js'}", "--log-level=warning"],
        cwd=ROOT, check=True, timeout=120,
    )  # fmt: skip
    (site / "index.html").write_bytes(PAGE)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, *args: Any) -> None:  # quiet: the test's output is the assertions
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def api(page_origin: str) -> Iterator[LocalApi]:
    """A local stack that allows the page's origin (and only it) by CORS."""
    local = start_local_api("local-api-amplify", {"ALLOWED_ORIGINS": page_origin})
    yield local
    stop_local_api(local)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (.ci/run does: apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed: `sudo apt-get install chromium` to run the browser tests")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def amplify(browser: Any, page_origin: str, api: LocalApi) -> Iterator[Any]:
    """A fresh page with Amplify configured for the API's root (userPoolEndpoint, a full URL)."""
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    page.goto(f"{page_origin}/index.html")
    page.evaluate("([endpoint, client]) => window.amplifyConfigure(endpoint, client)", [f"{api.url}/", api.client_id])
    yield page
    page.screenshot(path=str(ARTIFACTS / "screenshots" / f"amplify-{uuid.uuid4().hex[:6]}.png"))
    page.close()
    api.disarm_faults()


def resend(page: Any, username: str) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("u => window.amplifyResend(u)", username)
    return result


def confirm(page: Any, username: str, code: str) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("([u, c]) => window.amplifyConfirm(u, c)", [username, code])
    return result


def sent_to(local: LocalApi, username: str) -> int:
    return sum(1 for message in local.outbox() if message["username"] == username)


def test_resend_sends_exactly_one_code(amplify: Any, api: LocalApi) -> None:
    username = api.sign_up("amplify")
    before = sent_to(api, username)

    result = resend(amplify, username)

    # Amplify maps CodeDeliveryDetails; the door's is the same empty object for everybody.
    assert "error" not in result, result
    assert sent_to(api, username) == before + 1


def test_confirm_with_the_newest_code_confirms(amplify: Any, api: LocalApi) -> None:
    username = api.sign_up("amplify")
    resend(amplify, username)

    result = confirm(amplify, username, api.newest_code(username))

    assert result == {"output": {"isSignUpComplete": True, "nextStep": {"signUpStep": "DONE"}}}
    assert api.user_status(username)[0] == "CONFIRMED"


def test_a_wrong_code_is_code_mismatch(amplify: Any, api: LocalApi) -> None:
    username = api.sign_up("amplify")
    wrong = "000000" if api.newest_code(username) != "000000" else "111111"

    result = confirm(amplify, username, wrong)

    # The name comes from x-amzn-ErrorType (exposed by CORS) or __type; a `code` field would have won over both.
    assert result["error"]["name"] == "CodeMismatchException"
    assert "wrong or has expired" in result["error"]["message"]


def test_an_unknown_users_answers_are_a_real_ones(amplify: Any, api: LocalApi) -> None:
    names = (api.sign_up("amplify"), f"nobody-{uuid.uuid4().hex[:8]}@example.com", CONFIRMED_USER)

    resends = [resend(amplify, name) for name in names]
    confirms = [confirm(amplify, name, "000001") for name in names]

    assert resends[0] == resends[1] == resends[2]
    assert confirms[0] == confirms[1] == confirms[2]
    assert confirms[0]["error"]["name"] == "CodeMismatchException"


def test_a_lasting_fault_surfaces_by_name_after_amplifys_retries_with_no_code(amplify: Any, api: LocalApi) -> None:
    username = api.sign_up("amplify")
    sent_before, calls_before = sent_to(api, username), api.calls(RESEND)
    # TooManyRequestsException: Amplify retries it (by name and by the 429) with the same invocation id; a failure
    # is never replayed, so each retry reaches Cognito and could succeed.
    api.arm_fault(RESEND, "TooManyRequestsException", times=3)
    replayed_before = api.log().count("Retry answered with its first answer")

    result = resend(amplify, username)

    assert result["error"]["name"] == "TooManyRequestsException"
    assert api.log().count("Retry answered with its first answer") == replayed_before
    assert api.calls(RESEND) == calls_before + 3
    assert sent_to(api, username) == sent_before


def test_a_passing_fault_heals_within_amplifys_retries_and_sends_one_code(amplify: Any, api: LocalApi) -> None:
    username = api.sign_up("amplify")
    sent_before, calls_before = sent_to(api, username), api.calls(RESEND)
    api.arm_fault(RESEND, "TooManyRequestsException", times=1)

    result = resend(amplify, username)

    assert "error" not in result
    assert api.calls(RESEND) == calls_before + 2
    assert sent_to(api, username) == sent_before + 1


def test_a_per_call_context_reaches_the_endpoint(amplify: Any, api: LocalApi) -> None:
    username = api.sign_up("amplify")
    before = sent_to(api, username)
    # The global configuration points nowhere: only the per-call context can reach the door.
    amplify.evaluate("c => window.amplifyConfigure('http://127.0.0.1:9/', c)", api.client_id)

    result = amplify.evaluate(
        "([e, c, u]) => window.amplifyResendWithContext(e, c, u)", [f"{api.url}/", api.client_id, username]
    )

    assert "error" not in result, result
    assert sent_to(api, username) == before + 1


# --- resetPassword and confirmResetPassword (ForgotPassword, ConfirmForgotPassword) ---


def reset_password(page: Any, username: str) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("u => window.amplifyResetPassword(u)", username)
    return result


def confirm_reset(page: Any, username: str, code: str, password: str) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        "([u, c, p]) => window.amplifyConfirmResetPassword(u, c, p)", [username, code, password]
    )
    return result


def test_reset_password_and_confirm_set_the_new_password(amplify: Any, api: LocalApi) -> None:
    from tests.e2e.test_forgot_password_http import confirmed, new_password, reset_codes, sign_in, wrong

    username, old = confirmed(api, "amplify")
    password = new_password()

    asked = reset_password(amplify, username)
    code = reset_codes(api, username)[0]
    weak = confirm_reset(amplify, username, code, "weak")
    mismatch = confirm_reset(amplify, username, wrong(code), password)
    done = confirm_reset(amplify, username, code, password)

    # Amplify reads CodeDeliveryDetails (empty: the masked destination is not revealed) into its next step.
    assert asked["output"]["isPasswordReset"] is False
    assert asked["output"]["nextStep"]["resetPasswordStep"] == "CONFIRM_RESET_PASSWORD_WITH_CODE"
    assert weak["error"]["name"] == "InvalidPasswordException"
    assert weak["error"]["message"] == "Password does not conform to policy: Password should have at least 8 characters"
    assert mismatch["error"]["name"] == "CodeMismatchException"
    assert done == {"output": "reset"}
    assert sign_in(api, username, password) == "ok"
    assert sign_in(api, username, old) == "NotAuthorizedException"


def test_reset_password_answers_an_unknown_user_as_a_real_one(amplify: Any, api: LocalApi) -> None:
    from tests.e2e.test_forgot_password_http import confirmed

    real, unknown = confirmed(api, "amplify")[0], f"nobody-{uuid.uuid4().hex[:8]}@example.com"

    assert reset_password(amplify, real) == reset_password(amplify, unknown)
    assert "output" in reset_password(amplify, unknown)
