"""New passwords as people type them, and the rules of Cognito's default policy (8 characters, an uppercase and a
lowercase Basic Latin letter, an ASCII digit, a symbol from Cognito's list; no whitespace at either end) each one
breaks, by the server's field error codes, in the server's order. Sample strings for the policy, never anyone's
password.

Held against the browser client's hints (web/code-screens.js, run by Node) and the server's check
(code_screens.password_policy): the hints must never name a rule the server does not."""

from __future__ import annotations

TOO_SHORT = "password_too_short"
UPPERCASE = "password_needs_uppercase"
LOWERCASE = "password_needs_lowercase"
NUMBER = "password_needs_number"
SYMBOL = "password_needs_symbol"
WHITESPACE = "password_surrounding_whitespace"

TYPED_PASSWORDS: list[tuple[str, list[str]]] = [
    ("", [TOO_SHORT, UPPERCASE, LOWERCASE, NUMBER, SYMBOL]),
    ("abc", [TOO_SHORT, UPPERCASE, NUMBER, SYMBOL]),
    ("Abcdef1!", []),
    ("Abcde1!", [TOO_SHORT]),
    ("abcdefg1!", [UPPERCASE]),
    ("ABCDEFG1!", [LOWERCASE]),
    ("Abcdefgh!", [NUMBER]),
    ("Abcdefgh1", [SYMBOL]),
    # A space inside is not counted as a symbol: AWS's guide says so on some pages and not on others.
    ("Abcd efg1", [SYMBOL]),
    ("Abcd efg1!", []),
    (" Abcdef1!", [WHITESPACE]),
    ("Abcdef1! ", [WHITESPACE]),
    ("\tAbcdef1!", [WHITESPACE]),
    ("Abcdef1!\u3000", [WHITESPACE]),  # an ideographic space
    ("\x85Abcdef1!", [WHITESPACE]),  # next line (NEL)
    ("Abcdef1!\u00a0", [WHITESPACE]),  # a no-break space
    ("Abcdef1!\ufeff", []),  # a byte order mark is a format character, not whitespace: it counts as any other
    *((f"Abcdef1{symbol}", []) for symbol in "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"),
    # Counted as Cognito counts: code points, so an emoji outside the BMP is one character (two UTF-16 units).
    ("Abc1!\U0001f600\U0001f600", [TOO_SHORT]),
    ("Abc1!\U0001f600\U0001f600x", []),
    # Not Basic Latin letters or ASCII digits, not on Cognito's symbol list: none counts for its class.
    ("ÄÖÜäöü1!", [UPPERCASE, LOWERCASE]),
    ("Abcdefg\u0661!", [NUMBER]),  # an Arabic-Indic digit
    ("Abcdefg1€", [SYMBOL]),
    ("Abcdefg1§", [SYMBOL]),
]
