"""Cognito's SECRET_HASH for app clients that have a client secret."""

import base64
import hashlib
import hmac


def compute_secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """Return Base64(HMAC-SHA256(key=client_secret, message=username + client_id)), as Cognito checks it."""
    digest = hmac.new(
        client_secret.encode("utf-8"),
        (username + client_id).encode("utf-8"),
        hashlib.sha256,
    ).digest()
    return base64.b64encode(digest).decode("ascii")
