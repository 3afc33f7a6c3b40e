"""The API document lists every problem code and every Cognito error the code knows, with the same status."""

import re
from pathlib import Path
from typing import Any

import pytest

from code_screens.operations import confirm_forgot_password, confirm_sign_up, forgot_password, resend_confirmation_code
from code_screens.password_policy import SYMBOLS, broken_rules
from code_screens.problems import CATALOG, ProblemType
from code_screens.routes import ROUTES, Route
from code_screens.settings import PasswordPolicy

# What the caller is told for each Cognito error (None: the neutral success), from the operations' outcome tables.
COGNITO_ERRORS = {code: outcome.answer for code, outcome in resend_confirmation_code.OUTCOMES.items()}
CONFIRM_SIGN_UP_ERRORS = {code: outcome.answer for code, outcome in confirm_sign_up.OUTCOMES.items()}

API_DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("problem", CATALOG, ids=[p.code for p in CATALOG])
def test_every_problem_code_is_documented_with_its_status(problem: ProblemType) -> None:
    assert re.search(rf"^\| {problem.status} \| `{problem.code}` \|", API_DOC, re.MULTILINE)


@pytest.mark.parametrize("error_code", sorted(COGNITO_ERRORS))
def test_every_cognito_error_is_documented_with_its_answer(error_code: str) -> None:
    problem = COGNITO_ERRORS[error_code]
    rows = re.findall(rf"^\| `{error_code}`[^|]* \| (.+) \|$", API_DOC, re.MULTILINE)

    assert rows, f"{error_code} is not in docs/api.md"
    expected = "200, neutral" if problem is None else f"{problem.status} `{problem.code}`"
    assert any(row.startswith(expected) for row in rows)


CONFIRM_SECTION = API_DOC.split("## How each Cognito error is answered: confirm", 1)[-1].split("\n## ", 1)[0]


@pytest.mark.parametrize("error_code", sorted(CONFIRM_SIGN_UP_ERRORS))
def test_every_confirm_error_is_documented_with_its_answer(error_code: str) -> None:
    problem = CONFIRM_SIGN_UP_ERRORS[error_code]
    rows = re.findall(rf"^\| `{error_code}`[^|]* \| (.+) \|$", CONFIRM_SECTION, re.MULTILINE)

    assert rows, f"{error_code} is not in docs/api.md's confirm table"
    assert any(row.startswith(f"{problem.status} `{problem.code}`") for row in rows)


@pytest.mark.parametrize("route", ROUTES, ids=[route.path for route in ROUTES])
def test_every_route_has_a_section(route: Route) -> None:
    assert f"# `{route.method} {route.path}`" in API_DOC


def _section(title: str) -> str:
    return API_DOC.split(f"## How each Cognito error is answered: {title}\n", 1)[-1].split("\n## ", 1)[0]


@pytest.mark.parametrize(
    ("title", "operation"),
    [("forgot password", forgot_password), ("confirm forgot password", confirm_forgot_password)],
    ids=["forgot password", "confirm forgot password"],
)
def test_every_password_reset_error_is_documented_with_its_answer(title: str, operation: Any) -> None:
    section = _section(title)
    for error_code, outcome in operation.OUTCOMES.items():
        rows = re.findall(rf"^\| `{error_code}`[^|]* \| (.+) \|$", section, re.MULTILINE)
        expected = "200, neutral" if outcome.answer is None else f"{outcome.answer.status} `{outcome.answer.code}`"

        assert rows, f"{error_code} is not in docs/api.md's {title} table"
        assert any(row.startswith(expected) for row in rows), error_code


def test_the_password_rules_are_documented_with_their_messages() -> None:
    errors = broken_rules(" ", PasswordPolicy(8, True, True, True, True))
    for error in errors:
        message = error.message.replace("8", "{n}")
        assert f"| `{error.code}` | {message} |" in API_DOC
    # The symbols as the document lists them are the check's own.
    listed = re.search(r"a\s+symbol is one of ``(.+?)``", API_DOC, re.DOTALL)
    assert listed is not None
    assert set(listed.group(1).replace("\\\\", "\\").split()) == set(SYMBOLS)
