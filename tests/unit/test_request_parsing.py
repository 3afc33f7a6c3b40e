"""From raw body to request: every malformed input becomes a Problem with the right code, never an exception."""

import base64
from typing import Any

import pytest

from code_screens import pipeline
from code_screens.operations.models import MAX_BODY_BYTES
from code_screens.operations.resend_confirmation_code import ResendConfirmationCodeRequest
from code_screens.pipeline import check_client_metadata_keys, parse_json, raw_body
from code_screens.problems import Problem

JSON = "application/json"


def parse_request(body: bytes, content_type: str | None) -> Any:
    """The pipeline's parsing of a resend request."""
    return pipeline.parse_request(body, content_type, ResendConfirmationCodeRequest)


def validate_request(document: Any) -> Any:
    """The pipeline's validation of a parsed resend request."""
    return pipeline.validate_request(document, ResendConfirmationCodeRequest)


def code_of(body: bytes, content_type: str | None = JSON) -> str:
    with pytest.raises(Problem) as raised:
        parse_request(body, content_type)
    return raised.value.problem_type.code


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "Application/JSON",
        "application/json; charset=utf-8",
        'application/json;charset="UTF-8"',
        "application/json; charset=utf8",
        "application/json; charset=UTF8",
        "application/json; foo=bar",
    ],
)
def test_accepts_json_content_types(content_type: str) -> None:
    assert parse_request(b'{"username":"a"}', content_type).username == "a"


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "",
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin-1",
        "application/json;foo=bar;charset=latin-1",  # every parameter is read, not only the first
        "application/json; charset=utf=8",  # the name is what comes before the first "="
        "application/json; charset=Xutf-8",  # only quotes are stripped from the value
    ],
)
def test_rejects_other_content_types(content_type: str | None) -> None:
    assert code_of(b'{"username":"a"}', content_type) == "unsupported_media_type"


def test_the_charset_and_size_refusals_say_why() -> None:
    with pytest.raises(Problem) as charset:
        parse_request(b'{"username":"a"}', "application/json; charset=latin-1")
    with pytest.raises(Problem) as size:
        parse_request(b" " * (MAX_BODY_BYTES + 1), JSON)

    assert charset.value.detail == "Only the UTF-8 charset is accepted for application/json."
    assert size.value.detail == f"The body is larger than {MAX_BODY_BYTES} bytes."


def test_size_limit_is_inclusive() -> None:
    padding = MAX_BODY_BYTES - len(b'{"username":"a"}')
    at_limit = b'{"username":"a"}' + b" " * padding

    assert parse_request(at_limit, JSON).username == "a"
    assert code_of(at_limit + b" ") == "payload_too_large"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b'{"username":"a",}',
        b"\xff\xfe{}",
        b'{"username":"a","username":"b"}',
        b'{"username":"a","n":NaN}',
        b'{"username":"a","n":Infinity}',
        b'{"username":"a","n":' + b"9" * 5000 + b"}",
        b"[" * 3000 + b"]" * 3000,
    ],
    ids=["empty", "truncated", "trailing-comma", "not-utf8", "duplicate-key", "nan", "infinity", "huge-int", "deep"],
)
def test_rejects_malformed_json(body: bytes) -> None:
    assert code_of(body) == "invalid_json"


def test_rejects_lone_surrogates_in_the_raw_text() -> None:
    # A body that arrived as text holding a lone surrogate cannot be valid UTF-8.
    assert code_of(raw_body('{"username":"\ud800"}', False)) == "invalid_json"


def test_reports_schema_violations_by_field_without_echoing_input() -> None:
    with pytest.raises(Problem) as raised:
        parse_request(b'{"username":"has space","clientMetadata":{"k":1}}', JSON)

    problem = raised.value
    assert problem.problem_type.code == "invalid_request"
    assert [error.field for error in problem.errors] == ["username", "clientMetadata.k"]
    assert all("has space" not in error.message for error in problem.errors)


def test_server_supplied_field_wins_over_other_errors() -> None:
    with pytest.raises(Problem) as raised:
        parse_request(b'{"username":"a","secretHash":"x"}', JSON)

    assert raised.value.problem_type.code == "server_supplied_field"
    assert [error.field for error in raised.value.errors] == ["secretHash"]


def test_raw_body_decodes_base64_and_rejects_bad_base64() -> None:
    assert raw_body(base64.b64encode(b"\xff").decode(), True) == b"\xff"
    with pytest.raises(Problem):
        raw_body("not base64!", True)
    assert raw_body(None, False) == b""


def test_parse_json_accepts_unicode_escapes() -> None:
    assert parse_json(b'{"username":"zo\\u00eb"}') == {"username": "zoë"}


def test_a_body_that_is_not_an_object_is_reported_at_the_body() -> None:
    with pytest.raises(Problem) as raised:
        parse_request(b"[]", JSON)

    assert [(e.field, e.code) for e in raised.value.errors] == [("(body)", "model_type")]


def test_base64_bodies_are_decoded_strictly() -> None:
    # A lenient decoder would drop the "!" and read b"a": junk around base64 is not a body.
    with pytest.raises(Problem) as raised:
        raw_body("YQ==!", True)

    assert raised.value.problem_type.code == "invalid_json"


@pytest.mark.parametrize(
    ("metadata", "refused"),
    [
        ({"locale": "fr"}, []),
        ({"locale": "fr", "campaign": "x"}, ["clientMetadata.campaign"]),
        ({"Locale": "fr", "zz": "y"}, ["clientMetadata.Locale", "clientMetadata.zz"]),
    ],
)
def test_the_client_metadata_allow_list(metadata: dict[str, str], refused: list[str]) -> None:
    request = validate_request({"username": "a", "clientMetadata": metadata})

    if not refused:
        check_client_metadata_keys(request, frozenset({"locale"}))
        return
    with pytest.raises(Problem) as raised:
        check_client_metadata_keys(request, frozenset({"locale"}))
    assert raised.value.problem_type.code == "invalid_request"
    assert [e.field for e in raised.value.errors] == refused
    assert {e.code for e in raised.value.errors} == {"client_metadata_key_not_allowed"}


def test_no_allow_list_accepts_any_key() -> None:
    check_client_metadata_keys(validate_request({"username": "a", "clientMetadata": {"any": "x"}}), None)
