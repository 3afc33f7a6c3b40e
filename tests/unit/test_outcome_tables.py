"""Each operation's outcome table covers the whole service model, and each class of failure maps deliberately:
what the caller is told, and which errors count as set-up refusals."""

import botocore.session
import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from code_screens.aws_errors import error_code, error_message, transport_problem
from code_screens.doors.problem_details import render_problem
from code_screens.operations import SECRET_HASH_REJECTED, UNLISTED_ERROR, CognitoError, Kind, Operation
from code_screens.operations.confirm_forgot_password import OPERATION as CONFIRM_FORGOT
from code_screens.operations.confirm_forgot_password import refusal_reason as confirm_forgot_refusal_reason
from code_screens.operations.confirm_sign_up import OPERATION as CONFIRM
from code_screens.operations.confirm_sign_up import refusal_reason as confirm_refusal_reason
from code_screens.operations.forgot_password import OPERATION as FORGOT
from code_screens.operations.forgot_password import refusal_reason as forgot_refusal_reason
from code_screens.operations.resend_confirmation_code import OPERATION as RESEND
from code_screens.problems import Problem, ProblemType
from code_screens.routes import ROUTES

OPERATIONS = [RESEND, CONFIRM, FORGOT, CONFIRM_FORGOT]
COGNITO_ERRORS = {code: outcome.answer for code, outcome in RESEND.outcomes.items()}
CONFIRM_SIGN_UP_ERRORS = {code: outcome.answer for code, outcome in CONFIRM.outcomes.items()}
ACCOUNT_FAULTS = {code for code, outcome in RESEND.outcomes.items() if outcome.kind is Kind.ACCOUNT_FAULT}


def client_error(code: str, message: str = "") -> CognitoError:
    return CognitoError(code, message)


def is_secret_hash_rejection(error: CognitoError) -> bool:
    return error.is_secret_hash_rejection


def cognito_problem(error: CognitoError) -> ProblemType | None:
    return RESEND.outcome_of(error).answer


def confirm_sign_up_problem(error: CognitoError) -> ProblemType:
    answer = CONFIRM.outcome_of(error).answer
    assert answer is not None  # every confirm refusal is answered with a problem
    return answer


def modelled_errors(operation: Operation) -> set[str]:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    return {shape.name for shape in model.operation_model(operation.name).error_shapes}


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_every_row_is_an_error_cognito_can_give_for_the_call(operation: Operation) -> None:
    # A typo in a row would leave the real error unlisted and the set-up alarm blind to it.
    assert set(operation.outcomes) <= modelled_errors(operation)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_refusals_about_the_one_request_are_not_setup_refusals(operation: Operation) -> None:
    # Healthy traffic has unknown usernames and users at their own attempt limit.
    assert not operation.outcomes["UserNotFoundException"].setup
    assert not operation.outcomes["LimitExceededException"].setup
    assert not operation.outcomes["InternalErrorException"].setup  # Cognito's own fault: CognitoFailure covers it
    assert not operation.outcomes["UserLambdaValidationException"].setup  # a trigger a caller can steer
    assert operation.outcomes["InvalidParameterException"].setup
    assert operation.outcomes["ResourceNotFoundException"].setup


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_a_secret_hash_rejection_and_an_unlisted_error_have_rows_of_their_own(operation: Operation) -> None:
    rejected = operation.outcome_of(client_error("NotAuthorizedException", "Unable to verify secret hash for client"))
    assert rejected is SECRET_HASH_REJECTED
    assert (rejected.kind, rejected.setup) == (Kind.FAILED, True)
    assert operation.outcome_of(client_error("SomethingNewException")) is UNLISTED_ERROR


def test_table_covers_every_error_in_botocores_model() -> None:
    assert modelled_errors(RESEND) - set(COGNITO_ERRORS) == set()


@pytest.mark.parametrize(
    "code",
    [
        "UserNotFoundException",
        "InvalidParameterException",
        "NotAuthorizedException",
        # Only an existing, unconfirmed account reaches these: the attempt limit, delivery, the pool's triggers.
        "LimitExceededException",
        "CodeDeliveryFailureException",
        "InvalidLambdaResponseException",
        "UnexpectedLambdaException",
        "UserLambdaValidationException",
    ],
)
def test_errors_that_reveal_the_account_are_answered_as_success(code: str) -> None:
    assert cognito_problem(client_error(code, "User is already confirmed.")) is None


