"""What keeps the local servers (the endpoint and the emulator) to this machine: a port bound before anything
starts, and a WSGI guard against DNS rebinding and cross-origin writes.

DNS rebinding: a page the developer visits at evil.example can point that name at 127.0.0.1 and then talk to a
loopback server as its "own" origin; the only tell is the Host header, which still says evil.example. So only
loopback Host values are served. Cross-site writes: a page on any origin can POST to 127.0.0.1 without reading
the answer (a "simple" request needs no preflight); so writes to guarded paths must come from the server's own
origin or from a client that sends no Origin (curl, boto3, tests).
"""

from __future__ import annotations

import errno
import json
import re
import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING

from code_screens.origins import origin_of_request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Fetch Metadata (sent by every current browser): anything but these is another site's page.
SAME_SITE_FETCHES = frozenset({"same-origin", "none"})
_HOST = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[^:\[\]]+)(?::(?P<port>[0-9]{1,5}))?")


class PortInUseError(OSError):
    """The port is taken; the message names the port and the environment variable that chooses it."""


def listening_socket(host: str, port: int, variable: str) -> socket.socket:
    """A TCP socket bound to host:port and listening, or PortInUseError naming `variable`.

    Binding here, before any server thread starts, is what turns a busy port into an immediate error: moto's
    ThreadedMotoServer binds inside its thread and waits forever for a ready signal that never comes.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    # As werkzeug and http.server do: reuse a port left in TIME_WAIT by a previous run (never a live listener).
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUseError(
                error.errno,
                f"port {port} on {host} is already in use by another program: stop it, or choose another port "
                f"with {variable}=<port> ({variable}=0 picks a free one)",
            ) from None
        raise
    return sock


def loopback_host(host_header: str) -> bool:
    """True when a Host header names this machine's loopback interface (any port)."""
    match = _HOST.fullmatch(host_header.strip().lower())
    if match is None:
        return False
    return match.group("name").strip("[]") in LOOPBACK_HOSTS


def _refuse(start_response: StartResponse, status: str, message: str) -> Iterable[bytes]:
    body = json.dumps({"message": message}).encode("utf-8")
    start_response(
        status,
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")],
    )
    return [body]


class LoopbackGuard:
    """WSGI middleware: loopback Host only; writes under `write_guarded_prefix` only from the same origin.

    every_method=True guards reads and preflights too: for a server where a GET can act (moto runs the action an
    X-Amz-Target header names whatever the method) and that answers CORS for any origin, as the emulator does.
    """

    def __init__(self, app: WSGIApplication, write_guarded_prefix: str, *, every_method: bool = False) -> None:
        self.app = app
        self.write_guarded_prefix = write_guarded_prefix
        self.every_method = every_method

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        host = str(environ.get("HTTP_HOST", ""))
        if not loopback_host(host):
            return _refuse(
                start_response,
                "403 Forbidden",
                "This local server answers only requests addressed to 127.0.0.1, localhost or [::1] "
                "(a Host naming another site is how DNS rebinding reaches loopback servers).",
            )
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        path = str(environ.get("PATH_INFO", ""))
        if (self.every_method or method not in SAFE_METHODS) and path.startswith(self.write_guarded_prefix):
            origin = environ.get("HTTP_ORIGIN")
            site = environ.get("HTTP_SEC_FETCH_SITE")
            own_origin = origin_of_request(f"http://{host}")
            foreign = origin is not None and origin_of_request(str(origin)) != own_origin
            if foreign or (site is not None and site not in SAME_SITE_FETCHES):
                return _refuse(start_response, "403 Forbidden", "Cross-origin writes to this local server are refused.")
        return self.app(environ, start_response)
