"""The reference page in headless Chromium (Debian's package, driven by Playwright) against `make run`'s server."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from local.seed import UNCONFIRMED_USER
from resend_code.route import ROUTE_PATH
from tests.conftest import ARTIFACTS
from tests.e2e.conftest import LocalApi

pytestmark = pytest.mark.browser

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
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith(ROUTE_PATH) else None)
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
    playwright_sync.expect(page.get_by_label("E-mail address or username")).to_be_focused()
    page.keyboard.type(UNCONFIRMED_USER)
    page.keyboard.press("Enter")

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("a new code is on its way")
    assert local_api.calls(RESEND) == before + 1


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
    assert requests.post(f"{make_run_api.url}{ROUTE_PATH}", json={"username": username}, timeout=30).ok

    page.get_by_label("E-mail address or username").fill(username)
    page.get_by_role("button", name=re.compile("Resend code")).click()

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Too many codes were requested")
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
(kinds) => {
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
  const button = document.getElementById("resend");
  const results = { body: measure(document.querySelector("main p")), button: measure(button) };
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
        measured = page.evaluate(CONTRAST_SCRIPT, ["sent", "invalid", "failed", "throttled", "pending"])
        canvas = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"contrast-{scheme}.png"), full_page=True)
    finally:
        context.close()

    # The scheme really is the one asked for (a light canvas in "dark" would make this test meaningless).
    assert (canvas == "rgb(255, 255, 255)") == (scheme == "light"), canvas
    failing = {name: m for name, m in measured.items() if m["ratio"] < 4.5}
    assert not failing, f"below 4.5:1 in the {scheme} scheme: {failing}"


def test_inputs_and_buttons_use_the_page_font(page) -> None:  # type: ignore[no-untyped-def]
    fonts = page.evaluate(
        "['main p', '#username', '#resend'].map((s) => { const c = getComputedStyle(document.querySelector(s));"
        " return `${c.fontFamily} ${c.fontSize}`; })"
    )

    assert fonts[0] == fonts[1] == fonts[2], fonts
