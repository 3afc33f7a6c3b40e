"""The reference confirmation screen in headless Chromium (Debian's package, driven by Playwright) against `make run`'s
server: resend, confirm, every message, keyboard alone."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from code_screens.routes import CONFIRM_SIGN_UP, FORGOT_PASSWORD, RESEND_CONFIRMATION_CODE
from local.seed import UNCONFIRMED_USER
from tests.conftest import ARTIFACTS
from tests.local_stack import LocalApi

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling out, which this sandbox refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ARTIFACTS / "screenshots"
RESEND = "cognito-idp:ResendConfirmationCode"
CONFIRM = "cognito-idp:ConfirmSignUp"
USERNAME = "E-mail address or username"
CODE = "Confirmation code"
WRONG_CODE = (
    "That code is wrong or has expired: check the newest message, or ask for a new one. Already confirmed? Sign in."
)
# Where keyboard focus is: the id of the focused element, or its tag when it has none ("BODY" when it was lost).
FOCUSED = "document.activeElement ? (document.activeElement.id || document.activeElement.tagName) : null"

playwright_sync = pytest.importorskip("playwright.sync_api", reason="Playwright is installed by requirements-dev.txt")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (.ci/run does: apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed: `sudo apt-get install chromium` to run the browser tests")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, local_api: LocalApi, request: pytest.FixtureRequest) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{local_api.url}/")
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    local_api.disarm_faults()


def resend_requests(page) -> list[str]:  # type: ignore[no-untyped-def]
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith(RESEND_CONFIRMATION_CODE.path) else None)
    return sent


def test_resend_shows_success_and_the_new_code(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    before = len(local_api.outbox())

    page.get_by_label("E-mail address or username").fill(UNCONFIRMED_USER)
    page.get_by_role("button", name="Resend code").click()

    status = page.get_by_role("status")
    playwright_sync.expect(status).to_contain_text("a new code is on its way")
    outbox = local_api.outbox()
    assert len(outbox) == before + 1
    playwright_sync.expect(page.locator("#outbox-code")).to_have_text(outbox[0]["code"])
    # The button cools down after a send, so a double click cannot send twice.
    playwright_sync.expect(page.locator("#resend")).to_be_disabled()


def test_keyboard_alone_can_resend(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    before = local_api.calls(RESEND)

    page.keyboard.press("Tab")
    playwright_sync.expect(page.get_by_label(USERNAME)).to_be_focused()
    page.keyboard.type(UNCONFIRMED_USER)
    for _ in range(3):  # the code field, Confirm, Resend code
        page.keyboard.press("Tab")
    playwright_sync.expect(page.get_by_role("button", name="Resend code")).to_be_focused()
    page.keyboard.press("Enter")

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("a new code is on its way")
    assert local_api.calls(RESEND) == before + 1
    # The resend button cools down, so focus moves on to where the new code goes.
    playwright_sync.expect(page.get_by_label(CODE)).to_be_focused()


def test_empty_username_is_refused_without_a_request(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    sent = resend_requests(page)
    before = local_api.calls(RESEND)

    page.get_by_role("button", name="Resend code").click()

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Please enter")
    playwright_sync.expect(page.get_by_label("E-mail address or username")).to_be_focused()
    assert page.get_by_label("E-mail address or username").get_attribute("aria-invalid") == "true"
    assert sent == []
    assert local_api.calls(RESEND) == before


def test_throttled_reply_disables_the_button_for_retry_after(page, make_run_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Given make run's per-username limit, and a code just requested for this username from elsewhere
    page.goto(f"{make_run_api.url}/")
    username = f"page-{uuid.uuid4().hex[:8]}@example.com"
    assert requests.post(
        f"{make_run_api.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": username}, timeout=30
    ).ok

    page.get_by_label("E-mail address or username").fill(username)
    page.get_by_role("button", name=re.compile("Resend code")).click()

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Too many attempts for this username")
    button = page.locator("#resend")
    playwright_sync.expect(button).to_be_disabled()
    # Retry-After: what is left of the 60 s cooldown → said in words, counted down on the button.
    playwright_sync.expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"You can try again in (1 minute|[1-5]?\d seconds?)\.")
    )
    playwright_sync.expect(button).to_have_text(re.compile(r"^Resend code \((1:00|[1-5]?\d s)\)$"))


def test_short_retry_after_enables_the_button_again(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    local_api.arm_fault(RESEND, "TooManyRequestsException", message="Rate exceeded")

    page.get_by_label("E-mail address or username").fill(UNCONFIRMED_USER)
    page.get_by_role("button", name="Resend code").click()

    button = page.locator("#resend")
    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Too many requests right now")
    playwright_sync.expect(button).to_be_disabled()
    playwright_sync.expect(button).to_be_enabled(timeout=5_000)  # Retry-After: 1
    playwright_sync.expect(button).to_have_text("Resend code")


def test_server_error_shows_a_message_not_a_blank_page(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    local_api.arm_fault(RESEND, "InternalErrorException", status=500, times=2)

    page.get_by_label("E-mail address or username").fill(UNCONFIRMED_USER)
    page.get_by_role("button", name="Resend code").click()

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("had a problem")
    playwright_sync.expect(page.locator("#resend")).to_be_enabled()
    playwright_sync.expect(page.get_by_role("heading", name="Confirm your account")).to_be_visible()


def test_a_timeout_cools_down_and_the_outbox_shows_the_code_it_may_have_sent(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Cognito answers after the function's 3 s read timeout, but still sends the code.
    local_api.arm_fault(RESEND, None, delaySeconds=3.5)
    before = len(local_api.outbox())

    page.get_by_label("E-mail address or username").fill(UNCONFIRMED_USER)
    page.get_by_role("button", name="Resend code").click()

    status = page.get_by_role("status")
    playwright_sync.expect(status).to_contain_text("took too long", timeout=15_000)
    playwright_sync.expect(status).to_contain_text("You can try again in 30 seconds.")
    button = page.locator("#resend")
    playwright_sync.expect(button).to_be_disabled()
    playwright_sync.expect(button).to_have_text(re.compile(r"^Resend code \(\d+ s\)$"))
    # The code the timed-out call sent shows up in the panel without a reload.
    sent_code = None
    for _ in range(100):
        outbox = local_api.outbox()
        if len(outbox) > before:
            sent_code = outbox[0]["code"]
            break
        page.wait_for_timeout(100)
    assert sent_code is not None, "the emulator sent the code after the timeout"
    playwright_sync.expect(page.locator("#outbox-code")).to_have_text(sent_code, timeout=10_000)
    playwright_sync.expect(button).to_be_disabled()


def test_whitespace_typed_around_the_address_still_sends(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    before = len(local_api.outbox())

    page.get_by_label("E-mail address or username").fill(f"\t{UNCONFIRMED_USER}\u00a0 ")
    page.get_by_role("button", name="Resend code").click()

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("a new code is on its way")
    assert len(local_api.outbox()) == before + 1 and local_api.outbox()[0]["username"] == UNCONFIRMED_USER


# WCAG 2 relative luminance and contrast ratio, computed from Chromium's computed styles. The background is the
# nearest opaque background-color up the tree, else the browser's canvas colour for the scheme.
CONTRAST_SCRIPT = """
({kinds, button: buttonId}) => {
  const parse = (value) => {
    const m = value.match(/^rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?\\)$/);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
  };
  const channel = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const backgroundOf = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = parse(getComputedStyle(e).backgroundColor);
      if (colour && colour[3] === 1) return colour;
    }
    // Nothing opaque up the tree: what shows through is the browser's canvas for the active scheme.
    const probe = document.createElement("div");
    probe.style.backgroundColor = "Canvas";
    document.body.append(probe);
    const canvas = parse(getComputedStyle(probe).backgroundColor);
    probe.remove();
    return canvas;
  };
  const measure = (element) => {
    const style = getComputedStyle(element);
    const fg = parse(style.color), bg = backgroundOf(element);
    if (!fg || !bg) return { ratio: 0, color: style.color, background: String(bg) };
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    return { ratio: (hi + 0.05) / (lo + 0.05), color: style.color, background: `rgb(${bg.slice(0, 3).join(", ")})` };
  };
  const status = document.getElementById("status");
  const button = document.getElementById(buttonId);
  const results = { body: measure(document.querySelector("main p")), button: measure(button) };
  // Every other element that shows text, so a colour added later for one of them is measured too (the outbox
  // panel is shown, as make run's page shows it).
  document.getElementById("outbox").hidden = false;
  document.querySelectorAll("h1, h2, label, p, li, button, input, code, a").forEach((element, index) => {
    results[`${element.tagName.toLowerCase()}#${element.id || index}`] = measure(element);
  });
  for (const kind of kinds) {
    status.dataset.kind = kind;
    status.textContent = kind;
    results[`status ${kind}`] = measure(status);
  }
  button.disabled = true;
  results["button disabled"] = measure(button);
  button.disabled = false;
  return results;
}
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_meets_wcag_aa_contrast_in_both_colour_schemes(browser, local_api: LocalApi, scheme: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{local_api.url}/")
    try:
        kinds = ["sent", "confirmed", "invalid", "failed", "throttled", "pending"]
        measured = page.evaluate(CONTRAST_SCRIPT, {"kinds": kinds, "button": "resend"})
        canvas = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"contrast-{scheme}.png"), full_page=True)
    finally:
        context.close()

    # The scheme really is the one asked for (a light canvas in "dark" would make this test meaningless).
    assert (canvas == "rgb(255, 255, 255)") == (scheme == "light"), canvas
    assert {"button#confirm", "input#username", "input#code", "h2#outbox-title", "code#outbox-code"} <= set(measured)
    failing = {name: m for name, m in measured.items() if m["ratio"] < 4.5}
    assert not failing, f"below 4.5:1 in the {scheme} scheme: {failing}"


