"""POST /forgot-password and POST /confirm-forgot-password through the handler, with real API Gateway events, against
the emulator: the neutral answer, every Cognito error answered as the outcome tables say after one call, the password
policy refused before anything reaches AWS, and what the operator sees (metrics and log lines, never the password)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from code_screens import metric_names as names
from code_screens.operations.confirm_forgot_password import ConfirmForgotPasswordRequest
from code_screens.operations.confirm_forgot_password import parameters as confirm_forgot_parameters
from code_screens.pipeline import validate_request
from code_screens.routes import CONFIRM_FORGOT_PASSWORD, CONFIRM_SIGN_UP, FORGOT_PASSWORD
from code_screens.secret_hash import AppClientCredentials, compute_secret_hash
from local.emulator import STATE, Fault
from local.seed import CONFIRMED_USER
from tests.conftest import SeededEmulator
from tests.integration.test_observability import SERVICE, Metric, log_line, metrics_in
from tests.invoke import Invoke, problem_of

FORGOT = "cognito-idp:ForgotPassword"
CONFIRM_FORGOT = "cognito-idp:ConfirmForgotPassword"
NEUTRAL = {"message": "If this account exists and can receive a code, a code to reset its password is on its way."}
# A password that meets the demo pool's policy (12 characters, every class) and so every stricter-than-default one.
STRONG = "Sturdy-Passw0rd!"
# Headers that differ on every answer whatever the outcome.
PER_REQUEST_HEADERS = {"date", "x-amzn-requestid"}


def comparable(response: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = sorted((n.lower(), v) for n, v in response.headers if n.lower() not in PER_REQUEST_HEADERS)
    return response.status, headers, response.body


def cognito_calls() -> int:
    return sum(count for operation, count in STATE.calls().items() if operation.startswith("cognito-idp:"))


def aws_calls() -> int:
    return sum(STATE.calls().values())


@pytest.fixture
def observe(
    make_invoke: Callable[..., Invoke], capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., tuple[Any, list[Metric], str]]]:
    """observe(path, body, fault=(operation, Fault)) -> (response, metrics, stdout): one request, fresh handler."""
    invoke = make_invoke()

    def run(
        path: str, body: dict[str, Any], *, fault: tuple[str, Fault] | None = None
    ) -> tuple[Any, list[Metric], str]:
        if fault:
            STATE.arm(*fault)
        capsys.readouterr()
        response = invoke(body, path=path)
        out = capsys.readouterr()
        return response, metrics_in(out.out), out.out + out.err

    yield run
    STATE.disarm()


# --- forgot-password ---


def test_a_code_is_sent_to_a_confirmed_user_and_counted_by_medium(
    observe: Any, caplog: pytest.LogCaptureFixture
) -> None:
    before = STATE.calls().get(FORGOT, 0)
    delivery = {"Destination": "c***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}

    response, metrics, _ = observe(
        FORGOT_PASSWORD.path,
        {"username": CONFIRMED_USER},
        fault=(FORGOT, Fault(None, body={"CodeDeliveryDetails": delivery})),
    )

    assert response.status == 200 and json.loads(response.body) == NEUTRAL
    assert STATE.calls().get(FORGOT, 0) - before == 1
    assert metrics == [(names.RESET_CODE_SENT, {**SERVICE, names.DELIVERY_MEDIUM: "EMAIL"}, [1.0], "Count")]
    assert log_line(caplog, "Reset code sent")["delivery_medium"] == "EMAIL"


@pytest.mark.parametrize(
    ("error_code", "message", "reason", "account_fault"),
    [
        ("UserNotFoundException", "Username/client id combination not found.", "UserNotFoundException", False),
        ("NotAuthorizedException", "User is disabled.", "UserDisabled", False),
        (
            "NotAuthorizedException",
            "User password cannot be reset in the current state.",
            "PasswordCannotBeReset",
            False,
        ),
        (
            "InvalidParameterException",
            "Cannot reset password for the user as there is no registered/verified email or phone_number",
            "NoVerifiedAddress",
            False,
        ),
        (
            "LimitExceededException",
            "Attempt limit exceeded, please try after some time.",
            "LimitExceededException",
            True,
        ),
        ("CodeDeliveryFailureException", "Injected fault", "CodeDeliveryFailureException", True),
        ("UserLambdaValidationException", "Injected fault", "UserLambdaValidationException", True),
    ],
)
def test_every_per_account_outcome_answers_the_same_bytes_and_is_counted_apart(
    observe: Any, error_code: str, message: str, reason: str, account_fault: bool
) -> None:
    sent, _, _ = observe(FORGOT_PASSWORD.path, {"username": CONFIRMED_USER})

    response, metrics, _ = observe(
        FORGOT_PASSWORD.path, {"username": CONFIRMED_USER}, fault=(FORGOT, Fault(error_code, message, times=1))
    )

    assert comparable(response) == comparable(sent)
    expected = [(names.RESET_CODE_NOT_SENT, {**SERVICE, names.REASON: reason}, [1.0], "Count")]
    if account_fault:
        expected.insert(0, (names.COGNITO_FAILURE_ANSWERED_NEUTRALLY, SERVICE, [1.0], "Count"))
    assert metrics == expected


@pytest.mark.parametrize(
    ("error_code", "status", "code"),
    [
        ("TooManyRequestsException", 429, "rate_limited"),
        ("ForbiddenException", 403, "request_blocked"),
        ("ResourceNotFoundException", 500, "internal_error"),
        ("InvalidSmsRoleAccessPolicyException", 500, "internal_error"),
        ("InternalErrorException", 502, "upstream_error"),
    ],
)
def test_failures_the_same_for_every_username_answer_a_problem_after_one_call(
    observe: Any, error_code: str, status: int, code: str
) -> None:
    before = STATE.calls().get(FORGOT, 0)

    response, _, _ = observe(FORGOT_PASSWORD.path, {"username": CONFIRMED_USER}, fault=(FORGOT, Fault(error_code)))

    assert response.status == status and problem_of(response)["code"] == code
    assert STATE.calls().get(FORGOT, 0) - before == 1


def test_a_forgot_password_request_with_a_password_field_is_refused(observe: Any) -> None:
    response, _, _ = observe(FORGOT_PASSWORD.path, {"username": CONFIRMED_USER, "password": STRONG})

    assert response.status == 400
    assert [e["code"] for e in problem_of(response)["errors"]] == ["extra_forbidden"]


# --- confirm-forgot-password: the password policy, before anything reaches AWS ---


@pytest.mark.parametrize("username", [CONFIRMED_USER, "nobody-at-all@example.com"])
def test_a_weak_password_is_refused_before_aws_the_same_for_every_username(observe: Any, username: str) -> None:
    before = aws_calls()

    response, metrics, output = observe(
        CONFIRM_FORGOT_PASSWORD.path, {"username": username, "confirmationCode": "123456", "password": "weak"}
    )

    assert response.status == 400
    problem = problem_of(response)
    assert (problem["code"], problem["title"], problem["detail"]) == (
        "invalid_password",
        "Invalid password",
        "The new password does not meet the password policy.",
    )
    assert problem["errors"] == [
        {"field": "password", "code": "password_too_short", "message": "Password should have at least 8 characters"},
        {
            "field": "password",
            "code": "password_needs_uppercase",
            "message": "Password should contain an uppercase letter",
        },
        {"field": "password", "code": "password_needs_number", "message": "Password should contain a number"},
        {"field": "password", "code": "password_needs_symbol", "message": "Password should contain a symbol"},
    ]
    # Nothing reached AWS: no secret read, no pseudonym key, no limiter, no Cognito.
    assert aws_calls() == before
    assert metrics == [(names.REQUEST_REJECTED, {**SERVICE, names.REASON: "invalid_password"}, [1.0], "Count")]
    assert '"weak"' not in output and "weak" not in json.dumps(problem)


def test_a_weak_password_answers_the_same_bytes_for_a_real_and_an_unknown_user(observe: Any) -> None:
    body = {"confirmationCode": "123456", "password": "short"}

    real, _, _ = observe(CONFIRM_FORGOT_PASSWORD.path, {"username": CONFIRMED_USER, **body})
    unknown, _, _ = observe(CONFIRM_FORGOT_PASSWORD.path, {"username": "nobody-at-all@example.com", **body})

    assert comparable(real) == comparable(unknown)


def test_the_policy_is_the_function_s_setting(make_invoke: Callable[..., Invoke]) -> None:
    invoke = make_invoke(PASSWORD_MINIMUM_LENGTH="20")

    response = invoke(
        {"username": CONFIRMED_USER, "confirmationCode": "123456", "password": STRONG},
        path=CONFIRM_FORGOT_PASSWORD.path,
    )

    assert response.status == 400
    assert [e["message"] for e in problem_of(response)["errors"]] == ["Password should have at least 20 characters"]


def test_the_password_is_not_trimmed_a_space_at_its_end_is_refused(observe: Any) -> None:
    response, _, _ = observe(
        CONFIRM_FORGOT_PASSWORD.path,
        {"username": CONFIRMED_USER, "confirmationCode": "123456", "password": STRONG + " "},
    )

    assert response.status == 400
    assert [e["code"] for e in problem_of(response)["errors"]] == ["password_surrounding_whitespace"]


def test_a_password_over_cognitos_256_characters_is_invalid_request(observe: Any) -> None:
    response, _, _ = observe(
        CONFIRM_FORGOT_PASSWORD.path,
        {"username": CONFIRMED_USER, "confirmationCode": "123456", "password": "Aa1!" * 64 + "x"},
    )

    assert response.status == 400 and problem_of(response)["code"] == "invalid_request"
    assert problem_of(response)["errors"][0]["code"] == "string_too_long"


def test_a_bad_code_is_refused_before_the_password_is_judged(observe: Any) -> None:
    # The schema comes first: a code that is not six digits is invalid_request, whatever the password.
    response, _, _ = observe(
        CONFIRM_FORGOT_PASSWORD.path, {"username": CONFIRMED_USER, "confirmationCode": "12345", "password": "weak"}
    )

    assert response.status == 400 and problem_of(response)["code"] == "invalid_request"


# --- confirm-forgot-password: Cognito's answers ---


def code_mismatch_body(observe: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """The confirm-sign-up route's wrong-code answer, for byte-for-byte comparison."""
    response, _, _ = observe(
        CONFIRM_SIGN_UP.path,
        {"username": CONFIRMED_USER, "confirmationCode": "000000"},
        fault=("cognito-idp:ConfirmSignUp", Fault("CodeMismatchException", times=1)),
    )
    return comparable(response)


