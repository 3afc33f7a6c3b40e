"""docs/api.md's figures for the limits are computed from the defaults, not typed: the guessing odds per account per
day, and what a lock-out costs."""

import math
from pathlib import Path

from code_screens.settings import (
    DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT,
    DEFAULT_CONFIRM_LIMIT,
    DEFAULT_FORGOT_PASSWORD_LIMIT,
    DEFAULT_RESEND_LIMIT,
    LimitPolicy,
)

API_DOC = " ".join((Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8").split())
CODES = 1_000_000  # six digits
CODE_LIFETIME_SECONDS = 24 * 3600  # Cognito's sign-up confirmation codes


def networks_to_lock_out(policy: LimitPolicy) -> int:
    """How many networks, each at its own cap, it takes to use up the username's ceiling."""
    return math.ceil(policy.ceiling / policy.max_per_window)


def test_the_confirm_odds_and_lock_out_price_are_the_defaults() -> None:
    limit = DEFAULT_CONFIRM_LIMIT
    guesses_a_day = limit.ceiling * CODE_LIFETIME_SECONDS // limit.window_seconds
    odds = f"{guesses_a_day / CODES * 100:.3f} %"

    assert f"at most {guesses_a_day:,} guesses a day for one account" in API_DOC
    assert f"a {odds} chance of hitting a given code in its 24-hour lifetime" in API_DOC
    assert f"which takes {networks_to_lock_out(limit)} networks at their own cap without pause" in API_DOC
    assert f"**{limit.max_per_window} attempts in {limit.window_seconds // 60} minutes from one network**" in API_DOC
    assert (
        f"**{limit.ceiling} attempts in {limit.window_seconds // 60} minutes from every network together**" in API_DOC
    )
    assert networks_to_lock_out(limit) > 1  # one network alone can never lock a user out


def test_the_resend_ceiling_and_lock_out_price_are_the_defaults() -> None:
    limit = DEFAULT_RESEND_LIMIT

    assert f"one inbox gets at most {limit.ceiling} codes a day" in API_DOC
    # The ceiling is shared by every network: as many one-off requests from as many addresses reach it.
    assert (
        f"whole ceiling, {limit.ceiling} resends, which {limit.ceiling} one-off requests from {limit.ceiling} IPv4 "
        f"addresses (or IPv6 /64s) make in seconds, or {networks_to_lock_out(limit)} networks at their own cap"
    ) in " ".join(API_DOC.split())
    assert networks_to_lock_out(limit) > 1


RESET_CODE_LIFETIME_SECONDS = 3600  # Cognito's ForgotPassword codes (AWS's API reference)


def test_the_reset_odds_and_lock_out_prices_are_the_defaults() -> None:
    attempts, codes = DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT, DEFAULT_FORGOT_PASSWORD_LIMIT
    per_code = attempts.ceiling * RESET_CODE_LIFETIME_SECONDS // attempts.window_seconds
    # A code is live only after a request for one: at most the reset-code ceiling of codes a day, each for its hour.
    per_day = per_code * codes.ceiling

    assert (
        f"at most {per_code} guesses reach one reset code in its lifetime, a {per_code / CODES * 100:.3f} %" in API_DOC
    )
    assert f"one username gets at most {codes.ceiling} reset codes a day" in API_DOC
    assert (
        f"at most {per_day:,} guesses a day meet a live code, a {per_day / CODES * 100:.3f} % chance a day" in API_DOC
    )
    assert (
        f"**{attempts.max_per_window} attempts in {attempts.window_seconds // 60} minutes from one network**" in API_DOC
    )
    assert (
        f"**{attempts.ceiling} attempts in {attempts.window_seconds // 60} minutes from every network together**"
        in API_DOC
    )
    assert (
        f"takes {attempts.ceiling} wrong guesses every {attempts.window_seconds // 60} minutes from at least "
        f"{networks_to_lock_out(attempts)} networks ({attempts.ceiling} addresses with one guess each will do)"
    ) in " ".join(API_DOC.split())
    assert f"one inbox gets at most {codes.ceiling} reset codes a day" in API_DOC
    assert (
        f"takes the ceiling's {codes.ceiling} reset requests: {codes.ceiling} one-off requests from {codes.ceiling} "
        f"IPv4 addresses (or IPv6 /64s) in seconds, or {networks_to_lock_out(codes)} networks at their own cap"
    ) in " ".join(API_DOC.split())
