"""The Cognito door (`POST /`, Cognito's JSON 1.1 protocol) through the handler in this process, with real API Gateway
events against the emulator: the answers' exact shape, what is refused before Cognito and how it is logged, the
Content-Type rules, and the replay of a retry's first answer from the limiter's table (what is kept, under which key,
for how long, and what happens when the table fails).

tests/e2e/test_cognito_protocol_*.py drive the same door over HTTP with real client libraries; these are the ones
`make mutate` runs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from code_screens import limiter
from code_screens import metric_names as names
from code_screens.app_secrets import load_pseudonym_key
from code_screens.doors import cognito_protocol
from code_screens.doors.cognito_shape import MEDIA_TYPE, TARGET_PREFIX
from code_screens.pseudonym import user_reference
from local.api_gateway_event import LocalLambdaContext, ProxyResponse, build_event, read_proxy_response
from local.emulator import STATE, Fault
from local.seed import sign_up
from tests.conftest import SeededEmulator
from tests.invoke import load_handler

RESEND = "ResendConfirmationCode"
CONFIRM = "ConfirmSignUp"
SERVICE = {names.SERVICE_DIMENSION: "resend-confirmation-code"}
# The replay store's clock in these tests (epoch seconds): the door reads no other.
NOW = 1_900_000_000


@dataclass(frozen=True)
class Sent:
    """One request through the door and what came of it."""

    request_id: str
    response: ProxyResponse

    @property
    def headers(self) -> dict[str, str]:
        return dict(self.response.headers)

    @property
    def document(self) -> Any:
        return json.loads(self.response.body)


def door_event(
    target: str | None,
    body: bytes,
    *,
    headers: Iterable[tuple[str, str]] = (("Content-Type", MEDIA_TYPE),),
    single_headers_only: bool = False,
    base64_body: bool = False,
) -> dict[str, Any]:
    """API Gateway's event for `POST /` (local/api_gateway_event.py), with X-Amz-Target when `target` is given."""
    sent = [*headers, *([("X-Amz-Target", target)] if target is not None else [])]
    event = build_event("POST", "/", sent, body, source_ip="203.0.113.7", resource="/")
    if single_headers_only:
        event["multiValueHeaders"] = None
    if base64_body:
        event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode("ascii"), True
    return event


@dataclass
class Door:
    module: ModuleType
    emulator: SeededEmulator

    def send(
        self,
        operation: str | None,
        document: Any,
        *,
        invocation_id: str | None = None,
        target: str | None = None,
        **event_options: Any,
    ) -> Sent:
        """One call of `operation` (TARGET_PREFIX added), or of the raw `target` header when given."""
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        headers = list(event_options.pop("headers", [("Content-Type", MEDIA_TYPE)]))
        if invocation_id is not None:
            headers.append(("amz-sdk-invocation-id", invocation_id))
        event = door_event(
            target if operation is None else TARGET_PREFIX + operation, body, headers=headers, **event_options
        )
        response = read_proxy_response(self.module.lambda_handler(event, LocalLambdaContext()))
        return Sent(event["requestContext"]["requestId"], response)

    def new_user(self) -> str:
        username = f"door-{uuid.uuid4().hex[:12]}@example.com"
        sign_up(self.emulator.cognito(), self.emulator.client_id, self.emulator.client_secret, username)
        return username

    def sent_to(self, username: str) -> int:
        return sum(1 for message in STATE.outbox() if message["username"] == username)

    def newest_code(self, username: str) -> str:
        code: str = next(m["code"] for m in STATE.outbox() if m["username"] == username)
        return code


