"""The bad-input corpus: each request a client could get wrong, with the status and `code` it must get.

None of these may give a 5xx, none may reach Cognito, and every answer must be valid problem+json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from code_screens.operations.models import MAX_BODY_BYTES
from code_screens.routes import CONFIRM_FORGOT_PASSWORD, CONFIRM_SIGN_UP, FORGOT_PASSWORD, RESEND_CONFIRMATION_CODE

JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class BadInput:
    """One request and the answer it must get."""

    name: str
    body: bytes
    status: int
    code: str
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON))
    method: str = "POST"
    path: str = RESEND_CONFIRMATION_CODE.path


def _json(document: object) -> bytes:
    return json.dumps(document).encode()


def _nested(depth: int) -> bytes:
    return b'{"username": "a", "clientMetadata": ' + b"[" * depth + b"]" * depth + b"}"


def _padded(size: int) -> bytes:
    prefix = b'{"username": "a", "clientMetadata": {"k": "'
    suffix = b'"}}'
    return prefix + b"x" * (size - len(prefix) - len(suffix)) + suffix


CORPUS: list[BadInput] = [
    # Not JSON at all
    BadInput("empty-body", b"", 400, "invalid_json"),
    BadInput("malformed-json", b'{"username": ', 400, "invalid_json"),
    BadInput("trailing-comma", b'{"username": "a",}', 400, "invalid_json"),
    BadInput("single-quotes", b"{'username': 'a'}", 400, "invalid_json"),
    BadInput("nan", b'{"username": "a", "n": NaN}', 400, "invalid_json"),
    BadInput("duplicate-keys", b'{"username": "a", "username": "b"}', 400, "invalid_json"),
    BadInput("invalid-utf8", b'{"username": "\xff\xfe"}', 400, "invalid_json"),
    BadInput("utf8-encoded-surrogate", b'{"username": "\xed\xa0\x80"}', 400, "invalid_json"),
    BadInput("utf16-body", '{"username": "a"}'.encode("utf-16"), 400, "invalid_json"),
    BadInput("very-deep-nesting", _nested(3000), 400, "invalid_json"),
    BadInput("huge-integer", b'{"username": "a", "n": ' + b"9" * 5000 + b"}", 400, "invalid_json"),
    # JSON, but not the request
    BadInput("array", b'["unconfirmed@example.com"]', 400, "invalid_request"),
    BadInput("string", b'"unconfirmed@example.com"', 400, "invalid_request"),
    BadInput("number", b"42", 400, "invalid_request"),
    BadInput("null-body", b"null", 400, "invalid_request"),
    BadInput("empty-object", b"{}", 400, "invalid_request"),
    BadInput("deep-but-parseable", _nested(500), 400, "invalid_request"),
    BadInput("huge-float", b'{"username": 1e400}', 400, "invalid_request"),
    BadInput("username-number", _json({"username": 42}), 400, "invalid_request"),
    BadInput("username-bool", _json({"username": True}), 400, "invalid_request"),
    BadInput("username-null", _json({"username": None}), 400, "invalid_request"),
    BadInput("username-object", _json({"username": {"email": "a@b.c"}}), 400, "invalid_request"),
    BadInput("username-empty", _json({"username": ""}), 400, "invalid_request"),
    BadInput("username-129", _json({"username": "u" * 129}), 400, "invalid_request"),
    BadInput("username-space", _json({"username": "a b@example.com"}), 400, "invalid_request"),
    BadInput("username-tab", _json({"username": "a\tb"}), 400, "invalid_request"),
    BadInput("username-newline", _json({"username": "a\nb"}), 400, "invalid_request"),
    BadInput("username-nul", _json({"username": "a\u0000b"}), 400, "invalid_request"),
    BadInput("username-zero-width", _json({"username": "a\u200bb"}), 400, "invalid_request"),
    BadInput("username-bom", _json({"username": "\ufeffa"}), 400, "invalid_request"),
    BadInput("username-surrogate-escape", b'{"username": "\\ud83d"}', 400, "invalid_request"),
    BadInput("client-id-number", _json({"username": "a", "clientId": 1}), 400, "invalid_request"),
    BadInput("client-id-pattern", _json({"username": "a", "clientId": "not/valid"}), 400, "invalid_request"),
    BadInput("metadata-list", _json({"username": "a", "clientMetadata": ["x"]}), 400, "invalid_request"),
    BadInput("metadata-number-value", _json({"username": "a", "clientMetadata": {"k": 1}}), 400, "invalid_request"),
    BadInput(
        "metadata-too-many",
        _json({"username": "a", "clientMetadata": {f"k{i}": "v" for i in range(11)}}),
        400,
        "invalid_request",
    ),
    BadInput(
        "metadata-long-value", _json({"username": "a", "clientMetadata": {"k": "v" * 257}}), 400, "invalid_request"
    ),
    BadInput("metadata-long-key", _json({"username": "a", "clientMetadata": {"k" * 65: "v"}}), 400, "invalid_request"),
    BadInput("analytics-wrong-shape", _json({"username": "a", "analyticsMetadata": "x"}), 400, "invalid_request"),
    BadInput("context-unknown-field", _json({"username": "a", "userContextData": {"x": 1}}), 400, "invalid_request"),
    BadInput("unknown-field", _json({"username": "a", "password": "x"}), 400, "invalid_request"),
    BadInput("snake-case-field", _json({"username": "a", "client_id": "x"}), 400, "invalid_request"),
    # What only the server may supply
    BadInput("secret-hash", _json({"username": "a", "secretHash": "x"}), 400, "server_supplied_field"),
    BadInput("secret-hash-sdk-case", _json({"username": "a", "SecretHash": "x"}), 400, "server_supplied_field"),
    BadInput("client-secret", _json({"username": "a", "clientSecret": "x"}), 400, "server_supplied_field"),
    BadInput("ip-address", _json({"username": "a", "ipAddress": "1.1.1.1"}), 400, "server_supplied_field"),
    BadInput(
        "context-ip-address",
        _json({"username": "a", "userContextData": {"ipAddress": "1.1.1.1"}}),
        400,
        "server_supplied_field",
    ),
    BadInput(
        "metadata-secret-hash",
        _json({"username": "a", "clientMetadata": {"secretHash": "x"}}),
        400,
        "server_supplied_field",
    ),
    BadInput(
        "metadata-ip-snake-case",
        _json({"username": "a", "clientMetadata": {"ip_address": "1.1.1.1"}}),
        400,
        "server_supplied_field",
    ),
    BadInput("unknown-client", _json({"username": "a", "clientId": "someoneelse"}), 400, "unknown_client_id"),
    # Size
    BadInput("one-byte-over", _padded(MAX_BODY_BYTES + 1), 413, "payload_too_large"),
    BadInput("far-over", b"x" * (10 * MAX_BODY_BYTES), 413, "payload_too_large"),
    # Content types
    BadInput("no-content-type", _json({"username": "a"}), 415, "unsupported_media_type", headers={}),
    BadInput(
        "text-plain", _json({"username": "a"}), 415, "unsupported_media_type", headers={"Content-Type": "text/plain"}
    ),
    BadInput(
        "form-encoded",
        b"username=a",
        415,
        "unsupported_media_type",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ),
    BadInput(
        "json-latin1",
        _json({"username": "a"}),
        415,
        "unsupported_media_type",
        headers={"Content-Type": "application/json; charset=iso-8859-1"},
    ),
    BadInput(
        "json-utf16",
        _json({"username": "a"}),
        415,
        "unsupported_media_type",
        headers={"Content-Type": "application/json; charset=utf-16"},
    ),
    BadInput(
        "json-suffix-type",
        _json({"username": "a"}),
        415,
        "unsupported_media_type",
        headers={"Content-Type": "application/vnd.api+json"},
    ),
    # Methods and paths
    *[
        BadInput(f"method-{m.lower()}", b"", 405, "method_not_allowed", method=m)
        for m in ("GET", "PUT", "PATCH", "DELETE")
    ],
    BadInput("unknown-path", _json({"username": "a"}), 404, "not_found", path="/resend-confirmation-codes"),
    # POST / is the Cognito door, which answers in Cognito's shape: tests/e2e/test_cognito_protocol_http.py.
    BadInput("path-traversal", b"", 404, "not_found", method="GET", path="/resend-confirmation-code/../etc/passwd"),
    # Browsers from other origins
    BadInput(
        "disallowed-origin",
        _json({"username": "a"}),
        403,
        "origin_not_allowed",
        headers={**JSON, "Origin": "https://evil.example"},
    ),
    BadInput("null-origin", _json({"username": "a"}), 403, "origin_not_allowed", headers={**JSON, "Origin": "null"}),
    # The confirm route: the same pipeline, and its own field
    *[
        BadInput(f"confirm-{name}", body, status, code, path=CONFIRM_SIGN_UP.path)
        for name, body, status, code in (
            ("empty-body", b"", 400, "invalid_json"),
            ("no-code", _json({"username": "a"}), 400, "invalid_request"),
            ("no-username", _json({"confirmationCode": "123456"}), 400, "invalid_request"),
            ("empty-code", _json({"username": "a", "confirmationCode": ""}), 400, "invalid_request"),
            ("whitespace-code", _json({"username": "a", "confirmationCode": " \t "}), 400, "invalid_request"),
            ("numeric-code", _json({"username": "a", "confirmationCode": 123456}), 400, "invalid_request"),
            ("long-code", _json({"username": "a", "confirmationCode": "1" * 2049}), 400, "invalid_request"),
            (
                "string-alias-flag",
                _json({"username": "a", "confirmationCode": "1", "forceAliasCreation": "true"}),
                400,
                "invalid_request",
            ),
            ("session", _json({"username": "a", "confirmationCode": "1", "session": "x" * 20}), 400, "invalid_request"),
            (
                "secret-hash",
                _json({"username": "a", "confirmationCode": "1", "secretHash": "x"}),
                400,
                "server_supplied_field",
            ),
            ("snake-case", _json({"username": "a", "confirmation_code": "1"}), 400, "invalid_request"),
        )
    ],
    BadInput("confirm-method-get", b"", 405, "method_not_allowed", method="GET", path=CONFIRM_SIGN_UP.path),
    BadInput(
        "confirm-text-plain",
        b"a 123456",
        415,
        "unsupported_media_type",
        headers={"Content-Type": "text/plain"},
        path=CONFIRM_SIGN_UP.path,
    ),
    BadInput(
        "confirm-disallowed-origin",
        _json({"username": "a", "confirmationCode": "1"}),
        403,
        "origin_not_allowed",
        headers={**JSON, "Origin": "https://evil.example"},
        path=CONFIRM_SIGN_UP.path,
    ),
    # The password resets: the same pipeline, the new password's own field and the policy before Cognito
    *[
        BadInput(f"forgot-{name}", body, status, code, path=FORGOT_PASSWORD.path)
        for name, body, status, code in (
            ("empty-body", b"", 400, "invalid_json"),
            ("no-username", _json({}), 400, "invalid_request"),
            ("password-field", _json({"username": "a", "password": "Passw0rd!"}), 400, "invalid_request"),
            ("secret-hash", _json({"username": "a", "SECRET_HASH": "x"}), 400, "server_supplied_field"),
        )
    ],
    BadInput("forgot-method-get", b"", 405, "method_not_allowed", method="GET", path=FORGOT_PASSWORD.path),
    *[
        BadInput(f"reset-{name}", body, status, code, path=CONFIRM_FORGOT_PASSWORD.path)
        for name, body, status, code in (
            ("empty-body", b"", 400, "invalid_json"),
            ("no-password", _json({"username": "a", "confirmationCode": "123456"}), 400, "invalid_request"),
            ("no-code", _json({"username": "a", "password": "Passw0rd!"}), 400, "invalid_request"),
            (
                "numeric-password",
                _json({"username": "a", "confirmationCode": "123456", "password": 12345678}),
                400,
                "invalid_request",
            ),
            (
                "null-password",
                _json({"username": "a", "confirmationCode": "123456", "password": None}),
                400,
                "invalid_request",
            ),
            (
                "empty-password",
                _json({"username": "a", "confirmationCode": "123456", "password": ""}),
                400,
                "invalid_request",
            ),
            (
                "long-password",
                _json({"username": "a", "confirmationCode": "123456", "password": "Aa1!" * 65}),
                400,
                "invalid_request",
            ),
            (
                "short-password",
                _json({"username": "a", "confirmationCode": "123456", "password": "Aa1!"}),
                400,
                "invalid_password",
            ),
            (
                "spaced-password",
                _json({"username": "a", "confirmationCode": "123456", "password": " Passw0rd! "}),
                400,
                "invalid_password",
            ),
            (
                "letters-only",
                _json({"username": "a", "confirmationCode": "123456", "password": "abcdefghij"}),
                400,
                "invalid_password",
            ),
            (
                "non-ascii-letters",
                _json({"username": "a", "confirmationCode": "123456", "password": "\u00c9t\u00e91234!"}),
                400,
                "invalid_password",
            ),
            (
                "bad-code-weak-password",
                _json({"username": "a", "confirmationCode": "12", "password": "x"}),
                400,
                "invalid_request",
            ),
            (
                "snake-case",
                _json({"username": "a", "confirmation_code": "1", "new_password": "x"}),
                400,
                "invalid_request",
            ),
            (
                "secret-hash",
                _json({"username": "a", "confirmationCode": "1", "password": "x", "secretHash": "x"}),
                400,
                "server_supplied_field",
            ),
        )
    ],
    BadInput(
        "reset-text-plain",
        b"a 123456 Passw0rd!",
        415,
        "unsupported_media_type",
        headers={"Content-Type": "text/plain"},
        path=CONFIRM_FORGOT_PASSWORD.path,
    ),
]

# Request bodies that are fine: the charset variants a client may send.
ACCEPTED_CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json;charset=UTF-8",
    'application/json; charset="utf-8"',
    "APPLICATION/JSON",
]
