"""The request body: the single source of truth for the Lambda's validation, the API Gateway model and OpenAPI.

It mirrors the SDKs' ResendConfirmationCodeRequest minus what the server supplies: the secret hash (computed
here), the client secret (never leaves Secrets Manager) and the caller's IP address (taken from API Gateway's
request context, never from the body).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from resend_code.route import MAX_BODY_BYTES

# Cognito's own limits for Username (botocore service model): 1-128 characters that are letters, marks,
# symbols, numbers or punctuation, so no whitespace, control or zero-width characters. pydantic checks
# patterns with Rust's regex engine, which knows these Unicode classes (Python's `re` does not).
USERNAME_PATTERN = r"^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$"
CLIENT_ID_PATTERN = r"^[\w+]+$"

# ClientMetadata has no count limit in Cognito's model; it only reaches the pool's Lambda triggers. These
# bounds keep a caller from stuffing the trigger's event, and are documented in docs/api.md.
CLIENT_METADATA_MAX_ENTRIES = 10
CLIENT_METADATA_KEY_MAX_LENGTH = 64
CLIENT_METADATA_VALUE_MAX_LENGTH = 256

# Names a caller might send for values only the server may supply, compared case-insensitively and ignoring
# separators (secretHash, SECRET_HASH, secret-hash), at any level: object fields and clientMetadata keys alike.
SERVER_SUPPLIED_FIELDS = frozenset({"secrethash", "clientsecret", "ipaddress", "sourceip"})


def is_server_supplied(name: str) -> bool:
    """True when name is, up to case and separators, one of SERVER_SUPPLIED_FIELDS."""
    return re.sub(r"[^a-z0-9]", "", name.lower()) in SERVER_SUPPLIED_FIELDS


def strip_surrounding_whitespace(value: Any) -> Any:
    """Remove whitespace around a string: every Unicode space and line break (str.isspace), not only ASCII.

    A phone keyboard's autocomplete adds a trailing space, a paste brings a tab or a line break. Cognito's
    Username pattern admits no whitespace at all, so no valid username changes; case and Unicode normalization
    are left alone (a user may have signed up with either form). Anything else is returned as it is, for the
    strict type check to refuse.
    """
    return value.strip() if isinstance(value, str) else value


# The secret hash and the Cognito call both use the stripped value, since both read the validated model.
# The constraints come first so they stay on the string schema (pydantic's string_* error types); the
# BeforeValidator wraps that schema and so runs before it.
Username = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=USERNAME_PATTERN),
    BeforeValidator(strip_surrounding_whitespace),
]
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=CLIENT_ID_PATTERN)]
MetadataKey = Annotated[str, StringConstraints(min_length=1, max_length=CLIENT_METADATA_KEY_MAX_LENGTH)]
MetadataValue = Annotated[str, StringConstraints(max_length=CLIENT_METADATA_VALUE_MAX_LENGTH)]


def _reject_server_supplied_fields(data: Any) -> Any:
    """Name the field when a caller sends something the server supplies, instead of a bare 'extra field'."""
    if isinstance(data, dict):
        for key in data:
            if isinstance(key, str) and is_server_supplied(key):
                raise PydanticCustomError(
                    "server_supplied_field",
                    "{field} is supplied by the server; remove it from the request",
                    {"field": key},
                )
    return data


class _RequestPart(BaseModel):
    # strict: no silent coercion (123 is not a username); forbid: an unknown field is an error, not ignored.
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        alias_generator=to_camel,
    )

    @model_validator(mode="before")
    @classmethod
    def _server_supplied(cls, data: Any) -> Any:
        return _reject_server_supplied_fields(data)


class AnalyticsMetadata(_RequestPart):
    """Amazon Pinpoint analytics for the call."""

    analytics_endpoint_id: str | None = Field(
        default=None, min_length=1, max_length=256, description="The Amazon Pinpoint endpoint id."
    )


class UserContextData(_RequestPart):
    """Context data for Cognito's threat protection; the server adds the caller's IP address."""

    encoded_data: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_BODY_BYTES,
        description="The device fingerprint from Cognito's context-data library, passed through untouched.",
    )


class ResendConfirmationCodeRequest(_RequestPart):
    """Ask Cognito to send a new sign-up confirmation code to a user."""

    model_config = ConfigDict(title="ResendConfirmationCodeRequest")

    username: Username = Field(
        description="The username or alias (such as the e-mail address) the user signed up with.",
        examples=["someone@example.com"],
    )
    client_id: ClientId | None = Field(
        default=None,
        description="One of the app clients the server is configured for; the server's default when absent.",
    )
    client_metadata: dict[MetadataKey, MetadataValue] | None = Field(
        default=None,
        max_length=CLIENT_METADATA_MAX_ENTRIES,
        description="Passed to the user pool's custom message trigger only; Cognito neither stores nor "
        "encrypts it, so it must not carry sensitive data.",
    )
    analytics_metadata: AnalyticsMetadata | None = None
    user_context_data: UserContextData | None = None

    @field_validator("client_metadata", mode="before")
    @classmethod
    def _no_server_supplied_metadata(cls, value: Any) -> Any:
        # The trigger would read a "secretHash" key as if the server had put it there: refuse it as at the top.
        return _reject_server_supplied_fields(value)


USERNAME_RULE = (
    "Whitespace around it (any Unicode space or line break) is removed first; what remains must be "
    "1-128 characters, each a letter, mark, symbol, number or punctuation (Unicode categories L, M, S, N, P): "
    "no whitespace, control or zero-width characters."
)


def portable_json_schema(ref_template: str) -> dict[str, Any]:
    """The request's JSON Schema for tools whose regex dialect has no Unicode property classes.

    API Gateway's validator, OpenAPI validators and Schemathesis compile `pattern` with engines that lack
    `\\p{L}`; for them the username pattern becomes words in its description. The Lambda still checks it.
    """
    schema = ResendConfirmationCodeRequest.model_json_schema(by_alias=True, ref_template=ref_template)
    username = schema["properties"]["username"]
    username.pop("pattern")
    username["description"] = f"{username['description']} {USERNAME_RULE}"
    return schema
