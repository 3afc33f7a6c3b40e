"""SECRET_HASH against known-answer vectors computed outside this code (Python hmac, cross-checked with openssl)."""

import pytest

from code_screens.secret_hash import compute_secret_hash
from local.emulator import secret_hash_matches

SECRET = "exampleclientsecret0123456789"
CLIENT_ID = "1example23456789"


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("alice", "Ip32lPJd3JBWiGjMyzjLQELmvWpM7LYqtEMwts3bjvY="),
        ("alice@example.com", "yYA/PVBNbSwNRrM3kLv28tJ24AsDWSS32GC725/gFb8="),
    ],
)
def test_matches_known_answer_vectors(username: str, expected: str) -> None:
    assert compute_secret_hash(username, CLIENT_ID, SECRET) == expected


def test_is_accepted_by_the_emulators_independent_check() -> None:
    # Given the emulator's own implementation of Cognito's check
    hashed = compute_secret_hash("bob@example.com", CLIENT_ID, SECRET)

    # Then it accepts our hash for the same username and rejects it for another
    assert secret_hash_matches(SECRET, CLIENT_ID, "bob@example.com", hashed)
    assert not secret_hash_matches(SECRET, CLIENT_ID, "bob2@example.com", hashed)


def test_hashes_unicode_usernames_over_utf8_bytes() -> None:
    # Vectors from openssl: `printf 'zoë@exämple.com1example23456789' | openssl dgst -sha256 -hmac <secret> -binary
    # | base64`, over the UTF-8 bytes, and over the same text converted to Latin-1 (what moto wrongly hashes).
    utf8, latin1 = "lfjxJld6d81Avrqj+F8ArmbfNtd3HWgMf2PR7+ksOlI=", "rlSQjMs2ZIUU7u5Bdwtoax+fMpkdTVc9k2MZ0MUj53o="

    hashed = compute_secret_hash("zoë@exämple.com", CLIENT_ID, SECRET)

    assert hashed == utf8 != latin1
    assert secret_hash_matches(SECRET, CLIENT_ID, "zoë@exämple.com", hashed)


@pytest.mark.parametrize("given", ["\u00e9" * 44, "Ip32lPJd3JBWiGjMyzjLQELmvWpM7LYqtEMwts3bjv\u2013=", "\U0001f600"])
def test_the_emulators_check_refuses_a_non_ascii_hash_without_raising(given: str) -> None:
    # hmac.compare_digest raises TypeError for a non-ASCII str (a 500 from the emulator): it must be a mismatch.
    assert not secret_hash_matches(SECRET, CLIENT_ID, "alice", given)
