"""What an operator sees of each outcome: the exact CloudWatch metrics (the EMF lines the function prints) and the
structured log line, through the handler with real events against the emulator.

Alarms and dashboards read these (metric_names.py); a metric with a wrong dimension, value or unit, or a log line
that loses its reason, is a silent outage. Powertools' own ColdStart metric is left out.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from code_screens import metric_names as names
from code_screens.app_secrets import load_pseudonym_key
from code_screens.pseudonym import user_reference
from code_screens.routes import CONFIRM_SIGN_UP, RESEND_CONFIRMATION_CODE
from local.emulator import STATE, Fault
from local.seed import CONFIRMED_USER, UNCONFIRMED_USER, sign_up
from tests.conftest import SeededEmulator, secret_document
from tests.invoke import Invoke, problem_of

RESEND = "cognito-idp:ResendConfirmationCode"
GET_SECRET = "secretsmanager:GetSecretValue"
SERVICE = {names.SERVICE_DIMENSION: "resend-confirmation-code"}
NAMESPACE = "ResendConfirmationCode"
# A loopback port nothing listens on: connecting is refused at once (botocore's EndpointConnectionError).
CLOSED_PORT_URL = "http://127.0.0.1:9"

Metric = tuple[str, dict[str, str], Any, str]


def metrics_in(stdout: str) -> list[Metric]:
    """(name, dimensions, values as EMF lists them, unit) of each metric in `stdout`'s EMF lines, but ColdStart."""
    found = []
    for line in stdout.splitlines():
        if not (line.startswith("{") and '"_aws"' in line):
            continue
        record = json.loads(line)
        for directive in record["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == NAMESPACE
            dimensions = {name: record[name] for names_ in directive["Dimensions"] for name in names_}
            for metric in directive["Metrics"]:
                if metric["Name"] != "ColdStart":
                    found.append((metric["Name"], dimensions, record[metric["Name"]], metric["Unit"]))
    return sorted(found, key=lambda m: m[0])


def log_line(caplog: pytest.LogCaptureFixture, message: str) -> dict[str, Any]:
    (record,) = [r for r in caplog.records if r.getMessage() == message]
    return {**record.__dict__, "level": record.levelname}


@pytest.fixture
def observe(
    make_invoke: Callable[..., Invoke], capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., tuple[Any, list[Metric]]]]:
    """observe(body, env=..., fault=..., headers=...) -> (response, metrics): one request on a fresh handler."""

    def run(
        body: Any,
        *,
        env: dict[str, str | None] | None = None,
        fault: tuple[str, Fault] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[Any, list[Metric]]:
        invoke = make_invoke(**(env or {}))
        if fault:
            STATE.arm(*fault)
        capsys.readouterr()
        response = invoke(body, headers=headers)
        return response, metrics_in(capsys.readouterr().out)

    yield run
    STATE.disarm()


def test_a_sent_code_counts_by_delivery_medium(observe: Any, caplog: pytest.LogCaptureFixture) -> None:
    response, metrics = observe({"username": UNCONFIRMED_USER})

    assert response.status == 200
    assert metrics == [(names.CODE_SENT, {**SERVICE, names.DELIVERY_MEDIUM: "EMAIL"}, [1.0], "Count")]
    assert log_line(caplog, "Code sent")["delivery_medium"] == "EMAIL"


def test_a_refusal_answered_neutrally_counts_by_cognitos_error_code(
    observe: Any, caplog: pytest.LogCaptureFixture
) -> None:
    response, metrics = observe({"username": "nobody@example.com"})

    assert response.status == 200
    assert metrics == [(names.COGNITO_ERROR, {**SERVICE, names.ERROR_CODE: "UserNotFoundException"}, [1.0], "Count")]
    line = log_line(caplog, "Resend refused by Cognito; answered neutrally")
    assert (line["level"], line["cognito_error"]) == ("INFO", "UserNotFoundException")


def test_a_neutral_refusal_that_points_at_the_set_up_is_counted_for_its_alarm(observe: Any) -> None:
    # Cognito answers InvalidParameterException for a client that refuses the caller's IP (or a user with no
    # verified address): answered neutrally, and counted as a set-up refusal, whose share an alarm watches.
    fault = Fault("InvalidParameterException", message="IpAddress is not accepted for this client")
    response, metrics = observe({"username": UNCONFIRMED_USER}, fault=(RESEND, fault))

    assert response.status == 200
    assert metrics == [
        (names.COGNITO_ERROR, {**SERVICE, names.ERROR_CODE: "InvalidParameterException"}, [1.0], "Count"),
        (names.COGNITO_SETUP_REFUSAL, SERVICE, [1.0], "Count"),
    ]


def test_an_already_confirmed_user_is_no_set_up_refusal_since_anybody_can_cause_it(observe: Any) -> None:
    # "User is already confirmed.": anybody can resend for a confirmed account, so it must not count towards the
    # set-up alarm, or an outsider could set it off on a quiet endpoint.
    response, metrics = observe({"username": CONFIRMED_USER})

    assert response.status == 200
    assert metrics == [
        (names.COGNITO_ERROR, {**SERVICE, names.ERROR_CODE: "InvalidParameterException"}, [1.0], "Count"),
    ]


def test_a_success_without_delivery_details_is_still_a_sent_code(
    observe: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Cognito's model makes CodeDeliveryDetails and each of its fields optional.
    response, metrics = observe(
        {"username": UNCONFIRMED_USER},
        env={"REVEAL_DELIVERY_DETAILS": "true"},
        fault=(RESEND, Fault(None, body={})),
    )

    assert response.status == 200
    assert json.loads(response.body)["codeDeliveryDetails"] == {
        "destination": "",
        "deliveryMedium": "",
        "attributeName": "",
    }
    assert metrics == [(names.CODE_SENT, {**SERVICE, names.DELIVERY_MEDIUM: "UNKNOWN"}, [1.0], "Count")]
    assert log_line(caplog, "Code sent")["delivery_medium"] == ""  # a string, as the other media are


@pytest.mark.parametrize(
    ("fault", "env", "status", "reason", "level"),
    [
        (Fault("TooManyRequestsException"), {}, 429, "TooManyRequestsException", "WARNING"),
        (Fault("InternalErrorException", status=500), {}, 502, "InternalErrorException", "ERROR"),
        (Fault(None, delay_seconds=0.6), {"COGNITO_READ_TIMEOUT_SECONDS": "0.2"}, 504, "ReadTimeoutError", "ERROR"),
    ],
    ids=["throttled", "failed", "timed-out"],
)
def test_a_cognito_failure_counts_once_by_reason_and_once_for_the_alarm(
    observe: Any,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    env: dict[str, str],
    status: int,
    reason: str,
    level: str,
) -> None:
    response, metrics = observe({"username": UNCONFIRMED_USER}, env=env, fault=(RESEND, fault))

    assert response.status == status
    expected = [
        (names.COGNITO_ERROR, {**SERVICE, names.ERROR_CODE: reason}, [1.0], "Count"),
        (names.COGNITO_FAILURE, SERVICE, [1.0], "Count"),
    ]
    if reason == "TooManyRequestsException":  # the account's quota: a set-up refusal (refusal_kinds.py)
        expected.append((names.COGNITO_SETUP_REFUSAL, SERVICE, [1.0], "Count"))
    assert metrics == sorted(expected, key=lambda m: m[0])
    line = log_line(caplog, "Upstream call failed")
    assert {k: line[k] for k in ("level", "source", "reason", "code")} == {
        "level": level,
        "source": "cognito-idp",
        "reason": reason,
        "code": problem_of(response)["code"],
    }


def test_cognito_unreachable_is_503_with_the_transport_error_as_reason(observe: Any) -> None:
    response, metrics = observe(
        {"username": UNCONFIRMED_USER}, env={"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": CLOSED_PORT_URL}
    )

    assert response.status == 503 and problem_of(response)["code"] == "upstream_unavailable"
    assert (names.COGNITO_ERROR, {**SERVICE, names.ERROR_CODE: "EndpointConnectionError"}, [1.0], "Count") in metrics


@pytest.mark.parametrize(
    ("env", "fault", "status", "reason"),
    [
        ({}, (GET_SECRET, Fault("InternalServiceError", status=500, times=2)), 500, "InternalServiceError"),
        # An error code Secrets Manager's model does not list: botocore raises a plain ClientError for it, and the
        # reason must still be the code, not the exception's class name.
        ({}, (GET_SECRET, Fault("InternalFailure", status=500, times=2)), 500, "InternalFailure"),
        ({"AWS_ENDPOINT_URL_SECRETS_MANAGER": CLOSED_PORT_URL}, None, 503, "EndpointConnectionError"),
    ],
    ids=["aws-error", "unmodelled-aws-error", "unreachable"],
)
def test_a_secret_that_cannot_be_read_counts_by_reason(
    observe: Any,
    caplog: pytest.LogCaptureFixture,
    env: dict[str, str],
    fault: tuple[str, Fault] | None,
    status: int,
    reason: str,
) -> None:
    response, metrics = observe({"username": UNCONFIRMED_USER}, env=env, fault=fault)

    assert response.status == status
    assert metrics == [(names.SECRETS_MANAGER_ERROR, {**SERVICE, names.REASON: reason}, [1.0], "Count")]
    line = log_line(caplog, "Upstream call failed")
    assert (line["source"], line["reason"], line["level"]) == ("secretsmanager", reason, "ERROR")


def test_a_malformed_secret_is_an_internal_error_that_names_what_is_wrong(
    observe: Any, caplog: pytest.LogCaptureFixture, emulator: SeededEmulator
) -> None:
    sm = emulator.secretsmanager()
    arn = sm.create_secret(Name="observability-malformed", SecretString='{"clientId": "other", "clientSecret": "s"}')[
        "ARN"
    ]

    response, metrics = observe(
        {"username": UNCONFIRMED_USER}, env={"APP_CLIENTS": json.dumps({emulator.client_id: arn})}
    )

    reason = "the secret's clientId is not the app client it is configured for"
    assert response.status == 500 and problem_of(response)["code"] == "internal_error"
    assert metrics == [(names.SECRETS_MANAGER_ERROR, {**SERVICE, names.REASON: reason}, [1.0], "Count")]
    assert log_line(caplog, "Upstream call failed")["source"] == "secretsmanager"


def test_a_short_pseudonym_key_is_an_internal_error_that_says_the_rule(
    observe: Any, caplog: pytest.LogCaptureFixture, emulator: SeededEmulator
) -> None:
    # The whole log record and metric an operator gets: the rule the key breaks, said in full.
    arn = emulator.secretsmanager().create_secret(Name="observability-short-pseudonym-key", SecretString="k" * 31)[
        "ARN"
    ]

    resends = STATE.calls().get(RESEND, 0)

    response, metrics = observe({"username": UNCONFIRMED_USER}, env={"PSEUDONYM_KEY_SECRET_ID": arn})

    reason = "the pseudonym key is not a string of at least 32 characters"
    assert response.status == 500 and problem_of(response)["code"] == "internal_error"
    assert metrics == [(names.SECRETS_MANAGER_ERROR, {**SERVICE, names.REASON: reason}, [1.0], "Count")]
    line = log_line(caplog, "Upstream call failed")
    assert (line["source"], line["reason"], line["code"], line["level"]) == (
        "secretsmanager",
        reason,
        "internal_error",
        "ERROR",
    )
    assert STATE.calls().get(RESEND, 0) == resends  # nothing reached Cognito


@pytest.mark.parametrize(
    ("username", "outcome"),
    [
        (UNCONFIRMED_USER, (names.CODE_SENT, {**SERVICE, names.DELIVERY_MEDIUM: "EMAIL"}, [1.0], "Count")),
        (
            "nobody@example.com",
            (names.COGNITO_ERROR, {**SERVICE, names.ERROR_CODE: "UserNotFoundException"}, [1.0], "Count"),
        ),
    ],
    ids=["sent", "refused"],
)
def test_a_rotated_secret_counts_the_refresh_and_the_outcome(
    make_invoke: Callable[..., Invoke],
    emulator: SeededEmulator,
    capsys: pytest.CaptureFixture[str],
    username: str,
    outcome: Metric,
) -> None:
    sm = emulator.secretsmanager()

    def put_secret(client_secret: str) -> None:
        document = secret_document(emulator.client_id, client_secret)
        sm.put_secret_value(SecretId=emulator.secret_arn, SecretString=document)

    invoke = make_invoke()
    try:
        put_secret("stale")
        assert invoke({"username": UNCONFIRMED_USER}).status == 500  # the function now caches the stale secret
        put_secret(emulator.client_secret)  # ... and the rotation completes
        capsys.readouterr()

        response = invoke({"username": username})
    finally:
        put_secret(emulator.client_secret)

    assert response.status == 200
    assert metrics_in(capsys.readouterr().out) == sorted(
        [outcome, (names.SECRET_REFRESHED, SERVICE, [1.0], "Count")], key=lambda m: m[0]
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [({"username": ""}, "invalid_request"), ({"username": "a", "clientId": "other"}, "unknown_client_id")],
)
def test_a_rejected_request_counts_by_problem_code(
    observe: Any, caplog: pytest.LogCaptureFixture, body: dict[str, str], code: str
) -> None:
    response, metrics = observe(body)

    assert response.status == 400
    assert metrics == [(names.REQUEST_REJECTED, {**SERVICE, names.REASON: code}, [1.0], "Count")]
    assert log_line(caplog, "Request rejected")["code"] == code


def test_a_configuration_fault_is_no_rejected_request(observe: Any, caplog: pytest.LogCaptureFixture) -> None:
    response, metrics = observe({"username": UNCONFIRMED_USER}, env={"APP_CLIENTS": None})

    assert response.status == 500 and problem_of(response)["code"] == "internal_error"
    assert metrics == []
    line = log_line(caplog, "Invalid configuration")
    assert line["level"] == "ERROR" and "APP_CLIENTS" in line["configuration_error"]
    assert not [r for r in caplog.records if r.getMessage() in ("Request rejected", "Unhandled error")]


@pytest.mark.parametrize(
    ("error_code", "set_up_refusal"),
    [("LimitExceededException", False), ("CodeDeliveryFailureException", False)],
)
def test_a_cognito_failure_for_one_account_is_a_warning_answered_neutrally(
    observe: Any, caplog: pytest.LogCaptureFixture, error_code: str, set_up_refusal: bool
) -> None:
    # Neither is a set-up refusal: anybody can sign up an address that cannot be delivered to, and reach one
    # account's own limit; both are failures the operator sees in CognitoFailureAnsweredNeutrally.
    response, metrics = observe({"username": UNCONFIRMED_USER}, fault=(RESEND, Fault(error_code, times=1)))

    assert response.status == 200
    expected = [
        (names.COGNITO_ERROR, {**SERVICE, names.ERROR_CODE: error_code}, [1.0], "Count"),
        (names.COGNITO_FAILURE_ANSWERED_NEUTRALLY, SERVICE, [1.0], "Count"),
    ]
    if set_up_refusal:
        expected.append((names.COGNITO_SETUP_REFUSAL, SERVICE, [1.0], "Count"))
    assert metrics == sorted(expected, key=lambda m: m[0])
    line = log_line(caplog, "Cognito failed for this account; answered neutrally")
    assert (line["level"], line["cognito_error"]) == ("WARNING", error_code)


def test_a_broken_allowed_origins_answers_a_browser_internal_error_and_logs_why(
    observe: Any, caplog: pytest.LogCaptureFixture
) -> None:
    response, metrics = observe(
        {"username": UNCONFIRMED_USER}, env={"ALLOWED_ORIGINS": "*"}, headers={"Origin": "https://a.example"}
    )

    assert response.status == 500 and problem_of(response)["code"] == "internal_error"
    assert metrics == []
    # Said when the handler loads and again for the request it refuses: the same line each time.
    said = [
        (r.levelname, r.getMessage(), r.configuration_error)
        for r in caplog.records
        if hasattr(r, "configuration_error")
    ]
    expected = (
        "ERROR",
        "Invalid configuration",
        "ALLOWED_ORIGINS: '*' is not an origin: list each origin that may call the endpoint; expected a"
        " comma-separated list such as https://app.example.com, capacitor://localhost, http://localhost:8100",
    )
    assert len(said) >= 2 and set(said) == {expected}
    assert not [r for r in caplog.records if r.getMessage() in ("Request rejected", "Unhandled error")]


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        (RESEND_CONFIRMATION_CODE.path, {"username": UNCONFIRMED_USER}, 200),
        # For nobody: answered as a wrong code, after Cognito was asked.
        (CONFIRM_SIGN_UP.path, {"username": "nobody@example.com", "confirmationCode": "123456"}, 400),
    ],
    ids=["resend", "confirm"],
)
def test_a_response_time_floor_every_call_overruns_is_counted_and_logged(
    make_invoke: Callable[..., Invoke],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    path: str,
    body: dict[str, str],
    status: int,
) -> None:
    """A 1 ms floor, measured from the request's arrival, is overrun by any Cognito call: the answer is unchanged,
    the overrun counted and logged, on both routes."""
    invoke = make_invoke(RESPONSE_TIME_FLOOR_MS="1")
    capsys.readouterr()

    response = invoke(body, path=path)

    assert response.status == status
    assert (names.RESPONSE_TIME_FLOOR_EXCEEDED, SERVICE, [1.0], "Count") in metrics_in(capsys.readouterr().out)
    line = log_line(caplog, "Response time floor exceeded")
    assert line["level"] == "WARNING" and isinstance(line["over_ms"], int) and line["over_ms"] >= 0


