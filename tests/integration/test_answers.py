"""What a caller controls, and what every answer carries, through the handler with real events and the emulator.

A check on a caller-supplied value is only proven by sending the value that a looser check would let through:
the headers proxies use for the client's address, and origins that look like the allowed one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from code_screens import pipeline as request_pipeline
from code_screens.operations.models import MAX_BODY_BYTES
from code_screens.operations.resend_confirmation_code import NEUTRAL_MESSAGE
from local.emulator import STATE, Fault
from local.seed import CONFIRMED_USER, UNCONFIRMED_USER
from tests.invoke import Invoke, problem_of

RESEND = "cognito-idp:ResendConfirmationCode"
ALLOWED = "https://app.example.com"  # the function_env fixture's ALLOWED_ORIGINS
SECURITY_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def calls() -> int:
    return STATE.calls().get(RESEND, 0)


def headers_of(response: Any) -> dict[str, str]:
    return dict(response.headers)


# --- the caller's address comes from API Gateway's connection, never from a header ---


# Each header a proxy or CDN uses for the client's address, each with its own address: whichever one a looser
# check trusted, its address would reach Cognito instead of the connection's.
TEMPTING_HEADERS = {
    "X-Forwarded-For": "192.0.2.66, 192.0.2.67",
    "X-Real-IP": "192.0.2.68",
    "Forwarded": "for=192.0.2.69;proto=https",
    "True-Client-IP": "192.0.2.70",
    "CF-Connecting-IP": "192.0.2.71",
    "X-Client-IP": "192.0.2.72",
}


def test_the_ip_sent_to_cognito_is_the_connections_whatever_headers_say(make_invoke: Callable[..., Invoke]) -> None:
    invoke = make_invoke()

    response = invoke({"username": UNCONFIRMED_USER}, headers=TEMPTING_HEADERS, source_ip="198.51.100.23")

    assert response.status == 200
    assert STATE.outbox()[0]["ip_address"] == "198.51.100.23"


# --- the origin must be one of the allowed ones, exactly ---


LOOK_ALIKE_ORIGINS = [
    "https://app.example.com.evil.example",  # the allowed origin as a prefix
    "https://evilapp.example.com",  # ... as a suffix
    "https://evil.app.example.com",  # ... a subdomain of it
    "https://app.example.com/",  # ... with a trailing slash (an Origin never has a path)
    "https://user@app.example.com",  # ... with userinfo
    "http://app.example.com",  # ... over another scheme
    "https://app.example.com:8443",  # ... on another port
    "https://app.example.co",  # ... one letter short
    "null",  # a sandboxed page or a file: URL
    "",
]


def test_a_look_alike_origin_is_refused_before_any_aws_call(make_invoke: Callable[..., Invoke]) -> None:
    invoke = make_invoke()
    before = calls()

    for origin in LOOK_ALIKE_ORIGINS:
        response = invoke({"username": UNCONFIRMED_USER}, headers={"Origin": origin})

        assert response.status == 403 and problem_of(response)["code"] == "origin_not_allowed", origin
        assert "Access-Control-Allow-Origin" not in headers_of(response), origin
    assert calls() == before


def test_the_allowed_origin_in_another_case_or_with_its_default_port_is_the_same_origin(
    make_invoke: Callable[..., Invoke],
) -> None:
    # Origins compare as browsers serialise them (scheme and host in lower case, default port dropped): these
    # name the very origin that is allowed, so they are not look-alikes.
    invoke = make_invoke()

    for origin in ("HTTPS://APP.EXAMPLE.COM", "https://App.Example.com:443"):
        response = invoke({"username": UNCONFIRMED_USER}, headers={"Origin": origin})

        assert response.status == 200, origin


def test_the_allowed_origin_gets_the_answer_and_cors_for_itself_only(make_invoke: Callable[..., Invoke]) -> None:
    invoke = make_invoke(ALLOWED_ORIGINS=f"{ALLOWED},https://admin.example.com")

    first = invoke({"username": UNCONFIRMED_USER}, headers={"Origin": ALLOWED})
    second = invoke({"username": UNCONFIRMED_USER}, headers={"Origin": "https://admin.example.com"})
    without = invoke({"username": UNCONFIRMED_USER})

    assert (first.status, second.status, without.status) == (200, 200, 200)
    assert headers_of(first)["Access-Control-Allow-Origin"] == ALLOWED
    assert headers_of(second)["Access-Control-Allow-Origin"] == "https://admin.example.com"
    assert "Access-Control-Allow-Origin" not in headers_of(without)


def test_the_function_answers_the_preflight_of_an_allowed_origin_only(make_invoke: Callable[..., Invoke]) -> None:
    invoke = make_invoke()
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}

    allowed = invoke(method="OPTIONS", headers={"Origin": ALLOWED, **preflight})
    refused = invoke(method="OPTIONS", headers={"Origin": "https://app.example.com.evil.example", **preflight})
    posted = invoke({"username": UNCONFIRMED_USER}, headers={"Origin": ALLOWED})

    assert allowed.status == 204
    assert headers_of(allowed)["Access-Control-Allow-Origin"] == ALLOWED
    assert headers_of(allowed)["Access-Control-Max-Age"] == "600"
    assert "Access-Control-Allow-Origin" not in headers_of(refused)
    # A cross-origin page can read how long to wait only if Retry-After is exposed, and Amplify the Cognito door's
    # error names and request ids only if those are.
    exposed = headers_of(posted)["Access-Control-Expose-Headers"].split(",")
    assert sorted(name.lower() for name in exposed) == ["retry-after", "x-amzn-errortype", "x-amzn-requestid"]
    # The headers Amplify JS and the AWS SDK for JavaScript send to the Cognito door are allowed.
    allowed_headers = {name.strip().lower() for name in headers_of(allowed)["Access-Control-Allow-Headers"].split(",")}
    sent_by_the_libraries = {"amz-sdk-invocation-id", "amz-sdk-request", "cache-control", "content-type"}
    assert sent_by_the_libraries | {"x-amz-target", "x-amz-user-agent"} <= allowed_headers


def test_with_no_allowed_origins_any_origin_is_refused(make_invoke: Callable[..., Invoke]) -> None:
    invoke = make_invoke(ALLOWED_ORIGINS="")

    refused = invoke({"username": UNCONFIRMED_USER}, headers={"Origin": ALLOWED})
    server_side = invoke({"username": UNCONFIRMED_USER})

    assert refused.status == 403 and problem_of(refused)["code"] == "origin_not_allowed"
    assert server_side.status == 200


# --- every kind of answer: exact body and headers ---


def test_the_neutral_answer_is_exactly_the_same_for_sent_unknown_and_confirmed(
    make_invoke: Callable[..., Invoke],
) -> None:
    invoke = make_invoke()

    answers = [invoke({"username": u}) for u in (UNCONFIRMED_USER, "nobody@example.com", CONFIRMED_USER)]

    for answer in answers:
        assert answer.status == 200
        assert json.loads(answer.body) == {"message": NEUTRAL_MESSAGE}
        assert headers_of(answer) == {"Content-Type": "application/json", **SECURITY_HEADERS}


def test_a_problem_is_the_whole_rfc_9457_document(make_invoke: Callable[..., Invoke]) -> None:
    invoke = make_invoke()

    response = invoke({"username": "x" * 129, "clientMetadata": {"k": 1}})

    assert json.loads(response.body) == {
        "type": "urn:resend-confirmation-code:problem:invalid_request",
        "title": "Invalid request",
        "status": 400,
        "detail": "The request body does not match the schema; see `errors`.",
        "code": "invalid_request",
        "errors": [
            {"field": "username", "code": "string_too_long", "message": "String should have at most 128 characters"},
            {"field": "clientMetadata.k", "code": "string_type", "message": "Input should be a valid string"},
        ],
    }
    assert headers_of(response) == {"Content-Type": "application/problem+json", **SECURITY_HEADERS}


@pytest.mark.usefixtures("disarm_faults")
def test_a_problem_without_field_errors_is_the_whole_document_with_retry_after(
    make_invoke: Callable[..., Invoke],
) -> None:
    invoke = make_invoke()
    STATE.arm(RESEND, Fault("TooManyRequestsException"))

    response = invoke({"username": UNCONFIRMED_USER})

    assert json.loads(response.body) == {
        "type": "urn:resend-confirmation-code:problem:rate_limited",
        "title": "Too many requests",
        "status": 429,
        "detail": "Too many requests are being made right now; retry after the time given in Retry-After.",
        "code": "rate_limited",
    }
    assert headers_of(response) == {
        "Content-Type": "application/problem+json",
        **SECURITY_HEADERS,
        "Retry-After": "1",
    }


def test_the_unexpected_error_answer_hides_the_error(
    make_invoke: Callable[..., Invoke], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A fault no emulator can cause: the pseudonym function raising (stubbed, by name, at the handler's import).
    invoke = make_invoke()

    def user_reference_that_raises(username: str, key: str) -> str:
        raise RuntimeError("boom with details")

    monkeypatch.setattr(request_pipeline, "user_reference", user_reference_that_raises)

    response = invoke({"username": UNCONFIRMED_USER})

    assert response.status == 500 and problem_of(response)["code"] == "internal_error"
    assert "boom" not in response.body.decode()
    assert headers_of(response) == {"Content-Type": "application/problem+json", **SECURITY_HEADERS}
    (record,) = [r for r in caplog.records if r.getMessage() == "Unhandled error"]
    assert record.error_type == "RuntimeError"  # type: ignore[attr-defined]


# (answer, how to get it): every status the function answers with, each through the path that produces it.
Scenario = tuple[str, dict[str, str | None], dict[str, Any], tuple[str, Fault] | None]
SCENARIOS: list[Scenario] = [
    ("200", {}, {"body": {"username": UNCONFIRMED_USER}}, None),
    ("400 invalid_json", {}, {"body": b"{"}, None),
    ("400 invalid_request", {}, {"body": {"username": ""}}, None),
    ("400 server_supplied_field", {}, {"body": {"username": "a", "secretHash": "x"}}, None),
    ("400 unknown_client_id", {}, {"body": {"username": "a", "clientId": "other"}}, None),
    ("403 origin_not_allowed", {}, {"body": {"username": "a"}, "headers": {"Origin": "https://evil.example"}}, None),
    ("403 request_blocked", {}, {"body": {"username": "a"}}, (RESEND, Fault("ForbiddenException"))),
    ("404 not_found", {}, {"body": {"username": "a"}, "path": "/nope"}, None),
    ("405 method_not_allowed", {}, {"method": "GET"}, None),
    ("413 payload_too_large", {}, {"body": b" " * (MAX_BODY_BYTES + 1)}, None),
    ("415 unsupported_media_type", {}, {"body": {"username": "a"}, "headers": {"Content-Type": "text/plain"}}, None),
    ("429 rate_limited", {}, {"body": {"username": "a"}}, (RESEND, Fault("TooManyRequestsException"))),
    ("500 internal_error (configuration)", {"APP_CLIENTS": None}, {"body": {"username": "a"}}, None),
    ("500 internal_error (Cognito)", {}, {"body": {"username": "a"}}, (RESEND, Fault("ResourceNotFoundException"))),
    (
        "500 internal_error (secret)",
        {},
        {"body": {"username": "a"}},
        ("secretsmanager:GetSecretValue", Fault("ResourceNotFoundException", times=3)),
    ),
    ("502 upstream_error", {}, {"body": {"username": "a"}}, (RESEND, Fault("InternalErrorException", status=500))),
    (
        "504 upstream_timeout",
        {"COGNITO_READ_TIMEOUT_SECONDS": "0.2"},
        {"body": {"username": "a"}},
        (RESEND, Fault(None, delay_seconds=0.6)),
    ),
]


@pytest.mark.usefixtures("disarm_faults")
@pytest.mark.parametrize(("answer", "env", "request_", "fault"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_every_kind_of_answer_carries_the_security_headers(
    make_invoke: Callable[..., Invoke],
    answer: str,
    env: dict[str, str | None],
    request_: dict[str, Any],
    fault: tuple[str, Fault] | None,
) -> None:
    invoke = make_invoke(**env)
    if fault:
        STATE.arm(*fault)

    options = dict(request_)
    response = invoke(options.pop("body", None), **options)

    status, _, code = answer.partition(" ")
    assert response.status == int(status)
    if code:
        assert problem_of(response)["code"] == code.split(" ")[0]
    for name, value in SECURITY_HEADERS.items():
        assert headers_of(response).get(name) == value, f"{answer}: {name}"


@pytest.mark.parametrize(("allowed_origins", "allow"), [("https://app.example.com", "POST, OPTIONS"), (None, "POST")])
def test_another_method_on_a_route_names_what_is_allowed_options_only_with_cors(
    make_invoke: Callable[..., Invoke], allowed_origins: str | None, allow: str
) -> None:
    # OPTIONS is answered (the CORS preflight) only when the function allows some origin.
    invoke = make_invoke(ALLOWED_ORIGINS=allowed_origins)

    response = invoke(None, method="GET")

    assert (response.status, problem_of(response)["code"]) == (405, "method_not_allowed")
    assert headers_of(response)["Allow"] == allow