@pytest.mark.parametrize(
    ("error_code", "message", "reason", "account_fault"),
    [
        (
            "CodeMismatchException",
            "Invalid verification code provided, please try again.",
            "CodeMismatchException",
            False,
        ),
        ("ExpiredCodeException", "Invalid code provided, please request a code again.", "ExpiredCodeException", False),
        ("UserNotFoundException", "Username/client id combination not found.", "UserNotFoundException", False),
        ("UserNotConfirmedException", "User is not confirmed.", "UserNotConfirmedException", False),
        ("NotAuthorizedException", "User is disabled.", "UserDisabled", False),
        (
            "NotAuthorizedException",
            "User password cannot be reset in the current state.",
            "PasswordCannotBeReset",
            False,
        ),
        ("TooManyFailedAttemptsException", "Injected fault", "TooManyFailedAttemptsException", True),
        ("LimitExceededException", "Attempt limit exceeded", "LimitExceededException", True),
        ("PasswordHistoryPolicyViolationException", "Injected fault", "PasswordHistoryPolicyViolationException", False),
    ],
)
def test_refusals_that_could_reveal_the_account_answer_confirm_sign_up_s_wrong_code_byte_for_byte(
    observe: Any, error_code: str, message: str, reason: str, account_fault: bool
) -> None:
    wrong_code = code_mismatch_body(observe)

    response, metrics, output = observe(
        CONFIRM_FORGOT_PASSWORD.path,
        {"username": CONFIRMED_USER, "confirmationCode": "123456", "password": STRONG},
        fault=(CONFIRM_FORGOT, Fault(error_code, message, times=1)),
    )

    assert comparable(response) == wrong_code
    expected = [(names.PASSWORD_RESET_REFUSED, {**SERVICE, names.REASON: reason}, [1.0], "Count")]
    if account_fault:
        expected.insert(0, (names.COGNITO_FAILURE_ANSWERED_NEUTRALLY, SERVICE, [1.0], "Count"))
    assert metrics == expected
    assert STRONG not in output


