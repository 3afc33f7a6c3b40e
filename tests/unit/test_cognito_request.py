"""The parameters sent to Cognito's ResendConfirmationCode, compared whole: nothing dropped, nothing added."""

from typing import Any

import pytest

from code_screens import pipeline
from code_screens.app_secrets import AppClientCredentials
from code_screens.operations.resend_confirmation_code import ResendConfirmationCodeRequest
from code_screens.operations.resend_confirmation_code import parameters as build_cognito_request

CREDENTIALS = AppClientCredentials(client_id="1example23456789", client_secret="exampleclientsecret0123456789")
# Base64(HMAC-SHA256(secret, "alice@example.com" + client id)), from openssl (see test_secret_hash.py).
ALICE_HASH = "yYA/PVBNbSwNRrM3kLv28tJ24AsDWSS32GC725/gFb8="


def request(**fields: Any) -> ResendConfirmationCodeRequest:
    validated: ResendConfirmationCodeRequest = pipeline.validate_request(
        {"username": "alice@example.com", **fields}, ResendConfirmationCodeRequest
    )
    return validated


def test_every_field_the_caller_may_send_plus_the_hash_and_the_ip() -> None:
    sent = build_cognito_request(
        request(
            clientId="requestedclient",
            clientMetadata={"locale": "fr", "campaign": "spring"},
            analyticsMetadata={"analyticsEndpointId": "endpoint-1"},
            userContextData={"encodedData": "fingerprint"},
        ),
        CREDENTIALS,
        "198.51.100.23",
    )

    assert sent == {
        "ClientId": "1example23456789",  # the credentials' client: the one the hash is computed for
        "Username": "alice@example.com",
        "SecretHash": ALICE_HASH,
        "ClientMetadata": {"locale": "fr", "campaign": "spring"},
        "AnalyticsMetadata": {"AnalyticsEndpointId": "endpoint-1"},
        "UserContextData": {"IpAddress": "198.51.100.23", "EncodedData": "fingerprint"},
    }


def test_only_the_username_and_the_hash_when_nothing_else_is_known() -> None:
    assert build_cognito_request(request(), CREDENTIALS, None) == {
        "ClientId": "1example23456789",
        "Username": "alice@example.com",
        "SecretHash": ALICE_HASH,
    }


@pytest.mark.parametrize(
    ("fields", "caller_ip", "user_context"),
    [
        ({}, "198.51.100.23", {"IpAddress": "198.51.100.23"}),
        ({"userContextData": {"encodedData": "fingerprint"}}, None, {"EncodedData": "fingerprint"}),
        ({"userContextData": {}}, None, None),
    ],
)
def test_user_context_data_holds_what_is_known(
    fields: dict[str, Any], caller_ip: str | None, user_context: dict[str, str] | None
) -> None:
    sent = build_cognito_request(request(**fields), CREDENTIALS, caller_ip)

    assert sent.get("UserContextData") == user_context


@pytest.mark.parametrize(
    "fields",
    [{"clientMetadata": {}}, {"analyticsMetadata": {}}, {"clientMetadata": None, "analyticsMetadata": None}],
)
def test_empty_optional_parts_are_not_sent(fields: dict[str, Any]) -> None:
    assert set(build_cognito_request(request(**fields), CREDENTIALS, None)) == {"ClientId", "Username", "SecretHash"}
