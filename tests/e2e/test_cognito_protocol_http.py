"""The Cognito door over raw HTTP against `python -m local`: the edges no client library would send on purpose
(missing, unknown and refused targets, the wrong or two content types, an over-size body, server-supplied fields,
an invocation id reused for another username, a retry after a timeout) and the enumeration rules, answer by answer.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import requests

from code_screens.doors.cognito_protocol import MEDIA_TYPE, TARGET_PREFIX
from code_screens.operations import Kind
from code_screens.operations.models import MAX_BODY_BYTES
from code_screens.operations.resend_confirmation_code import OUTCOMES as RESEND_OUTCOMES
from local.seed import CONFIRMED_USER, UNCONFIRMED_USER
from tests.local_stack import LocalApi

RESEND = "ResendConfirmationCode"
CONFIRM = "ConfirmSignUp"
# Operations a Cognito client may send that must never be forwarded with the secret hash: the token, sign-up,
# password and every Admin* operation among them.
REFUSED_TARGETS = [
    "InitiateAuth",
    "SignUp",
    "ChangePassword",
    "AdminSetUserPassword",
    "RespondToAuthChallenge",
    "GetUser",
    "RevokeToken",
    "AdminConfirmSignUp",
    "AdminInitiateAuth",
    "AdminCreateUser",
    "ListUsers",
]
# Headers that differ between any two answers whatever the account: the time and API Gateway's request id.
PER_REQUEST_HEADERS = {"date", "x-amzn-requestid"}


def call(
    local: LocalApi,
    target: str | None,
    body: Any,
    *,
    content_type: str | None = MEDIA_TYPE,
    headers: dict[str, str] | None = None,
    path: str = "/",
) -> requests.Response:
    """One raw POST in Cognito's protocol (`target` None: no X-Amz-Target header)."""
    sent = dict(headers or {})
    if content_type is not None:
        sent["Content-Type"] = content_type
    if target is not None:
        sent["X-Amz-Target"] = target if target.startswith(TARGET_PREFIX) else TARGET_PREFIX + target
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(f"{local.url}{path}", data=data, headers=sent, timeout=30)


def assert_cognito_error(response: requests.Response, status: int, error_type: str) -> None:
    """The shape every library parses: the status, the header, `__type` and `message`, and no `code` field."""
    assert response.status_code == status, response.text
    assert response.headers["x-amzn-ErrorType"] == error_type
    assert response.headers["Content-Type"] == MEDIA_TYPE
    body = response.json()
    assert body["__type"] == error_type
    assert isinstance(body["message"], str) and body["message"]
    assert "code" not in body  # Amplify would read it before __type


def fingerprint(response: requests.Response) -> tuple[int, frozenset[tuple[str, str]], bytes]:
    headers = frozenset((k.lower(), v) for k, v in response.headers.items() if k.lower() not in PER_REQUEST_HEADERS)
    return response.status_code, headers, response.content


def sent_to(local: LocalApi, username: str) -> int:
    return sum(1 for message in local.outbox() if message["username"] == username)


@pytest.fixture(autouse=True)
def _disarm(local_api: LocalApi) -> Any:
    yield
    local_api.disarm_faults()


# --- the two operations ---


def test_resend_sends_one_code_and_answers_cognitos_shape(local_api: LocalApi) -> None:
    username = local_api.sign_up("door")
    before = sent_to(local_api, username)

    response = call(local_api, RESEND, {"ClientId": local_api.client_id, "Username": username})

    assert response.status_code == 200
    assert response.headers["Content-Type"] == MEDIA_TYPE
    # The same CodeDeliveryDetails for every username (REVEAL_DELIVERY_DETAILS is off).
    assert response.json() == {"CodeDeliveryDetails": {}}
    assert sent_to(local_api, username) == before + 1


def test_confirm_with_the_newest_code_confirms(local_api: LocalApi) -> None:
    username = local_api.sign_up("door")

    response = call(local_api, CONFIRM, {"Username": username, "ConfirmationCode": local_api.newest_code(username)})

    assert response.status_code == 200
    assert response.json() == {}
    assert local_api.user_status(username)[0] == "CONFIRMED"