def test_cognito_s_own_password_refusal_is_invalid_password_without_rules_and_a_set_up_refusal(observe: Any) -> None:
    response, metrics, _ = observe(
        CONFIRM_FORGOT_PASSWORD.path,
        {"username": CONFIRMED_USER, "confirmationCode": "123456", "password": STRONG},
        fault=(CONFIRM_FORGOT, Fault("InvalidPasswordException", "Password does not conform to policy", times=1)),
    )

    assert response.status == 400
    problem = problem_of(response)
    assert problem["code"] == "invalid_password" and "errors" not in problem
    assert sorted(metrics, key=repr) == sorted(
        [
            (names.PASSWORD_RESET_REFUSED, {**SERVICE, names.REASON: "InvalidPasswordException"}, [1.0], "Count"),
            (names.COGNITO_SETUP_REFUSAL, SERVICE, [1.0], "Count"),
        ],
        key=repr,
    )


@pytest.mark.parametrize(
    ("error_code", "status", "code"),
    [
        ("TooManyRequestsException", 429, "rate_limited"),
        ("ForbiddenException", 403, "request_blocked"),
        ("ResourceNotFoundException", 500, "internal_error"),
        ("UnexpectedLambdaException", 502, "upstream_error"),
        ("InternalErrorException", 502, "upstream_error"),
    ],
)
def test_confirm_forgot_password_failures_answer_a_problem_after_one_call(
    observe: Any, error_code: str, status: int, code: str
) -> None:
    before = STATE.calls().get(CONFIRM_FORGOT, 0)

    response, _, _ = observe(
        CONFIRM_FORGOT_PASSWORD.path,
        {"username": CONFIRMED_USER, "confirmationCode": "123456", "password": STRONG},
        fault=(CONFIRM_FORGOT, Fault(error_code)),
    )

    assert response.status == status and problem_of(response)["code"] == code
    assert STATE.calls().get(CONFIRM_FORGOT, 0) - before == 1


