"""The local HTTP server: API Gateway's part, on loopback, served by werkzeug's threaded WSGI server.

The server answers a few routes itself, never through the Lambda: the reference page (`/`, `/web/...`), the
OpenAPI document (`/openapi.json`), and developer routes under `/_local/` (the outbox of codes the emulator
sent, the AWS calls it served, fault injection and code ageing for tests). Everything else becomes an API Gateway
REST proxy event for the very same lambda_handler that runs in AWS, its `resource` taken from the route table.

HTTP itself (request lines, headers, chunked bodies) is werkzeug's; this module adds what API Gateway does in
front of a function: a payload limit, JSON errors for bad framing, one invocation at a time.
"""

from __future__ import annotations

import json
import math
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import ClientDisconnected, HTTPException
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from code_screens.routes import route_for
from local.api_gateway_event import LocalLambdaContext, ProxyResponse, build_event, read_proxy_response
from local.emulator import PURPOSES, STATE, Fault, known_operations
from local.loopback import LoopbackGuard, listening_socket
from local.openapi import render as render_openapi

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css"}

# API Gateway's own payload limit for REST APIs; the handler enforces the endpoint's much smaller one.
API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
# RFC 9110 section 8.6: Content-Length = 1*DIGIT. werkzeug reads anything else as 0, which would leave the real
# body in the connection to be parsed as the next request; refuse it and close instead.
_CONTENT_LENGTH = re.compile(r"[0-9]+")

# Far longer than any real client pauses between bytes of one request, short enough that stalled ones end.
READ_TIMEOUT_SECONDS = 30.0

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]

# Every answer the server gives itself names its type and forbids sniffing another, as the function's answers do.
NOSNIFF = ("X-Content-Type-Options", "nosniff")


def _json(status: int, document: Any, *, close: bool = False) -> ProxyResponse:
    body = json.dumps(document, indent=2).encode("utf-8")
    headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store"), NOSNIFF]
    if close:
        headers.append(("Connection", "close"))
    return ProxyResponse(status, headers, body)


def _static(name: str) -> ProxyResponse | None:
    path = (WEB_DIR / name).resolve()
    if path.parent != WEB_DIR or path.suffix not in STATIC_TYPES or not path.is_file():
        return None
    headers = [("Content-Type", STATIC_TYPES[path.suffix]), ("Cache-Control", "no-cache"), NOSNIFF]
    return ProxyResponse(200, headers, path.read_bytes())


# Longer than any timeout the function or the ops tools set, short enough that a forgotten fault ends.
MAX_FAULT_DELAY_SECONDS = 300
MAX_CODE_AGE_SECONDS = 366 * 86_400
FAULT_SHAPE = "expected {operation, errorCode, message?, status?, delaySeconds?, times?}"


def _arm_fault(body: bytes) -> ProxyResponse:
    try:
        request = json.loads(body)
        operation = str(request["operation"])
        fault = Fault(
            error_code=None if request["errorCode"] is None else str(request["errorCode"]),
            message=str(request.get("message", "Injected fault")),
            status=int(request.get("status", 400)),
            delay_seconds=float(request.get("delaySeconds", 0)),
            times=int(request.get("times", 1)),
        )
    except (ValueError, KeyError, TypeError) as error:
        return _json(400, {"message": f"{FAULT_SHAPE}: {error}"})
    # A fault the emulator cannot play as asked (time.sleep refuses a negative, infinite or NaN delay; an AWS error
    # is a 4xx or 5xx; times below 1 would still fire once) would fail as some other error and mislead the test
    # that armed it: refuse it here, as an unknown operation is.
    if not (math.isfinite(fault.delay_seconds) and 0 <= fault.delay_seconds <= MAX_FAULT_DELAY_SECONDS):
        return _json(400, {"message": f"delaySeconds must be a number from 0 to {MAX_FAULT_DELAY_SECONDS}"})
    if fault.times < 1:
        return _json(400, {"message": "times must be 1 or more"})
    if fault.error_code is not None and not 400 <= fault.status <= 599:
        return _json(400, {"message": "status must be an HTTP error status (400-599) when errorCode is given"})
    if operation not in known_operations():
        # A misspelt name would otherwise be armed and never fire, and the test relying on it would pass vacuously.
        return _json(
            400,
            {
                "message": f"unknown operation {operation!r}: use one of knownOperations (service:Operation)",
                "knownOperations": list(known_operations()),
            },
        )
    STATE.arm(operation, fault)
    return _json(200, {"armed": operation})