def test_a_wrong_code_is_code_mismatch(local_api: LocalApi) -> None:
    username = local_api.sign_up("door")
    wrong = "000000" if local_api.newest_code(username) != "000000" else "111111"

    response = call(local_api, CONFIRM, {"Username": username, "ConfirmationCode": wrong})

    assert_cognito_error(response, 400, "CodeMismatchException")
    assert local_api.user_status(username)[0] == "UNCONFIRMED"


@pytest.mark.parametrize("username", [CONFIRMED_USER, "nobody-{}@example.com"])
def test_confirm_for_an_unknown_or_confirmed_user_is_a_wrong_code(local_api: LocalApi, username: str) -> None:
    real = call(local_api, CONFIRM, {"Username": local_api.sign_up("door"), "ConfirmationCode": "000001"})
    other = call(local_api, CONFIRM, {"Username": username.format(uuid.uuid4().hex[:8]), "ConfirmationCode": "000001"})

    assert fingerprint(other) == fingerprint(real)
    assert_cognito_error(other, 400, "CodeMismatchException")


# --- ForgotPassword and ConfirmForgotPassword ---

FORGOT = "ForgotPassword"
CONFIRM_FORGOT = "ConfirmForgotPassword"


def test_forgot_password_and_its_confirmation_answer_cognitos_shapes(local_api: LocalApi) -> None:
    from tests.e2e.test_forgot_password_http import confirmed, new_password, reset_codes, sign_in

    username, _ = confirmed(local_api, "door")
    password = new_password()

    asked = call(local_api, FORGOT, {"ClientId": local_api.client_id, "Username": username})
    code = reset_codes(local_api, username)[0]
    done = call(local_api, CONFIRM_FORGOT, {"Username": username, "ConfirmationCode": code, "Password": password})

    assert (asked.status_code, asked.json()) == (200, {"CodeDeliveryDetails": {}})
    assert (done.status_code, done.json()) == (200, {})
    assert done.headers["Content-Type"] == MEDIA_TYPE
    assert sign_in(local_api, username, password) == "ok"


def test_a_weak_password_is_invalid_password_in_cognitos_words(local_api: LocalApi) -> None:
    response = call(
        local_api, CONFIRM_FORGOT, {"Username": "anyone@example.com", "ConfirmationCode": "123456", "Password": "abc"}
    )

    assert_cognito_error(response, 400, "InvalidPasswordException")
    # The first rule broken, after Cognito's own prefix (apps written against Cognito show or match it).
    assert (
        response.json()["message"] == "Password does not conform to policy: Password should have at least 8 characters"
    )
    assert "abc" not in response.text


def test_the_reset_operations_answer_every_kind_of_username_byte_for_byte_alike(local_api: LocalApi) -> None:
    from tests.e2e.test_forgot_password_http import (
        confirmed,
        disabled,
        new_password,
        without_verified_address,
    )

    usernames = [
        f"nobody-{uuid.uuid4().hex[:8]}@example.com",
        disabled(local_api),
        local_api.sign_up("door-unconfirmed"),
        without_verified_address(local_api),
        confirmed(local_api, "door")[0],
    ]
    password = new_password()

    asked = [fingerprint(call(local_api, FORGOT, {"Username": u})) for u in usernames]
    refused = [
        fingerprint(
            call(local_api, CONFIRM_FORGOT, {"Username": u, "ConfirmationCode": "000001", "Password": password})
        )
        for u in usernames
    ]
    weak = [
        fingerprint(call(local_api, CONFIRM_FORGOT, {"Username": u, "ConfirmationCode": "000001", "Password": "x"}))
        for u in usernames
    ]

    assert all(answer == asked[-1] for answer in asked) and asked[-1][0] == 200
    assert all(answer == refused[-1] for answer in refused) and refused[-1][0] == 400
    assert all(answer == weak[-1] for answer in weak) and weak[-1][0] == 400
    # The door's wrong code is its ConfirmSignUp's, byte for byte.
    sign_up_wrong = call(local_api, CONFIRM, {"Username": local_api.sign_up("door"), "ConfirmationCode": "000001"})
    assert refused[-1] == fingerprint(sign_up_wrong)