def test_inputs_and_buttons_use_the_page_font(page) -> None:  # type: ignore[no-untyped-def]
    fonts = page.evaluate(
        "['main p', '#username', '#resend'].map((s) => { const c = getComputedStyle(document.querySelector(s));"
        " return `${c.fontFamily} ${c.fontSize}`; })"
    )

    assert fonts[0] == fonts[1] == fonts[2], fonts


# --- the confirmation ---


def confirm_responses(page) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    seen: list[tuple[int, str]] = []
    page.on("response", lambda r: seen.append((r.status, r.text())) if r.url.endswith(CONFIRM_SIGN_UP.path) else None)
    return seen


def test_keyboard_alone_takes_a_new_user_from_resend_to_confirmed(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Given a user who signed up and is UNCONFIRMED
    username = local_api.sign_up()
    assert local_api.user_status(username)[0] == "UNCONFIRMED"

    # When they ask for a new code, read it from the local outbox panel and type it, with the keyboard alone
    page.keyboard.press("Tab")
    page.keyboard.type(username)
    for _ in range(3):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    playwright_sync.expect(page.get_by_role("status")).to_contain_text("a new code is on its way")
    outbox_code = page.locator("#outbox-code")
    playwright_sync.expect(outbox_code).to_have_text(local_api.newest_code(username))
    playwright_sync.expect(page.get_by_label(CODE)).to_be_focused()
    page.keyboard.type(outbox_code.inner_text())
    page.keyboard.press("Enter")

    # Then the page says so, and the emulator reports the user CONFIRMED with a verified address
    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Your account is confirmed")
    status, attributes = local_api.user_status(username)
    assert status == "CONFIRMED" and attributes["email_verified"] == "true"
    playwright_sync.expect(page.locator("#confirm")).to_be_disabled()
    playwright_sync.expect(page.locator("#resend")).to_be_disabled()


def test_a_wrong_code_says_so_and_offers_retyping_the_resend_and_the_sign_in(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # code_mismatch will also answer expired and replaced codes, and it already answers an account that is
    # confirmed: the message serves each case, the field is ready to type again, and the resend is one step away.
    username = local_api.sign_up()
    wrong = "000000" if local_api.newest_code(username) != "000000" else "111111"

    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(CODE).fill(wrong)
    page.get_by_role("button", name="Confirm").click()

    playwright_sync.expect(page.get_by_role("status")).to_have_text(WRONG_CODE)
    code = page.get_by_label(CODE)
    playwright_sync.expect(code).to_have_attribute("aria-invalid", "true")
    playwright_sync.expect(code).to_be_focused()
    playwright_sync.expect(page.locator("#confirm")).to_be_enabled()
    # The resend it offers: enabled, and reached from the code field by keyboard (past Confirm).
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    playwright_sync.expect(page.get_by_role("button", name="Resend code")).to_be_focused()
    playwright_sync.expect(page.get_by_role("button", name="Resend code")).to_be_enabled()
    assert local_api.user_status(username)[0] == "UNCONFIRMED"


def test_an_expired_code_reads_like_a_wrong_code_and_offers_the_resend(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # The server answers an expired code exactly as a wrong one (only a real account has one): the message serves
    # both, the field is ready for the newest code, and "Resend code" is there to ask for one.
    username = local_api.sign_up()
    local_api.age_codes(24 * 3600 + 60, username)

    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(CODE).fill(local_api.newest_code(username))
    page.get_by_role("button", name="Confirm").click()

    playwright_sync.expect(page.get_by_role("status")).to_contain_text(WRONG_CODE)
    playwright_sync.expect(page.get_by_label(CODE)).to_be_focused()
    playwright_sync.expect(page.get_by_role("button", name="Resend code")).to_be_enabled()
    assert local_api.user_status(username)[0] == "UNCONFIRMED"


def test_an_older_deployments_code_expired_still_offers_the_resend(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # A stub, named so: no server of this version answers code_expired any more, so the browser's request is
    # answered here as an older deployment did, to keep the page working against one.
    older_answer = {
        "type": "urn:resend-confirmation-code:problem:code_expired",
        "title": "Code expired",
        "status": 400,
        "detail": "The confirmation code has expired or was replaced by a newer one; ask for a new code.",
        "code": "code_expired",
    }
    page.route(
        f"**{CONFIRM_SIGN_UP.path}",
        lambda route: route.fulfill(status=400, content_type="application/problem+json", body=json.dumps(older_answer)),
    )
    username = local_api.sign_up()

    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(CODE).fill("123456")
    page.get_by_role("button", name="Confirm").click()

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("has expired")
    playwright_sync.expect(page.get_by_role("button", name="Resend code")).to_be_focused()


def test_an_unknown_user_looks_exactly_like_a_wrong_code(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    responses = confirm_responses(page)
    username = local_api.sign_up()
    wrong = "000000" if local_api.newest_code(username) != "000000" else "111111"
    shown: list[tuple[str | None, str]] = []

    for name in (username, "nobody-has-this-name@example.com"):
        page.get_by_label(USERNAME).fill(name)
        page.get_by_label(CODE).fill(wrong)
        page.get_by_role("button", name="Confirm").click()
        status = page.get_by_role("status")
        playwright_sync.expect(status).to_contain_text(WRONG_CODE)
        shown.append((status.get_attribute("data-kind"), status.inner_text()))
        page.evaluate("document.getElementById('status').textContent = ''")

    assert shown[0] == shown[1]
    assert len(responses) == 2 and responses[0] == responses[1]


def test_confirm_sends_once_while_in_flight(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # A slow Cognito (no error, 1 s late) keeps the first request in flight while the person presses Enter again.
    local_api.arm_fault(CONFIRM, None, delaySeconds=1)
    username = local_api.sign_up()
    before = local_api.calls(CONFIRM)

    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(CODE).fill(local_api.newest_code(username))
    page.get_by_label(CODE).press("Enter")
    page.get_by_label(CODE).press("Enter")
    page.get_by_label(CODE).press("Enter")

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Your account is confirmed")
    assert local_api.calls(CONFIRM) == before + 1


def test_a_throttled_confirm_cools_down_confirm_only(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    local_api.arm_fault(CONFIRM, "TooManyRequestsException", message="Rate exceeded")
    username = local_api.sign_up()

    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(CODE).fill("123456")
    page.get_by_role("button", name="Confirm").click()

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Too many requests right now")
    confirm = page.locator("#confirm")
    playwright_sync.expect(confirm).to_be_disabled()
    playwright_sync.expect(page.locator("#resend")).to_be_enabled()
    playwright_sync.expect(confirm).to_be_enabled(timeout=5_000)  # Retry-After: 1
    playwright_sync.expect(confirm).to_have_text("Confirm")


def test_a_timed_out_confirm_cools_down_as_its_message_says(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Cognito answers after the function's 3 s read timeout (and may have confirmed the account meanwhile): the
    # 504 carries Retry-After on this route too, and the page says "try again in 30 seconds"; the button must
    # keep to that rather than invite an immediate second submit.
    local_api.arm_fault(CONFIRM, None, delaySeconds=3.5)
    username = local_api.sign_up()

    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(CODE).fill("123456")
    page.get_by_role("button", name="Confirm").click()

    status = page.get_by_role("status")
    playwright_sync.expect(status).to_contain_text("took too long", timeout=15_000)
    playwright_sync.expect(status).to_contain_text("You can try again in 30 seconds.")
    confirm = page.locator("#confirm")
    playwright_sync.expect(confirm).to_be_disabled()
    playwright_sync.expect(confirm).to_have_text(re.compile(r"^Confirm \(\d+ s\)$"))
    # The confirm route's own guidance (docs/api.md): the account may be confirmed already, so try signing in;
    # not the resend's "a code may already be on its way".
    playwright_sync.expect(status).to_contain_text("Your account may already be confirmed: try signing in.")
    playwright_sync.expect(status).not_to_contain_text("on its way")
    # Confirm is counting down: focus is on the message, not lost to <body>.
    assert page.evaluate(FOCUSED) == "status"


def test_an_empty_code_is_refused_without_a_request(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    before = local_api.calls(CONFIRM)

    page.get_by_label(USERNAME).fill(UNCONFIRMED_USER)
    page.get_by_label(CODE).fill("   ")
    page.get_by_role("button", name="Confirm").click()

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Please enter the code")
    playwright_sync.expect(page.get_by_label(CODE)).to_be_focused()
    assert local_api.calls(CONFIRM) == before


def test_the_code_field_invites_one_time_codes_on_phones(page) -> None:  # type: ignore[no-untyped-def]
    code = page.get_by_label(CODE)

    assert code.get_attribute("inputmode") == "numeric"
    assert code.get_attribute("autocomplete") == "one-time-code"


def test_the_attempt_cap_counts_down_on_confirm_only(page, make_run_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Given make run's own settings (5 confirm attempts per username per 15 minutes) and five wrong codes typed
    page.goto(f"{make_run_api.url}/")
    username = make_run_api.sign_up("page-cap")
    wrong = "000000" if make_run_api.newest_code(username) != "000000" else "111111"
    page.get_by_label(USERNAME).fill(username)
    status = page.get_by_role("status")
    for _ in range(5):
        page.get_by_label(CODE).fill(wrong)
        page.get_by_label(CODE).press("Enter")
        playwright_sync.expect(status).to_contain_text(WRONG_CODE)
        page.evaluate("document.getElementById('status').textContent = ''")

    # When a sixth is sent
    page.get_by_label(CODE).fill(wrong)
    page.get_by_label(CODE).press("Enter")

    # Then the page says to wait and counts down on Confirm alone (Retry-After up to 15 minutes)
    playwright_sync.expect(status).to_contain_text("Too many attempts for this username")
    confirm = page.locator("#confirm")
    playwright_sync.expect(confirm).to_be_disabled()
    playwright_sync.expect(status).to_contain_text(re.compile(r"You can try again in \d+ minutes?\."))
    playwright_sync.expect(confirm).to_have_text(re.compile(r"^Confirm \((1[45]|\d):\d\d\)$"))
    playwright_sync.expect(page.locator("#resend")).to_be_enabled()


def test_done_when_the_seeded_user_goes_from_resend_to_confirmed_by_keyboard(browser, fresh_make_run: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Given a fresh `make run` and its seeded UNCONFIRMED user
    assert fresh_make_run.user_status(UNCONFIRMED_USER)[0] == "UNCONFIRMED"
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{fresh_make_run.url}/")

    # When the person asks for a new code and types it, with the keyboard alone
    page.keyboard.press("Tab")
    page.keyboard.type(UNCONFIRMED_USER)
    for _ in range(3):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    playwright_sync.expect(page.get_by_role("status")).to_contain_text("a new code is on its way")
    outbox_code = page.locator("#outbox-code")
    playwright_sync.expect(outbox_code).to_have_text(fresh_make_run.newest_code(UNCONFIRMED_USER))
    page.keyboard.type(outbox_code.inner_text())
    page.keyboard.press("Enter")

    # Then the page and the emulator agree: confirmed
    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Your account is confirmed")
    status, attributes = fresh_make_run.user_status(UNCONFIRMED_USER)
    assert status == "CONFIRMED" and attributes["email_verified"] == "true"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "done_when_keyboard_confirmation.png"), full_page=True)
    context.close()


def tab_to(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the control named `name` has focus (at most the page's few controls)."""
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == name:
            return
    raise AssertionError(f"Tab never reached #{name}")


def test_a_throttled_resend_hands_focus_to_the_code_field(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Enter on "Resend code" disables it (in flight, then for Retry-After): focus fell to <body>, and the next Tab
    # started again from the top of the page.
    local_api.arm_fault(RESEND, "TooManyRequestsException", message="Rate exceeded")
    page.get_by_label(USERNAME).fill(UNCONFIRMED_USER)
    tab_to(page, "resend")

    page.keyboard.press("Enter")

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Too many requests right now")
    playwright_sync.expect(page.locator("#resend")).to_be_disabled()
    # The field where a code already received can be typed, described by the message.
    assert page.evaluate(FOCUSED) == "code"
    assert page.get_by_label(CODE).get_attribute("aria-describedby") == "status"


def test_a_failed_resend_gives_focus_back_to_the_button(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # A 500 carries no wait: the button is usable again at once, so focus goes back to it.
    local_api.arm_fault(RESEND, "InternalErrorException", status=500, times=2)
    page.get_by_label(USERNAME).fill(UNCONFIRMED_USER)
    tab_to(page, "resend")

    page.keyboard.press("Enter")

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("had a problem")
    playwright_sync.expect(page.locator("#resend")).to_be_enabled()
    assert page.evaluate(FOCUSED) == "resend"


def test_a_throttled_confirm_hands_focus_to_the_message(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    local_api.arm_fault(CONFIRM, "TooManyRequestsException", message="Rate exceeded")
    page.get_by_label(USERNAME).fill(local_api.sign_up("page-focus"))
    page.get_by_label(CODE).fill("123456")
    tab_to(page, "confirm")

    page.keyboard.press("Enter")

    status = page.get_by_role("status")
    playwright_sync.expect(status).to_contain_text("Too many requests right now")
    playwright_sync.expect(page.locator("#confirm")).to_be_disabled()
    assert page.evaluate(FOCUSED) == "status"
    # The message is read when it takes focus, and keeps announcing later results.
    assert status.get_attribute("tabindex") == "-1" and status.get_attribute("aria-live") == "polite"


def test_an_expired_code_while_resend_cools_down_leaves_focus_on_the_code_field(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Given a resend just sent (its button counts down) and the code it sent now past its 24 hours
    username = local_api.sign_up("page-expired")
    page.get_by_label(USERNAME).fill(username)
    page.get_by_role("button", name="Resend code").click()
    playwright_sync.expect(page.get_by_role("status")).to_contain_text("a new code is on its way")
    local_api.age_codes(24 * 3600 + 60, username)
    page.get_by_label(CODE).fill(local_api.newest_code(username))

    # When the person confirms it from the Confirm button, by keyboard
    tab_to(page, "confirm")
    page.keyboard.press("Enter")

    # Then the code field, ready for the newest code, has focus (not <body>): Resend cools down, and the message
    # (which it describes) says what to do
    playwright_sync.expect(page.get_by_role("status")).to_contain_text(WRONG_CODE)
    playwright_sync.expect(page.locator("#resend")).to_be_disabled()
    assert page.evaluate(FOCUSED) == "code"


def test_a_code_pasted_with_dashes_and_invisible_characters_confirms(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # "123\u2013456" (an en dash) from a message's typography, with a zero-width space and a soft hyphen from a
    # copy: the page sends the six digits (before, the en dash reached Cognito, and the emulator answered 502).
    username = local_api.sign_up("page-paste")
    newest = local_api.newest_code(username)
    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(CODE).fill(f"\u200b{newest[:2]}\u00ad{newest[2:3]}\u2013{newest[3:]}\ufeff")
    tab_to(page, "confirm")

    page.keyboard.press("Enter")

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Your account is confirmed")
    assert local_api.user_status(username)[0] == "CONFIRMED"
    # Both buttons are disabled for good: focus goes to the message, not to <body>.
    assert page.evaluate(FOCUSED) == "status"


# --- the way to the forgot-password screen ---


def test_the_page_links_to_the_forgot_password_screen_and_back(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # After the confirmation screen's own controls (its Tab order is unchanged), a link to reset a password.
    tab_to(page, "resend")
    page.keyboard.press("Tab")
    link = page.get_by_role("link", name="Forgot your password?")
    playwright_sync.expect(link).to_be_focused()

    page.keyboard.press("Enter")

    playwright_sync.expect(page.get_by_role("heading", name="Reset your password", level=1)).to_be_visible()
    page.get_by_role("link", name="Confirm your account").click()
    playwright_sync.expect(page.get_by_role("heading", name="Confirm your account", level=1)).to_be_visible()


def test_the_outbox_panel_shows_confirmation_codes_not_reset_codes(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Given a user who was sent a confirmation code at sign-up and, once confirmed, a newer password-reset code
    username = local_api.sign_up("page-purpose")
    confirmation_code = local_api.newest_code(username)
    cognito = local_api.aws("cognito-idp")
    cognito.admin_confirm_sign_up(UserPoolId=local_api.user_pool_id, Username=username)
    verified = [{"Name": "email_verified", "Value": "true"}]  # as local.seed.confirmed_user marks it
    cognito.admin_update_user_attributes(UserPoolId=local_api.user_pool_id, Username=username, UserAttributes=verified)
    assert requests.post(f"{local_api.url}{FORGOT_PASSWORD.path}", json={"username": username}, timeout=30).ok
    reset_code = local_api.newest_reset_code(username)

    # When the confirmation screen is asked for this user's codes
    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(USERNAME).press("Tab")  # "change": the panel looks the user up

    # Then it shows the confirmation code: the reset code is the other screen's
    playwright_sync.expect(page.locator("#outbox-code")).to_have_text(confirmation_code)
    page.goto(f"{local_api.url}/web/forgot-password.html")
    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(USERNAME).press("Tab")
    playwright_sync.expect(page.locator("#outbox-code")).to_have_text(reset_code)
