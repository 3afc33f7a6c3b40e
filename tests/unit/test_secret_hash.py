"""SECRET_HASH against known-answer vectors computed outside this code (Python hmac, cross-checked with openssl)."""

import pytest
from moto.cognitoidp.utils import check_secret_hash

from resend_code.secret_hash import compute_secret_hash

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
    # Given moto's own implementation of Cognito's check
    hashed = compute_secret_hash("bob@example.com", CLIENT_ID, SECRET)

    # Then it accepts our hash for the same username and rejects it for another
    assert check_secret_hash(SECRET, CLIENT_ID, "bob@example.com", hashed)
    assert not check_secret_hash(SECRET, CLIENT_ID, "bob2@example.com", hashed)


def test_hashes_unicode_usernames_as_utf8() -> None:
    # Cognito usernames may hold any letter; the hash is over UTF-8 bytes, so it differs from a Latin-1 hash.
    assert compute_secret_hash("zoë", CLIENT_ID, SECRET) != compute_secret_hash("zoe", CLIENT_ID, SECRET)
    assert len(compute_secret_hash("zoë", CLIENT_ID, SECRET)) == 44
