"""Stable, non-reversible references to a user and to a caller's network, so logs and the limiter can follow one
username, or one network, without naming it."""

import hashlib
import hmac
import ipaddress
import unicodedata


def username_key(username: str) -> str:
    """The form of a username that every spelling of one account shares, as far as the endpoint can know it.

    Unicode compatibility normalization with case folding (NFKC_Casefold): an NFC and an NFD spelling, full-width
    letters and any case are one key, as they are one username in a case-insensitive pool. Whitespace around it was
    already trimmed by the request schema's rule. Two different usernames that fold together only share a tighter limit.
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())


def user_reference(username: str, key: str) -> str:
    """16 hex characters of HMAC-SHA256(key, "user-ref:" + username_key(username)).

    key is the dedicated pseudonym key (Secrets Manager, PSEUDONYM_KEY_SECRET_ID), never the app client secret:
    a reference keyed with the client secret would let anyone with log access test guesses of that secret
    offline, and would change at every rotation and differ between app clients. A plain hash of an e-mail
    address can be reversed with a list of addresses; a keyed one cannot without the key.
    """
    message = ("user-ref:" + username_key(username)).encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()[:16]


def caller_network(ip: str) -> str:
    """The network one caller controls: an IPv4 address itself, an IPv6 address's /64 (one subscriber's prefix:
    rotating addresses inside it is free, so it must not buy more attempts); anything else as it is."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def caller_reference(ip: str | None, key: str) -> str:
    """16 hex characters of HMAC-SHA256(key, "caller:" + caller_network(ip)): the limiter's per-caller key, so the
    table never holds an IP address in clear; "" when the caller's IP is unknown."""
    if not ip:
        return ""
    message = ("caller:" + caller_network(ip)).encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()[:16]