def _age_codes(body: bytes) -> ProxyResponse:
    try:
        request = json.loads(body)
        seconds = float(request["seconds"])
        username = request.get("username")
        purpose = request.get("purpose")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        return _json(400, {"message": f"expected {{seconds, username?, purpose?}}: {error}"})
    if not (math.isfinite(seconds) and 0 <= seconds <= MAX_CODE_AGE_SECONDS):
        # Codes only ever grow older; a year is far past every lifetime the emulator knows.
        return _json(400, {"message": f"seconds must be a number from 0 to {MAX_CODE_AGE_SECONDS}"})
    if purpose is not None and purpose not in PURPOSES:
        # A misspelt purpose would age nothing, and the expiry test relying on it would fail for the wrong reason.
        return _json(400, {"message": f"purpose must be one of {', '.join(PURPOSES)}"})
    aged = STATE.age_codes(seconds, None if username is None else str(username), purpose)
    return _json(200, {"aged": aged})


def resource_for(path: str) -> str:
    """The API Gateway `resource` of a request: its route's path, or the catch-all for any other path."""
    if path == "/":  # the Cognito door (code_screens/doors/cognito_protocol.py) is the API's root
        return "/"
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


class LocalApi:
    """The WSGI application: local routes, or an API Gateway event for the function, one invocation at a time as
    one Lambda execution environment runs them (Powertools' resolver keeps the current event on the module-level
    app, so concurrent invocations in one process would see each other's events)."""

    def __init__(self) -> None:
        self.invoke_lock = threading.Lock()
        # Set once the function's environment is ready (it depends on the port bound here).
        self.lambda_handler: LambdaHandler | None = None

    def invoke(self, event: dict[str, Any]) -> ProxyResponse:
        if self.lambda_handler is None:
            raise RuntimeError("the Lambda handler is not loaded yet")
        with self.invoke_lock:
            return read_proxy_response(self.lambda_handler(event, LocalLambdaContext()))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self._respond(request)
        except Exception as error:  # the function's own errors are answered by its handler; this is the server's
            sys.stderr.write(f"local server error: {type(error).__name__}: {error}\n")
            response = _json(500, {"message": "Internal server error"}, close=True)
        wsgi_response = Response(response.body, status=response.status)
        wsgi_response.headers.clear()
        for name, value in response.headers:
            if name.lower() != "content-length":
                wsgi_response.headers.add(name, value)
        wsgi_response.headers["Content-Length"] = str(len(response.body))
        return wsgi_response(environ, start_response)

    def _respond(self, request: Request) -> ProxyResponse:
        raw_length = request.headers.get("Content-Length")
        chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
        if raw_length is not None and not chunked and not _CONTENT_LENGTH.fullmatch(raw_length.strip()):
            return _json(400, {"message": "Content-Length must be a whole number of bytes"}, close=True)
        request.max_content_length = API_GATEWAY_MAX_PAYLOAD_BYTES
        try:
            body = request.get_data(cache=False)
        except (ClientDisconnected, TimeoutError) as error:
            # Fewer bytes than Content-Length before the read timeout (_RequestHandler.timeout) or the client left:
            # werkzeug calls it a 400, but the request was well formed and only stopped arriving. (A malformed
            # chunked body is reported the same way by werkzeug, and stays a 400.)
            if chunked and isinstance(error, ClientDisconnected):
                return _json(400, {"message": error.description or error.name}, close=True)
            return _json(408, {"message": "The request body did not arrive in time"}, close=True)
        except HTTPException as error:  # 413 from werkzeug's limit, 400 for a malformed chunked body
            return _json(error.code or 400, {"message": error.description or error.name}, close=True)
        local = local_route(request.method, request.path, body)
        if local is not None:
            return local
        return self.invoke(
            build_event(
                request.method,
                request.full_path if request.query_string else request.path,
                _header_pairs(request),
                body,
                source_ip=request.remote_addr or "127.0.0.1",
                resource=resource_for(request.path),
            )
        )


