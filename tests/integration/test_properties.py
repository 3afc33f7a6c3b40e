"""Property-based: whatever arrives as a body, the handler answers 200 or a 4xx problem, never an exception, never a
5xx, and a refused body never reaches Cognito. Runs in process, against the emulator, with real events."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from code_screens.routes import CONFIRM_SIGN_UP
from local.emulator import STATE
from tests.invoke import Invoke

RESEND = "cognito-idp:ResendConfirmationCode"
FIELDS = ["username", "clientId", "clientMetadata", "analyticsMetadata", "userContextData", "secretHash", "extra"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
# Bodies shaped like the request, with any value in any field: the interesting part of the input space.
request_like = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5)
usernames = st.text(min_size=0, max_size=140)

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def invoke(make_invoke: Callable[..., Invoke]) -> Invoke:
    """The handler loaded once per test, then fed every example: a warm function, as in Lambda. (Loading it per
    example re-imported handler.py each time, most of these tests' run time.)"""
    return make_invoke()


def assert_answer(invoke: Invoke, body: bytes) -> None:
    before = STATE.calls().get(RESEND, 0)

    response = invoke(body)

    assert response.status == 200 or 400 <= response.status < 500, response.body
    document = json.loads(response.body)
    if response.status == 200:
        assert set(document) <= {"message", "codeDeliveryDetails"}
    else:
        assert dict(response.headers)["Content-Type"] == "application/problem+json"
        assert document["status"] == response.status and document["code"]
        assert STATE.calls().get(RESEND, 0) == before, "a refused body reached Cognito"


@PROPERTY_SETTINGS
@given(document=json_values)
def test_any_json_document(invoke: Invoke, document: object) -> None:
    assert_answer(invoke, json.dumps(document).encode())


@PROPERTY_SETTINGS
@given(document=request_like)
def test_any_request_shaped_object(invoke: Invoke, document: dict[str, object]) -> None:
    assert_answer(invoke, json.dumps(document).encode())


@PROPERTY_SETTINGS
@given(username=usernames)
def test_any_username(invoke: Invoke, username: str) -> None:
    assert_answer(invoke, json.dumps({"username": username}).encode())


@PROPERTY_SETTINGS
@given(body=st.binary(max_size=300))
def test_any_bytes(invoke: Invoke, body: bytes) -> None:
    assert_answer(invoke, body)


CONFIRM = "cognito-idp:ConfirmSignUp"
CONFIRM_FIELDS = ["username", "confirmationCode", "forceAliasCreation", "clientMetadata", "secretHash", "session"]
# The confirm route's answers that come from Cognito's verdict, after the call; every other 4xx is a refusal before it.
COGNITO_VERDICTS = {"code_mismatch", "code_expired"}


@PROPERTY_SETTINGS
@given(
    document=st.dictionaries(st.sampled_from(CONFIRM_FIELDS), json_values, max_size=4),
    code=st.text(max_size=30),
)
def test_any_confirm_request(invoke: Invoke, document: dict[str, object], code: str) -> None:
    before = STATE.calls().get(CONFIRM, 0)
    body = {"username": "nobody@example.com", "confirmationCode": code, **document}

    response = invoke(json.dumps(body).encode(), path=CONFIRM_SIGN_UP.path)

    assert 400 <= response.status < 500, response.body  # nobody@example.com has no account: never a 200, never a 5xx
    problem = json.loads(response.body)
    assert dict(response.headers)["Content-Type"] == "application/problem+json"
    if problem["code"] not in COGNITO_VERDICTS:
        assert STATE.calls().get(CONFIRM, 0) == before, "a refused body reached Cognito"
