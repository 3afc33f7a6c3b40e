"""The local server does not hold a connection forever for a client that stops sending (slowloris): each wait for
a request's bytes is bounded, a body cut short is answered 408 in JSON, and other clients are served meanwhile.
The server runs in-process with a 1 s read timeout instead of the 30 s default, so the test stays short."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from local.server import LocalApiServer

pytestmark = pytest.mark.slow  # time-outs: each test waits out the server's 1 s read timeout


@pytest.fixture
def server() -> Iterator[LocalApiServer]:
    server = LocalApiServer(("127.0.0.1", 0), read_timeout_seconds=1.0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server._server.shutdown()
    server.server_close()


def _connect(server: LocalApiServer) -> socket.socket:
    conn = socket.create_connection(server.server_address, timeout=10)
    return conn


def _read_all(conn: socket.socket) -> bytes:
    received = b""
    while chunk := conn.recv(65536):
        received += chunk
    return received


def test_a_request_whose_headers_never_end_is_dropped(server: LocalApiServer) -> None:
    with _connect(server) as conn:
        conn.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
        started = time.monotonic()

        assert _read_all(conn) == b""  # closed by the server, not by our 10 s timeout
        assert time.monotonic() - started < 5


def test_a_body_that_stops_arriving_is_answered_408_in_json(server: LocalApiServer) -> None:
    with _connect(server) as conn:
        conn.sendall(
            b"POST /_local/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"operation"'
        )
        started = time.monotonic()
        response = _read_all(conn)

    assert time.monotonic() - started < 5
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), head
    assert b"content-type: application/json" in head.lower()
    assert "did not arrive" in json.loads(body)["message"]


def test_other_clients_are_served_while_one_stalls(server: LocalApiServer) -> None:
    with _connect(server) as stalled, _connect(server) as other:
        stalled.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        other.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")

        assert _read_all(other).startswith(b"HTTP/1.1 200")
