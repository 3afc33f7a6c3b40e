"""The handler with real API Gateway events against the emulator: settings, reveal mode, rotation, faults."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from code_screens import cognito, observability, pipeline
from code_screens.app_secrets import AppClientCredentials, load_pseudonym_key
from code_screens.pseudonym import user_reference
from code_screens.routes import RESEND_CONFIRMATION_CODE
from code_screens.secret_hash import compute_secret_hash
from code_screens.settings import Settings
from local.api_gateway_event import LocalLambdaContext, build_event, read_proxy_response
from local.emulator import STATE, Fault
from local.seed import CONFIRMED_USER, UNCONFIRMED_USER
from local.server import resource_for
from tests.conftest import SeededEmulator, secret_document
from tests.invoke import Invoke, load_handler, problem_of

RESEND = "cognito-idp:ResendConfirmationCode"
GET_SECRET = "secretsmanager:GetSecretValue"


def calls(operation: str) -> int:
    return STATE.calls().get(operation, 0)


def test_sends_a_code_and_forwards_the_callers_ip(make_invoke: Callable[..., Invoke]) -> None:
    invoke = make_invoke()

    response = invoke(
        {
            "username": UNCONFIRMED_USER,
            "clientMetadata": {"locale": "fr"},
            "userContextData": {"encodedData": "fingerprint"},
        },
        source_ip="198.51.100.23",
    )

    assert response.status == 200
    newest = STATE.outbox()[0]
    assert newest["username"] == UNCONFIRMED_USER
    assert newest["ip_address"] == "198.51.100.23"
    assert newest["encoded_data"] == "fingerprint"
    assert newest["client_metadata"] == {"locale": "fr"}
    assert set(json.loads(response.body)) == {"message"}  # nothing revealed by default


def test_does_not_forward_the_ip_when_told_not_to(make_invoke: Callable[..., Invoke]) -> None:
    invoke = make_invoke(FORWARD_CALLER_IP="false")

    assert invoke({"username": UNCONFIRMED_USER}).status == 200
    assert STATE.outbox()[0]["ip_address"] is None


def test_reveal_mode_returns_cognitos_masked_destination(make_invoke: Callable[..., Invoke]) -> None:
    invoke = make_invoke(REVEAL_DELIVERY_DETAILS="true")

    sent = json.loads(invoke({"username": UNCONFIRMED_USER}).body)
    confirmed = json.loads(invoke({"username": CONFIRMED_USER}).body)

    assert sent["codeDeliveryDetails"] == {
        "destination": "u***@e***",
        "deliveryMedium": "EMAIL",
        "attributeName": "email",
    }
    assert "codeDeliveryDetails" not in confirmed


def test_unknown_client_id_is_refused_before_any_aws_call(make_invoke: Callable[..., Invoke]) -> None:
    invoke = make_invoke()
    before = (calls(RESEND), calls(GET_SECRET))

    response = invoke({"username": UNCONFIRMED_USER, "clientId": "notconfigured"})

    assert response.status == 400 and problem_of(response)["code"] == "unknown_client_id"
    assert (calls(RESEND), calls(GET_SECRET)) == before


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"APP_CLIENTS": None}, "APP_CLIENTS"),
        ({"REVEAL_DELIVERY_DETAILS": "sometimes"}, "REVEAL_DELIVERY_DETAILS"),
    ],
)
def test_misconfiguration_is_a_generic_500_and_a_named_log_line(
    make_invoke: Callable[..., Invoke], caplog: pytest.LogCaptureFixture, env: dict[str, str | None], named: str
) -> None:
    invoke = make_invoke(**env)
    before = calls(RESEND)

    response = invoke({"username": UNCONFIRMED_USER})

    problem = problem_of(response)
    assert response.status == 500 and problem["code"] == "internal_error"
    assert named not in response.body.decode()
    assert any(named in getattr(record, "configuration_error", "") for record in caplog.records)
    assert calls(RESEND) == before


@pytest.mark.parametrize("origins", ["*", "null", "https://app.example.com/signup"])
def test_a_bad_origin_setting_spares_requests_without_an_origin(
    make_invoke: Callable[..., Invoke], caplog: pytest.LogCaptureFixture, origins: str
) -> None:
    invoke = make_invoke(ALLOWED_ORIGINS=origins)
    before = calls(RESEND)

    native = invoke({"username": UNCONFIRMED_USER})
    from_a_page = invoke({"username": UNCONFIRMED_USER}, headers={"Origin": "https://app.example.com"})

    assert native.status == 200
    assert from_a_page.status == 500 and problem_of(from_a_page)["code"] == "internal_error"
    assert "ALLOWED_ORIGINS" not in from_a_page.body.decode()
    logged = [getattr(record, "configuration_error", "") for record in caplog.records]
    assert any(entry.startswith("ALLOWED_ORIGINS: ") for entry in logged)
    assert calls(RESEND) == before + 1


def test_a_rotated_secret_is_fetched_again_once_and_the_call_retried(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    # Given a warm function whose cache holds a secret that Cognito no longer accepts
    sm = emulator.secretsmanager()
    sm.put_secret_value(SecretId=emulator.secret_arn, SecretString=secret_document(emulator.client_id, "stale"))
    invoke = make_invoke()
    assert invoke({"username": UNCONFIRMED_USER}).status == 500
    # ... and the rotated (current) secret in Secrets Manager
    sm.put_secret_value(
        SecretId=emulator.secret_arn, SecretString=secret_document(emulator.client_id, emulator.client_secret)
    )
    before = (calls(RESEND), calls(GET_SECRET))

    # When the next request comes in
    response = invoke({"username": UNCONFIRMED_USER})

    # Then it tried the cached secret, fetched the secret once more, retried once, and succeeded
    assert response.status == 200
    assert (calls(RESEND) - before[0], calls(GET_SECRET) - before[1]) == (2, 1)


def test_a_secret_that_stays_wrong_gives_a_500_without_looping(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    sm = emulator.secretsmanager()
    sm.put_secret_value(SecretId=emulator.secret_arn, SecretString=secret_document(emulator.client_id, "wrong"))
    try:
        invoke = make_invoke()
        before = (calls(RESEND), calls(GET_SECRET))

        response = invoke({"username": UNCONFIRMED_USER})

        assert response.status == 500 and problem_of(response)["code"] == "internal_error"
        # Secret reads: the pseudonym key (first use), the client secret, its one forced re-read.
        assert (calls(RESEND) - before[0], calls(GET_SECRET) - before[1]) == (2, 3)
    finally:
        sm.put_secret_value(
            SecretId=emulator.secret_arn, SecretString=secret_document(emulator.client_id, emulator.client_secret)
        )


@pytest.mark.usefixtures("disarm_faults")
@pytest.mark.parametrize(
    ("error_code", "status", "code"),
    [
        ("TooManyRequestsException", 429, "rate_limited"),
        ("InternalErrorException", 502, "upstream_error"),
        ("ResourceNotFoundException", 500, "internal_error"),
        ("ForbiddenException", 403, "request_blocked"),
    ],
)
def test_cognito_faults_reach_the_caller_as_documented(
    make_invoke: Callable[..., Invoke], error_code: str, status: int, code: str
) -> None:
    invoke = make_invoke()
    STATE.arm(RESEND, Fault(error_code, times=5))

    response = invoke({"username": UNCONFIRMED_USER})

    assert response.status == status and problem_of(response)["code"] == code
    STATE.disarm()
    assert invoke({"username": UNCONFIRMED_USER}).status == 200


@pytest.mark.usefixtures("disarm_faults")
@pytest.mark.parametrize(
    ("error_code", "http_status"),
    # Each is an answer botocore's standard retry mode WOULD retry (a throttling code, or a 5xx), so a client
    # built with retries on fails this test; Cognito sends InternalErrorException as HTTP 500.
    [("LimitExceededException", 400), ("TooManyRequestsException", 400), ("InternalErrorException", 500)],
)
def test_cognito_is_called_once_never_retried_by_the_sdk(
    make_invoke: Callable[..., Invoke], error_code: str, http_status: int
) -> None:
    # A retry could send the user a second code, and AWS says not to retry the per-user attempt limit.
    invoke = make_invoke()
    STATE.arm(RESEND, Fault(error_code, status=http_status, times=2))
    before = calls(RESEND)

    response = invoke({"username": UNCONFIRMED_USER})

    assert response.status in (200, 429, 502)
    assert calls(RESEND) - before == 1


def test_rejections_log_only_the_requests_own_field_names(
    make_invoke: Callable[..., Invoke], caplog: pytest.LogCaptureFixture
) -> None:
    invoke = make_invoke()

    response = invoke({"username": "has space", "victim@example.com": 1, "clientMetadata": {"k@example.com": 1}})

    assert response.status == 400
    (record,) = [r for r in caplog.records if r.getMessage() == "Request rejected"]
    assert sorted(record.fields) == ["(other)", "clientMetadata", "username"]  # type: ignore[attr-defined]
    assert "example.com" not in str(record.__dict__)


@pytest.mark.parametrize("typed", [f"{UNCONFIRMED_USER} ", f"\t{UNCONFIRMED_USER}", f"\u00a0{UNCONFIRMED_USER}\u2028"])
def test_whitespace_around_the_username_is_stripped_before_hashing_and_sending(
    make_invoke: Callable[..., Invoke], typed: str
) -> None:
    invoke = make_invoke()
    before = len(STATE.outbox())

    response = invoke({"username": typed})

    # The emulator checks SECRET_HASH against the Username it receives: a hash of the untrimmed value would
    # have been refused (and answered neutrally, with nothing in the outbox).
    assert response.status == 200
    assert len(STATE.outbox()) == before + 1
    assert STATE.outbox()[0]["username"] == UNCONFIRMED_USER


def test_client_metadata_outside_the_allow_list_is_refused_before_cognito(make_invoke: Callable[..., Invoke]) -> None:
    invoke = make_invoke(ALLOWED_CLIENT_METADATA_KEYS="locale, campaign")
    before = calls(RESEND)

    refused = invoke({"username": UNCONFIRMED_USER, "clientMetadata": {"locale": "fr", "trigger": "fail"}})
    accepted = invoke({"username": UNCONFIRMED_USER, "clientMetadata": {"locale": "fr", "campaign": "spring"}})

    assert refused.status == 400
    assert problem_of(refused)["errors"] == [
        {
            "field": "clientMetadata.trigger",
            "code": "client_metadata_key_not_allowed",
            "message": "This clientMetadata key is not accepted",
        }
    ]
    assert accepted.status == 200
    assert calls(RESEND) - before == 1
    assert STATE.outbox()[0]["client_metadata"] == {"locale": "fr", "campaign": "spring"}


def test_a_base64_encoded_body_is_decoded_before_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch, function_env: dict[str, str | None]
) -> None:
    """API Gateway base64-encodes a body it treats as binary and says so in isBase64Encoded: the function reads the
    bytes, not the base64 text."""
    module = load_handler(monkeypatch, function_env)
    raw = json.dumps({"username": UNCONFIRMED_USER}).encode()
    event = build_event(
        "POST",
        RESEND_CONFIRMATION_CODE.path,
        [("Content-Type", "application/json")],
        raw,
        "198.51.100.9",
        resource_for(RESEND_CONFIRMATION_CODE.path),
    )
    event.update(body=base64.b64encode(raw).decode("ascii"), isBase64Encoded=True)
    sent_before = len(STATE.outbox())

    response = read_proxy_response(module.lambda_handler(event, LocalLambdaContext()))

    assert response.status == 200
    # One code more, to the username the body names (the outbox lists the newest first).
    assert len(STATE.outbox()) == sent_before + 1
    assert STATE.outbox()[0]["username"] == UNCONFIRMED_USER


def test_the_pipeline_gives_the_cognito_call_everything_it_needs(
    function_env: dict[str, str | None], emulator: SeededEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For a valid request the pipeline makes one Cognito call with the operation's method, parameters built from
    the parsed request, the client's credentials and the caller's IP, a client with the configured timeouts and a
    refresh that fetches the same secret again; and every log line after it carries the username's pseudonym."""
    env = {name: value for name, value in function_env.items() if value is not None}
    settings = Settings.from_env(
        {**env, "COGNITO_CONNECT_TIMEOUT_SECONDS": "0.7", "COGNITO_READ_TIMEOUT_SECONDS": "1.3"}
    )
    seen: dict[str, Any] = {}

    def recording_call(
        client: Any, method: str, parameters: Any, credentials: AppClientCredentials, refresh: Any
    ) -> cognito.CognitoResult:
        seen.update(client=client, method=method, parameters=parameters(credentials), credentials=credentials)
        seen["refreshed"] = refresh()
        return cognito.CognitoResult(response={"CodeDeliveryDetails": {"DeliveryMedium": "EMAIL"}})

    monkeypatch.setattr(pipeline.cognito, "call", recording_call)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "ResendConfirmationCode")
    request = pipeline.DoorRequest(
        body=json.dumps({"username": UNCONFIRMED_USER}),
        is_base64_encoded=False,
        content_type="application/json",
        origin="https://app.example.com",
        caller_ip="198.51.100.9",
        started=time.monotonic(),
    )

    answer = pipeline.serve(RESEND_CONFIRMATION_CODE.operation, request, settings)

    assert answer.problem is None
    credentials = AppClientCredentials(emulator.client_id, emulator.client_secret)
    assert (seen["method"], seen["credentials"], seen["refreshed"]) == (
        "resend_confirmation_code",
        credentials,
        credentials,
    )
    assert seen["parameters"] == {
        "ClientId": emulator.client_id,
        "Username": UNCONFIRMED_USER,
        "SecretHash": compute_secret_hash(UNCONFIRMED_USER, emulator.client_id, emulator.client_secret),
        "UserContextData": {"IpAddress": "198.51.100.9"},
    }
    config = seen["client"].meta.config
    assert (config.connect_timeout, config.read_timeout) == (0.7, 1.3)
    pseudonym = user_reference(UNCONFIRMED_USER, load_pseudonym_key(emulator.pseudonym_key_arn))
    assert observability.logger.get_current_keys()["user_ref"] == pseudonym
