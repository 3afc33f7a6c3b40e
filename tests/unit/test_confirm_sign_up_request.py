"""ConfirmSignUpRequest: Cognito's limits for the code, the same username and server-supplied rules as resend,
and a schema the gateway and OpenAPI can use."""

from typing import Any

import botocore.session
import pytest

from code_screens.operations.confirm_sign_up import REQUEST_SCHEMA, ConfirmSignUpRequest
from code_screens.operations.models import CONFIRMATION_CODE_RULE, USERNAME_RULE, code_as_sent, portable_json_schema
from code_screens.operations.resend_confirmation_code import REQUEST_SCHEMA as RESEND_SCHEMA
from tests import request_errors
from tests.corpus.typed_codes import TYPED_CODES

SHAPE = botocore.session.get_session().get_service_model("cognito-idp").operation_model("ConfirmSignUp").input_shape


def errors_of(document: Any) -> list[dict[str, Any]]:
    return request_errors.errors_of(ConfirmSignUpRequest, document)


def model_validate(document: Any) -> ConfirmSignUpRequest:
    request: ConfirmSignUpRequest = request_errors.validated(ConfirmSignUpRequest, document)
    return request


def test_accepts_the_sdk_shape_in_camel_case() -> None:
    request = model_validate(
        {
            "username": "alice@example.com",
            "confirmationCode": "123456",
            "clientId": "abc123",
            "clientMetadata": {"locale": "fr"},
            "analyticsMetadata": {"analyticsEndpointId": "endpoint-1"},
            "userContextData": {"encodedData": "e30="},
            "forceAliasCreation": True,
        }
    )

    assert (request.username, request.confirmation_code, request.force_alias_creation) == (
        "alice@example.com",
        "123456",
        True,
    )


def test_mirrors_every_sdk_field_but_what_the_server_supplies_or_the_passwordless_session() -> None:
    # SecretHash and ClientId's secret come from the server; Session (passwordless sign-in after sign-up) is not
    # offered by this endpoint (docs/api.md).
    sdk = {name[:1].lower() + name[1:] for name in SHAPE.members} - {"secretHash", "session"}
    schema = REQUEST_SCHEMA

    assert set(schema["properties"]) == sdk
    assert schema["required"] == ["username", "confirmationCode"]
    assert schema["additionalProperties"] is False


def test_the_code_length_bounds_are_botocores_and_what_remains_must_be_six_digits() -> None:
    code = SHAPE.members["ConfirmationCode"].metadata

    assert (code["min"], code["max"], code["pattern"]) == (1, 2048, "[\\S]+")
    assert errors_of({"username": "a", "confirmationCode": "1" * 2049})[0]["type"] == "string_too_long"
    for refused in ("1" * 2048, "12345", "1234567", "abcdef", "12345x"):
        assert errors_of({"username": "a", "confirmationCode": refused})[0]["type"] == "string_pattern_mismatch"


@pytest.mark.parametrize(("typed", "sent"), TYPED_CODES)
def test_every_client_s_rule_for_typed_codes_is_the_server_s(typed: str, sent: str) -> None:
    """The table every client is checked against (tests/corpus/typed_codes.py): what the client sends is what the
    server makes of the code as typed; what is not six digits then is refused, before Cognito."""
    if len(sent) == 6 and sent.isascii() and sent.isdigit():
        request = model_validate({"username": "a", "confirmationCode": typed})
        assert request.confirmation_code == sent
    else:
        refused = errors_of({"username": "a", "confirmationCode": typed})[0]["type"]
        assert refused == ("string_too_short" if sent == "" else "string_pattern_mismatch")
    assert code_as_sent(typed) == sent


@pytest.mark.parametrize(
    ("typed", "sent"), [("123456", "123456"), (" 123456 ", "123456"), ("123 456", "123456"), ("12\t34\n56", "123456")]
)
def test_whitespace_no_code_can_contain_is_removed(typed: str, sent: str) -> None:
    request = model_validate({"username": "a", "confirmationCode": typed})

    assert request.confirmation_code == sent


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("\uff11\uff12\uff13\uff14\uff15\uff16", "123456"),  # full-width, from a Japanese or Chinese input method
        ("\u0661\u0662\u0663\u0664\u0665\u0666", "123456"),  # Arabic-Indic, from an Arabic phone keyboard
        ("\u06f1\u06f2\u06f3 \u06f4\u06f5\u06f6", "123456"),  # Persian, with a space
        ("\u0967\u0968\u0969456", "123456"),  # Devanagari and ASCII mixed
    ],
)
def test_digits_of_any_script_are_the_ascii_digits_cognito_sent(typed: str, sent: str) -> None:
    # A numeric field on a phone set to another script types the right code in that script's digits.
    request = model_validate({"username": "a", "confirmationCode": typed})

    assert request.confirmation_code == sent