def test_the_account_faults_an_operator_must_see_are_all_answered_neutrally() -> None:
    assert ACCOUNT_FAULTS
    assert all(code in COGNITO_ERRORS and COGNITO_ERRORS[code] is None for code in ACCOUNT_FAULTS)


@pytest.mark.parametrize(
    "message",
    [
        "Unable to verify secret hash for client abc",
        "Client abc is configured with secret but SECRET_HASH was not received",
    ],
)
def test_secret_hash_rejections_are_configuration_faults(message: str) -> None:
    error = client_error("NotAuthorizedException", message)

    assert is_secret_hash_rejection(error)
    problem = cognito_problem(error)
    assert problem is not None and problem.status == 500 and problem.code == "internal_error"


@pytest.mark.parametrize(
    ("code", "status", "retry_after"),
    [("TooManyRequestsException", 429, "1")],
)
def test_throttling_is_429_with_retry_after(code: str, status: int, retry_after: str) -> None:
    problem = cognito_problem(client_error(code))

    assert problem is not None and problem.status == status
    assert render_problem(Problem(problem)).headers == {"Retry-After": retry_after}


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ResourceNotFoundException", 500),
        ("InvalidSmsRoleTrustRelationshipException", 500),
        ("OperationNotEnabledException", 500),
        ("InternalErrorException", 502),
        ("ForbiddenException", 403),
        ("SomethingNewException", 502),
    ],
)
def test_other_errors_map_to_their_documented_status(code: str, status: int) -> None:
    problem = cognito_problem(client_error(code))

    assert problem is not None and problem.status == status


def test_transport_failures() -> None:
    timeout = transport_problem(ReadTimeoutError(endpoint_url="http://x"))
    connect_timeout = transport_problem(ConnectTimeoutError(endpoint_url="http://x"))
    unreachable = transport_problem(EndpointConnectionError(endpoint_url="http://x"))

    assert timeout is not None and timeout.status == 504
    assert connect_timeout is not None and connect_timeout.status == 504
    assert unreachable is not None and unreachable.status == 503
    assert transport_problem(ValueError()) is None


def test_a_timeout_asks_for_a_cooldown_since_the_code_may_have_been_sent() -> None:
    timeout = transport_problem(ReadTimeoutError(endpoint_url="http://x"))

    assert timeout is not None and timeout.code == "upstream_timeout"
    assert render_problem(Problem(timeout)).headers == {"Retry-After": "30"}
    assert "may already be on its way" in timeout.detail


def test_an_error_without_code_or_message_is_unknown_and_no_secret_hash_rejection() -> None:
    raw = ClientError({}, "ResendConfirmationCode")
    error = CognitoError(error_code(raw), error_message(raw))

    assert (error.code, error.message) == ("Unknown", "")
    assert is_secret_hash_rejection(error) is False
    problem = cognito_problem(error)
    assert problem is not None and problem.code == "upstream_error"


def test_confirm_sign_up_table_covers_every_error_in_botocores_model() -> None:
    assert modelled_errors(CONFIRM) - set(CONFIRM_SIGN_UP_ERRORS) == set()


@pytest.mark.parametrize(
    ("code", "message", "reason"),
    [
        ("CodeMismatchException", "Invalid verification code provided, please try again.", "CodeMismatchException"),
        ("UserNotFoundException", "Username/client id combination not found.", "UserNotFoundException"),
        ("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED", "AlreadyConfirmed"),
        ("NotAuthorizedException", "User is disabled.", "UserDisabled"),
        ("InvalidParameterException", "anything", "InvalidParameterException"),
        # Only a real account can reach Cognito's attempt limits: a 429 for them would say it exists.
        ("TooManyFailedAttemptsException", "Too many failed attempts.", "TooManyFailedAttemptsException"),
        ("LimitExceededException", "Attempt limit exceeded", "LimitExceededException"),
    ],
)
def test_confirm_refusals_that_could_reveal_the_account_answer_like_a_wrong_code(
    code: str, message: str, reason: str
) -> None:
    error = client_error(code, message)

    assert confirm_sign_up_problem(error).code == "code_mismatch"
    assert confirm_refusal_reason(error) == reason


