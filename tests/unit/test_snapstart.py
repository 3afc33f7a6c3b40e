"""SnapStart's after-restore hook does its job on real objects: a botocore client's pooled TCP connection to a
keep-alive HTTP/1.1 server, and the `random` state that copies of one memory image (what environments restored
from one snapshot are; forked processes here) share."""

from __future__ import annotations

import json
import os
import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest

from code_screens.runtime import snapstart


class KeepAliveSecretsManager(ThreadingHTTPServer):
    """Answers any Secrets Manager call with an empty list over HTTP/1.1 keep-alive; counts TCP connections."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Answer)
        self.connections = 0

    def get_request(self) -> Any:
        self.connections += 1
        return super().get_request()


class _Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"SecretList": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def server() -> Iterator[KeepAliveSecretsManager]:
    server = KeepAliveSecretsManager()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def test_after_restore_closes_pooled_connections_and_the_client_still_works(server: KeepAliveSecretsManager) -> None:
    client = boto3.client(
        "secretsmanager",
        endpoint_url=f"http://127.0.0.1:{server.server_address[1]}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.list_secrets()
    client.list_secrets()
    assert server.connections == 1  # the pool reuses its connection, as a snapshotted one would be reused

    snapstart.after_restore([client])
    client.list_secrets()

    assert server.connections == 2  # a restored environment opens its own


def _draw_in_forked_child(snapshot: object, run_hook: bool) -> float:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: one "restored environment"
        try:
            # Python re-seeds `random` in a forked child; a snapshot restore is no fork and does not: put back
            # the state the snapshot held.
            random.setstate(snapshot)  # type: ignore[arg-type]
            if run_hook:
                snapstart.after_restore([])
            os.write(write, repr(random.random()).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        drawn = float(pipe.read())
    os.waitpid(pid, 0)
    return drawn


def test_after_restore_gives_each_restored_copy_its_own_random_state() -> None:
    snapshot = random.getstate()  # the state a snapshot would carry

    without_hook = {_draw_in_forked_child(snapshot, run_hook=False) for _ in range(2)}
    with_hook = {_draw_in_forked_child(snapshot, run_hook=True) for _ in range(2)}

    assert len(without_hook) == 1  # copies of one memory image draw the same numbers...
    assert len(with_hook) == 2  # ...unless the hook re-seeds each of them


def test_register_hooks_says_when_there_is_no_runtime_to_run_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "snapshot_restore_py", None)  # import fails, as off Lambda

    assert snapstart.register_hooks([]) is False


def test_register_hooks_registers_after_restore_with_the_clients_and_says_so() -> None:
    # snapshot_restore_py is the runtime's real library (from PyPI), as Lambda's Python runtimes provide it.
    import snapshot_restore_py

    registered = snapshot_restore_py.get_after_restore()
    saved = list(registered)
    registered.clear()
    clients = [boto3.client("sts", region_name="us-east-1")]
    try:
        assert snapstart.register_hooks(clients) is True  # True once the hooks are registered

        assert registered == [(snapstart.after_restore, (tuple(clients),), {})]
    finally:
        registered[:] = saved
