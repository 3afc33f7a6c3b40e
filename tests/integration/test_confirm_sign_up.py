"""POST /confirm-sign-up through the handler, with real API Gateway events, against the emulator's ConfirmSignUp."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from code_screens import metric_names as names
from code_screens import pipeline as request_pipeline
from code_screens.app_secrets import AppClientCredentials
from code_screens.operations.confirm_sign_up import ConfirmSignUpRequest
from code_screens.operations.confirm_sign_up import parameters as build_confirm_sign_up_request
from code_screens.routes import CONFIRM_SIGN_UP, RESEND_CONFIRMATION_CODE
from code_screens.secret_hash import compute_secret_hash
from local.emulator import STATE, Fault
from local.seed import CONFIRMED_USER, sign_up
from tests.conftest import SeededEmulator, secret_document
from tests.invoke import Invoke, problem_of

CONFIRM = "cognito-idp:ConfirmSignUp"
GET_SECRET = "secretsmanager:GetSecretValue"
# Headers that differ on every answer whatever the outcome.
PER_REQUEST_HEADERS = {"date", "x-amzn-requestid"}


def new_user(emulator: SeededEmulator) -> str:
    """Sign up a fresh UNCONFIRMED user (the emulator 'sends' its first code) and return its username."""
    username = f"new-{uuid.uuid4().hex[:10]}@example.com"
    sign_up(emulator.cognito(), emulator.client_id, emulator.client_secret, username)
    return username


def newest_code(username: str) -> str:
    code: str = next(m["code"] for m in STATE.outbox() if m["username"] == username)
    return code


def status_of(emulator: SeededEmulator, username: str) -> tuple[str, dict[str, str]]:
    user = emulator.cognito().admin_get_user(UserPoolId=emulator.user_pool_id, Username=username)
    return user["UserStatus"], {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def confirm(invoke: Invoke, username: str, code: str, **fields: object) -> object:
    return invoke({"username": username, "confirmationCode": code, **fields}, path=CONFIRM_SIGN_UP.path)


def comparable(response) -> tuple[int, list[tuple[str, str]], bytes]:  # type: ignore[no-untyped-def]
    headers = sorted((n.lower(), v) for n, v in response.headers if n.lower() not in PER_REQUEST_HEADERS)
    return response.status, headers, response.body


def test_the_newest_code_confirms_the_user_and_verifies_the_address(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    invoke = make_invoke()
    username = new_user(emulator)

    response = confirm(invoke, username, newest_code(username))

    assert response.status == 200
    assert json.loads(response.body) == {"message": "Your account is confirmed. You can sign in now."}
    status, attributes = status_of(emulator, username)
    assert status == "CONFIRMED" and attributes["email_verified"] == "true"


def test_whitespace_a_person_types_in_the_code_is_ignored(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    invoke = make_invoke()
    username = new_user(emulator)
    code = newest_code(username)

    response = confirm(invoke, username, f" {code[:3]} {code[3:]}\n")

    assert response.status == 200


@pytest.mark.parametrize("zero", [0xFF10, 0x0660], ids=["full-width", "arabic-indic"])
def test_the_right_code_in_another_scripts_digits_confirms(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator, zero: int
) -> None:
    # A phone keyboard in Arabic, or a Japanese or Chinese input method, types the code in its own digits, and a
    # pasted username keeps its newline: both mean what Cognito sent and knows.
    invoke = make_invoke()
    username = new_user(emulator)
    typed = "".join(chr(zero + int(digit)) for digit in newest_code(username))

    response = confirm(invoke, f" {username}\n", typed)

    assert response.status == 200
    assert status_of(emulator, username)[0] == "CONFIRMED"


def test_a_wrong_code_is_code_mismatch_and_leaves_the_user_unconfirmed(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    invoke = make_invoke()
    username = new_user(emulator)
    wrong = "000000" if newest_code(username) != "000000" else "111111"

    response = confirm(invoke, username, wrong)

    assert response.status == 400 and problem_of(response)["code"] == "code_mismatch"
    assert status_of(emulator, username)[0] == "UNCONFIRMED"


def test_unknown_confirmed_and_disabled_users_answer_exactly_like_a_wrong_code(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a real unconfirmed user, a disabled one, a confirmed one and a name nobody has
    invoke = make_invoke()
    real, disabled = new_user(emulator), new_user(emulator)
    emulator.cognito().admin_disable_user(UserPoolId=emulator.user_pool_id, Username=disabled)

    # When each is sent a code that is not theirs
    answers = {
        name: comparable(confirm(invoke, name, "999999"))
        for name in (real, disabled, CONFIRMED_USER, "nobody-at-all@example.com")
    }

    # Then the caller sees one answer, byte for byte
    assert len(set(map(repr, answers.values()))) == 1, answers
    assert answers[real][0] == 400
    # ... while the operator's log tells the reasons apart (and never names the user)
    reasons = [getattr(r, "reason", None) for r in caplog.records if r.getMessage() == "Confirmation refused"]
    assert {"UserDisabled", "AlreadyConfirmed", "UserNotFoundException"} <= set(reasons)
    assert not any(real in str(r.__dict__) for r in caplog.records)


def wrong_code(*codes: str) -> str:
    """Six digits that are none of `codes`."""
    return next(code for code in ("000000", "111111", "222222") if code not in codes)


def answer_of(response: Any) -> tuple[int, list[tuple[str, str]], str]:
    return response.status, sorted(dict(response.headers).items()), response.body


def test_an_older_code_after_a_resend_answers_like_a_wrong_code_and_the_newest_confirms(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    invoke = make_invoke()
    username = new_user(emulator)
    first = newest_code(username)
    assert invoke({"username": username}, path=RESEND_CONFIRMATION_CODE.path).status == 200
    second = newest_code(username)
    if first == second:
        pytest.skip("the emulator drew the same six digits twice (1 in a million)")

    older = confirm(invoke, username, first)
    wrong = confirm(invoke, username, wrong_code(first, second))
    newer = confirm(invoke, username, second)

    # A superseded code is one only a real account can have: it must tell nothing a wrong code does not.
    assert answer_of(older) == answer_of(wrong)
    assert older.status == 400 and problem_of(older)["code"] == "code_mismatch"
    assert newer.status == 200


def test_a_code_older_than_24_hours_answers_like_a_wrong_code(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    invoke = make_invoke()
    username = new_user(emulator)
    STATE.age_codes(24 * 3600 + 1, username)
    code = newest_code(username)

    response = confirm(invoke, username, code)
    wrong = confirm(invoke, username, wrong_code(code))

    assert answer_of(response) == answer_of(wrong)
    assert response.status == 400 and problem_of(response)["code"] == "code_mismatch"
    assert status_of(emulator, username)[0] == "UNCONFIRMED"


def test_a_double_submit_of_the_right_code_answers_code_mismatch_the_second_time(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    # Documented in docs/api.md: the second submit meets a CONFIRMED user, which must look like a wrong code.
    invoke = make_invoke()
    username = new_user(emulator)
    code = newest_code(username)

    first, second = confirm(invoke, username, code), confirm(invoke, username, code)

    assert first.status == 200
    assert second.status == 400 and problem_of(second)["code"] == "code_mismatch"


@pytest.mark.parametrize(
    "body",
    [
        {"username": "someone@example.com"},
        {"username": "someone@example.com", "confirmationCode": ""},
        {"username": "someone@example.com", "confirmationCode": "   "},
        {"username": "someone@example.com", "confirmationCode": 123456},
        {"username": "someone@example.com", "confirmationCode": "1" * 2049},
        {"username": "someone@example.com", "confirmationCode": "123456", "forceAliasCreation": "yes"},
        {"username": "someone@example.com", "confirmationCode": "123456", "session": "x" * 20},
    ],
)
def test_invalid_requests_never_reach_cognito(make_invoke: Callable[..., Invoke], body: dict[str, object]) -> None:
    invoke = make_invoke()
    before = STATE.calls().get(CONFIRM, 0)

    response = invoke(body, path=CONFIRM_SIGN_UP.path)

    assert response.status == 400 and problem_of(response)["code"] == "invalid_request"
    assert STATE.calls().get(CONFIRM, 0) == before


def test_the_secret_hash_is_required_by_the_emulator(emulator: SeededEmulator) -> None:
    username = new_user(emulator)
    cognito = emulator.cognito()
    code = newest_code(username)

    with pytest.raises(ClientError) as missing:
        cognito.confirm_sign_up(ClientId=emulator.client_id, Username=username, ConfirmationCode=code)
    with pytest.raises(ClientError) as wrong:
        cognito.confirm_sign_up(
            ClientId=emulator.client_id,
            Username=username,
            ConfirmationCode=code,
            SecretHash=compute_secret_hash(username, emulator.client_id, "not-the-secret"),
        )

    assert missing.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert "SECRET_HASH was not received" in missing.value.response["Error"]["Message"]
    assert wrong.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert status_of(emulator, username)[0] == "UNCONFIRMED"


def test_the_emulator_answers_cognitos_errors_for_confirmed_and_unknown_users(emulator: SeededEmulator) -> None:
    cognito = emulator.cognito()

    def error_of(username: str) -> tuple[str, str]:
        with pytest.raises(ClientError) as raised:
            cognito.confirm_sign_up(
                ClientId=emulator.client_id,
                Username=username,
                ConfirmationCode="123456",
                SecretHash=compute_secret_hash(username, emulator.client_id, emulator.client_secret),
            )
        return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]

    assert error_of(CONFIRMED_USER) == (
        "NotAuthorizedException",
        "User cannot be confirmed. Current status is CONFIRMED",
    )
    assert error_of("nobody-at-all@example.com")[0] == "UserNotFoundException"


@pytest.mark.usefixtures("disarm_faults")
@pytest.mark.parametrize(
    ("error_code", "status", "code", "retry_after"),
    [
        # Cognito's per-account attempt limits answer like a wrong code (only a real account reaches them).
        ("TooManyFailedAttemptsException", 400, "code_mismatch", None),
        ("LimitExceededException", 400, "code_mismatch", None),
        ("TooManyRequestsException", 429, "rate_limited", "1"),
        ("AliasExistsException", 400, "code_mismatch", None),  # only a real account has a taken alias
        ("ForbiddenException", 403, "request_blocked", None),
        ("InternalErrorException", 502, "upstream_error", None),
        ("ResourceNotFoundException", 500, "internal_error", None),
        ("SomethingNewException", 502, "upstream_error", None),
    ],
)
def test_cognito_faults_are_answered_as_documented_after_one_call(
    make_invoke: Callable[..., Invoke],
    emulator: SeededEmulator,
    error_code: str,
    status: int,
    code: str,
    retry_after: str | None,
) -> None:
    invoke = make_invoke()
    username = new_user(emulator)
    STATE.arm(CONFIRM, Fault(error_code, times=1))
    before = STATE.calls().get(CONFIRM, 0)

    response = confirm(invoke, username, newest_code(username))

    assert response.status == status and problem_of(response)["code"] == code
    assert dict(response.headers).get("Retry-After") == retry_after
    assert STATE.calls().get(CONFIRM, 0) - before == 1


def test_forwards_the_callers_ip_and_what_the_caller_may_set(emulator: SeededEmulator) -> None:
    request = request_pipeline.validate_request(
        {
            "username": "a@example.com",
            "confirmationCode": "123 456",
            "forceAliasCreation": False,
            "clientMetadata": {"k": "v"},
            "userContextData": {"encodedData": "fp"},
        },
        ConfirmSignUpRequest,
    )
    params = build_confirm_sign_up_request(request, AppClientCredentials("client1", "s3cret"), "198.51.100.4")

    assert params == {
        "ClientId": "client1",
        "Username": "a@example.com",
        "SecretHash": compute_secret_hash("a@example.com", "client1", "s3cret"),
        "ConfirmationCode": "123456",
        "ForceAliasCreation": False,
        "ClientMetadata": {"k": "v"},
        "UserContextData": {"IpAddress": "198.51.100.4", "EncodedData": "fp"},
    }


def emf_metrics(printed: str) -> list[tuple[str, dict[str, str]]]:
    """(metric name, dimensions) of each EMF line Powertools printed."""
    found = []
    for line in printed.splitlines():
        if '"_aws"' not in line:
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            dimensions = {name: document[name] for group in directive["Dimensions"] for name in group}
            found.extend((metric["Name"], dimensions) for metric in directive["Metrics"])
    return found


def test_outcomes_are_counted_with_the_catalogs_names(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke = make_invoke()
    username = new_user(emulator)
    capsys.readouterr()

    confirm(invoke, username, "999999" if newest_code(username) != "999999" else "888888")
    confirm(invoke, CONFIRMED_USER, "999999")
    confirm(invoke, username, newest_code(username))

    printed = emf_metrics(capsys.readouterr().out)
    refused = [d for name, d in printed if name == names.CONFIRMATION_REFUSED]
    assert [d[names.REASON] for d in refused] == ["CodeMismatchException", "AlreadyConfirmed"]
    assert all(d[names.SERVICE_DIMENSION] == "resend-confirmation-code" for d in refused)
    assert [name for name, _ in printed].count(names.SIGN_UP_CONFIRMED) == 1


def test_the_handler_forwards_the_callers_ip_to_confirm_sign_up(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    """The IP API Gateway saw reaches Cognito with the caller's fingerprint, as on resend."""
    invoke = make_invoke()
    username = new_user(emulator)

    response = invoke(
        {"username": username, "confirmationCode": newest_code(username), "userContextData": {"encodedData": "fp"}},
        path=CONFIRM_SIGN_UP.path,
        source_ip="198.51.100.31",
    )

    assert response.status == 200
    assert STATE.confirmations()[0] == {"username": username, "ip_address": "198.51.100.31", "encoded_data": "fp"}


