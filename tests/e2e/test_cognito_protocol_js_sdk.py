"""The AWS SDK for JavaScript v3 (`@aws-sdk/client-cognito-identity-provider`, pinned in package.json), unmodified,
in Node against the Cognito door of `python -m local`: its only setting is `endpoint`, its retries are its own."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from typing import Any

import pytest

from local.seed import CONFIRMED_USER
from tests.conftest import ROOT
from tests.local_stack import LocalApi

pytestmark = pytest.mark.slow  # a Node process per call

SDK_CALL = ROOT / "tests" / "e2e" / "js" / "sdk_call.mjs"
SDK_PACKAGE = ROOT / "node_modules" / "@aws-sdk" / "client-cognito-identity-provider"
RESEND = "cognito-idp:ResendConfirmationCode"


@pytest.fixture(scope="module", autouse=True)
def _node() -> None:
    if shutil.which("node") is None or not SDK_PACKAGE.is_dir():
        pytest.skip("node or the SDK is missing: npm ci installs it from package.json")


@pytest.fixture(autouse=True)
def _disarm(local_api: LocalApi) -> Any:
    yield
    local_api.disarm_faults()


def sdk(local: LocalApi, command: str, **parameters: Any) -> dict[str, Any]:
    """One SDK call; its output, or its error's name, HTTP status and number of attempts."""
    done = subprocess.run(
        ["node", str(SDK_CALL), local.url, command, json.dumps(parameters)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def sent_to(local: LocalApi, username: str) -> int:
    return sum(1 for message in local.outbox() if message["username"] == username)


def test_resend_sends_exactly_one_code(local_api: LocalApi) -> None:
    username = local_api.sign_up("jssdk")
    before = sent_to(local_api, username)

    result = sdk(local_api, "ResendConfirmationCode", ClientId=local_api.client_id, Username=username)

    assert result == {"output": {"CodeDeliveryDetails": {}}}
    assert sent_to(local_api, username) == before + 1


def test_confirm_with_the_newest_code_confirms_and_a_wrong_one_is_code_mismatch(local_api: LocalApi) -> None:
    username = local_api.sign_up("jssdk")
    code = local_api.newest_code(username)
    wrong = "000000" if code != "000000" else "111111"

    mismatch = sdk(local_api, "ConfirmSignUp", ClientId=local_api.client_id, Username=username, ConfirmationCode=wrong)
    confirmed = sdk(local_api, "ConfirmSignUp", ClientId=local_api.client_id, Username=username, ConfirmationCode=code)

    assert mismatch["error"]["name"] == "CodeMismatchException"
    assert mismatch["error"]["status"] == 400 and mismatch["error"]["attempts"] == 1
    assert "output" in confirmed
    assert local_api.user_status(username)[0] == "CONFIRMED"


def test_an_unknown_user_answers_as_a_real_one(local_api: LocalApi) -> None:
    names = (local_api.sign_up("jssdk"), f"nobody-{uuid.uuid4().hex[:8]}@example.com", CONFIRMED_USER)

    resend = [sdk(local_api, "ResendConfirmationCode", ClientId=local_api.client_id, Username=n) for n in names]
    confirm = [
        sdk(local_api, "ConfirmSignUp", ClientId=local_api.client_id, Username=n, ConfirmationCode="000001")
        for n in names
    ]

    assert resend[0] == resend[1] == resend[2]
    assert confirm[0] == confirm[1] == confirm[2]
    assert confirm[0]["error"]["name"] == "CodeMismatchException"


def test_a_lasting_cognito_fault_surfaces_by_name_after_the_sdks_retries(local_api: LocalApi) -> None:
    username = local_api.sign_up("jssdk")
    sent_before, calls_before = sent_to(local_api, username), local_api.calls(RESEND)
    local_api.arm_fault(RESEND, "TooManyRequestsException", times=3)

    result = sdk(local_api, "ResendConfirmationCode", ClientId=local_api.client_id, Username=username)

    # TooManyRequestsException (429) is retried by the SDK, and a failure is never replayed: each of the three
    # attempts reached Cognito, and none sent a code.
    assert result["error"]["name"] == "TooManyRequestsException"
    assert result["error"]["attempts"] == 3
    assert local_api.calls(RESEND) == calls_before + 3
    assert sent_to(local_api, username) == sent_before


REFUSED: list[tuple[str, dict[str, Any]]] = [
    ("SignUp", {"Username": "x@example.com", "Password": "Passw0rd!Passw0rd"}),
    ("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "x", "PASSWORD": "y"}}),
    ("ChangePassword", {"PreviousPassword": "Old-Passw0rd!", "ProposedPassword": "New-Passw0rd!", "AccessToken": "t"}),
    ("RevokeToken", {"Token": "t"}),
    ("GetUser", {"AccessToken": "t"}),
    ("AdminConfirmSignUp", {"UserPoolId": "us-east-1_abc", "Username": "x"}),
    ("AdminInitiateAuth", {"UserPoolId": "us-east-1_abc", "AuthFlow": "ADMIN_USER_PASSWORD_AUTH"}),
    ("ListUsers", {"UserPoolId": "us-east-1_abc"}),
]


@pytest.mark.parametrize(("command", "parameters"), REFUSED, ids=[c for c, _ in REFUSED])
def test_every_other_operation_is_refused_without_calling_cognito(
    local_api: LocalApi, command: str, parameters: dict[str, Any]
) -> None:
    calls_before = local_api.calls(f"cognito-idp:{command}")

    result = sdk(local_api, command, ClientId=local_api.client_id, **parameters)

    assert result["error"]["name"] == "UnknownOperationException"
    assert result["error"]["attempts"] == 1  # not retried
    assert local_api.calls(f"cognito-idp:{command}") == calls_before


# --- ForgotPassword and ConfirmForgotPassword ---


def test_forgot_password_and_confirm_reset_the_password(local_api: LocalApi) -> None:
    from tests.e2e.test_forgot_password_http import confirmed, new_password, reset_codes, sign_in, wrong

    username, old = confirmed(local_api, "jssdk")
    password = new_password()

    asked = sdk(local_api, "ForgotPassword", ClientId=local_api.client_id, Username=username)
    code = reset_codes(local_api, username)[0]
    weak = sdk(
        local_api,
        "ConfirmForgotPassword",
        ClientId=local_api.client_id,
        Username=username,
        ConfirmationCode=code,
        Password="weak",
    )
    mismatch = sdk(
        local_api,
        "ConfirmForgotPassword",
        ClientId=local_api.client_id,
        Username=username,
        ConfirmationCode=wrong(code),
        Password=password,
    )
    done = sdk(
        local_api,
        "ConfirmForgotPassword",
        ClientId=local_api.client_id,
        Username=username,
        ConfirmationCode=code,
        Password=password,
    )

    assert asked == {"output": {"CodeDeliveryDetails": {}}}
    assert weak["error"]["name"] == "InvalidPasswordException"
    assert (weak["error"]["status"], weak["error"]["attempts"]) == (400, 1)
    assert weak["error"]["message"] == "Password does not conform to policy: Password should have at least 8 characters"
    assert mismatch["error"]["name"] == "CodeMismatchException" and mismatch["error"]["attempts"] == 1
    assert done == {"output": {}}
    assert sign_in(local_api, username, password) == "ok"
    assert sign_in(local_api, username, old) == "NotAuthorizedException"


def test_forgot_password_answers_an_unknown_user_as_a_real_one(local_api: LocalApi) -> None:
    from tests.e2e.test_forgot_password_http import confirmed

    names = (confirmed(local_api, "jssdk")[0], f"nobody-{uuid.uuid4().hex[:8]}@example.com")

    answers = [sdk(local_api, "ForgotPassword", ClientId=local_api.client_id, Username=name) for name in names]

    assert answers[0] == answers[1] == {"output": {"CodeDeliveryDetails": {}}}
