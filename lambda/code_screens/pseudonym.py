"""A stable, non-reversible reference to a user, so logs and the limiter can follow one username without naming it."""

import hashlib
import hmac


def user_reference(username: str, key: str) -> str:
    """16 hex characters of HMAC-SHA256(key, "user-ref:" + casefolded username).

    key is the dedicated pseudonym key (Secrets Manager, PSEUDONYM_KEY_SECRET_ID), never the app client secret:
    a reference keyed with the client secret would let anyone with log access test guesses of that secret
    offline, and would change at every rotation and differ between app clients. A plain hash of an e-mail
    address can be reversed with a list of addresses; a keyed one cannot without the key. Case is folded so
    "Alice" and "alice" (one user in a case-insensitive pool) share a reference and a limit.
    """
    message = ("user-ref:" + username.casefold()).encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()[:16]
