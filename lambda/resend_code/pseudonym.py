"""A stable, non-reversible reference to a user, so logs can follow one account without naming it."""

import hashlib
import hmac


def user_reference(username: str, key: str) -> str:
    """16 hex characters of HMAC-SHA256 keyed by the app client secret.

    A plain hash of an e-mail address can be reversed with a list of addresses; a keyed one cannot without
    the key. The message is prefixed, so the reference is never a piece of the SECRET_HASH sent to Cognito.
    """
    message = ("user-ref:" + username.casefold()).encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()[:16]
