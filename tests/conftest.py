"""Fixtures shared by every test folder, and only here: the embedded emulator, seeded like `make run` seeds it; the
handler fed API Gateway events (tests/invoke.py); the stack synthesized in each pool mode (tests/synth.py); `python -m
local` as a process (tests/local_stack.py). Their helpers are imported when a fixture is first used, so a run that
needs none of them loads neither the CDK nor the function."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest
import requests

from local.emulator import STATE, Emulator, aws_environment
from local.seed import seed
from tests.leak_scan import WATCH

if TYPE_CHECKING:
    from tests.invoke import Invoke
    from tests.local_stack import LocalApi
    from tests.synth import Synthesized

ROOT = Path(__file__).resolve().parent.parent
# Lambda sets the function's environment before it imports the code, and each module's Logger() takes its service
# (and with it the logging.Logger, formatter and appended keys it shares with the handler's) from it then. Test
# modules import code_screens at collection, before any fixture runs: name the service here, as the stack does, so
# the order test files happen to import modules in cannot give two modules two different loggers.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "resend-confirmation-code")
ARTIFACTS = ROOT / "artifacts"
REGION = "us-east-1"


@dataclass(frozen=True)
class SeededEmulator:
    """A running emulator and what was seeded in it, including the client secret tests must never see leak."""

    endpoint: str
    user_pool_id: str
    client_id: str
    client_secret: str
    secret_arn: str
    pseudonym_key_arn: str
    limiter_table_name: str

    def secretsmanager(self):  # type: ignore[no-untyped-def]
        return boto3.client("secretsmanager", endpoint_url=self.endpoint, region_name=REGION)

    def cognito(self):  # type: ignore[no-untyped-def]
        return boto3.client("cognito-idp", endpoint_url=self.endpoint, region_name=REGION)

    def dynamodb(self):  # type: ignore[no-untyped-def]
        return boto3.client("dynamodb", endpoint_url=self.endpoint, region_name=REGION)


@pytest.fixture(scope="session")
def emulator() -> Iterator[SeededEmulator]:
    """moto in server mode on a free loopback port, in this process, with every boto3 client pointed at it."""
    server = Emulator("127.0.0.1", 0)
    endpoint = server.start()
    # moto keeps its backends in this process's memory, and a process can run more than one session (mutmut runs
    # pytest once per mutant in forks of one process): start every session from an empty emulator.
    requests.post(f"{endpoint}/moto-api/reset", timeout=10).raise_for_status()
    STATE.disarm()
    forget_cached_clients()
    saved = dict(os.environ)
    os.environ.update(aws_environment(endpoint, REGION))
    pool = seed(endpoint, REGION)
    client = boto3.client("cognito-idp", endpoint_url=endpoint, region_name=REGION).describe_user_pool_client(
        UserPoolId=pool.user_pool_id, ClientId=pool.client_id
    )["UserPoolClient"]
    WATCH.add_client(pool.client_id, client["ClientSecret"])
    watch_pseudonym_key(endpoint, pool.pseudonym_key_arn)
    yield SeededEmulator(
        endpoint,
        pool.user_pool_id,
        pool.client_id,
        client["ClientSecret"],
        pool.secret_arn,
        pool.pseudonym_key_arn,
        pool.limiter_table_name,
    )
    server.stop()
    os.environ.clear()
    os.environ.update(saved)


def forget_cached_clients() -> None:
    """Drop the AWS clients the function and the rotation function cache for their execution environment: one an
    earlier session of this process made (mutmut's runs) points at that session's emulator, which is gone."""
    for module_name, cached in (("code_screens.cognito", "cognito_client"), ("rotation_handler", "_clients")):
        module = sys.modules.get(module_name)
        if module is not None:
            getattr(module, cached).cache_clear()


def watch_pseudonym_key(endpoint: str, arn: str) -> None:
    """The pseudonym key must never leak either: with it, anyone could test guesses of a user_ref or limiter key."""
    key = boto3.client("secretsmanager", endpoint_url=endpoint, region_name=REGION).get_secret_value(SecretId=arn)
    WATCH.add_secret_value("pseudonym key", key["SecretString"])


@pytest.fixture
def disarm_faults() -> Iterator[None]:
    """Disarm faults after a test that armed some."""
    yield
    STATE.disarm()


# --- the handler in this process (tests/invoke.py) ---


@pytest.fixture
def function_env(emulator: SeededEmulator) -> dict[str, str | None]:
    """The environment the stack gives the function, pointed at the emulator's seeded client."""
    from tests.invoke import function_environment

    return function_environment(emulator)


@pytest.fixture
def make_invoke(
    monkeypatch: pytest.MonkeyPatch, function_env: dict[str, str | None]
) -> Iterator[Callable[..., Invoke]]:
    """make_invoke(**env overrides) loads the handler and returns invoke(body, method=, path=, headers=)."""
    from tests.invoke import invokers

    yield from invokers(monkeypatch, function_env)


# --- the stack, synthesized once per pool mode and session (tests/synth.py) ---
# Synthesis takes seconds: every test that asks for one of these is marked slow (SYNTHESIZED, below).


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    from tests.synth import synthesize

    return synthesize({}, tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def existing(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    from tests.synth import EXISTING_CONTEXT, synthesize

    return synthesize(EXISTING_CONTEXT, tmp_path_factory.mktemp("existing"))


@pytest.fixture(scope="session")
def agnostic_copy(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """A second copy of the existing-pool stack, under another name, with no Region known at synth."""
    from tests.synth import EXISTING_CONTEXT, synthesize

    return synthesize(EXISTING_CONTEXT, tmp_path_factory.mktemp("agnostic"), stack_name="ResendCopy", region=None)


@pytest.fixture(params=["demo", "existing"])
def each_mode(request: pytest.FixtureRequest) -> Synthesized:
    synthesized: Synthesized = request.getfixturevalue(request.param)
    return synthesized


SYNTHESIZED = frozenset({"demo", "existing", "agnostic_copy", "each_mode"})


# --- `python -m local` as a process (tests/local_stack.py) ---


@pytest.fixture(scope="session")
def local_api() -> Iterator[LocalApi]:
    from tests.local_stack import start_local_api, stop_local_api

    local = start_local_api("local-api")
    yield local
    stop_local_api(local)


@pytest.fixture(scope="session")
def make_run_api() -> Iterator[LocalApi]:
    """A second local stack with exactly make run's settings: the per-username limit at its defaults."""
    from tests.local_stack import start_local_api, stop_local_api

    local = start_local_api("local-api-make-run", make_run_defaults=True)
    yield local
    stop_local_api(local)


@pytest.fixture(scope="session")
def fresh_make_run() -> Iterator[LocalApi]:
    """`make run` exactly as a developer starts it, for the "done when" tests: each touches only its own seeded user
    (UNCONFIRMED_USER to confirm, CONFIRMED_USER to reset), which no other test uses on this stack."""
    from tests.local_stack import start_local_api, stop_local_api

    local = start_local_api("local-api-fresh-make-run", make_run_defaults=True)
    yield local
    stop_local_api(local)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that synthesizes the stack through a fixture is slow (`make check` leaves it to `make test`)."""
    for item in items:
        if SYNTHESIZED.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def secret_document(client_id: str, client_secret: str) -> str:
    """The Secrets Manager document the function expects."""
    return json.dumps({"clientId": client_id, "clientSecret": client_secret})


# --- the leak watch over the whole run (tests/leak_scan.py) ---

_original_send = requests.Session.send


def _recording_send(self: requests.Session, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
    response = _original_send(self, request, **kwargs)  # type: ignore[arg-type]
    url = request.url or ""
    if url.startswith("http://127.0.0.1") and "/_local/" not in url:
        WATCH.record_response(
            f"{request.method} {url} {response.status_code} {dict(response.headers)!r} {response.text}"
        )
    return response


def pytest_configure(config: pytest.Config) -> None:
    requests.Session.send = _recording_send  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    findings = WATCH.findings()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and WATCH.canaries:
        reporter.write_sep("-", "leak scan")
        reporter.write_line(WATCH.summary() + (": clean" if not findings else ": LEAKS FOUND"))
        for finding in findings:
            reporter.write_line(f"  leak: {finding}", red=True)
    if findings:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
