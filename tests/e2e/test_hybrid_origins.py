"""Hybrid apps over HTTP: web views send origins such as capacitor://localhost, and a bad origin setting must not
take down the callers that send no Origin at all (native HTTP clients)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from code_screens.routes import RESEND_CONFIRMATION_CODE
from local.seed import UNCONFIRMED_USER
from tests.local_stack import LocalApi, start_local_api, stop_local_api

pytestmark = pytest.mark.slow  # server processes of its own, one per origin setting

# As an operator would type them: mixed case, a default port, a trailing slash.
HYBRID_ORIGINS = "capacitor://localhost, ionic://localhost, http://localhost, HTTPS://App.Example.com:443/"


def resend(local: LocalApi, origin: str | None = None) -> requests.Response:
    headers = {"Origin": origin} if origin else {}
    return requests.post(
        f"{local.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": UNCONFIRMED_USER}, headers=headers, timeout=10
    )


@pytest.fixture(scope="module")
def hybrid_api() -> Iterator[LocalApi]:
    local = start_local_api("local-api-hybrid-origins", {"ALLOWED_ORIGINS": HYBRID_ORIGINS})
    yield local
    stop_local_api(local)


@pytest.mark.parametrize(
    "origin", ["capacitor://localhost", "ionic://localhost", "http://localhost", "https://app.example.com"]
)
def test_web_view_origins_are_served_with_cors(hybrid_api: LocalApi, origin: str) -> None:
    preflight = requests.options(
        f"{hybrid_api.url}{RESEND_CONFIRMATION_CODE.path}",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )
    posted = resend(hybrid_api, origin)

    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == origin
    assert posted.status_code == 200
    assert posted.headers["Access-Control-Allow-Origin"] == origin


@pytest.mark.parametrize("origin", ["capacitor://evil", "https://evil.example", "null", "http://localhost:8100"])
def test_other_origins_are_still_refused(hybrid_api: LocalApi, origin: str) -> None:
    response = resend(hybrid_api, origin)

    assert (response.status_code, response.json()["code"]) == (403, "origin_not_allowed")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_native_client_without_origin_is_served(hybrid_api: LocalApi) -> None:
    assert resend(hybrid_api).status_code == 200


@pytest.mark.parametrize("origins", ["*", "null"])
def test_a_refused_origin_setting_spares_requests_without_origin(origins: str) -> None:
    local = start_local_api(f"local-api-origins-{'star' if origins == '*' else origins}", {"ALLOWED_ORIGINS": origins})
    try:
        native = resend(local)
        from_a_page = resend(local, "https://app.example.com")
        log = local.log()
    finally:
        stop_local_api(local)

    assert native.status_code == 200
    assert (from_a_page.status_code, from_a_page.json()["code"]) == (500, "internal_error")
    assert "ALLOWED_ORIGINS" not in from_a_page.text
    assert '"configuration_error":"ALLOWED_ORIGINS: ' in log
