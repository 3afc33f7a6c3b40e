"""The emulator's ForgotPassword and ConfirmForgotPassword: Cognito's contract, spoken to with boto3 over HTTP as
`make run` serves it, and its developer routes (/_local/outbox, /_local/outbox/age, /_local/faults) for reset
codes.

Passwords here are generated per test (local.seed.throwaway_password) and go only to the emulator."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from code_screens.secret_hash import compute_secret_hash
from local.emulator import STATE
from local.seed import CONFIRMED_USER, UNCONFIRMED_USER, confirmed_user, sign_up, throwaway_password
from tests.conftest import REGION, SeededEmulator
from tests.local_stack import LocalApi

TARGET = "AWSCognitoIdentityProviderService"
RESET_CODE_LIFETIME_SECONDS = 3600
EXPIRED = "Invalid code provided, please request a code again."
MISMATCH = "Invalid verification code provided, please try again."
NO_VERIFIED_ADDRESS = "Cannot reset password for the user as there is no registered/verified email or phone_number"


class Pool:
    """One pool and app client (with a secret) of a running emulator, and the Cognito calls the tests make."""

    def __init__(self, endpoint: str, user_pool_id: str, client_id: str, client_secret: str) -> None:
        self.user_pool_id, self.client_id, self.client_secret = user_pool_id, client_id, client_secret
        # One attempt: botocore retries a 5xx, which would hide the very answer under test.
        self.cognito = boto3.client(
            "cognito-idp",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"total_max_attempts": 1}),
        )

    def hash(self, username: str) -> str:
        return compute_secret_hash(username, self.client_id, self.client_secret)

    def confirmed(self, prefix: str = "reset") -> tuple[str, str]:
        """A fresh CONFIRMED user with a verified e-mail: (username, password)."""
        username, password = f"{prefix}-{uuid.uuid4().hex[:10]}@example.com", throwaway_password()
        confirmed_user(self.cognito, self.user_pool_id, self.client_id, self.client_secret, username, password)
        return username, password

    def unconfirmed(self, prefix: str = "unconfirmed") -> str:
        username = f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"
        sign_up(self.cognito, self.client_id, self.client_secret, username)
        return username

    def forgot(self, username: str, **extra: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self.cognito.forgot_password(
            ClientId=self.client_id, Username=username, SecretHash=self.hash(username), **extra
        )
        return answer

    def confirm(self, username: str, code: str, password: str, **extra: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self.cognito.confirm_forgot_password(
            ClientId=self.client_id,
            Username=username,
            ConfirmationCode=code,
            Password=password,
            SecretHash=self.hash(username),
            **extra,
        )
        return answer

    def sign_in(self, username: str, password: str) -> str:
        """AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH: "ok", or the error code Cognito answered."""
        try:
            answer = self.cognito.admin_initiate_auth(
                UserPoolId=self.user_pool_id,
                ClientId=self.client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password, "SECRET_HASH": self.hash(username)},
            )
        except ClientError as error:
            return str(error.response["Error"]["Code"])
        return "ok" if "AuthenticationResult" in answer else str(answer.get("ChallengeName"))

    def status(self, username: str) -> tuple[str, dict[str, str]]:
        user = self.cognito.admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        return user["UserStatus"], {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def error_of(call: Any, *args: Any, **kwargs: Any) -> tuple[int, str, str]:
    """(HTTP status, error code, message) of a call that must fail."""
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    error = raised.value.response
    return error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"], error["Error"]["Message"]


def messages(local: LocalApi, username: str, purpose: str | None = None) -> list[dict[str, Any]]:
    """The outbox's messages to `username` (of `purpose`), newest first."""
    return [m for m in local.outbox() if m["username"] == username and purpose in (None, m["purpose"])]


def reset_code(local: LocalApi, username: str) -> str:
    code: str = messages(local, username, "ForgotPassword")[0]["code"]
    return code


def other_than(*codes: str) -> str:
    """Six digits that are none of `codes`."""
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in codes)


