"""The request model: Cognito's limits, strict types, and no room for what the server supplies."""

from typing import Any

import pytest
from annotated_types import MaxLen
from pydantic import ValidationError

from code_screens.operations import models as request_model
from code_screens.operations.confirm_sign_up import ConfirmSignUpRequest
from code_screens.operations.models import CLIENT_METADATA_MAX_ENTRIES, USERNAME_RULE, portable_json_schema
from code_screens.operations.resend_confirmation_code import ResendConfirmationCodeRequest


def errors_of(document: Any) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as raised:
        ResendConfirmationCodeRequest.model_validate(document)
    return raised.value.errors()


def test_accepts_the_full_sdk_shape_in_camel_case() -> None:
    request = ResendConfirmationCodeRequest.model_validate(
        {
            "username": "alice@example.com",
            "clientId": "abc123",
            "clientMetadata": {"locale": "fr"},
            "analyticsMetadata": {"analyticsEndpointId": "endpoint-1"},
            "userContextData": {"encodedData": "e30="},
        }
    )

    assert request.username == "alice@example.com"
    assert request.client_id == "abc123"
    assert request.client_metadata == {"locale": "fr"}
    assert request.analytics_metadata is not None
    assert request.analytics_metadata.analytics_endpoint_id == "endpoint-1"
    assert request.user_context_data is not None
    assert request.user_context_data.encoded_data == "e30="


@pytest.mark.parametrize("username", ["a", "x" * 128, "zoë+tag@exämple.com", "+14255550100", "用户"])
def test_accepts_usernames_within_cognitos_limits(username: str) -> None:
    assert ResendConfirmationCodeRequest.model_validate({"username": username}).username == username


@pytest.mark.parametrize("typed", [" alice@example.com", "alice@example.com\n", "\talice@example.com\u00a0"])
def test_whitespace_around_a_username_is_removed(typed: str) -> None:
    # No username holds whitespace: a pasted address with its newline means that address, on both routes (and so
    # one limiter key and one SECRET_HASH over what Cognito receives).
    assert ResendConfirmationCodeRequest.model_validate({"username": typed}).username == "alice@example.com"
    confirm = ConfirmSignUpRequest.model_validate({"username": typed, "confirmationCode": "123456"})
    assert confirm.username == "alice@example.com"


@pytest.mark.parametrize(
    ("username", "error_type"),
    [
        ("", "string_too_short"),
        ("x" * 129, "string_too_long"),
        ("two words", "string_pattern_mismatch"),
        ("tab\tinside", "string_pattern_mismatch"),
        ("line\nbreak", "string_pattern_mismatch"),
        ("bell\x07", "string_pattern_mismatch"),
        ("zero\u200bwidth", "string_pattern_mismatch"),
        ("\ud800", "string_unicode"),
        (123, "string_type"),
        (None, "string_type"),
        (["a"], "string_type"),
    ],
)
def test_rejects_usernames_cognito_would_reject(username: Any, error_type: str) -> None:
    errors = errors_of({"username": username})

    assert [(e["type"], e["loc"]) for e in errors] == [(error_type, ("username",))]


def test_requires_a_username() -> None:
    assert [e["type"] for e in errors_of({})] == ["missing"]


@pytest.mark.parametrize("document", [[], "alice", 1, None])
def test_rejects_a_body_that_is_not_an_object(document: Any) -> None:
    assert errors_of(document)[0]["type"] == "model_type"


def test_rejects_unknown_fields_and_snake_case_names() -> None:
    errors = errors_of({"username": "a", "client_id": "x", "extra": 1})

    assert sorted(e["loc"][0] for e in errors) == ["client_id", "extra"]
    assert {e["type"] for e in errors} == {"extra_forbidden"}


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"username": "a", "secretHash": "x"}, "secretHash"),
        ({"username": "a", "SecretHash": "x"}, "SecretHash"),
        ({"username": "a", "clientSecret": "x"}, "clientSecret"),
        ({"username": "a", "ipAddress": "1.2.3.4"}, "ipAddress"),
        ({"username": "a", "userContextData": {"ipAddress": "1.2.3.4"}}, "ipAddress"),
        ({"username": "a", "userContextData": {"IpAddress": "1.2.3.4"}}, "IpAddress"),
        # At any level: clientMetadata keys reach the trigger, which must not read them as the server's.
        ({"username": "a", "clientMetadata": {"secretHash": "x"}}, "secretHash"),
        ({"username": "a", "clientMetadata": {"locale": "fr", "SOURCE_IP": "1.2.3.4"}}, "SOURCE_IP"),
        ({"username": "a", "clientMetadata": {"client-secret": "x"}}, "client-secret"),
        ({"username": "a", "secret_hash": "x"}, "secret_hash"),
    ],
)
def test_names_fields_only_the_server_may_supply(document: dict[str, Any], field: str) -> None:
    errors = errors_of(document)

    assert errors[0]["type"] == "server_supplied_field"
    assert errors[0]["ctx"] == {"field": field}
    assert errors[0]["msg"] == f"{field} is supplied by the server; remove it from the request"


def test_bounds_client_metadata() -> None:
    too_many = {f"k{i}": "v" for i in range(CLIENT_METADATA_MAX_ENTRIES + 1)}

    assert errors_of({"username": "a", "clientMetadata": too_many})[0]["type"] == "too_long"
    assert errors_of({"username": "a", "clientMetadata": {"k": "v" * 257}})[0]["type"] == "string_too_long"
    assert errors_of({"username": "a", "clientMetadata": {"k" * 65: "v"}})[0]["type"] == "string_too_long"
    assert errors_of({"username": "a", "clientMetadata": {"k": 1}})[0]["type"] == "string_type"


