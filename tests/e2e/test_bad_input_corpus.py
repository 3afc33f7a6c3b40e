"""Every case of the bad-input corpus over HTTP: its status and code, valid problem+json, nothing sent to Cognito."""

from __future__ import annotations

import json

import pytest
import requests
from jsonschema import Draft202012Validator

from code_screens.problems import CATALOG
from code_screens.routes import RESEND_CONFIRMATION_CODE
from local.openapi import openapi_document
from local.seed import UNCONFIRMED_USER
from tests.corpus.bad_inputs import ACCEPTED_CONTENT_TYPES, CORPUS, BadInput
from tests.local_stack import LocalApi

RESEND = "cognito-idp:ResendConfirmationCode"
CONFIRM = "cognito-idp:ConfirmSignUp"
FORGOT = "cognito-idp:ForgotPassword"
CONFIRM_FORGOT = "cognito-idp:ConfirmForgotPassword"
COGNITO_CALLS = (RESEND, CONFIRM, FORGOT, CONFIRM_FORGOT)


def _problem_validator() -> Draft202012Validator:
    """The OpenAPI document's Problem schema, its component $refs re-pointed at a local $defs."""
    schemas = openapi_document()["components"]["schemas"]
    text = json.dumps({**schemas["Problem"], "$defs": schemas}).replace("#/components/schemas/", "#/$defs/")
    return Draft202012Validator(json.loads(text))


PROBLEM_SCHEMA = _problem_validator()


def problem_schema_errors(document: object) -> list[str]:
    return [error.message for error in PROBLEM_SCHEMA.iter_errors(document)]


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_bad_input_gets_its_status_and_code(local_api: LocalApi, case: BadInput) -> None:
    before = [local_api.calls(operation) for operation in COGNITO_CALLS]

    response = requests.request(
        case.method, f"{local_api.url}{case.path}", data=case.body, headers=case.headers, timeout=10
    )

    assert response.status_code == case.status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem_schema_errors(problem) == []
    assert (problem["code"], problem["status"]) == (case.code, case.status)
    assert [local_api.calls(operation) for operation in COGNITO_CALLS] == before, "a refused request reached Cognito"


@pytest.mark.parametrize("content_type", ACCEPTED_CONTENT_TYPES)
def test_json_charset_variants_are_accepted(local_api: LocalApi, content_type: str) -> None:
    response = requests.post(
        f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}",
        data=json.dumps({"username": UNCONFIRMED_USER}).encode(),
        headers={"Content-Type": content_type},
        timeout=10,
    )

    assert response.status_code == 200


def test_the_corpus_covers_every_client_error_code() -> None:
    client_codes = {p.code for p in CATALOG if 400 <= p.status < 500}
    # Answered only by Cognito (request_blocked, the 429s, the confirm route's refusals of a well-formed code), so the
    # corpus cannot provoke them: see test_faults.py and test_confirm_sign_up_http.py.
    from_cognito = {
        "request_blocked",
        "rate_limited",
        "attempt_limit_exceeded",
        "code_mismatch",
        "code_expired",
        "alias_exists",
    }

    assert client_codes - from_cognito <= {case.code for case in CORPUS}
