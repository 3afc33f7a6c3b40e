"""`python -m local` (what `make run` runs) as a real process, spoken to over HTTP."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import requests

from code_screens.secret_hash import compute_secret_hash
from local.seed import PSEUDONYM_KEY_SECRET_NAME, SECRET_NAME, confirmed_user, sign_up
from tests.conftest import ARTIFACTS, REGION, ROOT
from tests.leak_scan import WATCH

# Settings the local runner fills in itself; inherited values would change what is under test.
FUNCTION_SETTINGS = (
    "APP_CLIENTS",
    "DEFAULT_CLIENT_ID",
    "ALLOWED_ORIGINS",
    "REVEAL_DELIVERY_DETAILS",
    "FORWARD_CALLER_IP",
    "LIMITER_TABLE_NAME",
    "PSEUDONYM_KEY_SECRET_ID",
    "RESEND_COOLDOWN_SECONDS",
    "RESEND_MAX_PER_WINDOW",
    "RESEND_WINDOW_SECONDS",
    "CONFIRM_MAX_PER_WINDOW",
    "CONFIRM_WINDOW_SECONDS",
    "FORGOT_PASSWORD_COOLDOWN_SECONDS",
    "FORGOT_PASSWORD_MAX_PER_WINDOW",
    "FORGOT_PASSWORD_WINDOW_SECONDS",
    "FORGOT_PASSWORD_MAX_PER_USERNAME",
    "CONFIRM_FORGOT_PASSWORD_MAX_PER_WINDOW",
    "CONFIRM_FORGOT_PASSWORD_WINDOW_SECONDS",
    "CONFIRM_FORGOT_PASSWORD_MAX_PER_USERNAME",
    "PASSWORD_MINIMUM_LENGTH",
    "PASSWORD_REQUIRE_UPPERCASE",
    "PASSWORD_REQUIRE_LOWERCASE",
    "PASSWORD_REQUIRE_NUMBERS",
    "PASSWORD_REQUIRE_SYMBOLS",
    "RESPONSE_TIME_FLOOR_MS",
    "ALLOWED_CLIENT_METADATA_KEYS",
)

# Test stacks keep the limiter on (every request goes through DynamoDB) but loose, and the response-time floor
# off, so the many tests that resend to the seeded user neither wait nor trip the limit; the limit and the floor
# are proven with make run's own defaults on stacks of their own (test_limits.py), started with
# make_run_defaults=True.
LOOSE_LIMITS = {
    "RESEND_COOLDOWN_SECONDS": "0",
    "RESEND_MAX_PER_WINDOW": "1000",
    # A one-second window keeps the seeded user's item small however many requests a test sends.
    "RESEND_WINDOW_SECONDS": "1",
    "CONFIRM_MAX_PER_WINDOW": "100",
    # The same for a forgotten password: the page and the Kotlin client ask for many reset codes from one network.
    "FORGOT_PASSWORD_COOLDOWN_SECONDS": "0",
    "FORGOT_PASSWORD_MAX_PER_WINDOW": "1000",
    "FORGOT_PASSWORD_WINDOW_SECONDS": "1",
    "CONFIRM_FORGOT_PASSWORD_MAX_PER_WINDOW": "100",
    "RESPONSE_TIME_FLOOR_MS": "0",
}


@dataclass
class LocalApi:
    """A running local stack: its URLs, its log file, and the secret it must never leak."""

    url: str
    emulator_endpoint: str
    log_path: Path
    process: subprocess.Popen[bytes]
    user_pool_id: str
    client_id: str
    client_secret: str = ""

    def aws(self, service: str):  # type: ignore[no-untyped-def]
        """A boto3 client for this stack's emulator."""
        return boto3.client(
            service,
            endpoint_url=self.emulator_endpoint,
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def secret_arn(self) -> str:
        """The Secrets Manager secret holding the app client's credentials (not the pseudonym key)."""
        arn: str = self.aws("secretsmanager").describe_secret(SecretId=SECRET_NAME)["ARN"]
        return arn

    def calls(self, operation: str) -> int:
        counts: dict[str, int] = requests.get(f"{self.url}/_local/calls", timeout=5).json()
        return counts.get(operation, 0)

    def outbox(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = requests.get(f"{self.url}/_local/outbox", timeout=5).json()
        return messages

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def arm_fault(self, operation: str, error_code: str | None, **fault: Any) -> None:
        """Make the emulator answer the next call(s) of `operation` with an AWS error."""
        body = {"operation": operation, "errorCode": error_code, **fault}
        requests.post(f"{self.url}/_local/faults", json=body, timeout=5).raise_for_status()

    def disarm_faults(self) -> None:
        requests.delete(f"{self.url}/_local/faults", timeout=5).raise_for_status()

    def age_codes(self, seconds: float, username: str) -> None:
        """Make the codes sent to `username` `seconds` older (the emulator's clock knob for code expiry)."""
        body = {"seconds": seconds, "username": username}
        requests.post(f"{self.url}/_local/outbox/age", json=body, timeout=5).raise_for_status()

    def sign_up(self, prefix: str = "new") -> str:
        """Sign up a fresh UNCONFIRMED user (the emulator 'sends' its first code) and return its username."""
        username = f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"
        sign_up(self.aws("cognito-idp"), self.client_id, self.client_secret, username)
        return username

    def newest_code(self, username: str) -> str:
        code: str = next(m["code"] for m in self.outbox() if m["username"] == username)
        return code

    def confirmed_user(self, prefix: str = "confirmed", password: str | None = None) -> str:
        """A fresh CONFIRMED user with a verified e-mail address (one a reset code goes to), with `password` or a
        throwaway one; its username."""
        username = f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"
        cognito = self.aws("cognito-idp")
        confirmed_user(cognito, self.user_pool_id, self.client_id, self.client_secret, username, password)
        return username

    def newest_reset_code(self, username: str) -> str:
        """The newest password-reset code the emulator sent to `username` (not a sign-up confirmation code)."""
        code: str = next(
            m["code"] for m in self.outbox() if m["username"] == username and m.get("purpose") == "ForgotPassword"
        )
        return code

    def signs_in(self, username: str, password: str) -> bool:
        """Whether the emulator's AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH) accepts `password` for `username`."""
        cognito = self.aws("cognito-idp")
        try:
            cognito.admin_initiate_auth(
                UserPoolId=self.user_pool_id,
                ClientId=self.client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={
                    "USERNAME": username,
                    "PASSWORD": password,
                    "SECRET_HASH": compute_secret_hash(username, self.client_id, self.client_secret),
                },
            )
        except cognito.exceptions.NotAuthorizedException:
            return False
        return True

    def user_status(self, username: str) -> tuple[str, dict[str, str]]:
        """AdminGetUser's UserStatus and attributes."""
        user = self.aws("cognito-idp").admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        return user["UserStatus"], {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def new_password(label: str) -> str:
    """A new password that meets Cognito's default policy, made for one test and watched by the leak scan: it must
    never appear in a response or a log line."""
    password = f"Nw{secrets.token_urlsafe(12)}7!"
    WATCH.add_secret_value(f"new password ({label})", password)
    return password


def start_local_api(
    name: str,
    extra_env: dict[str, str] | None = None,
    *,
    make_run_defaults: bool = False,
    sigint_ignored: bool = False,
) -> LocalApi:
    """Start `python -m local` on free ports, wait until it serves, and read its banner.

    Limits are loose and the floor off (LOOSE_LIMITS) unless make_run_defaults is set; extra_env wins over both.
    sigint_ignored starts it as a shell starts a background job: with SIGINT ignored.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"{name}.log"
    # As a shell would start it: none of the function's settings, AWS's or Powertools' (the test process names the
    # service for itself, tests/conftest.py; `python -m local` must name it on its own).
    env = {
        k: v for k, v in os.environ.items() if k not in FUNCTION_SETTINGS and not k.startswith(("AWS_", "POWERTOOLS_"))
    }
    env.update({"PORT": "0", "EMULATOR_PORT": "0", "PYTHONUNBUFFERED": "1"})
    if not make_run_defaults:
        env.update(LOOSE_LIMITS)
    env.update(extra_env or {})
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None,
        )
    deadline = time.monotonic() + 60
    text = ""
    while time.monotonic() < deadline:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        api, emulator, pool = (
            re.search(r"Local API: (\S+)", text),
            re.search(r"Emulator \(moto\): (\S+)", text),
            re.search(r"user pool (\S+), app client (\S+)", text),
        )
        if api and emulator and pool:
            local = LocalApi(api.group(1), emulator.group(1), log_path, process, pool.group(1), pool.group(2))
            client = local.aws("cognito-idp").describe_user_pool_client(
                UserPoolId=local.user_pool_id, ClientId=local.client_id
            )
            local.client_secret = client["UserPoolClient"]["ClientSecret"]
            WATCH.add_client(local.client_id, local.client_secret)
            key = local.aws("secretsmanager").get_secret_value(SecretId=PSEUDONYM_KEY_SECRET_NAME)["SecretString"]
            WATCH.add_secret_value(f"pseudonym key of {name}", key)
            WATCH.add_log(log_path)
            return local
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the local API did not start:\n{text}")


def stop_local_api(local: LocalApi) -> int:
    """Ctrl-C, as a developer would; returns the exit code."""
    local.process.send_signal(signal.SIGINT)
    try:
        return local.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        local.process.kill()
        raise