def test_treats_null_optional_fields_as_absent() -> None:
    # Mobile JSON encoders often write null for an unset optional; that is not an error.
    request = ResendConfirmationCodeRequest.model_validate(
        {"username": "a", "clientId": None, "clientMetadata": None, "userContextData": None}
    )

    assert request.client_id is None and request.client_metadata is None and request.user_context_data is None


def test_json_schema_forbids_extra_fields_at_every_level() -> None:
    schema = ResendConfirmationCodeRequest.model_json_schema(by_alias=True)

    assert schema["additionalProperties"] is False
    assert schema["required"] == ["username"]
    assert all(definition["additionalProperties"] is False for definition in schema["$defs"].values())
    assert set(schema["properties"]) == {
        "username",
        "clientId",
        "clientMetadata",
        "analyticsMetadata",
        "userContextData",
    }


# What people type: a phone keyboard's trailing space, a pasted tab or line break, the spaces of other scripts.
SURROUNDING_WHITESPACE = [
    " ",
    "\t",
    "\n",
    "\r\n",
    "\u00a0",  # no-break space
    "\u2009",  # thin space
    "\u3000",  # ideographic space
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\u0085",  # next line
    "\u000b\u000c",  # vertical tab, form feed
]


@pytest.mark.parametrize("space", SURROUNDING_WHITESPACE)
def test_whitespace_around_the_username_is_removed(space: str) -> None:
    for typed in (f"alice@example.com{space}", f"{space}alice@example.com", f"{space}alice@example.com{space}{space}"):
        assert ResendConfirmationCodeRequest.model_validate({"username": typed}).username == "alice@example.com"


@pytest.mark.parametrize("username", ["Alice@Example.com", "zoe\u0301@example.com", "zo\u00eb@example.com"])
def test_case_and_unicode_normalization_are_left_as_typed(username: str) -> None:
    assert ResendConfirmationCodeRequest.model_validate({"username": f" {username}\t"}).username == username


@pytest.mark.parametrize(
    ("username", "error_type"),
    [
        (" \t\u3000", "string_too_short"),  # only whitespace is still no username
        ("two words ", "string_pattern_mismatch"),  # whitespace inside is still refused
        (" zero\u200bwidth", "string_pattern_mismatch"),  # zero-width characters are not whitespace
        ("\u200bleading", "string_pattern_mismatch"),
        ("x" * 129 + " ", "string_too_long"),
    ],
)
def test_stripping_does_not_make_a_bad_username_good(username: str, error_type: str) -> None:
    assert [e["type"] for e in errors_of({"username": username})] == [error_type]


def test_the_portable_schema_moves_the_username_pattern_into_words() -> None:
    schema = portable_json_schema(ref_template="#/components/schemas/{model}", model=ResendConfirmationCodeRequest)
    original = ResendConfirmationCodeRequest.model_json_schema(
        by_alias=True, ref_template="#/components/schemas/{model}"
    )

    username = schema["properties"]["username"]
    assert "pattern" not in username
    assert username["description"] == f"{original['properties']['username']['description']} {USERNAME_RULE}"
    # Everything else is the model's own schema, untouched.
    del original["properties"]["username"]["pattern"], original["properties"]["username"]["description"]
    del username["description"]
    assert schema == original
    assert schema["properties"]["userContextData"]["anyOf"][0]["$ref"].startswith("#/components/schemas/")


@pytest.mark.parametrize(
    ("model", "trigger"),
    [(ResendConfirmationCodeRequest, "custom message"), (ConfirmSignUpRequest, "post confirmation")],
)
def test_client_metadata_field_whole(model: type[Any], trigger: str) -> None:
    """clientMetadata's field, built when the model is defined, whole: optional (default None), at most
    CLIENT_METADATA_MAX_ENTRIES entries, and the warning its description gives every API Gateway model and the
    OpenAPI document. The field is built at import, where mutation testing cannot change it, so the builder is
    called here at run time and compared with what the model holds."""
    built = request_model.client_metadata_field(trigger)
    held = model.model_fields["client_metadata"]

    for field in (built, held):
        assert (field.default, field.is_required(), field.metadata, field.description) == (
            None,
            False,
            [MaxLen(CLIENT_METADATA_MAX_ENTRIES)],
            f"Passed to the user pool's {trigger} trigger only; Cognito neither stores nor encrypts it, so it must "
            "not carry sensitive data.",
        )


@pytest.mark.parametrize(
    "key",
    [
        "\u017fecretHash",  # a long s: "S" upper-cased, "s" case folded
        "\uff53\uff45\uff43\uff52\uff45\uff54\uff28\uff41\uff53\uff48",  # full-width letters
        "\u0131pAddress",  # a dotless i: "I" upper-cased
        "CLIENT\u2010SECRET",  # a hyphen of another script is a separator too
    ],
)
def test_server_supplied_names_are_refused_in_every_spelling_a_trigger_could_read(key: str) -> None:
    # A trigger that normalizes or upper-cases clientMetadata keys would read these as the server's own fields.
    for document in ({"username": "a", key: "x"}, {"username": "a", "clientMetadata": {key: "x"}}):
        assert errors_of(document)[0]["type"] == "server_supplied_field"
