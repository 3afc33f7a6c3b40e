"""`python -m local` (what `make run` runs): the emulator, seeded, and the endpoint in front of it.

PORT (default 3000) and EMULATOR_PORT (default 5000) choose the ports; 0 picks a free one. Both bind to
127.0.0.1 only and answer only loopback Host names. A port that is taken ends the program at once with a message
naming it and its variable. EMULATOR_SEND_DELAY_MS (default 0) makes each real send take that long in the
emulator, as the trigger and SES/SNS hand-off do in AWS (unknown and confirmed users answer at once), for timing
tests. Ctrl-C (or SIGTERM) stops both.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
from types import FrameType

# Each of the function's modules takes its Powertools service (and with it its logger) from the environment when
# it is imported; Lambda sets the environment first, and so does this, before importing any of them.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "resend-confirmation-code")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "ResendConfirmationCode")

from code_screens.routes import CONFIRM_SIGN_UP, RESEND_CONFIRMATION_CODE
from code_screens.settings import DEFAULT_RESPONSE_TIME_FLOOR_MS
from local.emulator import Emulator, aws_environment
from local.loopback import PortInUseError
from local.rotation import install as install_rotation
from local.seed import CONFIRMED_USER, PASSWORD_POLICY, UNCONFIRMED_USER, seed
from local.server import LocalApiServer

HOST = "127.0.0.1"
REGION = "us-east-1"
# The function's settings of the pool's PasswordPolicy fields.
PASSWORD_POLICY_SETTINGS = {
    "PASSWORD_MINIMUM_LENGTH": "MinimumLength",
    "PASSWORD_REQUIRE_UPPERCASE": "RequireUppercase",
    "PASSWORD_REQUIRE_LOWERCASE": "RequireLowercase",
    "PASSWORD_REQUIRE_NUMBERS": "RequireNumbers",
    "PASSWORD_REQUIRE_SYMBOLS": "RequireSymbols",
}


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _port(variable: str, default: int) -> int:
    raw = os.environ.get(variable, str(default))
    # ASCII digits only: str.isdigit() also takes "²", which int() then refuses with a traceback.
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 65535:
        raise SystemExit(f"{variable}={raw!r} is not a port number (0-65535; 0 picks a free port)")
    return int(raw)


def main() -> None:
    """Start the emulator, seed it, configure the function as the stack would, and serve until stopped.

    Exits with status 1 and a message naming the port and its variable when PORT or EMULATOR_PORT is taken.
    """
    try:
        # Both ports are bound before anything else starts, so a busy one fails in well under a second.
        server = LocalApiServer((HOST, _port("PORT", 3000)), port_variable="PORT")
        emulator = Emulator(
            HOST,
            _port("EMULATOR_PORT", 5000),
            port_variable="EMULATOR_PORT",
            send_delay_seconds=float(os.environ.get("EMULATOR_SEND_DELAY_MS", "0")) / 1000,
        )
        endpoint = emulator.start()
    except PortInUseError as error:
        raise SystemExit(f"make run: {error.strerror}") from None

    # Every boto3 client in this process talks to the emulator and nothing else, with throwaway credentials.
    os.environ.update(aws_environment(endpoint, REGION))
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    pool = seed(endpoint, REGION)

    url = server.url
    os.environ.setdefault("APP_CLIENTS", json.dumps({pool.client_id: pool.secret_arn}))
    # As the stack sets them: the limiter's table, the pseudonym key and the response-time floor.
    os.environ.setdefault("LIMITER_TABLE_NAME", pool.limiter_table_name)
    os.environ.setdefault("PSEUDONYM_KEY_SECRET_ID", pool.pseudonym_key_arn)
    os.environ.setdefault("RESPONSE_TIME_FLOOR_MS", str(DEFAULT_RESPONSE_TIME_FLOOR_MS))
    os.environ.setdefault("ALLOWED_ORIGINS", f"{url},http://localhost:{server.server_address[1]}")
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    # The pool's password policy, as the stack hands it to the function (it checks a new password before Cognito).
    for setting, field in PASSWORD_POLICY_SETTINGS.items():
        os.environ.setdefault(setting, str(PASSWORD_POLICY[field]).lower())
    server.lambda_handler = importlib.import_module("handler").lambda_handler
    # The rotation function, attached to the seeded secret as the stack attaches it: rotate-secret runs it here.
    install_rotation(
        endpoint, REGION, user_pool_id=pool.user_pool_id, client_id=pool.client_id, secret_arn=pool.secret_arn
    )

    print(
        f"Emulator (moto): {endpoint}  region {REGION}, any credentials\n"
        f"  user pool {pool.user_pool_id}, app client {pool.client_id} (with a secret)\n"
        f"  users: {UNCONFIRMED_USER} (UNCONFIRMED), {CONFIRMED_USER} (CONFIRMED, e-mail verified: can reset "
        "its password)\n"
        f"Local API: {url}\n"
        f"  curl -s -X POST {url}{RESEND_CONFIRMATION_CODE.path} -H 'Content-Type: application/json' "
        f'-d \'{{"username": "{UNCONFIRMED_USER}"}}\'\n'
        f"  curl -s -X POST {url}{CONFIRM_SIGN_UP.path} -H 'Content-Type: application/json' "
        f'-d \'{{"username": "{UNCONFIRMED_USER}", "confirmationCode": "<the newest code>"}}\'\n'
        f"  codes sent: {url}/_local/outbox\n"
        f"  rotate the client secret: aws --endpoint-url {endpoint} secretsmanager rotate-secret "
        f"--secret-id {pool.secret_arn}\n"
        f"  the confirmation screen: {url}/\n"
        "Ctrl-C stops.",
        flush=True,
    )
    signal.signal(signal.SIGTERM, _stop)
    # Ctrl-C stops, whoever started us: a shell's background job (`make run &`, nohup) inherits SIGINT ignored, and
    # Python then installs no KeyboardInterrupt handler of its own.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        emulator.stop()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    main()
