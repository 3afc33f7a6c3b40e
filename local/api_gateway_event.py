"""Build the API Gateway REST API (v1) Lambda proxy event for an HTTP request, and read the proxy response.

The event has the fields API Gateway sends (requestContext.requestId, requestContext.identity.sourceIp,
headers in both forms, body), so the handler runs locally exactly as it runs behind API Gateway.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

LOCAL_STAGE = "local"
LOCAL_ACCOUNT_ID = "123456789012"


def build_event(
    method: str,
    target: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    source_ip: str,
    resource: str,
) -> dict[str, Any]:
    """The proxy event for one request; `target` is the request line's path and query."""
    url = urlsplit(target)
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        single[name] = value  # API Gateway keeps the last value in `headers`, every value in `multiValueHeaders`
        multi.setdefault(name, []).append(value)
    query = parse_qsl(url.query, keep_blank_values=True)
    multi_query: dict[str, list[str]] = {}
    for name, value in query:
        multi_query.setdefault(name, []).append(value)

    # A body that is not UTF-8 text cannot travel in a JSON string: API Gateway base64-encodes such bodies, and
    # so does this, so the handler sees the caller's exact bytes.
    try:
        text_body: str | None = body.decode("utf-8") if body else None
        is_base64 = False
    except UnicodeDecodeError:
        text_body, is_base64 = base64.b64encode(body).decode("ascii"), True

    now = datetime.now(UTC)
    request_id = str(uuid.uuid4())
    return {
        "resource": resource,
        "path": url.path,
        "httpMethod": method,
        "headers": single or None,
        "multiValueHeaders": multi or None,
        "queryStringParameters": dict(query) or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "accountId": LOCAL_ACCOUNT_ID,
            "apiId": "local",
            "resourceId": "local",
            "resourcePath": resource,
            "httpMethod": method,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "path": f"/{LOCAL_STAGE}{url.path}",
            "stage": LOCAL_STAGE,
            "protocol": "HTTP/1.1",
            "domainName": single.get("Host", "127.0.0.1"),
            "identity": {
                "sourceIp": source_ip,
                "userAgent": single.get("User-Agent"),
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "user": None,
                "userArn": None,
            },
        },
        "body": text_body,
        "isBase64Encoded": is_base64,
    }


@dataclass(frozen=True)
class ProxyResponse:
    """A Lambda proxy response, decoded: status, header pairs and body bytes."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def read_proxy_response(result: dict[str, Any]) -> ProxyResponse:
    """Decode the handler's return value the way API Gateway does."""
    headers: list[tuple[str, str]] = []
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(value)) for value in values)
    seen = {name.lower() for name, _ in headers}
    headers.extend((n, str(v)) for n, v in (result.get("headers") or {}).items() if n.lower() not in seen)
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode("utf-8")
    return ProxyResponse(status=int(result["statusCode"]), headers=headers, body=body)


@dataclass
class LocalLambdaContext:
    """The attributes of the Lambda runtime's context object that Powertools reads."""

    function_name: str = "resend-confirmation-code-local"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:us-east-1:{LOCAL_ACCOUNT_ID}:function:resend-confirmation-code-local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/resend-confirmation-code-local"
    log_stream_name: str = "local"
    timeout_seconds: float = 10.0
    _started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self._started)) * 1000))