def age(local: LocalApi, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{local.url}/_local/outbox/age", json=body, timeout=5)


@pytest.fixture(scope="module")
def pool(local_api: LocalApi) -> Pool:
    return Pool(local_api.emulator_endpoint, local_api.user_pool_id, local_api.client_id, local_api.client_secret)


# --- ForgotPassword ---


def test_a_confirmed_user_gets_a_reset_code_at_the_verified_email_marked_apart(local_api: LocalApi, pool: Pool) -> None:
    username, _ = pool.confirmed()

    answer = pool.forgot(username, ClientMetadata={"screen": "forgot"})

    assert answer["CodeDeliveryDetails"] == {
        "Destination": "r***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    sent = messages(local_api, username)
    assert [m["purpose"] for m in sent] == ["ForgotPassword", "ConfirmSignUp"]  # the sign-up code, then the reset
    newest = sent[0]
    assert newest["destination"] == username and newest["medium"] == "EMAIL" and newest["used"] is False
    assert len(newest["code"]) == 6 and newest["code"].isascii() and newest["code"].isdigit()
    assert newest["client_metadata"] == {"screen": "forgot"}


def test_the_newest_reset_code_sets_the_password_and_is_used_up(local_api: LocalApi, pool: Pool) -> None:
    # Given a confirmed user who signs in with their password
    username, old = pool.confirmed()
    assert pool.sign_in(username, old) == "ok"
    pool.forgot(username)
    code, new = reset_code(local_api, username), throwaway_password()

    # When the newest reset code comes back with a new password
    assert pool.confirm(username, code, new)["ResponseMetadata"]["HTTPStatusCode"] == 200

    # Then the new password signs in, the old one no longer does, and the code never works again
    assert pool.sign_in(username, new) == "ok"
    assert pool.sign_in(username, old) == "NotAuthorizedException"
    assert messages(local_api, username, "ForgotPassword")[0]["used"] is True
    assert error_of(pool.confirm, username, code, throwaway_password())[1:] == ("ExpiredCodeException", EXPIRED)
    assert pool.sign_in(username, new) == "ok"
    assert pool.status(username)[0] == "CONFIRMED"


def test_only_the_newest_reset_code_works(local_api: LocalApi, pool: Pool) -> None:
    username, old = pool.confirmed()
    pool.forgot(username)
    first = reset_code(local_api, username)
    pool.forgot(username)
    second = reset_code(local_api, username)
    if first == second:
        pytest.skip("the emulator drew the same six digits twice (1 in a million)")

    older = error_of(pool.confirm, username, first, throwaway_password())
    wrong = error_of(pool.confirm, username, other_than(first, second), throwaway_password())

    assert older == (400, "ExpiredCodeException", EXPIRED)
    assert wrong == (400, "CodeMismatchException", MISMATCH)
    assert pool.sign_in(username, old) == "ok"  # neither changed the password
    new = throwaway_password()
    pool.confirm(username, second, new)
    assert pool.sign_in(username, new) == "ok"


def test_a_reset_code_lives_one_hour_and_ageing_reaches_it(local_api: LocalApi, pool: Pool) -> None:
    # A code just inside its hour still works: the lifetime is not shorter than Cognito's.
    inside, _ = pool.confirmed()
    pool.forgot(inside)
    aged = age(
        local_api, {"seconds": RESET_CODE_LIFETIME_SECONDS - 60, "username": inside, "purpose": "ForgotPassword"}
    )
    assert aged.status_code == 200 and aged.json() == {"aged": 1}  # the reset code only, not the sign-up code
    pool.confirm(inside, reset_code(local_api, inside), throwaway_password())

    # A code past its hour is expired: the lifetime is not a sign-up code's 24 hours.
    past, old = pool.confirmed()
    pool.forgot(past)
    assert age(local_api, {"seconds": RESET_CODE_LIFETIME_SECONDS + 1, "username": past}).status_code == 200

    expired = error_of(pool.confirm, past, reset_code(local_api, past), throwaway_password())

    assert expired == (400, "ExpiredCodeException", EXPIRED)
    assert pool.sign_in(past, old) == "ok"
    # A new code works again.
    pool.forgot(past)
    pool.confirm(past, reset_code(local_api, past), throwaway_password())


def test_ageing_refuses_a_purpose_it_does_not_know(local_api: LocalApi) -> None:
    answer = age(local_api, {"seconds": 10, "purpose": "forgotPassword"})

    assert answer.status_code == 400
    assert answer.json()["message"] == "purpose must be one of ConfirmSignUp, ForgotPassword"


def test_a_confirmation_code_never_resets_and_a_reset_code_never_confirms(local_api: LocalApi, pool: Pool) -> None:
    # Given an unconfirmed user whose e-mail an administrator marked verified: one sign-up code and one reset code
    username = pool.unconfirmed()
    pool.cognito.admin_update_user_attributes(
        UserPoolId=pool.user_pool_id, Username=username, UserAttributes=[{"Name": "email_verified", "Value": "true"}]
    )
    pool.forgot(username)
    sign_up_code = messages(local_api, username, "ConfirmSignUp")[0]["code"]
    code = reset_code(local_api, username)
    if code == sign_up_code:
        pytest.skip("the emulator drew the same six digits twice (1 in a million)")
    signed_up = lambda c: pool.cognito.confirm_sign_up(  # noqa: E731
        ClientId=pool.client_id, Username=username, ConfirmationCode=c, SecretHash=pool.hash(username)
    )

    # Each code is a plain mismatch for the other operation
    assert error_of(pool.confirm, username, sign_up_code, throwaway_password())[1] == "CodeMismatchException"
    assert error_of(signed_up, code)[1] == "CodeMismatchException"
    assert pool.status(username)[0] == "UNCONFIRMED"

    # ... and neither superseded nor used up the other: the sign-up code confirms, then the reset code resets
    signed_up(sign_up_code)
    new = throwaway_password()
    pool.confirm(username, code, new)
    assert pool.sign_in(username, new) == "ok"


def test_an_unconfirmed_user_with_a_verified_address_is_confirmed_by_the_reset(local_api: LocalApi, pool: Pool) -> None:
    username = pool.unconfirmed()
    pool.cognito.admin_update_user_attributes(
        UserPoolId=pool.user_pool_id, Username=username, UserAttributes=[{"Name": "email_verified", "Value": "true"}]
    )
    pool.forgot(username)
    new = throwaway_password()

    pool.confirm(username, reset_code(local_api, username), new)

    assert pool.status(username)[0] == "CONFIRMED"
    assert pool.sign_in(username, new) == "ok"


def test_users_who_cannot_get_a_reset_code_get_cognitos_errors_and_nothing_is_sent(
    local_api: LocalApi, pool: Pool
) -> None:
    # An unconfirmed user who signed up (the address is verified only by ConfirmSignUp); a confirmed user whose
    # address nobody verified; a disabled user; one an administrator created who has no password of their own yet;
    # a name nobody has.
    unconfirmed = pool.unconfirmed()
    unverified = f"unverified-{uuid.uuid4().hex[:10]}@example.com"
    sign_up(pool.cognito, pool.client_id, pool.client_secret, unverified)
    pool.cognito.admin_confirm_sign_up(UserPoolId=pool.user_pool_id, Username=unverified)
    disabled, _ = pool.confirmed("disabled")
    pool.cognito.admin_disable_user(UserPoolId=pool.user_pool_id, Username=disabled)
    invited = f"invited-{uuid.uuid4().hex[:10]}@example.com"
    pool.cognito.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username=invited,
        MessageAction="SUPPRESS",
        TemporaryPassword=throwaway_password(),
        UserAttributes=[{"Name": "email", "Value": invited}, {"Name": "email_verified", "Value": "true"}],
    )
    nobody = f"nobody-{uuid.uuid4().hex[:10]}@example.com"
    before = len(local_api.outbox())

    answers = {name: error_of(pool.forgot, name) for name in (unconfirmed, unverified, disabled, invited, nobody)}

    assert answers == {
        unconfirmed: (400, "InvalidParameterException", NO_VERIFIED_ADDRESS),
        unverified: (400, "InvalidParameterException", NO_VERIFIED_ADDRESS),
        disabled: (400, "NotAuthorizedException", "User is disabled."),
        invited: (400, "NotAuthorizedException", "User password cannot be reset in the current state."),
        nobody: (400, "UserNotFoundException", "Username/client id combination not found."),
    }
    assert len(local_api.outbox()) == before
    # The seeded unconfirmed user is one of them; the seeded confirmed one can reset (what the reference page does).
    assert error_of(pool.forgot, UNCONFIRMED_USER)[1:] == ("InvalidParameterException", NO_VERIFIED_ADDRESS)
    assert pool.forgot(CONFIRMED_USER)["CodeDeliveryDetails"]["AttributeName"] == "email"


def test_confirm_forgot_password_refuses_unknown_disabled_and_unconfirmed_users(
    local_api: LocalApi, pool: Pool
) -> None:
    disabled, old = pool.confirmed("disabled")
    pool.forgot(disabled)
    code = reset_code(local_api, disabled)
    pool.cognito.admin_disable_user(UserPoolId=pool.user_pool_id, Username=disabled)
    unconfirmed = pool.unconfirmed()
    sign_up_code = messages(local_api, unconfirmed, "ConfirmSignUp")[0]["code"]

    assert error_of(pool.confirm, disabled, code, throwaway_password()) == (
        400,
        "NotAuthorizedException",
        "User is disabled.",
    )
    assert error_of(pool.confirm, "nobody-at-all@example.com", "123456", throwaway_password())[1] == (
        "UserNotFoundException"
    )
    # An unconfirmed user has no reset code: whatever code it sends, its own sign-up code included, is a mismatch.
    assert error_of(pool.confirm, unconfirmed, sign_up_code, throwaway_password())[1] == "CodeMismatchException"
    pool.cognito.admin_enable_user(UserPoolId=pool.user_pool_id, Username=disabled)
    assert pool.sign_in(disabled, old) == "ok"


def test_both_operations_check_the_secret_hash(local_api: LocalApi, pool: Pool) -> None:
    username, old = pool.confirmed()
    before = len(local_api.outbox())
    wrong = compute_secret_hash(username, pool.client_id, "not-the-secret")

    forgot_missing = error_of(pool.cognito.forgot_password, ClientId=pool.client_id, Username=username)
    forgot_wrong = error_of(pool.cognito.forgot_password, ClientId=pool.client_id, Username=username, SecretHash=wrong)
    pool.forgot(username)
    code = reset_code(local_api, username)
    confirm = {"ClientId": pool.client_id, "Username": username, "ConfirmationCode": code}
    confirm_missing = error_of(pool.cognito.confirm_forgot_password, **confirm, Password=throwaway_password())
    confirm_wrong = error_of(
        pool.cognito.confirm_forgot_password, **confirm, Password=throwaway_password(), SecretHash=wrong
    )

    assert forgot_missing[1] == confirm_missing[1] == "NotAuthorizedException"
    assert "SECRET_HASH was not received" in forgot_missing[2] and "SECRET_HASH was not received" in confirm_missing[2]
    assert (
        forgot_wrong[1:]
        == confirm_wrong[1:]
        == (
            "NotAuthorizedException",
            f"Unable to verify secret hash for client {pool.client_id}",
        )
    )
    assert len(local_api.outbox()) == before + 1  # only the call with the right hash sent a code
    assert pool.sign_in(username, old) == "ok"


# --- the password policy ---

# Each breaks exactly one rule of Cognito's default policy (the seeded pool's): Cognito's message for it.
BROKEN = {
    "Sh0rt!": "Password not long enough",
    "NO-LOWER-CASE-1": "Password must have lowercase characters",
    "no-upper-case-1": "Password must have uppercase characters",
    "No-Numbers-Here": "Password must have numeric characters",
    "NoSymbolsHere123": "Password must have symbol characters",
    # Letters of other scripts are not the upper- and lower-case letters Cognito counts, nor other digits its numbers.
    "ÀÉÎÕÜ-lower-1": "Password must have uppercase characters",
    "Number-Ⅻ-٣-Only": "Password must have numeric characters",
    " Leading-space-1": "Password must satisfy regular expression pattern: ^\\S.*\\S$",
    "Trailing-tab-1\t": "Password must satisfy regular expression pattern: ^\\S.*\\S$",
    "": "Password not long enough",
}


@pytest.mark.parametrize("password", list(BROKEN), ids=list(BROKEN.values()))
def test_a_password_the_pools_policy_refuses_is_invalid_password_and_the_code_stays_good(
    local_api: LocalApi, pool: Pool, password: str
) -> None:
    username, old = pool.confirmed()
    pool.forgot(username)
    code = reset_code(local_api, username)

    refused = error_of(pool.confirm, username, code, password)

    assert refused == (400, "InvalidPasswordException", f"Password does not conform to policy: {BROKEN[password]}")
    assert pool.sign_in(username, old) == "ok"
    # The code was not spent: the user can try again with a password the policy takes (inner spaces allowed).
    good = "Inner space 1!"
    pool.confirm(username, code, good)
    assert pool.sign_in(username, good) == "ok"


def test_the_policy_enforced_is_the_pools_own(local_api: LocalApi) -> None:
    # Given a second pool whose policy differs from Cognito's default: 12 characters, no symbol needed
    admin = Pool(local_api.emulator_endpoint, "", "", "").cognito
    created = admin.create_user_pool(
        PoolName=f"policy-{uuid.uuid4().hex[:6]}",
        UsernameAttributes=["email"],
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
            }
        },
    )["UserPool"]
    client = admin.create_user_pool_client(UserPoolId=created["Id"], ClientName="c", GenerateSecret=True)
    other = Pool(
        local_api.emulator_endpoint,
        created["Id"],
        client["UserPoolClient"]["ClientId"],
        client["UserPoolClient"]["ClientSecret"],
    )
    username, _ = other.confirmed()
    other.forgot(username)
    code = reset_code(local_api, username)

    # Then 11 characters with every kind are too short, and 12 without a symbol are enough
    assert error_of(other.confirm, username, code, "Elevenchr1!")[2] == (
        "Password does not conform to policy: Password not long enough"
    )
    other.confirm(username, code, "Twelvechars1")
    assert other.sign_in(username, "Twelvechars1") == "ok"


