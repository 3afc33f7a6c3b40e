"""The local HTTP server: API Gateway's part, on loopback.

The server answers a few routes itself, never through the Lambda: the reference page (`/`, `/web/...`), the
OpenAPI document (`/openapi.json`), and developer routes under `/_local/` (the outbox of codes the emulator
sent, the AWS calls it served, fault injection and code ageing for tests). Everything else becomes an API Gateway
REST proxy event for the very same lambda_handler that runs in AWS, its `resource` taken from the route table.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from local.api_gateway_event import LocalLambdaContext, ProxyResponse, build_event, read_proxy_response
from local.emulator import STATE, Fault
from local.openapi import render as render_openapi
from resend_code.routes import route_for

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css"}

# API Gateway's own payload limit for REST APIs; the handler enforces the endpoint's much smaller one.
API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]

# Every answer the server gives itself names its type and forbids sniffing another, as the function's answers do.
NOSNIFF = ("X-Content-Type-Options", "nosniff")


def _json(status: int, document: Any) -> ProxyResponse:
    body = json.dumps(document, indent=2).encode("utf-8")
    return ProxyResponse(status, [("Content-Type", "application/json"), ("Cache-Control", "no-store"), NOSNIFF], body)


def _static(name: str) -> ProxyResponse | None:
    path = (WEB_DIR / name).resolve()
    if path.parent != WEB_DIR or path.suffix not in STATIC_TYPES or not path.is_file():
        return None
    headers = [("Content-Type", STATIC_TYPES[path.suffix]), ("Cache-Control", "no-cache"), NOSNIFF]
    return ProxyResponse(200, headers, path.read_bytes())


def _arm_fault(body: bytes) -> ProxyResponse:
    try:
        request = json.loads(body)
        fault = Fault(
            error_code=None if request["errorCode"] is None else str(request["errorCode"]),
            message=str(request.get("message", "Injected fault")),
            status=int(request.get("status", 400)),
            delay_seconds=float(request.get("delaySeconds", 0)),
            times=int(request.get("times", 1)),
        )
        STATE.arm(str(request["operation"]), fault)
    except (ValueError, KeyError, TypeError) as error:
        return _json(
            400, {"message": f"expected {{operation, errorCode, message?, status?, delaySeconds?, times?}}: {error}"}
        )
    return _json(200, {"armed": request["operation"]})


def _age_codes(body: bytes) -> ProxyResponse:
    try:
        request = json.loads(body)
        seconds = float(request["seconds"])
        username = request.get("username")
    except (ValueError, KeyError, TypeError) as error:
        return _json(400, {"message": f"expected {{seconds, username?}}: {error}"})
    return _json(200, {"aged": STATE.age_codes(seconds, None if username is None else str(username))})


def resource_for(path: str) -> str:
    """The API Gateway `resource` of a request: its route's path, or the catch-all for any other path."""
    route = route_for(path)
    return route.path if route else "/{proxy+}"


def local_route(method: str, path: str, body: bytes) -> ProxyResponse | None:
    """Answer the routes the local server serves itself; None for everything that belongs to the Lambda."""
    if method in ("GET", "HEAD"):
        if path == "/":
            return _static("index.html")
        if path.startswith("/web/"):
            return _static(path.removeprefix("/web/"))
        if path == "/openapi.json":
            headers = [("Content-Type", "application/json"), ("Cache-Control", "no-cache"), NOSNIFF]
            return ProxyResponse(200, headers, render_openapi().encode("utf-8"))
        if path == "/_local/outbox":
            return _json(200, STATE.outbox())
        if path == "/_local/calls":
            return _json(200, STATE.calls())
    if path == "/_local/outbox/age" and method == "POST":
        return _age_codes(body)
    if path == "/_local/faults":
        if method == "POST":
            return _arm_fault(body)
        if method == "DELETE":
            STATE.disarm()
            return _json(200, {"armed": None})
    return None


class LocalApiServer(ThreadingHTTPServer):
    """Threads accept connections; one lock runs the handler one request at a time, as one Lambda
    execution environment does (Powertools' resolver keeps the current event on the module-level app)."""

    daemon_threads = True
    # http.server's default listen backlog is 5; browsers and load tests open many connections at once.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, _RequestHandler)
        self.invoke_lock = threading.Lock()
        # Set once the function's environment is ready (it depends on the port bound here).
        self.lambda_handler: LambdaHandler | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def invoke(self, event: dict[str, Any]) -> ProxyResponse:
        if self.lambda_handler is None:
            raise RuntimeError("the Lambda handler is not loaded yet")
        with self.invoke_lock:
            return read_proxy_response(self.lambda_handler(event, LocalLambdaContext()))


class _RequestHandler(BaseHTTPRequestHandler):
    server: LocalApiServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms a response.
    disable_nagle_algorithm = True
    server_version = "resend-confirmation-code-local"

    def _serve(self) -> None:
        started = time.perf_counter()
        length = int(self.headers.get("Content-Length") or 0)
        if length > API_GATEWAY_MAX_PAYLOAD_BYTES:
            response = _json(413, {"message": "Request Too Long"})
            self.close_connection = True
        else:
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            response = local_route(self.command, path, body) or self.server.invoke(
                build_event(
                    self.command,
                    self.path,
                    self.headers.items(),
                    body,
                    source_ip=self.client_address[0],
                    resource=resource_for(path),
                )
            )
        self._write(response)
        elapsed_ms = (time.perf_counter() - started) * 1000
        sys.stderr.write(f"{self.command} {self.path.split('?', 1)[0]} {response.status} {elapsed_ms:.1f} ms\n")

    def _write(self, response: ProxyResponse) -> None:
        self.send_response_only(response.status, HTTPStatus(response.status).phrase)
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        if "date" not in names:
            self.send_header("Date", self.date_time_string())
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def __getattr__(self, name: str) -> Any:
        # http.server looks up do_<METHOD> and answers 501 when there is none; like API Gateway, pass every
        # method on (the handler answers 405 on the route and 404 elsewhere).
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence http.server's default access log; _serve writes a shorter one."""
