"""The log pseudonym, compared whole: value, length, what it depends on and what it must not be."""

import base64
import unicodedata

from code_screens.pseudonym import caller_network, caller_reference, user_reference, username_key
from code_screens.secret_hash import compute_secret_hash

KEY = "exampleclientsecret0123456789"


def test_matches_known_answer_vectors() -> None:
    # `printf 'user-ref:alice@example.com' | openssl dgst -sha256 -hmac exampleclientsecret0123456789`, first 16
    # hex characters; the second over the UTF-8 bytes of a non-ASCII address.
    assert user_reference("alice@example.com", KEY) == "50c1f09fdc02c221"
    assert user_reference("zoë@exämple.com", KEY) == "ae819e8089f63e45"


def test_the_same_user_in_any_case_has_one_reference() -> None:
    assert user_reference("Alice@Example.COM", KEY) == user_reference("alice@example.com", KEY)


def test_depends_on_the_key_and_the_user() -> None:
    reference = user_reference("alice@example.com", KEY)

    assert user_reference("alice@example.com", KEY + "x") != reference
    assert user_reference("bob@example.com", KEY) != reference


def test_is_no_piece_of_the_secret_hash() -> None:
    hashed = compute_secret_hash("alice@example.com", "", KEY)

    assert user_reference("alice@example.com", KEY) not in base64.b64decode(hashed).hex()


def test_every_spelling_of_one_username_has_one_reference() -> None:
    # NFC and NFD, another case, full-width letters, a ligature: one account, one limiter budget.
    nfc = "jos\u00e9@example.com"
    spellings = [nfc, unicodedata.normalize("NFD", nfc), nfc.upper(), "\uff4a\uff4f\uff53\u00e9@example.com"]

    assert {user_reference(spelling, KEY) for spelling in spellings} == {user_reference(nfc, KEY)}
    assert username_key("\ufb01le@example.com") == "file@example.com"
    assert username_key("Stra\u00dfe@example.com") == "strasse@example.com"


def test_a_callers_network_is_its_ipv4_address_or_its_ipv6_64() -> None:
    assert caller_network("203.0.113.7") == "203.0.113.7"
    assert caller_network("2001:db8:1:2:aaaa::1") == caller_network("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert caller_network("2001:db8:1:3::1") != caller_network("2001:db8:1:2::1")
    assert caller_network("not an address") == "not an address"


def test_the_caller_reference_matches_known_answer_vectors() -> None:
    # `printf 'caller:203.0.113.7' | openssl dgst -sha256 -hmac exampleclientsecret0123456789`, first 16 hex
    # characters; the second over an IPv6 address's /64.
    assert caller_reference("203.0.113.7", KEY) == "996282241520ac5c"
    assert caller_reference("2001:db8:1:2:aaaa::1", KEY) == "b78af16338e0fef5"


def test_the_caller_reference_is_keyed_and_never_the_address() -> None:
    reference = caller_reference("203.0.113.7", KEY)

    assert len(reference) == 16 and "203" not in reference
    assert caller_reference("203.0.113.7", KEY + "x") != reference
    assert caller_reference("203.0.113.8", KEY) != reference
    assert caller_reference("2001:db8::1", KEY) == caller_reference("2001:db8::2", KEY)
    assert caller_reference(None, KEY) == caller_reference("", KEY) == ""