# --- faults and malformed requests ---


@pytest.mark.parametrize(
    ("operation", "error_code"),
    [
        ("cognito-idp:ForgotPassword", "LimitExceededException"),
        ("cognito-idp:ForgotPassword", "CodeDeliveryFailureException"),
        ("cognito-idp:ConfirmForgotPassword", "TooManyFailedAttemptsException"),
        ("cognito-idp:ConfirmForgotPassword", "PasswordHistoryPolicyViolationException"),
    ],
)
def test_faults_can_be_armed_on_both_operations(
    local_api: LocalApi, pool: Pool, operation: str, error_code: str
) -> None:
    username, old = pool.confirmed()
    if operation.endswith("ConfirmForgotPassword"):
        pool.forgot(username)
    before = (len(local_api.outbox()), local_api.calls(operation))
    local_api.arm_fault(operation, error_code, message="Injected fault", times=1)
    try:
        call = (
            (lambda: pool.forgot(username))
            if operation.endswith(":ForgotPassword")
            else (lambda: pool.confirm(username, reset_code(local_api, username), throwaway_password()))
        )

        assert error_of(call) == (400, error_code, "Injected fault")
    finally:
        local_api.disarm_faults()

    # The fault stood in for the call: counted, nothing sent, the password unchanged; the next call is served.
    assert (len(local_api.outbox()), local_api.calls(operation)) == (before[0], before[1] + 1)
    assert pool.sign_in(username, old) == "ok"
    call()


