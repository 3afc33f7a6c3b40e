"""An app client's credentials and Cognito's SECRET_HASH made from them."""

import base64
import hashlib
import hmac
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AppClientCredentials:
    """An app client's id and secret; the secret is kept out of repr() so it cannot reach a log by accident."""

    client_id: str
    client_secret: str = field(repr=False)


def compute_secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """Return Base64(HMAC-SHA256(key=client_secret, message=username + client id)), as Cognito checks it.

    Source: https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash
    """
    digest = hmac.new(
        client_secret.encode("utf-8"),
        (username + client_id).encode("utf-8"),
        hashlib.sha256,
    ).digest()
    return base64.b64encode(digest).decode("ascii")