@pytest.mark.parametrize(
    ("code", "status", "problem_code"),
    [
        # Only an account that was sent a code has an expired one, and only a real account a taken alias.
        ("ExpiredCodeException", 400, "code_mismatch"),
        ("AliasExistsException", 400, "code_mismatch"),
        ("TooManyRequestsException", 429, "rate_limited"),
        ("ForbiddenException", 403, "request_blocked"),
        ("ResourceNotFoundException", 500, "internal_error"),
        ("OperationNotEnabledException", 500, "internal_error"),
        ("UserLambdaValidationException", 502, "upstream_error"),
        ("SomethingNewException", 502, "upstream_error"),
    ],
)
def test_other_confirm_errors_map_to_their_documented_answer(code: str, status: int, problem_code: str) -> None:
    problem = confirm_sign_up_problem(client_error(code))

    assert (problem.status, problem.code) == (status, problem_code)


def test_a_secret_hash_rejection_on_confirm_is_a_configuration_fault_not_a_wrong_code() -> None:
    error = client_error("NotAuthorizedException", "Unable to verify secret hash for client abc")

    assert confirm_sign_up_problem(error).code == "internal_error"


def test_a_confirm_refused_for_a_status_other_than_confirmed_is_no_already_confirmed_user() -> None:
    # "Current status is CONFIRMED" names a confirmed user, which anybody can ask about; another status in the same
    # sentence does not, and stays a set-up refusal.
    other = client_error("NotAuthorizedException", "User cannot be confirmed. Current status is RESET_REQUIRED")
    confirmed = client_error("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")

    assert (confirm_refusal_reason(other), CONFIRM.outcome_of(other).setup) == ("NotAuthorizedException", True)
    assert (confirm_refusal_reason(confirmed), CONFIRM.outcome_of(confirmed).setup) == ("AlreadyConfirmed", False)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_no_outcome_a_caller_with_an_account_of_its_own_can_cause_is_a_set_up_refusal(operation: Operation) -> None:
    # Delivery to an address anybody can sign up, triggers steered by clientMetadata, one account's own limits:
    # counted as failures, never in the set-up share an outsider could push over the alarm's threshold.
    caller_caused = {
        "CodeDeliveryFailureException",
        "InvalidLambdaResponseException",
        "UnexpectedLambdaException",
        "UserLambdaValidationException",
        "LimitExceededException",
        "TooManyFailedAttemptsException",
    }
    assert not [code for code in caller_caused & set(operation.outcomes) if operation.outcomes[code].setup]


# What Cognito says of account states anybody can give an account of their own (the emulator says the same).
ACCOUNT_STATE_MESSAGES = (
    "User is disabled.",
    "User password cannot be reset in the current state.",
    "Cannot reset password for the user as there is no registered/verified email or phone_number",
    "User cannot be confirmed. Current status is CONFIRMED",
    "User is already confirmed.",
)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
@pytest.mark.parametrize("message", ACCOUNT_STATE_MESSAGES)
def test_no_account_state_anybody_can_cause_is_a_set_up_refusal_on_any_operation(
    operation: Operation, message: str
) -> None:
    # Whichever error code Cognito carries them in: an outsider must not set off the set-up alarm.
    for code in operation.outcomes:
        assert not operation.outcome_of(CognitoError(code, message)).setup, code


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_every_error_in_botocores_model_has_a_row(operation: Operation) -> None:
    # An unlisted error would be answered upstream_error (502): a neutral answer would stop being neutral.
    assert modelled_errors(operation) - set(operation.outcomes) == set()


def test_every_route_s_operation_is_tested_here() -> None:
    assert {route.operation.name for route in ROUTES} == {operation.name for operation in OPERATIONS}


# --- ForgotPassword: every per-account outcome answers the neutral 200, each counted apart ---


@pytest.mark.parametrize(
    ("code", "message", "reason"),
    [
        ("UserNotFoundException", "Username/client id combination not found.", "UserNotFoundException"),
        ("NotAuthorizedException", "User is disabled.", "UserDisabled"),
        (
            "InvalidParameterException",
            "Cannot reset password for the user as there is no registered/verified email or phone_number",
            "NoVerifiedAddress",
        ),
        ("LimitExceededException", "Attempt limit exceeded, please try after some time.", "LimitExceededException"),
        ("CodeDeliveryFailureException", "", "CodeDeliveryFailureException"),
        ("InvalidLambdaResponseException", "", "InvalidLambdaResponseException"),
        ("UnexpectedLambdaException", "", "UnexpectedLambdaException"),
        ("UserLambdaValidationException", "", "UserLambdaValidationException"),
    ],
)
def test_forgot_password_answers_every_per_account_outcome_neutrally(code: str, message: str, reason: str) -> None:
    error = client_error(code, message)

    outcome = FORGOT.outcome_of(error)
    assert outcome.answer is None
    assert outcome.setup is False  # anybody can cause each of them for an account
    assert forgot_refusal_reason(error) == reason