def test_every_log_line_of_a_request_carries_the_usernames_pseudonym(
    make_invoke: Callable[..., Invoke], caplog: pytest.LogCaptureFixture, emulator: SeededEmulator
) -> None:
    """The JSON log line Lambda would print names the user by user_ref, the keyed pseudonym (never empty), never
    in clear."""
    invoke = make_invoke()

    assert invoke({"username": UNCONFIRMED_USER}).status == 200

    # Printed as Lambda would: through Powertools' formatter of the logger that emitted it, whose appended keys
    # last until the next invocation clears them.
    (record,) = [r for r in caplog.records if r.getMessage() == "Code sent"]
    (powertools_handler,) = logging.getLogger(record.name).handlers
    printed = powertools_handler.format(record)
    sent = json.loads(printed)
    expected_ref = user_reference(UNCONFIRMED_USER, load_pseudonym_key(emulator.pseudonym_key_arn))
    assert {key: sent.get(key) for key in ("level", "message", "delivery_medium", "user_ref")} == {
        "level": "INFO",
        "message": "Code sent",
        "delivery_medium": "EMAIL",
        "user_ref": expected_ref,
    }
    assert UNCONFIRMED_USER not in printed


def test_a_disabled_user_gets_no_code_and_is_no_set_up_refusal(observe: Any, emulator: SeededEmulator) -> None:
    # Cognito answers NotAuthorizedException ("User is disabled."): the neutral answer, no code sent, and not a
    # set-up refusal, since anybody can resend for a disabled account.
    username = f"disabled-{uuid.uuid4().hex[:8]}@example.com"
    sign_up(emulator.cognito(), emulator.client_id, emulator.client_secret, username)
    emulator.cognito().admin_disable_user(UserPoolId=emulator.user_pool_id, Username=username)
    sent_before = sum(m["username"] == username for m in STATE.outbox())

    response, metrics = observe({"username": username})

    assert response.status == 200
    assert sum(m["username"] == username for m in STATE.outbox()) == sent_before
    assert metrics == [
        (names.COGNITO_ERROR, {**SERVICE, names.ERROR_CODE: "NotAuthorizedException"}, [1.0], "Count"),
    ]