def _header_pairs(request: Request) -> list[tuple[str, str]]:
    # API Gateway passes the caller's headers through; hop-by-hop framing headers are the gateway's own business.
    return [(name, value) for name, value in request.headers.items() if name.lower() != "transfer-encoding"]


class AccessLog:
    """WSGI middleware: one line per request on stderr, `METHOD /path status N.N ms`, refusals included."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        statuses: list[str] = []

        def recording_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            statuses.append(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        body = self.app(environ, recording_start_response)
        elapsed_ms = (time.perf_counter() - started) * 1000
        status = statuses[-1] if statuses else "-"
        sys.stderr.write(f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')} {status} {elapsed_ms:.1f} ms\n")
        return body


class _RequestHandler(WSGIRequestHandler):
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms a response.
    disable_nagle_algorithm = True
    # A read timeout per connection (socketserver applies it to the socket): a client that stops sending mid-request
    # or leaves a keep-alive connection idle (slowloris) frees its thread after this long instead of holding it
    # forever. http.server then closes the connection; a body cut short is answered 408 (LocalApi._respond).
    timeout = READ_TIMEOUT_SECONDS
    # werkzeug only switches to HTTP/1.1 by itself when this is not set on the class.
    protocol_version = "HTTP/1.1"
    # http.server's own errors (a malformed request line, oversized headers) as JSON, never an HTML page.
    error_content_type = "application/json"
    error_message_format = '{"message": "%(message)s", "status": %(code)d}\n'

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server answers a request line it cannot parse as HTTP/0.9 (a bare body); answer with a status
        line and headers, as every client of this server speaks HTTP/1.x."""
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"
        super().send_error(code, message, explain)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silence werkzeug's access log: AccessLog writes a shorter one with the time taken."""


class LocalApiServer:
    """The local API on host:port: werkzeug's threaded server, the loopback guard, and the LocalApi application."""

    def __init__(
        self, address: tuple[str, int], port_variable: str = "PORT", read_timeout_seconds: float = READ_TIMEOUT_SECONDS
    ) -> None:
        """Bind host:port at once (PortInUseError naming `port_variable` when taken); read_timeout_seconds bounds
        each wait for a request's bytes (see _RequestHandler.timeout)."""
        self.app = LocalApi()
        handler = type("_TimedRequestHandler", (_RequestHandler,), {"timeout": read_timeout_seconds})
        host, port = address
        sock = listening_socket(host, port, port_variable)
        try:
            app = AccessLog(LoopbackGuard(self.app, write_guarded_prefix="/_local/"))
            self._server: BaseWSGIServer = make_server(
                host, port, app, threaded=True, request_handler=handler, fd=sock.fileno()
            )
        finally:
            sock.close()  # werkzeug serves a duplicate of the descriptor
        self.server_address: tuple[str, int] = self._server.server_address[:2]  # type: ignore[assignment]

    @property
    def lambda_handler(self) -> LambdaHandler | None:
        return self.app.lambda_handler

    @lambda_handler.setter
    def lambda_handler(self, handler: LambdaHandler) -> None:
        self.app.lambda_handler = handler

    @property
    def url(self) -> str:
        host, port = self.server_address
        return f"http://{host!s}:{port}"

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def server_close(self) -> None:
        self._server.server_close()
