"""The reference forgot-password screen in headless Chromium (Debian's package, driven by Playwright) against
`make run`'s server: a reset code asked for, read from the local outbox panel and typed with a new password, every
answer, in-flight and cooldown states, keyboard alone, and what assistive technology is told."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from code_screens.routes import CONFIRM_FORGOT_PASSWORD, FORGOT_PASSWORD
from local.seed import CONFIRMED_USER
from tests.e2e.test_reference_page import CONTRAST_SCRIPT, FOCUSED, SCREENSHOTS, browser, tab_to
from tests.local_stack import LocalApi, new_password

pytestmark = [pytest.mark.browser, pytest.mark.slow]

__all__ = ["browser"]  # the fixture, shared with the confirmation screen's tests: one Chromium per module

PAGE = "/web/forgot-password.html"
FORGOT = "cognito-idp:ForgotPassword"
RESET = "cognito-idp:ConfirmForgotPassword"
USERNAME = "E-mail address or username"
CODE = "Reset code"
PASSWORD = "New password"
SENT = "a code to reset its password is on its way"
RESET_DONE = "Your password is reset. You can sign in with the new password now."
WRONG_CODE = (
    "That code is wrong or has expired: check the newest message, or ask for a new one. If the code is right, "
    "choose a password you have not used recently."
)

playwright_sync = pytest.importorskip("playwright.sync_api", reason="Playwright is installed by requirements-dev.txt")


@pytest.fixture
def page(browser, local_api: LocalApi, request: pytest.FixtureRequest) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{local_api.url}{PAGE}")
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"forgot-{request.node.name}.png"), full_page=True)
    context.close()
    local_api.disarm_faults()


def is_reset(response) -> bool:  # type: ignore[no-untyped-def]
    return bool(response.url.endswith(CONFIRM_FORGOT_PASSWORD.path))


def ask_for_a_code(api: LocalApi, username: str) -> str:
    """A reset code sent to `username` through the endpoint (not the page); the code."""
    assert requests.post(f"{api.url}{FORGOT_PASSWORD.path}", json={"username": username}, timeout=30).ok
    return api.newest_reset_code(username)


def reset_by_keyboard(page, api: LocalApi, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """From a freshly loaded page, with the keyboard alone: ask for a code, type it from the outbox panel, type the
    new password, Enter."""
    page.keyboard.press("Tab")
    playwright_sync.expect(page.get_by_label(USERNAME)).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    playwright_sync.expect(page.get_by_role("button", name="Send reset code")).to_be_focused()
    page.keyboard.press("Enter")
    playwright_sync.expect(page.get_by_role("status")).to_contain_text(SENT)
    # The send button cools down, so focus moves on to where the code goes.
    playwright_sync.expect(page.get_by_label(CODE, exact=True)).to_be_focused()
    outbox_code = page.locator("#outbox-code")
    playwright_sync.expect(outbox_code).to_have_text(api.newest_reset_code(username))
    page.keyboard.type(outbox_code.inner_text())
    page.keyboard.press("Tab")
    playwright_sync.expect(page.get_by_label(PASSWORD, exact=True)).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def test_keyboard_alone_resets_a_forgotten_password(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Given a confirmed user with a verified address
    old_password = new_password("page old")
    username = local_api.confirmed_user("page-reset", old_password)
    password = new_password("page reset")

    # When they ask for a code, read it from the local outbox panel and type it with a new password, by keyboard
    reset_by_keyboard(page, local_api, username, password)

    # Then the page says they can sign in, and they can, with the new password only
    status = page.get_by_role("status")
    playwright_sync.expect(status).to_have_text(RESET_DONE)
    assert local_api.signs_in(username, password)
    assert not local_api.signs_in(username, old_password)
    # Both buttons are done for good (a second submit would meet a used code); focus stays where Enter was pressed
    # (the field, read-only now), and the message is announced (aria-live).
    playwright_sync.expect(page.locator("#reset")).to_be_disabled()
    playwright_sync.expect(page.locator("#send")).to_be_disabled()
    assert page.evaluate(FOCUSED) == "new-password"
    assert page.get_by_label(PASSWORD, exact=True).get_attribute("readonly") is not None
    assert status.get_attribute("data-kind") == "reset"


def test_done_when_the_seeded_confirmed_user_resets_by_keyboard(browser, fresh_make_run: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Given a fresh `make run` and its seeded CONFIRMED user, with its verified address
    status, attributes = fresh_make_run.user_status(CONFIRMED_USER)
    assert status == "CONFIRMED" and attributes["email_verified"] == "true"
    password = new_password("done when")
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{fresh_make_run.url}{PAGE}")

    # When the person resets the password with the keyboard alone
    reset_by_keyboard(page, fresh_make_run, CONFIRMED_USER, password)

    # Then the page and the emulator agree: the new password signs in (the seeded one was random, never shown)
    playwright_sync.expect(page.get_by_role("status")).to_have_text(RESET_DONE)
    assert fresh_make_run.signs_in(CONFIRMED_USER, password)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "done_when_keyboard_password_reset.png"), full_page=True)
    context.close()


def test_a_password_that_breaks_the_policy_lists_the_rules_it_breaks(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    username = local_api.confirmed_user("page-weak")
    code = ask_for_a_code(local_api, username)
    before = local_api.calls(RESET)

    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(CODE, exact=True).fill(code)
    page.get_by_label(PASSWORD, exact=True).fill("short")
    with page.expect_response(is_reset) as answer:
        page.get_by_role("button", name="Reset password").click()

    # The server's answer (the page's hints refuse nothing), rule by rule, and not a word of the password.
    status = page.get_by_role("status")
    playwright_sync.expect(status).to_have_text(
        "The new password does not meet the password rules. Password should have at least 8 characters. "
        "Password should contain an uppercase letter. Password should contain a number. "
        "Password should contain a symbol."
    )
    assert answer.value.status == 400 and answer.value.json()["code"] == "invalid_password"
    assert local_api.calls(RESET) == before  # refused before Cognito: no attempt spent
    field = page.get_by_label(PASSWORD, exact=True)
    playwright_sync.expect(field).to_be_focused()
    playwright_sync.expect(field).to_have_attribute("aria-invalid", "true")
    playwright_sync.expect(page.locator("#reset")).to_be_enabled()
    # The same code still works with a password that meets the rules, sent from the button by keyboard.
    field.fill(new_password("page weak then strong"))
    tab_to(page, "reset")
    page.keyboard.press("Enter")
    playwright_sync.expect(status).to_have_text(RESET_DONE)
    # The button that had focus is disabled for good: focus goes to the message, not to <body>.
    assert page.evaluate(FOCUSED) == "status"


MET_RULES = "[...document.querySelectorAll('#password-policy li[data-met=true]')].map((r) => r.dataset.rule)"


def test_the_rules_hint_as_the_person_types(page) -> None:  # type: ignore[no-untyped-def]
    password = page.get_by_label(PASSWORD, exact=True)

    password.fill("abc")
    assert page.evaluate(MET_RULES) == ["password_needs_lowercase", "password_surrounding_whitespace"]
    password.fill(new_password("page hints"))

    assert page.evaluate(MET_RULES) == [
        "password_too_short",
        "password_needs_uppercase",
        "password_needs_lowercase",
        "password_needs_number",
        "password_needs_symbol",
        "password_surrounding_whitespace",
    ]
    # What a screen reader reads of the list, which describes the field: each rule, and which are done.
    playwright_sync.expect(page.locator("#password-policy li").first).to_have_text("at least 8 characters (done)")


def test_a_wrong_code_says_so_and_mentions_a_recent_password(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Cognito answers a password the pool's history refuses only for a real account with the right code; the
    # endpoint answers it like a wrong code, so the message covers both.
    old_password = new_password("page wrong code, old")
    username = local_api.confirmed_user("page-wrong", old_password)
    wrong = "000000" if ask_for_a_code(local_api, username) != "000000" else "111111"

    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(CODE, exact=True).fill(wrong)
    page.get_by_label(PASSWORD, exact=True).fill(new_password("page wrong code"))
    page.get_by_role("button", name="Reset password").click()

    playwright_sync.expect(page.get_by_role("status")).to_have_text(WRONG_CODE)
    code = page.get_by_label(CODE, exact=True)
    playwright_sync.expect(code).to_be_focused()
    playwright_sync.expect(code).to_have_attribute("aria-invalid", "true")
    playwright_sync.expect(page.locator("#reset")).to_be_enabled()
    assert local_api.signs_in(username, old_password)  # unchanged


def test_an_unknown_user_looks_exactly_like_a_known_one(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    responses: list[tuple[int, str]] = []
    known = local_api.confirmed_user("page-known")
    wrong = "000000" if ask_for_a_code(local_api, known) != "000000" else "111111"
    password = new_password("page unknown user")
    shown: list[tuple[str | None, str]] = []

    for name in (known, "nobody-has-this-name@example.com"):
        page.reload()
        page.get_by_label(USERNAME).fill(name)
        page.get_by_role("button", name="Send reset code").click()
        status = page.get_by_role("status")
        playwright_sync.expect(status).to_contain_text(SENT)
        shown.append((status.get_attribute("data-kind"), status.inner_text()))
        page.get_by_label(CODE, exact=True).fill(wrong)
        page.get_by_label(PASSWORD, exact=True).fill(password)
        with page.expect_response(is_reset) as answer:
            page.get_by_role("button", name="Reset password").click()
        responses.append((answer.value.status, answer.value.text()))
        playwright_sync.expect(status).to_have_text(WRONG_CODE)
        shown.append((status.get_attribute("data-kind"), status.inner_text()))

    assert shown[:2] == shown[2:]
    assert len(responses) == 2 and responses[0] == responses[1]


def test_send_cools_down_after_a_code_is_sent(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label(USERNAME).fill(local_api.confirmed_user("page-cooldown"))
    page.get_by_role("button", name="Send reset code").click()

    playwright_sync.expect(page.get_by_role("status")).to_contain_text(SENT)
    # The server's default cooldown per username (60 s): a double click cannot ask twice.
    send = page.locator("#send")
    playwright_sync.expect(send).to_be_disabled()
    playwright_sync.expect(send).to_have_text(re.compile(r"^Send reset code \((1:00|[1-5]?\d s)\)$"))


def test_a_throttled_send_counts_down_and_hands_focus_to_the_code_field(page, make_run_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Given make run's per-username limit, and a reset code just asked for this username from elsewhere
    page.goto(f"{make_run_api.url}{PAGE}")
    username = make_run_api.confirmed_user("page-throttled")
    ask_for_a_code(make_run_api, username)
    page.get_by_label(USERNAME).fill(username)
    tab_to(page, "send")

    page.keyboard.press("Enter")

    status = page.get_by_role("status")
    playwright_sync.expect(status).to_contain_text("Too many attempts for this username")
    playwright_sync.expect(status).to_contain_text(re.compile(r"You can try again in (1 minute|[1-5]?\d seconds?)\."))
    send = page.locator("#send")
    playwright_sync.expect(send).to_be_disabled()
    playwright_sync.expect(send).to_have_text(re.compile(r"^Send reset code \((1:00|[1-5]?\d s)\)$"))
    # The code already sent can still be typed: focus is on its field, which the message describes.
    assert page.evaluate(FOCUSED) == "code"
    assert page.get_by_label(CODE, exact=True).get_attribute("aria-describedby") == "status"


def test_a_rate_limited_send_waits_as_told_with_focus_on_the_code_field(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Cognito's own rate (TooManyRequestsException) is the service's, not the account's: it is told, Retry-After 1.
    local_api.arm_fault(FORGOT, "TooManyRequestsException", message="Rate exceeded")
    page.get_by_label(USERNAME).fill(local_api.confirmed_user("page-rate"))
    tab_to(page, "send")

    page.keyboard.press("Enter")

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Too many requests right now")
    send = page.locator("#send")
    playwright_sync.expect(send).to_be_disabled()
    assert page.evaluate(FOCUSED) == "code"
    playwright_sync.expect(send).to_be_enabled(timeout=5_000)
    playwright_sync.expect(send).to_have_text("Send reset code")


def test_a_failed_send_gives_focus_back_to_the_button(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # A fault of the service, not of the account, carries no wait: the button is usable again at once.
    local_api.arm_fault(FORGOT, "InternalErrorException", status=500, times=2)
    page.get_by_label(USERNAME).fill(local_api.confirmed_user("page-fault"))
    tab_to(page, "send")

    page.keyboard.press("Enter")

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("had a problem")
    playwright_sync.expect(page.locator("#send")).to_be_enabled()
    assert page.evaluate(FOCUSED) == "send"


def test_a_timed_out_send_cools_down_and_the_outbox_shows_the_code_it_may_have_sent(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # Cognito answers after the function's 3 s read timeout, but still sends the code.
    local_api.arm_fault(FORGOT, None, delaySeconds=3.5)
    username = local_api.confirmed_user("page-slow-send")

    page.get_by_label(USERNAME).fill(username)
    page.get_by_role("button", name="Send reset code").click()

    status = page.get_by_role("status")
    playwright_sync.expect(status).to_contain_text("took too long", timeout=15_000)
    playwright_sync.expect(status).to_contain_text("You can try again in 30 seconds.")
    playwright_sync.expect(page.locator("#send")).to_be_disabled()
    sent_code = None
    for _ in range(100):
        if any(m["username"] == username and m.get("purpose") == "ForgotPassword" for m in local_api.outbox()):
            sent_code = local_api.newest_reset_code(username)
            break
        page.wait_for_timeout(100)
    assert sent_code is not None, "the emulator sent the code after the timeout"
    playwright_sync.expect(page.locator("#outbox-code")).to_have_text(sent_code, timeout=10_000)


def test_reset_sends_once_while_in_flight(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    # A slow Cognito (no error, 1 s late) keeps the first request in flight while the person presses Enter again.
    username = local_api.confirmed_user("page-inflight")
    code = ask_for_a_code(local_api, username)
    local_api.arm_fault(RESET, None, delaySeconds=1)
    before = local_api.calls(RESET)

    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(CODE, exact=True).fill(code)
    page.get_by_label(PASSWORD, exact=True).fill(new_password("page in flight"))
    page.get_by_label(PASSWORD, exact=True).press("Enter")
    reset = page.locator("#reset")
    playwright_sync.expect(reset).to_be_disabled()
    playwright_sync.expect(page.get_by_role("status")).to_have_text("Resetting your password…")
    page.get_by_label(PASSWORD, exact=True).press("Enter")
    page.get_by_label(PASSWORD, exact=True).press("Enter")

    playwright_sync.expect(page.get_by_role("status")).to_have_text(RESET_DONE)
    assert local_api.calls(RESET) == before + 1


def test_a_throttled_reset_counts_down_on_reset_only(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    local_api.arm_fault(RESET, "TooManyRequestsException", message="Rate exceeded")

    page.get_by_label(USERNAME).fill(local_api.confirmed_user("page-reset-rate"))
    page.get_by_label(CODE, exact=True).fill("123456")
    page.get_by_label(PASSWORD, exact=True).fill(new_password("page reset rate"))
    tab_to(page, "reset")
    page.keyboard.press("Enter")

    playwright_sync.expect(page.get_by_role("status")).to_contain_text("Too many requests right now")
    reset = page.locator("#reset")
    playwright_sync.expect(reset).to_be_disabled()
    playwright_sync.expect(page.locator("#send")).to_be_enabled()
    # Reset is counting down: focus is on the message, not lost to <body>.
    assert page.evaluate(FOCUSED) == "status"
    playwright_sync.expect(reset).to_be_enabled(timeout=5_000)  # Retry-After: 1
    playwright_sync.expect(reset).to_have_text("Reset password")


def test_a_timed_out_reset_says_the_password_may_already_be_reset(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    username = local_api.confirmed_user("page-slow-reset")
    code = ask_for_a_code(local_api, username)
    local_api.arm_fault(RESET, None, delaySeconds=3.5)  # longer than the function's 3 s read timeout

    page.get_by_label(USERNAME).fill(username)
    page.get_by_label(CODE, exact=True).fill(code)
    page.get_by_label(PASSWORD, exact=True).fill(new_password("page slow reset"))
    page.get_by_role("button", name="Reset password").click()

    status = page.get_by_role("status")
    playwright_sync.expect(status).to_contain_text("took too long", timeout=15_000)
    playwright_sync.expect(status).to_contain_text(
        "Your password may already be reset: try signing in with the new one."
    )
    playwright_sync.expect(status).to_contain_text("You can try again in 30 seconds.")
    reset = page.locator("#reset")
    playwright_sync.expect(reset).to_be_disabled()
    playwright_sync.expect(reset).to_have_text(re.compile(r"^Reset password \(\d+ s\)$"))
    assert page.evaluate(FOCUSED) == "status"


def test_empty_fields_are_refused_without_a_request(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    before = (local_api.calls(FORGOT), local_api.calls(RESET))
    status = page.get_by_role("status")

    page.get_by_role("button", name="Send reset code").click()
    playwright_sync.expect(status).to_contain_text("Please enter the e-mail address")
    playwright_sync.expect(page.get_by_label(USERNAME)).to_be_focused()

    page.get_by_label(USERNAME).fill(CONFIRMED_USER)
    page.get_by_label(CODE, exact=True).fill(" - ")
    page.get_by_role("button", name="Reset password").click()
    playwright_sync.expect(status).to_contain_text("Please enter the code from your message.")
    playwright_sync.expect(page.get_by_label(CODE, exact=True)).to_be_focused()

    page.get_by_label(CODE, exact=True).fill("123456")
    page.get_by_role("button", name="Reset password").click()
    playwright_sync.expect(status).to_contain_text("Please enter a new password.")
    playwright_sync.expect(page.get_by_label(PASSWORD, exact=True)).to_be_focused()
    assert (local_api.calls(FORGOT), local_api.calls(RESET)) == before


def test_the_fields_invite_codes_and_new_passwords(page) -> None:  # type: ignore[no-untyped-def]
    code = page.get_by_label(CODE, exact=True)
    password = page.get_by_label(PASSWORD, exact=True)

    assert code.get_attribute("inputmode") == "numeric"
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert password.get_attribute("type") == "password"
    assert password.get_attribute("autocomplete") == "new-password"
    # A password manager saves the new password for the account: the reset form names it, hidden.
    assert page.locator("#reset-form input[autocomplete='username']").count() == 1
    # The field is described by the rules and by the status message, which a screen reader reads with it.
    assert password.get_attribute("aria-describedby") == "password-policy status"


def test_the_show_password_toggle_works_by_keyboard_and_hides_again_on_submit(page, local_api: LocalApi) -> None:  # type: ignore[no-untyped-def]
    toggle = page.get_by_role("button", name="Show password")
    password = page.get_by_label(PASSWORD, exact=True)
    password.fill(new_password("page toggle"))
    tab_to(page, "show-password")

    page.keyboard.press("Space")
    playwright_sync.expect(toggle).to_have_attribute("aria-pressed", "true")
    assert password.get_attribute("type") == "text"
    page.keyboard.press("Enter")
    playwright_sync.expect(toggle).to_have_attribute("aria-pressed", "false")
    assert password.get_attribute("type") == "password"

    # Shown again, then the form is submitted: the password is hidden before it is sent.
    page.keyboard.press("Space")
    assert password.get_attribute("type") == "text"
    page.get_by_label(USERNAME).fill(local_api.confirmed_user("page-toggle"))
    page.get_by_label(CODE, exact=True).fill("123456")
    page.get_by_role("button", name="Reset password").click()
    playwright_sync.expect(page.get_by_role("status")).to_have_text(WRONG_CODE)
    assert password.get_attribute("type") == "password"
    playwright_sync.expect(toggle).to_have_attribute("aria-pressed", "false")


def test_the_status_is_announced_and_can_take_focus(page) -> None:  # type: ignore[no-untyped-def]
    status = page.get_by_role("status")

    assert status.get_attribute("aria-live") == "polite" and status.get_attribute("tabindex") == "-1"
    assert page.get_by_label(USERNAME).get_attribute("aria-describedby") == "status"
    assert page.get_by_label(CODE, exact=True).get_attribute("aria-describedby") == "status"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_meets_wcag_aa_contrast_in_both_colour_schemes(browser, local_api: LocalApi, scheme: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{local_api.url}{PAGE}")
    try:
        # Every rule in both states: met (ticked) and not.
        page.get_by_label(PASSWORD, exact=True).fill("abc")
        kinds = ["sent", "reset", "invalid", "failed", "throttled", "pending"]
        measured = page.evaluate(CONTRAST_SCRIPT, {"kinds": kinds, "button": "send"})
        page.get_by_label(PASSWORD, exact=True).fill(new_password("page contrast"))
        ticked = page.evaluate(CONTRAST_SCRIPT, {"kinds": [], "button": "show-password"})
        canvas = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"forgot-contrast-{scheme}.png"), full_page=True)
    finally:
        context.close()

    assert (canvas == "rgb(255, 255, 255)") == (scheme == "light"), canvas
    assert {"button#send", "button#reset", "button#show-password", "input#new-password"} <= set(measured)
    assert any(name.startswith("a#") for name in measured) and any(name.startswith("li#") for name in measured)
    measured.update({f"{name} (ticked)": m for name, m in ticked.items()})
    failing = {name: m for name, m in measured.items() if m["ratio"] < 4.5}
    assert not failing, f"below 4.5:1 in the {scheme} scheme: {failing}"