PER_ACCOUNT = sorted(
    {code for code, outcome in RESEND_OUTCOMES.items() if outcome.kind is Kind.ACCOUNT_FAULT}
    | {"UserNotFoundException", "NotAuthorizedException"}
)


@pytest.mark.parametrize("error_code", PER_ACCOUNT)
def test_resend_faults_only_a_real_account_causes_answer_like_an_unknown_user(
    local_api: LocalApi, error_code: str
) -> None:
    unknown = call(local_api, RESEND, {"Username": f"nobody-{uuid.uuid4().hex[:8]}@example.com"})
    local_api.arm_fault(f"cognito-idp:{RESEND}", error_code)

    faulted = call(local_api, RESEND, {"Username": UNCONFIRMED_USER})

    assert fingerprint(faulted) == fingerprint(unknown)


# --- what is refused before Cognito ---


@pytest.mark.parametrize("target", [*REFUSED_TARGETS, "AWSCognitoIdentityService.GetId", "", None])
def test_every_other_target_is_refused_without_calling_cognito(local_api: LocalApi, target: str | None) -> None:
    calls_before = local_api.calls(f"cognito-idp:{target}") if target else 0
    full = target if target is None or "." in target else TARGET_PREFIX + target

    response = call(local_api, full, {"ClientId": local_api.client_id, "Username": UNCONFIRMED_USER})

    assert_cognito_error(response, 400, "UnknownOperationException")
    if target:
        assert local_api.calls(f"cognito-idp:{target}") == calls_before


def test_the_json_media_type_is_refused(local_api: LocalApi) -> None:
    response = call(local_api, RESEND, {"Username": UNCONFIRMED_USER}, content_type="application/json")

    assert_cognito_error(response, 415, "SerializationException")
    # The advice names this door's media type, never the JSON door's.
    assert response.json()["message"] == f"Send the body as Content-Type: {MEDIA_TYPE} (UTF-8)."


def test_two_content_types_at_once_are_refused(local_api: LocalApi) -> None:
    response = call(local_api, RESEND, {"Username": UNCONFIRMED_USER}, content_type=f"{MEDIA_TYPE}, application/json")

    assert_cognito_error(response, 415, "SerializationException")


def test_an_over_size_body_is_refused(local_api: LocalApi) -> None:
    body = json.dumps({"Username": UNCONFIRMED_USER, "ClientMetadata": {"k": "x" * MAX_BODY_BYTES}}).encode()

    assert_cognito_error(call(local_api, RESEND, body), 413, "InvalidParameterException")


def test_malformed_json_is_a_serialization_error(local_api: LocalApi) -> None:
    assert_cognito_error(call(local_api, RESEND, b'{"Username": '), 400, "SerializationException")


@pytest.mark.parametrize(
    "extra",
    [{"SecretHash": "x"}, {"UserContextData": {"IpAddress": "192.0.2.1"}}, {"ClientMetadata": {"secretHash": "x"}}],
)
def test_server_supplied_fields_are_refused(local_api: LocalApi, extra: dict[str, Any]) -> None:
    calls_before = local_api.calls(f"cognito-idp:{RESEND}")

    response = call(local_api, RESEND, {"Username": UNCONFIRMED_USER, **extra})

    assert_cognito_error(response, 400, "InvalidParameterException")
    assert "~" not in response.json()["message"]
    assert local_api.calls(f"cognito-idp:{RESEND}") == calls_before


def test_the_json_doors_field_names_are_not_cognitos(local_api: LocalApi) -> None:
    response = call(local_api, RESEND, {"username": UNCONFIRMED_USER})

    assert_cognito_error(response, 400, "InvalidParameterException")


