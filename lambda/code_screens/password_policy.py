"""The user pool's password policy, checked in the function before Cognito sees a new password.

Why here and not only in Cognito: Cognito does not document whether ConfirmForgotPassword checks the code or the
password first. If it checked the password first, a weak password would be refused for a real account and answered
"wrong code" for an unknown one, and the difference would name the real accounts. Checked here, after the request
schema and before the app client, the limiter and Cognito, the answer to a weak password is the same for every
username and spends no attempt.

The rules are Cognito's ("Adding user pool password requirements", Amazon Cognito Developer Guide), read so that this
check is at least as strict: Cognito must never refuse a password the function forwarded.
- Length counts code points, as Cognito does (an emoji outside the BMP is one character, not two UTF-16 units).
- Uppercase and lowercase are Basic Latin letters only (A-Z, a-z): an accented or Greek capital does not count,
  since AWS's guide names only Basic Latin.
- A number is an ASCII digit (0-9): other scripts' digits do not count.
- A symbol is one of the guide's list. The guide also calls an inner space a special character, but older pages of
  the same guide leave it out: only what Cognito surely counts counts here, so a space never satisfies the rule.
- No whitespace at either end (Cognito's Password pattern, and the guide's "no leading or trailing space"): any
  Unicode whitespace, not only the ASCII space.
The password is never normalized (no trimming, no Unicode normalization): it is what the user will type to sign in.
Nothing here logs, counts or echoes it.
"""

from __future__ import annotations

from code_screens.problems import INVALID_PASSWORD, FieldError, Problem
from code_screens.settings import PasswordPolicy

# The special characters of AWS's guide, one each (the guide writes them separated by spaces).
SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")
_UPPERCASE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWERCASE = frozenset("abcdefghijklmnopqrstuvwxyz")
_NUMBERS = frozenset("0123456789")

FIELD = "password"
TOO_SHORT = "password_too_short"
NEEDS_UPPERCASE = "password_needs_uppercase"
NEEDS_LOWERCASE = "password_needs_lowercase"
NEEDS_NUMBER = "password_needs_number"
NEEDS_SYMBOL = "password_needs_symbol"
SURROUNDING_WHITESPACE = "password_surrounding_whitespace"


def broken_rules(password: str, policy: PasswordPolicy) -> tuple[FieldError, ...]:
    """Every rule of `policy` that `password` breaks, in a fixed order (length, uppercase, lowercase, number, symbol,
    surrounding whitespace), each as a field error at `password` with a stable code and a message that never quotes
    the password; empty when it meets the policy."""
    characters = set(password)
    errors: list[FieldError] = []
    if len(password) < policy.minimum_length:
        errors.append(FieldError(FIELD, TOO_SHORT, f"Password should have at least {policy.minimum_length} characters"))
    if policy.require_uppercase and characters.isdisjoint(_UPPERCASE):
        errors.append(FieldError(FIELD, NEEDS_UPPERCASE, "Password should contain an uppercase letter"))
    if policy.require_lowercase and characters.isdisjoint(_LOWERCASE):
        errors.append(FieldError(FIELD, NEEDS_LOWERCASE, "Password should contain a lowercase letter"))
    if policy.require_numbers and characters.isdisjoint(_NUMBERS):
        errors.append(FieldError(FIELD, NEEDS_NUMBER, "Password should contain a number"))
    if policy.require_symbols and characters.isdisjoint(SYMBOLS):
        errors.append(FieldError(FIELD, NEEDS_SYMBOL, "Password should contain a symbol"))
    if password and (password[0].isspace() or password[-1].isspace()):
        errors.append(FieldError(FIELD, SURROUNDING_WHITESPACE, "Password should not begin or end with a space"))
    return tuple(errors)


def check(password: str, policy: PasswordPolicy) -> None:
    """Raise Problem(INVALID_PASSWORD) with one field error per broken rule; return when the password meets the
    policy."""
    errors = broken_rules(password, policy)
    if errors:
        raise Problem(INVALID_PASSWORD, errors=errors)
