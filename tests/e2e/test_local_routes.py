"""What the local server serves itself: the page, the OpenAPI document, and the developer routes."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import requests

from code_screens.routes import RESEND_CONFIRMATION_CODE
from local.openapi import render
from tests.local_stack import LocalApi

DOCS_OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_openapi_document_is_current() -> None:
    # When this fails: `make openapi` and commit docs/openapi.json.
    assert DOCS_OPENAPI.read_text(encoding="utf-8") == render()


def test_serves_the_openapi_document(local_api: LocalApi) -> None:
    response = requests.get(f"{local_api.url}/openapi.json", timeout=5)

    assert response.status_code == 200
    assert response.json() == json.loads(DOCS_OPENAPI.read_text(encoding="utf-8"))


def test_serves_the_reference_page_and_its_scripts(local_api: LocalApi) -> None:
    page = requests.get(f"{local_api.url}/", timeout=5)
    script = requests.get(f"{local_api.url}/web/code-screens.js", timeout=5)

    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert '<script type="module" src="/web/page.js">' in page.text
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert RESEND_CONFIRMATION_CODE.path in script.text


def test_static_files_cannot_escape_the_web_folder(local_api: LocalApi) -> None:
    for path in ("/web/../README.md", "/web/%2e%2e/README.md", "/web/nothing.js", "/web/"):
        response = requests.get(f"{local_api.url}{path}", timeout=5)
        assert response.status_code == 404, path


def test_fault_injection_is_validated_and_disarmable(local_api: LocalApi) -> None:
    bad = requests.post(f"{local_api.url}/_local/faults", json={"errorCode": "X"}, timeout=5)
    local_api.arm_fault("cognito-idp:ResendConfirmationCode", "InternalErrorException", times=3)
    local_api.disarm_faults()

    after = requests.post(
        f"{local_api.url}{RESEND_CONFIRMATION_CODE.path}", json={"username": "unconfirmed@example.com"}, timeout=5
    )

    assert bad.status_code == 400
    assert after.status_code == 200


def test_every_answer_the_server_gives_itself_forbids_sniffing_and_says_how_to_cache(local_api: LocalApi) -> None:
    answers = {
        "page": requests.get(f"{local_api.url}/", timeout=5),
        "script": requests.get(f"{local_api.url}/web/code-screens.js", timeout=5),
        "openapi": requests.get(f"{local_api.url}/openapi.json", timeout=5),
        "outbox": requests.get(f"{local_api.url}/_local/outbox", timeout=5),
        "calls": requests.get(f"{local_api.url}/_local/calls", timeout=5),
        "bad fault": requests.post(f"{local_api.url}/_local/faults", json={}, timeout=5),
    }

    for name, response in answers.items():
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert response.headers.get("Cache-Control") in ("no-store", "no-cache"), name
    assert answers["outbox"].headers["Cache-Control"] == "no-store"  # it holds codes


def test_the_too_large_answer_forbids_sniffing_and_caching(local_api: LocalApi) -> None:
    # API Gateway's own 10 MB limit, answered before the body is read: announce a bigger body and send none.
    host, port = local_api.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(
            f"POST {RESEND_CONFIRMATION_CODE.path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {11 * 1024 * 1024}\r\n\r\n".encode()
        )
        head = connection.recv(65536).decode("latin-1").split("\r\n\r\n")[0].lower()

    assert head.startswith("http/1.1 413")
    assert "x-content-type-options: nosniff" in head
    assert "cache-control: no-store" in head
