"""A fast loopback fake of the two AWS APIs the handlers call, for the benchmark only (never for tests).

moto spends milliseconds per call building its models; here that would drown the handlers' own cost, which is
what the benchmark measures. This answers Secrets Manager GetSecretValue and Cognito ResendConfirmationCode with
fixed JSON 1.1 bodies, over real HTTP on 127.0.0.1, and counts the calls.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CLIENT_ID = "benchclient123"
SECRET_ID = "bench/app-client"
SECRET = {"clientId": CLIENT_ID, "clientSecret": "bench-client-secret-not-real-0123456789abcdef"}

ANSWERS: dict[str, dict[str, Any]] = {
    "secretsmanager.GetSecretValue": {
        "ARN": f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{SECRET_ID}-AbCdEf",
        "Name": SECRET_ID,
        "SecretString": json.dumps(SECRET),
        "VersionId": "v1",
    },
    "AWSCognitoIdentityProviderService.ResendConfirmationCode": {
        "CodeDeliveryDetails": {"Destination": "b***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    },
}


class FakeAwsForBench(ThreadingHTTPServer):
    """The fake's server: counts calls by X-Amz-Target."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> None:
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def count(self, target: str) -> int:
        with self.lock:
            return self.calls[target]


class _Handler(BaseHTTPRequestHandler):
    server: FakeAwsForBench
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms a call.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target", "")
        with self.server.lock:
            self.server.calls[target] += 1
        answer = ANSWERS.get(target)
        body = json.dumps(answer if answer is not None else {"__type": "UnknownOperationException"}).encode()
        self.send_response(200 if answer is not None else 400)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""
