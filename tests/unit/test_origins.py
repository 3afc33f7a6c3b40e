"""Origins compared as browsers serialise them, for the function's ALLOWED_ORIGINS and the stack's allowedOrigins."""

import pytest

from code_screens.origins import InvalidOriginError, normalize_origin, origin_of_request, parse_origin_list


@pytest.mark.parametrize(
    ("configured", "serialised"),
    [
        ("https://app.example.com", "https://app.example.com"),
        ("HTTPS://App.Example.COM", "https://app.example.com"),
        ("https://app.example.com:443", "https://app.example.com"),
        ("http://localhost:80/", "http://localhost"),
        ("http://localhost:8100", "http://localhost:8100"),
        ("https://app.example.com:8443", "https://app.example.com:8443"),
        # Hybrid apps: Capacitor on iOS, Ionic's older web view, other wrappers' own schemes.
        ("capacitor://localhost", "capacitor://localhost"),
        ("Capacitor://LOCALHOST/", "capacitor://localhost"),
        ("ionic://localhost", "ionic://localhost"),
        ("app://my-app", "app://my-app"),
        ("tauri://localhost", "tauri://localhost"),
        ("capacitor://localhost:443", "capacitor://localhost:443"),  # no default port outside http(s)/ws(s)
        ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
        ("http://[::1]:3000", "http://[::1]:3000"),
        ("https://app.example.com:65535", "https://app.example.com:65535"),  # the highest port there is
        ("  https://app.example.com/  ", "https://app.example.com"),
    ],
)
def test_origins_are_compared_in_the_form_browsers_send(configured: str, serialised: str) -> None:
    assert normalize_origin(configured) == serialised


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("*", "'\\*' is not an origin"),
        ("null", "opaque origin"),
        ("NULL", "opaque origin"),
        ("app.example.com", "scheme://host"),
        ("https://app.example.com/path", "scheme://host"),
        ("https://app.example.com?x=1", "scheme://host"),
        ("https://user@app.example.com", "scheme://host"),
        ("https://app.example.com:99999", "port above 65535"),
        ("https://app.example.com:65536", "port above 65535"),
        ("https://*.example.com", "scheme://host"),
        ("1http://app.example.com", "scheme://host"),
        ("https://", "scheme://host"),
    ],
)
def test_what_no_browser_sends_is_refused_with_the_reason(value: str, reason: str) -> None:
    with pytest.raises(InvalidOriginError, match=reason):
        normalize_origin(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("*", "'*' is not an origin: list each origin that may call the endpoint"),
        ("null", "'null' is the opaque origin of sandboxed and file:// pages and is never allowed"),
    ],
)
def test_a_wildcard_or_opaque_origin_is_refused_with_a_message_saying_what_to_do(value: str, message: str) -> None:
    # The message reaches the operator whole, in the log line's configuration_error (test_observability.py).
    with pytest.raises(InvalidOriginError) as refused:
        normalize_origin(value)
    assert str(refused.value) == message


def test_a_list_is_normalised_deduplicated_and_keeps_its_order() -> None:
    raw = "capacitor://localhost, https://App.example.com:443/ ,,http://localhost, https://app.example.com"

    assert parse_origin_list(raw) == ("capacitor://localhost", "https://app.example.com", "http://localhost")
    assert parse_origin_list(["ionic://localhost", "http://localhost:8100/"]) == (
        "ionic://localhost",
        "http://localhost:8100",
    )
    assert parse_origin_list("") == () and parse_origin_list(None) == ()


def test_a_request_origin_that_is_no_origin_matches_nothing() -> None:
    assert origin_of_request("capacitor://localhost") == "capacitor://localhost"
    assert origin_of_request("null") is None
    assert origin_of_request("https://evil.example/path") is None