def test_a_rotated_secret_is_fetched_again_once_and_the_confirmation_retried(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    """The confirm route refreshes a secret Cognito no longer accepts, as the resend route does."""
    # Given a warm function whose cache holds a secret that Cognito no longer accepts
    sm = emulator.secretsmanager()
    current = secret_document(emulator.client_id, emulator.client_secret)
    sm.put_secret_value(SecretId=emulator.secret_arn, SecretString=secret_document(emulator.client_id, "stale"))
    try:
        invoke = make_invoke()
        unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
        body = {"username": unknown, "confirmationCode": "123456"}
        assert invoke(body, path=CONFIRM_SIGN_UP.path).status == 500
    finally:
        # ... and the rotated (current) secret in Secrets Manager, put back whatever happened: the seeded secret
        # is every later test's too
        sm.put_secret_value(SecretId=emulator.secret_arn, SecretString=current)
    before = (STATE.calls().get(CONFIRM, 0), STATE.calls().get(GET_SECRET, 0))

    # When the next confirmation comes in (for nobody: Cognito checks the hash first)
    response = invoke(body, path=CONFIRM_SIGN_UP.path)

    # Then it tried the cached secret, fetched the secret once more, retried once, and had Cognito's answer
    assert problem_of(response)["code"] == "code_mismatch"
    assert (STATE.calls()[CONFIRM] - before[0], STATE.calls()[GET_SECRET] - before[1]) == (2, 1)