def test_the_cognito_parameters_carry_the_code_as_sent_and_the_password_untouched() -> None:
    request = validate_request(
        {"username": "a@example.com", "confirmationCode": "123-456", "password": "  inner  spaces  "},
        ConfirmForgotPasswordRequest,
    )
    credentials = AppClientCredentials("client1", "secret1")

    params = confirm_forgot_parameters(request, credentials, "203.0.113.9")

    assert params == {
        "ClientId": "client1",
        "Username": "a@example.com",
        "SecretHash": compute_secret_hash("a@example.com", "client1", "secret1"),
        "UserContextData": {"IpAddress": "203.0.113.9"},
        "ConfirmationCode": "123456",
        "Password": "  inner  spaces  ",
    }
    assert "inner" not in repr(request)


def test_a_reset_request_s_repr_never_carries_the_password_or_code() -> None:
    request = ConfirmForgotPasswordRequest(username="a", confirmation_code="123456", password="Secret-Pass-1")

    assert "Secret-Pass-1" not in repr(request) and "123456" not in repr(request)


def test_the_limits_count_per_policy(make_invoke: Callable[..., Invoke], emulator: SeededEmulator) -> None:
    invoke = make_invoke(LIMITER_TABLE_NAME=emulator.limiter_table_name, CONFIRM_FORGOT_PASSWORD_MAX_PER_WINDOW="1")
    body = {"username": "limit-me@example.com", "confirmationCode": "123456", "password": STRONG}

    STATE.arm(CONFIRM_FORGOT, Fault("CodeMismatchException", times=1))
    first = invoke(body, path=CONFIRM_FORGOT_PASSWORD.path)
    second = invoke(body, path=CONFIRM_FORGOT_PASSWORD.path)
    # The policies are apart: confirm-sign-up for the same username is not limited by the reset's cap.
    sign_up = invoke({"username": "limit-me@example.com", "confirmationCode": "123456"}, path=CONFIRM_SIGN_UP.path)

    assert first.status == 400 and problem_of(first)["code"] == "code_mismatch"
    assert second.status == 429 and problem_of(second)["code"] == "attempt_limit_exceeded"
    assert sign_up.status == 400 and problem_of(sign_up)["code"] == "code_mismatch"


def test_reveal_delivery_details_adds_the_masked_destination_in_the_resend_routes_shape(
    make_invoke: Callable[..., Invoke],
) -> None:
    invoke = make_invoke(REVEAL_DELIVERY_DETAILS="true")
    delivery = {"Destination": "c***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    STATE.arm(FORGOT, Fault(None, body={"CodeDeliveryDetails": delivery}))

    response = invoke({"username": CONFIRMED_USER}, path=FORGOT_PASSWORD.path)
    STATE.disarm()

    assert json.loads(response.body) == {
        **NEUTRAL,
        "codeDeliveryDetails": {"destination": "c***@e***", "deliveryMedium": "EMAIL", "attributeName": "email"},
    }


def test_the_password_is_judged_before_the_app_client_and_the_username(observe: Any) -> None:
    # An unknown client id or an account's sub as the username would each be refused too; the password comes first,
    # so the answer to a weak password depends on nothing but the password.
    body = {"confirmationCode": "123456", "password": "weak"}

    unknown_client, _, _ = observe(
        CONFIRM_FORGOT_PASSWORD.path, {"username": CONFIRMED_USER, "clientId": "someoneelse", **body}
    )
    a_sub, _, _ = observe(CONFIRM_FORGOT_PASSWORD.path, {"username": "0f8fad5b-d9cb-469f-a165-70867728950e", **body})

    assert problem_of(unknown_client)["code"] == problem_of(a_sub)["code"] == "invalid_password"
