"""The handler registers SnapStart's after-restore hook with the runtime's library (snapshot_restore_py, the real
one from PyPI), and running the registered hooks as Lambda's runtime does after a restore drops the cached secret.
"""

from __future__ import annotations

from collections.abc import Callable

import snapshot_restore_py

from code_screens import app_secrets as client_secrets
from code_screens import cognito, limiter
from code_screens.runtime import snapstart
from local.emulator import STATE
from local.seed import UNCONFIRMED_USER
from tests.conftest import SeededEmulator
from tests.invoke import Invoke

GET_SECRET = "secretsmanager:GetSecretValue"


def run_after_restore_hooks_as_lambda_runtime_does() -> None:
    """STAND-IN for Lambda's Python runtime, which calls each registered hook after restoring a snapshot."""
    for function, args, kwargs in snapshot_restore_py.get_after_restore():
        function(*args, **kwargs)


def secret_reads() -> int:
    return STATE.calls().get(GET_SECRET, 0)


def test_the_handler_registers_the_hook_with_both_of_its_clients(make_invoke: Callable[..., Invoke]) -> None:
    snapshot_restore_py.get_after_restore().clear()

    make_invoke()

    # The fixture imports the handler afresh, maybe twice; Lambda imports it once, and each import registers.
    registered = snapshot_restore_py.get_after_restore()
    assert registered and all(function is snapstart.after_restore for function, _, _ in registered)
    _, args, kwargs = registered[-1]
    (clients,) = args
    assert kwargs == {}
    assert {id(c) for c in clients} == {id(cognito.cognito_client(1.0, 3.0)), id(client_secrets.prepare())}


def test_after_a_restore_the_next_request_reads_the_secret_afresh(make_invoke: Callable[..., Invoke]) -> None:
    snapshot_restore_py.get_after_restore().clear()
    invoke = make_invoke()
    assert invoke({"username": UNCONFIRMED_USER}).status == 200
    cached = secret_reads()
    assert invoke({"username": UNCONFIRMED_USER}).status == 200
    assert secret_reads() == cached  # served from the cache

    run_after_restore_hooks_as_lambda_runtime_does()
    response = invoke({"username": UNCONFIRMED_USER})

    assert response.status == 200
    # Both cached secrets are read again: the app client's and the pseudonym key.
    assert secret_reads() == cached + 2


def test_the_limiters_client_is_registered_too_when_the_limit_is_on(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator
) -> None:
    snapshot_restore_py.get_after_restore().clear()

    make_invoke(LIMITER_TABLE_NAME=emulator.limiter_table_name)

    _, (clients,), _ = snapshot_restore_py.get_after_restore()[-1]
    assert id(limiter._client()) in {id(c) for c in clients}
