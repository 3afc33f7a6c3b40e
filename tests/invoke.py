"""The handler in this process, fed real API Gateway REST proxy events, talking to the emulator over HTTP.

tests/conftest.py turns function_environment and invokers into the `function_env` and `make_invoke` fixtures."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from code_screens import app_secrets as client_secrets
from code_screens import cognito as cognito_call
from code_screens import limiter
from code_screens.routes import RESEND_CONFIRMATION_CODE
from local.api_gateway_event import LocalLambdaContext, ProxyResponse, build_event, read_proxy_response
from local.server import resource_for
from tests.conftest import SeededEmulator
from tests.leak_scan import WATCH

Invoke = Callable[..., ProxyResponse]


def load_handler(monkeypatch: pytest.MonkeyPatch, env: dict[str, str | None]) -> ModuleType:
    """Import handler.py afresh under `env` (settings are read once per execution environment, at import)."""
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    client_secrets.clear_cache()
    cognito_call.cognito_client.cache_clear()
    # A DynamoDB client cached by an earlier session would still point at that session's emulator (mutmut runs
    # several sessions in one process).
    limiter._client.cache_clear()
    limiter.configure(None)
    import handler

    return importlib.reload(handler)


def function_environment(emulator: SeededEmulator) -> dict[str, str | None]:
    """The environment the stack gives the function, pointed at the emulator's seeded client."""
    return {
        "APP_CLIENTS": json.dumps({emulator.client_id: emulator.secret_arn}),
        "PSEUDONYM_KEY_SECRET_ID": emulator.pseudonym_key_arn,
        # Off here, so tests may repeat a username; tests of the limit turn it on with their own usernames.
        "LIMITER_TABLE_NAME": None,
        "RESPONSE_TIME_FLOOR_MS": None,
        "ALLOWED_CLIENT_METADATA_KEYS": None,
        "DEFAULT_CLIENT_ID": None,
        "ALLOWED_ORIGINS": "https://app.example.com",
        "REVEAL_DELIVERY_DETAILS": None,
        "POWERTOOLS_SERVICE_NAME": "resend-confirmation-code",
        "POWERTOOLS_METRICS_NAMESPACE": "ResendConfirmationCode",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }


def invokers(monkeypatch: pytest.MonkeyPatch, function_env: dict[str, str | None]) -> Iterator[Callable[..., Invoke]]:
    """make_invoke(**env overrides) loads the handler and returns invoke(body, method=, path=, headers=)."""

    def make(**overrides: str | None) -> Invoke:
        module = load_handler(monkeypatch, {**function_env, **overrides})

        def invoke(
            body: Any = None,
            *,
            method: str = "POST",
            path: str = RESEND_CONFIRMATION_CODE.path,
            headers: dict[str, str] | None = None,
            source_ip: str = "203.0.113.7",
        ) -> ProxyResponse:
            raw = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else b"")
            sent_headers = {"Content-Type": "application/json", **(headers or {})}
            event = build_event(
                method, path, sent_headers.items(), raw, source_ip=source_ip, resource=resource_for(path)
            )
            response = read_proxy_response(module.lambda_handler(event, LocalLambdaContext()))
            WATCH.record_response(f"{method} {path} {response.status} {response.headers!r} {response.body!r}")
            return response

        return invoke

    yield make
    client_secrets.clear_cache()


def problem_of(response: ProxyResponse) -> dict[str, Any]:
    """The problem document of an error response, after checking it is one."""
    assert dict(response.headers)["Content-Type"] == "application/problem+json"
    document: dict[str, Any] = json.loads(response.body)
    assert document["status"] == response.status
    return document
