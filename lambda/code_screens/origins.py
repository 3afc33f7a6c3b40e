"""Web origins as browsers send them, for the function's ALLOWED_ORIGINS and the stack's allowedOrigins.

A browser's `Origin` is `scheme://host[:port]`, scheme and host in lower case, default port left out (RFC 6454
section 6.2). Hybrid apps' web views send their own schemes the same way (`capacitor://localhost`).
"""

from __future__ import annotations

import re

# RFC 3986 section 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
# Host: a DNS name or IPv4 address (letters, digits, "-", ".", "_" as some local names use), or an IPv6 literal.
_ORIGIN = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?)"
    r"(?::(?P<port>[0-9]{1,5}))?"
)
# Only the special schemes have default ports (WHATWG URL); a browser leaves these out of an origin.
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
EXAMPLE = "https://app.example.com, capacitor://localhost, http://localhost:8100"


class InvalidOriginError(ValueError):
    """The value is not an origin a browser can send; the message says why (it quotes the value)."""


def normalize_origin(value: str) -> str:
    """The browser form of one origin; a trailing "/" is forgiven. Raises InvalidOriginError for `*`, `null`
    (sandboxed frames and file:// pages send it), a path, query, user info or a port above 65535."""
    text = value.strip()
    if text == "*":
        raise InvalidOriginError("'*' is not an origin: list each origin that may call the endpoint")
    if text.lower() == "null":
        raise InvalidOriginError("'null' is the opaque origin of sandboxed and file:// pages and is never allowed")
    if text.endswith("/") and not text.endswith("//"):
        text = text[:-1]
    match = _ORIGIN.fullmatch(text)
    if match is None:
        raise InvalidOriginError(f"{value.strip()!r} is not of the form scheme://host[:port]")
    scheme, host, port = match.group("scheme").lower(), match.group("host").lower(), match.group("port")
    if port is None:
        return f"{scheme}://{host}"
    number = int(port)
    if number > 65535:
        raise InvalidOriginError(f"{value.strip()!r} has a port above 65535")
    if DEFAULT_PORTS.get(scheme) == number:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{number}"


def parse_origin_list(values: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """A comma-separated string (or a list) of origins, normalised, duplicates removed, order kept.

    Raises InvalidOriginError naming the first bad entry.
    """
    if values is None:
        return ()
    items = values.split(",") if isinstance(values, str) else [str(v) for v in values]
    origins: dict[str, None] = {}
    for item in items:
        if item.strip():
            origins[normalize_origin(item)] = None
    return tuple(origins)


def origin_of_request(header: str) -> str | None:
    """The normalised origin of a request's Origin header, or None when it cannot be any allowed origin.

    Only what a browser can send is compared: case and a default port are forgiven (the same origin), but not the
    trailing "/" or the whitespace forgiven in settings, which no browser puts in an Origin header.
    """
    if header != header.strip() or header.endswith("/"):
        return None
    try:
        return normalize_origin(header)
    except InvalidOriginError:
        return None
