"""The new password against the pool's policy: every rule, its boundary, which characters count for it (only what
Cognito surely counts), and that nothing is trimmed or echoed."""

from __future__ import annotations

import pytest

from code_screens import password_policy
from code_screens.password_policy import SYMBOLS, broken_rules
from code_screens.problems import Problem
from code_screens.settings import PasswordPolicy

# Cognito's default policy (and the settings' defaults): 8 characters, every class required.
DEFAULT = PasswordPolicy()
NOTHING_REQUIRED = PasswordPolicy(6, False, False, False, False)
# AWS's guide, "Adding user pool password requirements": the special characters, written out here from the page.
GUIDE_SYMBOLS = [
    "^",
    "$",
    "*",
    ".",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "?",
    '"',
    "!",
    "@",
    "#",
    "%",
    "&",
    "/",
    "\\",
    ",",
    ">",
    "<",
    "'",
    ":",
    ";",
    "|",
    "_",
    "~",
    "`",
    "=",
    "+",
    "-",
]


def codes(password: str, policy: PasswordPolicy = DEFAULT) -> list[str]:
    return [error.code for error in broken_rules(password, policy)]


def test_a_password_that_meets_the_default_policy_breaks_nothing() -> None:
    assert codes("Abcdef1!") == []


def test_the_default_policy_is_cognitos_default() -> None:
    assert PasswordPolicy(8, True, True, True, True) == DEFAULT


@pytest.mark.parametrize("minimum", [6, 8, 12, 99])
def test_the_minimum_length_is_inclusive(minimum: int) -> None:
    policy = PasswordPolicy(minimum, False, False, False, False)

    assert codes("a" * minimum, policy) == []
    assert codes("a" * (minimum - 1), policy) == ["password_too_short"]


def test_the_length_counts_code_points_as_cognito_does() -> None:
    # One emoji outside the BMP is one character (two UTF-16 units, four UTF-8 bytes).
    policy = PasswordPolicy(6, False, False, False, False)

    assert codes("\U0001f600" * 6, policy) == []
    assert codes("\U0001f600" * 5, policy) == ["password_too_short"]


def test_the_too_short_message_names_the_minimum() -> None:
    (error,) = broken_rules("Ab1!", PasswordPolicy(12, True, True, True, True))

    assert (error.field, error.message) == ("password", "Password should have at least 12 characters")


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("abcdef1!", ["password_needs_uppercase"]),
        ("ABCDEF1!", ["password_needs_lowercase"]),
        ("Abcdefg!", ["password_needs_number"]),
        ("Abcdefg1", ["password_needs_symbol"]),
        (" Abcdef1!", ["password_surrounding_whitespace"]),
        ("Abcdef1! ", ["password_surrounding_whitespace"]),
    ],
)
def test_each_rule_alone(password: str, expected: list[str]) -> None:
    assert codes(password) == expected


def test_every_broken_rule_is_named_in_a_fixed_order_with_its_message() -> None:
    errors = broken_rules(" ", PasswordPolicy(8, True, True, True, True))

    assert [(e.field, e.code, e.message) for e in errors] == [
        ("password", "password_too_short", "Password should have at least 8 characters"),
        ("password", "password_needs_uppercase", "Password should contain an uppercase letter"),
        ("password", "password_needs_lowercase", "Password should contain a lowercase letter"),
        ("password", "password_needs_number", "Password should contain a number"),
        ("password", "password_needs_symbol", "Password should contain a symbol"),
        ("password", "password_surrounding_whitespace", "Password should not begin or end with a space"),
    ]


def test_a_rule_the_policy_does_not_require_is_not_checked() -> None:
    assert codes("aaaaaa", NOTHING_REQUIRED) == []


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        # Letters outside Basic Latin do not count: AWS's guide names Basic Latin letters only.
        ("\xc9\xc0\xc7\xd1\xdc\xd61!x", "password_needs_uppercase"),
        ("\u03a3\u0394\u03a91!xxxx", "password_needs_uppercase"),
        ("\xe9\xe0\xe7\xf1\xfc\xf61!X", "password_needs_lowercase"),
        ("\xdf\u03c3\u03c9\u04361!XXX", "password_needs_lowercase"),
        # Full-width Latin letters are not Basic Latin either.
        ("\uff21\uff22\uff231!xxx", "password_needs_uppercase"),
        ("\uff41\uff42\uff431!XXX", "password_needs_lowercase"),
        # Other scripts' digits are not ASCII numbers.
        ("Abcdef\u0663!", "password_needs_number"),
        ("Abcdef\uff11!", "password_needs_number"),
        # Symbols outside the guide's list do not count, nor does an inner space (only what Cognito surely counts).
        ("Abcdef1\xa7", "password_needs_symbol"),
        ("Abcdef1\u20ac", "password_needs_symbol"),
        ("Abc def1", "password_needs_symbol"),
        ("Abcdef1\uff01", "password_needs_symbol"),
    ],
)
def test_only_what_cognito_surely_counts_satisfies_a_rule(password: str, rule: str) -> None:
    assert rule in codes(password)


def test_the_symbols_are_exactly_the_guides_list() -> None:
    assert len(GUIDE_SYMBOLS) == 32
    assert frozenset(GUIDE_SYMBOLS) == SYMBOLS


@pytest.mark.parametrize("symbol", GUIDE_SYMBOLS)
def test_each_symbol_of_the_guide_satisfies_the_symbol_rule(symbol: str) -> None:
    assert codes(f"Abcdef1{symbol}") == []


@pytest.mark.parametrize("space", [" ", "\t", "\n", "\u00a0", "\u3000", "\u2003"])
def test_whitespace_at_either_end_is_refused_whatever_the_space(space: str) -> None:
    assert codes(f"{space}Abcdef1!") == ["password_surrounding_whitespace"]
    assert codes(f"Abcdef1!{space}") == ["password_surrounding_whitespace"]


def test_an_inner_space_is_allowed_and_the_password_is_never_trimmed() -> None:
    # " Abcdef1!" is 9 characters with its space: trimmed it would pass, and the user could not sign in with what
    # they typed. Refused as it is, never changed.
    assert codes("Abc def1!") == []
    assert codes(" Abcdef1") == ["password_needs_symbol", "password_surrounding_whitespace"]


def test_check_raises_invalid_password_with_the_rules_and_never_the_password() -> None:
    password = "weakpass"

    with pytest.raises(Problem) as raised:
        password_policy.check(password, DEFAULT)

    problem = raised.value
    assert problem.problem_type.code == "invalid_password"
    assert problem.problem_type.status == 400
    assert [e.code for e in problem.errors] == [
        "password_needs_uppercase",
        "password_needs_number",
        "password_needs_symbol",
    ]
    assert password not in repr(problem.errors) + problem.detail + str(problem)


def test_check_returns_for_a_good_password() -> None:
    assert password_policy.check("Correct-Horse-9", DEFAULT) is None
