"""The API document lists every problem code and every Cognito error the code knows, with the same status."""

import re
from pathlib import Path

import pytest

from code_screens.operations import confirm_sign_up, resend_confirmation_code
from code_screens.problems import CATALOG, ProblemType
from code_screens.routes import ROUTES, Route

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
