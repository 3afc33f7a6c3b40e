"""What every operation's models are built from: the request fields Cognito's code-screen operations share, their
rules, the Cognito parameters built from them, and the base of the answers' bodies.

Each operation's model (operations/<operation>.py) mirrors the SDKs' request minus what the server supplies: the
secret hash (computed from the secret), the client secret (never leaves Secrets Manager) and the caller's IP
address (taken from API Gateway's request context, never from the body). The models are the single source of
truth for the function's validation, the API Gateway models and OpenAPI.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from code_screens.secret_hash import AppClientCredentials, compute_secret_hash

# 8 KiB is far above a real request (a username, a little metadata and Cognito's encoded context data, a few KB)
# and small enough that the WAF body-size rule and the Lambda agree on one number.
MAX_BODY_BYTES = 8 * 1024

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
    """True when name is, up to case, compatibility forms and separators, one of SERVER_SUPPLIED_FIELDS.

    Compared as a trigger that normalizes keys could read them: NFKC, then case folded or upper-cased, so a long
    s, a dotless i and full-width letters spell the field as well as ASCII does."""
    compatible = unicodedata.normalize("NFKC", name)
    spellings = (compatible.casefold(), compatible.upper().lower())
    return any(
        re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKC", spelling)) in SERVER_SUPPLIED_FIELDS
        for spelling in spellings
    )


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

# ConfirmSignUp's ConfirmationCode (botocore service model): 1-2048 characters of `[\S]+`; Cognito sends six ASCII
# digits. What a person types or pastes around them is unambiguous and dropped before the check, on the server as in
# every client (docs/clients.md): whitespace ("123 456"), dashes of every kind (category Pd: "123-456", an en dash)
# and invisible format characters (category Cf: a zero-width space or a direction mark a paste brings). Digits of
# other scripts become ASCII: a phone keyboard set to Arabic or Persian, or a Japanese or Chinese input method,
# types Arabic-Indic or full-width digits into a numeric field, and Cognito, which compares the ASCII code it sent,
# would refuse the right code as a wrong one. Whatever remains must be the six digits: anything else is refused
# with a 400 before Cognito, spending no attempt. The length bounds stay Cognito's, for what a gateway checks on
# the value as typed.
CONFIRMATION_CODE_PATTERN = r"^[0-9]{6}$"
CONFIRMATION_CODE_MAX_LENGTH = 2048
_DROPPED_FROM_CODES = frozenset({"Pd", "Cf"})


def _is_white_space(char: str) -> bool:
    # Unicode's White_Space, as every client reads it: str.isspace() less the four information separators
    # (U+001C-U+001F), which Python counts as whitespace and Unicode does not.
    return char.isspace() and not "\x1c" <= char <= "\x1f"


def code_as_sent(value: Any) -> Any:
    """The code as Cognito sent it: whitespace, dashes (Pd) and format characters (Cf) dropped, every Unicode
    decimal digit (Nd) as ASCII, anything else kept for the pattern to refuse; a non-string is returned as it is."""
    if not isinstance(value, str):
        return value
    return "".join(
        str(unicodedata.decimal(char)) if char.isdecimal() else char
        for char in value
        if not _is_white_space(char) and unicodedata.category(char) not in _DROPPED_FROM_CODES
    )


# The validator wraps the constrained string, so it runs first and the constraints check what Cognito will get.
ConfirmationCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=CONFIRMATION_CODE_MAX_LENGTH, pattern=CONFIRMATION_CODE_PATTERN),
    BeforeValidator(code_as_sent),
]


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

    # On every model that has clientMetadata (every operation's request); check_fields=False lets the parts without it
    # share this base.
    @field_validator("client_metadata", mode="before", check_fields=False)
    @classmethod
    def _no_server_supplied_metadata(cls, value: Any) -> Any:
        # The trigger would read a "secretHash" key as if the server had put it there: refuse it as at the top.
        return _reject_server_supplied_fields(value)


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


class UserRequest(_RequestPart):
    """What every operation's request holds: the user, the app client and Cognito's optional context."""

    username: Username = Field(
        description="The identifier the user signed up with; docs/api.md says which one works for which pool set-up "
        "(an e-mail alias is not resolved before the user is confirmed).",
        examples=["someone@example.com"],
    )
    client_id: ClientId | None = Field(
        default=None,
        description="One of the app clients the server is configured for; the server's default when absent.",
    )
    analytics_metadata: AnalyticsMetadata | None = None
    user_context_data: UserContextData | None = None


def client_metadata_field(trigger: str) -> Any:
    """The clientMetadata field of a request whose metadata reaches the pool's `trigger` trigger."""
    return Field(
        default=None,
        max_length=CLIENT_METADATA_MAX_ENTRIES,
        description=f"Passed to the user pool's {trigger} trigger only; Cognito neither stores nor "
        "encrypts it, so it must not carry sensitive data.",
    )


USERNAME_RULE = (
    "Whitespace around it (any Unicode space or line break) is removed first; what remains must be "
    "1-128 characters, each a letter, mark, symbol, number or punctuation (Unicode categories L, M, S, N, P): "
    "no whitespace, control or zero-width characters."
)


CONFIRMATION_CODE_RULE = (
    "Six digits once whitespace, dashes and invisible format characters are removed and other scripts' digits "
    "made ASCII; anything else is refused with 400 before Cognito."
)


def portable_json_schema(ref_template: str, model: type[BaseModel]) -> dict[str, Any]:
    """A request model's JSON Schema for tools whose regex dialect has no Unicode property classes.

    API Gateway's validator, OpenAPI validators and Schemathesis compile `pattern` with engines that lack
    `\\p{L}`; for them the username pattern becomes words in its description. The Lambda still checks it.
    The confirmation code's pattern goes too: the Lambda removes whitespace before checking it, so a gateway
    checking the raw value would refuse a pasted " 123456".
    """
    schema = model.model_json_schema(by_alias=True, ref_template=ref_template)
    properties = schema["properties"]
    properties["username"].pop("pattern")
    properties["username"]["description"] = f"{properties['username']['description']} {USERNAME_RULE}"
    if "confirmationCode" in properties:
        code = properties["confirmationCode"]
        code.pop("pattern")
        code["description"] = f"{code['description']} {CONFIRMATION_CODE_RULE}"
    return schema


class ResponsePart(BaseModel):
    """The base of every answer's JSON body: camelCase fields, frozen."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


def cognito_parameters(request: Any, credentials: AppClientCredentials, caller_ip: str | None) -> dict[str, Any]:
    """The parameters every operation takes: the caller's fields plus what only the server may supply (ClientId,
    SecretHash over the exact Username sent, UserContextData.IpAddress). `request` is a UserRequest with a
    `client_metadata` field."""
    params: dict[str, Any] = {
        "ClientId": credentials.client_id,
        "Username": request.username,
        "SecretHash": compute_secret_hash(request.username, credentials.client_id, credentials.client_secret),
    }
    if request.client_metadata:
        params["ClientMetadata"] = dict(request.client_metadata)
    if request.analytics_metadata and request.analytics_metadata.analytics_endpoint_id:
        params["AnalyticsMetadata"] = {"AnalyticsEndpointId": request.analytics_metadata.analytics_endpoint_id}
    user_context: dict[str, str] = {}
    if caller_ip:
        user_context["IpAddress"] = caller_ip
    if request.user_context_data and request.user_context_data.encoded_data:
        user_context["EncodedData"] = request.user_context_data.encoded_data
    if user_context:
        params["UserContextData"] = user_context
    return params