@pytest.fixture
def make_door(
    monkeypatch: pytest.MonkeyPatch, function_env: dict[str, str | None], emulator: SeededEmulator
) -> Iterator[Callable[..., Door]]:
    """make_door(**env overrides): the handler loaded as the stack configures it, the limiter's table included."""

    def make(**overrides: str | None) -> Door:
        env = {**function_env, "LIMITER_TABLE_NAME": emulator.limiter_table_name, **overrides}
        return Door(load_handler(monkeypatch, env), emulator)

    yield make
    STATE.disarm()
    limiter.configure(None)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The door's wall clock (the replay store's expiry), moved by the test; the response timing keeps its own."""
    now = [float(NOW)]
    monkeypatch.setattr(cognito_protocol, "time", SimpleNamespace(time=lambda: now[0], monotonic=time.monotonic))
    return now


def metrics_in(stdout: str) -> list[tuple[str, dict[str, str], Any]]:
    """(name, dimensions, values) of each metric the EMF lines in `stdout` carry, ColdStart left out."""
    found = []
    for line in stdout.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            record = json.loads(line)
            for directive in record["_aws"]["CloudWatchMetrics"]:
                dimensions = {name: record[name] for group in directive["Dimensions"] for name in group}
                found += [
                    (m["Name"], dimensions, record[m["Name"]]) for m in directive["Metrics"] if m["Name"] != "ColdStart"
                ]
    return sorted(found, key=lambda metric: metric[0])


def lines(caplog: pytest.LogCaptureFixture, message: str) -> list[dict[str, Any]]:
    return [{**r.__dict__, "level": r.levelname} for r in caplog.records if r.getMessage() == message]


def replay_key(emulator: SeededEmulator, operation: str, client_id: str | None, invocation_id: str, user: str) -> str:
    """The key the door documents: an HMAC, with the pseudonym key, of (operation, client id as sent, invocation id,
    the username's pseudonym), under the limiter table's `replay#` prefix."""
    secret = load_pseudonym_key(emulator.pseudonym_key_arn)
    subject = user_reference(user, secret)
    message = f"replay\0{operation}\0{client_id}\0{invocation_id}\0{subject}".encode()
    return "replay#" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def stored(emulator: SeededEmulator, key: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = (
        emulator.dynamodb()
        .get_item(TableName=emulator.limiter_table_name, Key={"pk": {"S": key}}, ConsistentRead=True)
        .get("Item")
    )
    return item


def put(emulator: SeededEmulator, key: str, expires_at: int, body: str = '{"kept":"earlier"}') -> dict[str, Any]:
    item = {
        "pk": {"S": key},
        "status": {"N": "400"},
        "body": {"S": body},
        "headers": {"M": {"x-amzn-ErrorType": {"S": "CodeMismatchException"}}},
        "expiresAt": {"N": str(expires_at)},
    }
    emulator.dynamodb().put_item(TableName=emulator.limiter_table_name, Item=item)
    return item


# --- answers ---


def test_a_resend_answers_cognitos_success_exactly(make_door: Callable[..., Door]) -> None:
    door = make_door()
    username = door.new_user()
    before = door.sent_to(username)

    sent = door.send(RESEND, {"ClientId": door.emulator.client_id, "Username": username})

    assert sent.response.status == 200
    assert sent.headers == {
        "Content-Type": MEDIA_TYPE,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "x-amzn-RequestId": sent.request_id,
    }
    assert sent.response.body == b'{"CodeDeliveryDetails":{}}'  # compact, as Cognito writes it
    assert door.sent_to(username) == before + 1


def test_a_revealed_destination_is_written_as_is_not_escaped(make_door: Callable[..., Door]) -> None:
    # Cognito masks an internationalized address's domain as it is: the body carries it in UTF-8.
    door = make_door(REVEAL_DELIVERY_DETAILS="true")
    details = {"Destination": "d***@ü***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    STATE.arm(f"cognito-idp:{RESEND}", Fault(None, body={"CodeDeliveryDetails": details}))

    sent = door.send(RESEND, {"Username": door.new_user()})

    assert (sent.response.status, sent.document) == (200, {"CodeDeliveryDetails": details})
    assert (
        sent.response.body
        == json.dumps({"CodeDeliveryDetails": details}, separators=(",", ":"), ensure_ascii=False).encode()
    )


def test_a_confirm_answers_an_empty_object(make_door: Callable[..., Door]) -> None:
    door = make_door()
    username = door.new_user()

    sent = door.send(CONFIRM, {"Username": username, "ConfirmationCode": door.newest_code(username)})

    assert (sent.response.status, sent.response.body) == (200, b"{}")
    assert sent.headers["x-amzn-RequestId"] == sent.request_id


def test_a_refusal_names_each_field_in_cognitos_names_and_logs_only_known_fields(
    make_door: Callable[..., Door], caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    door = make_door()
    capsys.readouterr()

    sent = door.send(RESEND, {"Username": "someone", "Erfunden\u00e9": 1, "UserContextData": {"EncodedData": 5}})

    assert sent.response.status == 400
    assert sent.headers["x-amzn-ErrorType"] == "InvalidParameterException"
    assert sent.headers["x-amzn-RequestId"] == sent.request_id
    expected = {
        "__type": "InvalidParameterException",
        "message": "2 validation error(s) detected: "
        "Value at 'UserContextData.EncodedData' failed: Input should be a valid string; "
        "Value at 'Erfunden\u00e9' failed: Extra inputs are not permitted",
    }
    # Compact UTF-8, as Cognito writes it.
    assert sent.response.body == json.dumps(expected, separators=(",", ":"), ensure_ascii=False).encode()
    (line,) = lines(caplog, "Request rejected")
    assert (line["code"], line["fields"]) == ("invalid_request", ["userContextData", "(other)"])
    assert metrics_in(capsys.readouterr().out) == [
        (names.REQUEST_REJECTED, {**SERVICE, names.REASON: "invalid_request"}, [1.0])
    ]


@pytest.mark.parametrize(
    ("extra", "path", "name"),
    [
        ({"SecretHash": "x"}, "SecretHash", "SecretHash"),
        ({"UserContextData": {"IpAddress": "192.0.2.1"}}, "UserContextData.IpAddress", "IpAddress"),
        # The caller's own keys are never renamed: the message names the key as it was sent.
        ({"ClientMetadata": {"secretHash": "x"}}, "ClientMetadata.secretHash", "secretHash"),
    ],
)
def test_a_server_supplied_field_is_named_as_the_caller_sent_it(
    make_door: Callable[..., Door], extra: dict[str, Any], path: str, name: str
) -> None:
    door = make_door()

    sent = door.send(RESEND, {"Username": "someone@example.com", **extra})

    assert sent.document == {
        "__type": "InvalidParameterException",
        "message": f"1 validation error(s) detected: Value at '{path}' failed: "
        f"{name} is supplied by the server; remove it from the request",
    }


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        (TARGET_PREFIX + "InitiateAuth", "InitiateAuth"),
        (TARGET_PREFIX + "A" * 64, "A" * 64),
        (TARGET_PREFIX + "A" * 65, "(other)"),
        (TARGET_PREFIX + "InitiateAuth2", "(other)"),  # only letters: never arbitrary caller text in the log
        ("AWSCognitoIdentityService.GetId", "(other)"),
        (TARGET_PREFIX, "(other)"),
        (None, "(other)"),
    ],
)
def test_any_other_target_is_refused_before_anything_else_and_logged_by_a_plausible_name(
    make_door: Callable[..., Door],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    target: str | None,
    logged: str,
) -> None:
    door = make_door()
    calls = STATE.calls()
    capsys.readouterr()

    sent = door.send(None, {"Username": "someone@example.com"}, target=target)

    assert (sent.response.status, sent.headers["x-amzn-ErrorType"]) == (400, "UnknownOperationException")
    assert sent.headers["x-amzn-RequestId"] == sent.request_id
    assert sent.document == {
        "__type": "UnknownOperationException",
        "message": "This endpoint serves only ResendConfirmationCode, ConfirmSignUp, ForgotPassword and "
        "ConfirmForgotPassword.",
    }
    assert [line["target"] for line in lines(caplog, "Unknown operation refused")] == [logged]
    assert [(line["code"], line["fields"]) for line in lines(caplog, "Request rejected")] == [("unknown_operation", [])]
    assert metrics_in(capsys.readouterr().out) == [
        (names.REQUEST_REJECTED, {**SERVICE, names.REASON: "unknown_operation"}, [1.0])
    ]
    assert STATE.calls() == calls  # not even the secret was read


def test_a_configuration_that_could_not_be_read_is_an_internal_error_and_no_rejection(
    make_door: Callable[..., Door], caplog: pytest.LogCaptureFixture
) -> None:
    door = make_door(APP_CLIENTS="not json")

    sent = door.send(RESEND, {"Username": "someone@example.com"})

    assert (sent.response.status, sent.headers["x-amzn-ErrorType"]) == (500, "InternalErrorException")
    assert sent.headers["x-amzn-RequestId"] == sent.request_id
    assert not lines(caplog, "Request rejected")  # the set-up's fault, not the caller's


def test_a_cognito_client_at_another_path_is_answered_in_cognitos_shape(make_door: Callable[..., Door]) -> None:
    door = make_door()
    headers = [("Content-Type", MEDIA_TYPE), ("x-AMZ-target", TARGET_PREFIX + RESEND)]
    event = build_event("POST", "/elsewhere", headers, b"{}", source_ip="203.0.113.7", resource="/{proxy+}")

    response = read_proxy_response(door.module.lambda_handler(event, LocalLambdaContext()))

    assert (response.status, dict(response.headers)["x-amzn-ErrorType"]) == (404, "UnknownOperationException")


# --- Content-Type ---


@pytest.mark.parametrize(
    "headers",
    [
        [("Content-Type", MEDIA_TYPE), ("Content-Type", "application/json")],
        [("content-type", MEDIA_TYPE), ("content-type", MEDIA_TYPE)],
        [("Content-Type", f"{MEDIA_TYPE}, application/json")],
        [("Content-Type", f"{MEDIA_TYPE},application/json")],
    ],
    ids=["two headers", "two lower-case headers", "two in one header", "two in one header, no space"],
)
def test_two_content_types_are_refused(make_door: Callable[..., Door], headers: list[tuple[str, str]]) -> None:
    door = make_door()

    sent = door.send(RESEND, {"Username": door.new_user()}, headers=headers)

    assert (sent.response.status, sent.headers["x-amzn-ErrorType"]) == (415, "SerializationException")
    assert sent.document["message"] == f"Send exactly one Content-Type: {MEDIA_TYPE}."


def test_two_content_types_in_the_single_value_headers_are_refused(make_door: Callable[..., Door]) -> None:
    # An event with `headers` alone (no multiValueHeaders) is read the same way.
    door = make_door()
    headers = [("Content-Type", f"{MEDIA_TYPE},application/json")]

    sent = door.send(RESEND, {"Username": door.new_user()}, headers=headers, single_headers_only=True)

    assert sent.response.status == 415
    assert sent.document["message"] == f"Send exactly one Content-Type: {MEDIA_TYPE}."


@pytest.mark.parametrize("single_headers_only", [False, True])
def test_no_content_type_is_refused(make_door: Callable[..., Door], single_headers_only: bool) -> None:
    door = make_door()

    sent = door.send(RESEND, {"Username": door.new_user()}, headers=[], single_headers_only=single_headers_only)

    assert (sent.response.status, sent.headers["x-amzn-ErrorType"]) == (415, "SerializationException")


@pytest.mark.parametrize("single_headers_only", [False, True])
def test_one_content_type_is_served(make_door: Callable[..., Door], single_headers_only: bool) -> None:
    door = make_door()
    username = door.new_user()

    sent = door.send(RESEND, {"Username": username}, single_headers_only=single_headers_only)

    assert sent.response.status == 200


@pytest.mark.parametrize(
    "body",
    [b'{"Username": ', b"[" * 5000, b'["not", "an", "object"]', b"\xff\xfe"],
    ids=["truncated", "too deep", "array", "not UTF-8"],
)
def test_a_body_that_is_no_json_object_is_refused_as_cognito_would(make_door: Callable[..., Door], body: bytes) -> None:
    door = make_door()

    sent = door.send(RESEND, body, invocation_id=str(uuid.uuid4()))

    assert sent.response.status == 400
    assert sent.headers["x-amzn-ErrorType"] in ("SerializationException", "InvalidParameterException")


# --- replaying a retry's first answer ---


@pytest.mark.usefixtures("clock")
def test_a_retry_gets_the_first_answer_and_sends_no_second_code(
    make_door: Callable[..., Door], caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    door = make_door()
    username = door.new_user()
    before = door.sent_to(username)
    invocation_id = str(uuid.uuid4())
    request = {"ClientId": door.emulator.client_id, "Username": username}

    first = door.send(RESEND, request, invocation_id=invocation_id)
    capsys.readouterr()
    retry = door.send(RESEND, request, invocation_id=invocation_id)

    assert first.response.status == retry.response.status == 200
    assert retry.response.body == first.response.body
    assert retry.headers == {**first.headers, "x-amzn-RequestId": retry.request_id}
    assert door.sent_to(username) == before + 1
    assert [line["operation"] for line in lines(caplog, "Retry answered with its first answer")] == [RESEND]
    assert metrics_in(capsys.readouterr().out) == [
        (names.REQUEST_REJECTED, {**SERVICE, names.REASON: "replayed"}, [1.0])
    ]
    # Without the same id it is a new request, which the per-username limit answers.
    fresh = door.send(RESEND, request, invocation_id=str(uuid.uuid4()))
    assert fresh.headers["x-amzn-ErrorType"] == "LimitExceededException"


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("client_id_sent", [True, False])
@pytest.mark.parametrize("base64_body", [False, True])
def test_the_first_answer_is_kept_for_the_window_under_its_documented_key(
    make_door: Callable[..., Door], client_id_sent: bool, base64_body: bool
) -> None:
    door = make_door()
    username = door.new_user()
    invocation_id = str(uuid.uuid4())
    client_id = door.emulator.client_id if client_id_sent else None
    request = {"Username": username, **({"ClientId": client_id} if client_id else {})}

    sent = door.send(RESEND, request, invocation_id=invocation_id, base64_body=base64_body)

    assert sent.response.status == 200
    assert stored(door.emulator, replay_key(door.emulator, RESEND, client_id, invocation_id, username)) == {
        "pk": {"S": replay_key(door.emulator, RESEND, client_id, invocation_id, username)},
        "status": {"N": "200"},
        "body": {"S": '{"CodeDeliveryDetails":{}}'},
        "headers": {"M": {}},
        "expiresAt": {"N": str(NOW + cognito_protocol.REPLAY_WINDOW_SECONDS)},
    }


@pytest.mark.usefixtures("clock")
def test_a_refusal_is_kept_with_its_error_type(make_door: Callable[..., Door]) -> None:
    door = make_door()
    username = door.new_user()
    invocation_id = str(uuid.uuid4())
    wrong = "000000" if door.newest_code(username) != "000000" else "111111"

    sent = door.send(CONFIRM, {"Username": username, "ConfirmationCode": wrong}, invocation_id=invocation_id)

    assert sent.headers["x-amzn-ErrorType"] == "CodeMismatchException"
    item = stored(door.emulator, replay_key(door.emulator, CONFIRM, None, invocation_id, username))
    assert item is not None
    assert (item["status"], item["body"]) == ({"N": "400"}, {"S": sent.response.body.decode()})
    assert item["headers"] == {"M": {"x-amzn-ErrorType": {"S": "CodeMismatchException"}}}


@pytest.mark.usefixtures("clock")
def test_a_timeout_is_kept_with_its_retry_after_so_a_retry_sends_nothing(make_door: Callable[..., Door]) -> None:
    door = make_door(COGNITO_READ_TIMEOUT_SECONDS="0.2")
    username = door.new_user()
    calls = STATE.calls().get(f"cognito-idp:{RESEND}", 0)
    invocation_id = str(uuid.uuid4())
    STATE.arm(f"cognito-idp:{RESEND}", Fault(None, delay_seconds=0.6))

    timed_out = door.send(RESEND, {"Username": username}, invocation_id=invocation_id)
    retry = door.send(RESEND, {"Username": username}, invocation_id=invocation_id)

    assert (timed_out.response.status, timed_out.headers["x-amzn-ErrorType"]) == (408, "InternalErrorException")
    item = stored(door.emulator, replay_key(door.emulator, RESEND, None, invocation_id, username))
    assert item is not None
    assert item["headers"] == {
        "M": {
            "Retry-After": {"S": timed_out.headers["Retry-After"]},
            "x-amzn-ErrorType": {"S": "InternalErrorException"},
        }
    }
    assert (retry.response.status, retry.response.body) == (408, timed_out.response.body)
    assert retry.headers == {**timed_out.headers, "x-amzn-RequestId": retry.request_id}
    assert STATE.calls()[f"cognito-idp:{RESEND}"] == calls + 1  # the retry never reached Cognito


@pytest.mark.usefixtures("clock")
def test_answers_the_sdk_retries_are_not_kept(make_door: Callable[..., Door]) -> None:
    # A 429 or a 5xx: the retry must be served anew, so it can succeed.
    door = make_door()
    limited, failed = door.new_user(), door.new_user()
    assert door.send(RESEND, {"Username": limited}).response.status == 200
    limited_id, throttled_id, failed_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    throttled = door.new_user()
    confirm = {"Username": failed, "ConfirmationCode": door.newest_code(failed)}

    refused = door.send(RESEND, {"Username": limited}, invocation_id=limited_id)  # the per-username limit
    STATE.arm(f"cognito-idp:{RESEND}", Fault("TooManyRequestsException"))
    slowed = door.send(RESEND, {"Username": throttled}, invocation_id=throttled_id)  # Cognito's own 429
    STATE.arm(f"cognito-idp:{CONFIRM}", Fault("InternalErrorException", status=500))
    broken = door.send(CONFIRM, confirm, invocation_id=failed_id)
    retried = door.send(CONFIRM, confirm, invocation_id=failed_id)

    assert (refused.response.status, slowed.response.status, broken.response.status) == (429, 429, 502)
    assert stored(door.emulator, replay_key(door.emulator, RESEND, None, limited_id, limited)) is None
    assert stored(door.emulator, replay_key(door.emulator, RESEND, None, throttled_id, throttled)) is None
    assert stored(door.emulator, replay_key(door.emulator, CONFIRM, None, failed_id, failed)) is not None
    assert (retried.response.status, retried.response.body) == (200, b"{}")


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(
    ("invocation_id", "replayed"),
    [("a" * 64, True), ("a" * 65, False), ("not an id", False), ("", False), (None, False)],
)
def test_only_a_plausible_invocation_id_is_replayed(
    make_door: Callable[..., Door], caplog: pytest.LogCaptureFixture, invocation_id: str | None, replayed: bool
) -> None:
    door = make_door()
    username = door.new_user()
    before = door.sent_to(username)

    first = door.send(RESEND, {"Username": username}, invocation_id=invocation_id)
    retry = door.send(RESEND, {"Username": username}, invocation_id=invocation_id)

    assert first.response.status == 200
    assert door.sent_to(username) == before + 1
    assert retry.response.status == (200 if replayed else 429)
    assert not lines(caplog, "Replay store unavailable: request served anew")  # without a key nothing is kept


@pytest.mark.usefixtures("clock")
def test_an_invocation_id_is_replayed_only_for_its_own_operation_and_username(make_door: Callable[..., Door]) -> None:
    door = make_door()
    first, second = door.new_user(), door.new_user()
    invocation_id = str(uuid.uuid4())

    assert door.send(RESEND, {"Username": first}, invocation_id=invocation_id).response.status == 200
    other_user = door.send(RESEND, {"Username": second}, invocation_id=invocation_id)
    other_operation = door.send(
        CONFIRM, {"Username": first, "ConfirmationCode": door.newest_code(first)}, invocation_id=invocation_id
    )

    assert (other_user.response.status, other_user.response.body) == (200, b'{"CodeDeliveryDetails":{}}')
    assert door.sent_to(second) == 2  # the sign-up's code and this one
    assert (other_operation.response.status, other_operation.response.body) == (200, b"{}")


def test_without_a_table_nothing_is_replayed(make_door: Callable[..., Door]) -> None:
    door = make_door(LIMITER_TABLE_NAME=None)
    username = door.new_user()
    before = door.sent_to(username)
    invocation_id = str(uuid.uuid4())

    answers = [door.send(RESEND, {"Username": username}, invocation_id=invocation_id) for _ in range(2)]

    assert [sent.response.status for sent in answers] == [200, 200]
    assert door.sent_to(username) == before + 2


@pytest.mark.parametrize("remaining", [0, 1])
def test_an_answer_past_its_time_is_gone_and_the_first_one_still_wins(
    make_door: Callable[..., Door], clock: list[float], caplog: pytest.LogCaptureFixture, remaining: int
) -> None:
    # DynamoDB's TTL deletes late: an item at or past its time is served anew, and is not overwritten.
    door = make_door()
    username = door.new_user()
    invocation_id = str(uuid.uuid4())
    key = replay_key(door.emulator, RESEND, None, invocation_id, username)
    earlier = put(door.emulator, key, NOW + remaining)

    sent = door.send(RESEND, {"Username": username}, invocation_id=invocation_id)

    if remaining:
        assert (sent.response.status, sent.response.body) == (400, b'{"kept":"earlier"}')
        assert sent.headers["x-amzn-ErrorType"] == "CodeMismatchException"
    else:
        assert (sent.response.status, sent.response.body) == (200, b'{"CodeDeliveryDetails":{}}')
    assert stored(door.emulator, key) == earlier
    assert not lines(caplog, "Replay store unavailable: request served anew")


def test_the_first_answer_is_read_strongly_consistent(make_door: Callable[..., Door]) -> None:
    door = make_door()
    username = door.new_user()
    reads: list[dict[str, Any]] = []
    client = limiter.table()
    assert client is not None

    def record(params: dict[str, Any], **_: Any) -> None:
        if params["Key"]["pk"]["S"].startswith("replay#"):
            reads.append(dict(params))

    client[0].meta.events.register("provide-client-params.dynamodb.GetItem", record)
    try:
        door.send(RESEND, {"Username": username}, invocation_id=str(uuid.uuid4()))
    finally:
        client[0].meta.events.unregister("provide-client-params.dynamodb.GetItem", record)

    assert [read["ConsistentRead"] for read in reads] == [True]


def failing(monkeypatch: pytest.MonkeyPatch, method: str, error: Exception) -> None:
    """Make the limiter table's client fail `method` for the replay's records only (the limiter's own still work)."""
    store = limiter.table()
    assert store is not None
    client = store[0]
    original = getattr(client, method)

    def call(**params: Any) -> Any:
        record = params.get("Key") or params["Item"]
        if record["pk"]["S"].startswith("replay#"):
            raise error
        return original(**params)

    monkeypatch.setattr(client, method, call)


def client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "injected"}}, "operation")


@pytest.mark.parametrize(
    ("method", "error"),
    [
        ("get_item", client_error("ProvisionedThroughputExceededException")),
        ("get_item", EndpointConnectionError(endpoint_url="http://127.0.0.1:9")),
        ("put_item", client_error("ProvisionedThroughputExceededException")),
        ("put_item", EndpointConnectionError(endpoint_url="http://127.0.0.1:9")),
    ],
    ids=["read refused", "read unreachable", "write refused", "write unreachable"],
)
def test_a_store_that_fails_serves_the_request_anew_logged_and_counted(
    make_door: Callable[..., Door],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    method: str,
    error: Exception,
) -> None:
    door = make_door()
    username = door.new_user()
    failing(monkeypatch, method, error)
    caplog.set_level(logging.INFO)
    capsys.readouterr()

    sent = door.send(RESEND, {"Username": username}, invocation_id=str(uuid.uuid4()))

    assert sent.response.status == 200
    (line,) = lines(caplog, "Replay store unavailable: request served anew")
    assert (line["level"], line["reason"]) == ("ERROR", type(error).__name__)
    assert (names.LIMITER_UNAVAILABLE, SERVICE, [1.0]) in metrics_in(capsys.readouterr().out)