def test_an_unknown_client_id_is_refused(local_api: LocalApi) -> None:
    response = call(local_api, RESEND, {"ClientId": "notaclient123", "Username": UNCONFIRMED_USER})

    assert_cognito_error(response, 400, "ResourceNotFoundException")


def test_a_cognito_client_at_a_wrong_path_gets_cognitos_shape(local_api: LocalApi) -> None:
    response = call(local_api, RESEND, {"Username": UNCONFIRMED_USER}, path="/no-such-path")

    assert_cognito_error(response, 404, "UnknownOperationException")


# --- retries ---


def test_a_retry_with_the_same_invocation_id_sends_no_second_code(make_run_api: LocalApi) -> None:
    # make run's limits: a second send within 60 s would be a 429; the retry must get the first answer instead.
    username = make_run_api.sign_up("retry")
    before = sent_to(make_run_api, username)
    headers = {"amz-sdk-invocation-id": str(uuid.uuid4()), "amz-sdk-request": "attempt=1; max=3"}

    first = call(make_run_api, RESEND, {"Username": username}, headers=headers)
    retry = call(make_run_api, RESEND, {"Username": username}, headers={**headers, "amz-sdk-request": "attempt=2"})
    fresh = call(make_run_api, RESEND, {"Username": username}, headers={"amz-sdk-invocation-id": str(uuid.uuid4())})

    assert first.status_code == retry.status_code == 200
    assert fingerprint(retry) == fingerprint(first)
    assert sent_to(make_run_api, username) == before + 1
    # Without the same id, it is a new request: the per-username limit answers it.
    assert_cognito_error(fresh, 429, "LimitExceededException")


def test_one_invocation_id_never_reads_another_usernames_answer(local_api: LocalApi) -> None:
    invocation = {"amz-sdk-invocation-id": str(uuid.uuid4())}
    first, second = local_api.sign_up("dup"), local_api.sign_up("dup")
    sent_before = sent_to(local_api, second)
    local_api.arm_fault(f"cognito-idp:{RESEND}", "InternalErrorException", times=1)

    failed = call(local_api, RESEND, {"Username": first}, headers=invocation)
    other = call(local_api, RESEND, {"Username": second}, headers=invocation)

    assert_cognito_error(failed, 502, "InternalErrorException")
    assert other.status_code == 200  # served anew, not the first username's failure
    assert sent_to(local_api, second) == sent_before + 1


@pytest.mark.slow  # waits out a timeout
def test_a_retry_after_a_timeout_gets_the_timeout_again_and_no_second_send(local_api: LocalApi) -> None:
    username = local_api.sign_up("timeout")
    invocation = {"amz-sdk-invocation-id": str(uuid.uuid4())}
    # Longer than the function's Cognito read timeout (3 s): the code may have gone, the answer did not come back.
    local_api.arm_fault(f"cognito-idp:{RESEND}", None, delaySeconds=4, times=1)
    calls_before = local_api.calls(f"cognito-idp:{RESEND}")

    timed_out = call(local_api, RESEND, {"Username": username}, headers=invocation)
    retry = call(local_api, RESEND, {"Username": username}, headers=invocation)

    # 408 and a name no SDK retries by itself; a retry anyway is answered from the store.
    assert_cognito_error(timed_out, 408, "InternalErrorException")
    assert timed_out.headers["Retry-After"] == "30"
    assert fingerprint(retry) == fingerprint(timed_out)
    assert local_api.calls(f"cognito-idp:{RESEND}") == calls_before + 1


# --- CORS for browsers ---


def test_the_preflight_allows_the_libraries_headers(local_api: LocalApi) -> None:
    asked = "amz-sdk-invocation-id,amz-sdk-request,cache-control,content-type,x-amz-target,x-amz-user-agent"

    response = requests.options(
        f"{local_api.url}/",
        headers={
            "Origin": local_api.url,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": asked,
        },
        timeout=10,
    )

    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert set(asked.split(",")) <= allowed
    exposed = {h.strip().lower() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"x-amzn-errortype", "x-amzn-requestid", "retry-after"} <= exposed