def raw_call(local: LocalApi, action: str, body: object) -> requests.Response:
    """A Cognito call as any HTTP client could send it, past botocore's own parameter checks."""
    headers = {"X-Amz-Target": f"{TARGET}.{action}", "Content-Type": "application/x-amz-json-1.1"}
    return requests.post(local.emulator_endpoint, data=json.dumps(body), headers=headers, timeout=10)


SECRET_PASSWORD = "Never-Echoed-9!"
MALFORMED: dict[str, tuple[tuple[str, ...], Any, str]] = {
    # case: (operations, how the valid body is broken, the __type Cognito answers)
    "a number as the username": (("ForgotPassword", "ConfirmForgotPassword"), {"Username": 12345}, "Serialization"),
    "a list as the code": (("ConfirmForgotPassword",), {"ConfirmationCode": ["123456"]}, "Serialization"),
    "a number as the password": (("ConfirmForgotPassword",), {"Password": 12345678}, "Serialization"),
    "a string as the user context data": (
        ("ForgotPassword", "ConfirmForgotPassword"),
        {"UserContextData": "10.0.0.1"},
        "Serialization",
    ),
    "no username": (("ForgotPassword", "ConfirmForgotPassword"), {"Username": None}, "InvalidParameter"),
    "no code": (("ConfirmForgotPassword",), {"ConfirmationCode": None}, "InvalidParameter"),
    "no password": (("ConfirmForgotPassword",), {"Password": None}, "InvalidParameter"),
    "a password past 256 characters": (("ConfirmForgotPassword",), {"Password": "Aa1!" * 65}, "InvalidParameter"),
    "a code with a space": (("ConfirmForgotPassword",), {"ConfirmationCode": "123 456"}, "InvalidParameter"),
}
CASES = [(case, action) for case, (actions, _, _) in sorted(MALFORMED.items()) for action in actions]


