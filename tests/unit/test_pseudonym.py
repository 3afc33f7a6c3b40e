"""The log pseudonym, compared whole: value, length, what it depends on and what it must not be."""

import base64

from code_screens.pseudonym import user_reference
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