def test_forgot_password_counts_the_per_account_failures_as_account_faults() -> None:
    faults = {code for code, outcome in FORGOT.outcomes.items() if outcome.kind is Kind.ACCOUNT_FAULT}
    assert faults == {
        "LimitExceededException",
        "CodeDeliveryFailureException",
        "InvalidLambdaResponseException",
        "UnexpectedLambdaException",
        "UserLambdaValidationException",
    }


def test_forgot_password_s_other_invalid_parameter_is_a_set_up_refusal() -> None:
    # A client that refuses the forwarded IP answers InvalidParameterException to every request.
    error = client_error("InvalidParameterException", "Enable propagate additional user context data")

    assert FORGOT.outcome_of(error).setup is True
    assert forgot_refusal_reason(error) == "InvalidParameterException"


@pytest.mark.parametrize(
    ("code", "status", "problem_code"),
    [
        ("TooManyRequestsException", 429, "rate_limited"),
        ("ForbiddenException", 403, "request_blocked"),
        ("ResourceNotFoundException", 500, "internal_error"),
        ("InvalidEmailRoleAccessPolicyException", 500, "internal_error"),
        ("OperationNotEnabledException", 500, "internal_error"),
        ("InternalErrorException", 502, "upstream_error"),
    ],
)
def test_forgot_password_failures_that_are_the_same_for_every_username(
    code: str, status: int, problem_code: str
) -> None:
    answer = FORGOT.outcome_of(client_error(code)).answer

    assert answer is not None and (answer.status, answer.code) == (status, problem_code)


# --- ConfirmForgotPassword: everything only an account can cause answers like a wrong code ---


@pytest.mark.parametrize(
    ("code", "message", "reason"),
    [
        ("CodeMismatchException", "Invalid verification code provided, please try again.", "CodeMismatchException"),
        ("ExpiredCodeException", "Invalid code provided, please request a code again.", "ExpiredCodeException"),
        ("UserNotFoundException", "Username/client id combination not found.", "UserNotFoundException"),
        ("UserNotConfirmedException", "User is not confirmed.", "UserNotConfirmedException"),
        ("NotAuthorizedException", "User is disabled.", "UserDisabled"),
        ("TooManyFailedAttemptsException", "", "TooManyFailedAttemptsException"),
        ("LimitExceededException", "Attempt limit exceeded", "LimitExceededException"),
        ("PasswordHistoryPolicyViolationException", "", "PasswordHistoryPolicyViolationException"),
    ],
)
def test_confirm_forgot_password_refusals_that_could_reveal_the_account_answer_like_a_wrong_code(
    code: str, message: str, reason: str
) -> None:
    error = client_error(code, message)

    outcome = CONFIRM_FORGOT.outcome_of(error)
    assert outcome.answer is not None and outcome.answer is CONFIRM.outcomes["CodeMismatchException"].answer
    assert outcome.setup is False
    assert confirm_forgot_refusal_reason(error) == reason


def test_cognito_s_own_invalid_password_is_invalid_password_and_a_set_up_refusal() -> None:
    # The function checked the policy it was deployed with: Cognito refusing means the pool's policy changed since.
    outcome = CONFIRM_FORGOT.outcome_of(client_error("InvalidPasswordException", "Password does not conform"))

    assert outcome.answer is not None and outcome.answer.code == "invalid_password"
    assert (outcome.kind, outcome.setup) == (Kind.REFUSED, True)


def test_confirm_forgot_password_s_attempt_limits_are_account_faults() -> None:
    faults = {code for code, outcome in CONFIRM_FORGOT.outcomes.items() if outcome.kind is Kind.ACCOUNT_FAULT}
    assert faults == {"TooManyFailedAttemptsException", "LimitExceededException"}


@pytest.mark.parametrize(
    ("code", "status", "problem_code"),
    [
        ("TooManyRequestsException", 429, "rate_limited"),
        ("ForbiddenException", 403, "request_blocked"),
        ("ResourceNotFoundException", 500, "internal_error"),
        ("OperationNotEnabledException", 500, "internal_error"),
        ("UserLambdaValidationException", 502, "upstream_error"),
        ("InternalErrorException", 502, "upstream_error"),
    ],
)
def test_confirm_forgot_password_failures(code: str, status: int, problem_code: str) -> None:
    answer = CONFIRM_FORGOT.outcome_of(client_error(code)).answer

    assert answer is not None and (answer.status, answer.code) == (status, problem_code)