@pytest.mark.parametrize(("case", "action"), CASES)
def test_a_malformed_request_is_the_4xx_cognito_gives_never_a_5xx(
    local_api: LocalApi, pool: Pool, case: str, action: str
) -> None:
    body: dict[str, Any] = {
        "ClientId": pool.client_id,
        "Username": CONFIRMED_USER,
        "SecretHash": pool.hash(CONFIRMED_USER),
    }
    if action == "ConfirmForgotPassword":
        body |= {"ConfirmationCode": "123456", "Password": SECRET_PASSWORD}
    body = {k: v for k, v in (body | MALFORMED[case][1]).items() if v is not None}
    before = len(local_api.outbox())

    response = raw_call(local_api, action, body)

    assert response.status_code == 400, (case, response.status_code, response.text[:300])
    assert response.json()["__type"] == MALFORMED[case][2] + "Exception"
    assert SECRET_PASSWORD not in response.text and "Aa1!" not in response.text  # never echoes a password
    assert len(local_api.outbox()) == before


# --- timing and concurrency ---


def test_a_reset_code_send_takes_the_emulated_send_delay(
    emulator: SeededEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The timing tests rely on every real send, reset codes included, costing EMULATOR_SEND_DELAY_MS, and on a
    # refusal not costing it.
    local = Pool(emulator.endpoint, emulator.user_pool_id, emulator.client_id, emulator.client_secret)
    username, _ = local.confirmed()
    monkeypatch.setattr(STATE, "send_delay_seconds", 0.4)

    def timed(name: str) -> float:
        started = time.perf_counter()
        with contextlib.suppress(ClientError):
            local.forgot(name)
        return time.perf_counter() - started

    sent, refused = timed(username), timed(f"nobody-{uuid.uuid4().hex[:8]}@example.com")

    assert sent >= 0.4 > refused


@pytest.fixture
def many_users(pool: Pool) -> Iterator[list[tuple[str, str]]]:
    yield [pool.confirmed("crowd") for _ in range(24)]


@pytest.mark.slow  # load: concurrent resets and sign-ups
def test_concurrent_resets_and_sign_ups_all_succeed(
    local_api: LocalApi, pool: Pool, many_users: list[tuple[str, str]]
) -> None:
    # Every Cognito call is served under one lock (moto's model is plain dictionaries): resets, their outbox reads
    # and writes, and sign-ups adding users, from many threads at once, never meet half-done.
    clients = [
        Pool(local_api.emulator_endpoint, pool.user_pool_id, pool.client_id, pool.client_secret) for _ in range(8)
    ]

    def reset(index: int) -> str:
        client = clients[index % len(clients)]
        try:
            client.unconfirmed("crowd-sign-up")
            username, _ = many_users[index]
            client.forgot(username)
            new = throwaway_password()
            client.confirm(username, reset_code(local_api, username), new)
            return client.sign_in(username, new)
        except ClientError as error:
            return f"{error.response['ResponseMetadata']['HTTPStatusCode']} {error.response['Error']['Code']}"

    with ThreadPoolExecutor(max_workers=len(clients)) as workers:
        outcomes = list(workers.map(reset, range(len(many_users))))

    assert outcomes == ["ok"] * len(many_users)


def test_both_operations_keep_the_callers_ip_and_fingerprint_for_the_tests_to_read(emulator: SeededEmulator) -> None:
    # What the function forwards as UserContextData reaches the emulator, as the outbox and STATE.confirmations show
    # it for the sign-up calls: the reset code's message, and every ConfirmForgotPassword whatever its answer.
    local = Pool(emulator.endpoint, emulator.user_pool_id, emulator.client_id, emulator.client_secret)
    username, _ = local.confirmed()
    context = {"IpAddress": "198.51.100.77", "EncodedData": "fp"}

    local.forgot(username, UserContextData=context)
    sent = next(m for m in STATE.outbox() if m["username"] == username and m["purpose"] == "ForgotPassword")
    with pytest.raises(ClientError):
        local.confirm(username, other_than(sent["code"]), throwaway_password(), UserContextData=context)

    assert (sent["ip_address"], sent["encoded_data"]) == ("198.51.100.77", "fp")
    assert STATE.confirmations("ForgotPassword")[0] == {
        "username": username,
        "ip_address": "198.51.100.77",
        "encoded_data": "fp",
    }
    assert all(entry["username"] != username for entry in STATE.confirmations())  # not a ConfirmSignUp
