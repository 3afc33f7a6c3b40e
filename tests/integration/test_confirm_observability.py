"""What an operator sees of each POST /confirm-sign-up outcome: the exact CloudWatch metrics and the structured
log line, through the handler with real events against the emulator (the confirm route's twin of
test_observability.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from code_screens import metric_names as names
from code_screens.routes import CONFIRM_SIGN_UP
from local.emulator import STATE, Fault
from local.seed import CONFIRMED_USER
from tests.conftest import SeededEmulator
from tests.integration.test_confirm_sign_up import CONFIRM, new_user, newest_code
from tests.integration.test_observability import SERVICE, Metric, log_line, metrics_in
from tests.invoke import Invoke, problem_of


@pytest.fixture
def observe_confirm(
    make_invoke: Callable[..., Invoke], capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., tuple[Any, list[Metric]]]]:
    """observe_confirm(username, code, fault=...) -> (response, metrics): one confirmation on a fresh handler."""
    invoke = make_invoke()

    def run(username: str, code: str, *, fault: Fault | None = None) -> tuple[Any, list[Metric]]:
        if fault:
            STATE.arm(CONFIRM, fault)
        capsys.readouterr()
        response = invoke({"username": username, "confirmationCode": code}, path=CONFIRM_SIGN_UP.path)
        return response, metrics_in(capsys.readouterr().out)

    yield run
    STATE.disarm()


def wrong_code_for(username: str) -> str:
    return "999999" if newest_code(username) != "999999" else "888888"


def test_a_confirmation_counts_once_and_logs_at_info(
    observe_confirm: Any, emulator: SeededEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    username = new_user(emulator)

    response, metrics = observe_confirm(username, newest_code(username))

    assert response.status == 200
    assert metrics == [(names.SIGN_UP_CONFIRMED, SERVICE, [1.0], "Count")]
    assert log_line(caplog, "Sign-up confirmed")["level"] == "INFO"


def test_a_wrong_code_is_counted_and_logged_with_reason_and_problem_code(
    observe_confirm: Any, emulator: SeededEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    username = new_user(emulator)

    response, metrics = observe_confirm(username, wrong_code_for(username))

    assert response.status == 400
    assert metrics == [(names.CONFIRMATION_REFUSED, {**SERVICE, names.REASON: "CodeMismatchException"}, [1.0], "Count")]
    line = log_line(caplog, "Confirmation refused")
    assert {k: line[k] for k in ("level", "reason", "code")} == {
        "level": "INFO",
        "reason": "CodeMismatchException",
        "code": "code_mismatch",
    }


def test_an_already_confirmed_user_is_no_set_up_refusal_since_anybody_can_cause_it(
    observe_confirm: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Cognito answers NotAuthorizedException ("Current status is CONFIRMED"): anybody can confirm for a confirmed
    # account, so counting it as a set-up refusal would let an outsider set the set-up alarm off.
    response, metrics = observe_confirm(CONFIRMED_USER, "123456")

    assert response.status == 400 and problem_of(response)["code"] == "code_mismatch"
    assert metrics == [
        (names.CONFIRMATION_REFUSED, {**SERVICE, names.REASON: "AlreadyConfirmed"}, [1.0], "Count"),
    ]
    assert log_line(caplog, "Confirmation refused")["reason"] == "AlreadyConfirmed"


@pytest.mark.parametrize("error_code", ["TooManyFailedAttemptsException", "LimitExceededException"])
def test_cognitos_attempt_limit_is_a_warning_answered_as_a_wrong_code(
    observe_confirm: Any, emulator: SeededEmulator, caplog: pytest.LogCaptureFixture, error_code: str
) -> None:
    username = new_user(emulator)

    response, metrics = observe_confirm(username, newest_code(username), fault=Fault(error_code, times=1))

    assert response.status == 400 and problem_of(response)["code"] == "code_mismatch"
    assert metrics == [
        (names.COGNITO_FAILURE_ANSWERED_NEUTRALLY, SERVICE, [1.0], "Count"),
        (names.CONFIRMATION_REFUSED, {**SERVICE, names.REASON: error_code}, [1.0], "Count"),
    ]
    line = log_line(caplog, "Cognito's attempt limit for this account; answered as a wrong code")
    assert {k: line[k] for k in ("level", "reason")} == {"level": "WARNING", "reason": error_code}
    assert not [r for r in caplog.records if r.getMessage() == "Confirmation refused"]


def test_a_cognito_fault_is_logged_and_counted_with_its_source_and_error_code(
    observe_confirm: Any, emulator: SeededEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    username = new_user(emulator)

    response, metrics = observe_confirm(
        username, newest_code(username), fault=Fault("InternalErrorException", status=500, times=1)
    )

    assert response.status == 502
    assert metrics == [
        (names.COGNITO_ERROR, {**SERVICE, names.ERROR_CODE: "InternalErrorException"}, [1.0], "Count"),
        (names.COGNITO_FAILURE, SERVICE, [1.0], "Count"),
    ]
    line = log_line(caplog, "Upstream call failed")
    assert {k: line[k] for k in ("source", "reason", "code")} == {
        "source": "cognito-idp",
        "reason": "InternalErrorException",
        "code": problem_of(response)["code"],
    }