@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        ("", "string_too_short"),
        ("  ", "string_too_short"),
        ("123\u2212456", "string_pattern_mismatch"),  # a minus sign is no dash: refused before Cognito
        ("12\u00b3456", "string_pattern_mismatch"),  # a superscript is not a decimal digit
        ("123\x1c456", "string_pattern_mismatch"),  # an information separator: Python's whitespace, not Unicode's
        (123456, "string_type"),
        (None, "string_type"),
    ],
)
def test_rejects_codes_cognito_would_reject(code: Any, error_type: str) -> None:
    assert [e["type"] for e in errors_of({"username": "a", "confirmationCode": code})] == [error_type]


@pytest.mark.parametrize("field", ["secretHash", "SECRETHASH", "clientSecret", "ipAddress", "sourceIp"])
def test_names_fields_only_the_server_may_supply(field: str) -> None:
    errors = errors_of({"username": "a", "confirmationCode": "1", field: "x"})

    assert errors[0]["type"] == "server_supplied_field"


def test_the_username_rule_is_the_same_as_resends() -> None:
    assert REQUEST_SCHEMA["properties"]["username"] == RESEND_SCHEMA["properties"]["username"]


def test_the_portable_schema_drops_the_rules_the_lambda_applies_itself() -> None:
    schema = portable_json_schema(REQUEST_SCHEMA)

    assert "pattern" not in schema["properties"]["username"]
    assert "pattern" not in schema["properties"]["confirmationCode"]
    assert "x-check" not in schema["properties"]["confirmationCode"]
    assert schema["properties"]["confirmationCode"]["maxLength"] == 2048
    assert "whitespace" in schema["properties"]["confirmationCode"]["description"]


def test_the_portable_schema_keeps_its_references_in_defs_unless_told_otherwise() -> None:
    portable = portable_json_schema(REQUEST_SCHEMA)
    elsewhere = portable_json_schema(REQUEST_SCHEMA, ref_template="#/definitions/{model}")

    assert portable["properties"]["analyticsMetadata"]["anyOf"][0] == {"$ref": "#/$defs/AnalyticsMetadata"}
    assert elsewhere["properties"]["analyticsMetadata"]["anyOf"][0] == {"$ref": "#/definitions/AnalyticsMetadata"}
    assert portable["$defs"] == elsewhere["$defs"]


def test_the_portable_schema_says_in_words_what_the_rules_check() -> None:
    full = REQUEST_SCHEMA["properties"]
    portable = portable_json_schema(REQUEST_SCHEMA)["properties"]

    assert portable["username"]["description"].endswith(USERNAME_RULE)
    assert portable["confirmationCode"] == {k: v for k, v in full["confirmationCode"].items() if not k.startswith("x-")}
    assert portable["confirmationCode"]["description"].endswith(CONFIRMATION_CODE_RULE)


@pytest.mark.parametrize("separator", ["\x1c", "\x1d", "\x1e", "\x1f"])
def test_an_information_separator_is_kept_in_a_code_with_non_ascii_digits_too(separator: str) -> None:
    # Python's whitespace, not Unicode's: kept (for the six-digit check to refuse) on the path that is not ASCII's,
    # while the spaces around it go.
    assert code_as_sent(f" \u0661\u0662{separator}3456\u3000") == f"12{separator}3456"


def test_the_ascii_shortcut_of_code_as_sent_is_the_rule_itself() -> None:
    # code_as_sent takes a C-speed path for ASCII input; every ASCII character must come out as the rule says.
    import unicodedata

    for char in map(chr, range(128)):
        typed = f"1{char}2"
        # Unicode's White_Space: Python's isspace() less the information separators U+001C-U+001F.
        white_space = char.isspace() and not "\x1c" <= char <= "\x1f"
        kept = "" if white_space or unicodedata.category(char) in ("Pd", "Cf") else char
        assert code_as_sent(typed) == f"1{kept}2", repr(char)
