"""What every operation's request and answer are built from: the request fields Cognito's code-screen operations
share, as JSON Schema, the rules JSON Schema cannot say (small named functions), the typed objects the code reads,
the Cognito parameters built from them, and how an answer's body is written as JSON.

Each operation's schema (operations/<operation>.py) mirrors the SDKs' request minus what the server supplies: the
secret hash (computed from the secret), the client secret (never leaves Secrets Manager) and the caller's IP
address (taken from API Gateway's request context, never from the body). The schemas are the single source of truth
for the function's validation (operations/generated/, made from them by `make validators`), the API Gateway models
(infra/api_schema.py) and OpenAPI (local/openapi.py). Nothing here imports pydantic: its import and model build
were a quarter of a cold start (docs/performance.md).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar, NamedTuple

from code_screens.secret_hash import AppClientCredentials, compute_secret_hash

# 8 KiB is far above a real request (a username, a little metadata and Cognito's encoded context data, a few KB)
# and small enough that the WAF body-size rule and the Lambda agree on one number.
MAX_BODY_BYTES = 8 * 1024

# Cognito's own limits for Username (botocore service model): 1-128 characters that are letters, marks,
# symbols, numbers or punctuation, so no whitespace, control or zero-width characters. Python's `re` (and so the
# generated validators) knows no Unicode classes: printable_username checks it, and this pattern is only the text
# the field error quotes, as it always has.
USERNAME_PATTERN = r"^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$"
USERNAME_MAX_LENGTH = 128
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
    s, a dotless i and full-width letters spell the field as well as ASCII does. Only ASCII letters and digits
    count, without loading a regex."""
    compatible = unicodedata.normalize("NFKC", name)
    spellings = (compatible.casefold(), compatible.upper().lower())
    return any(
        "".join(char for char in unicodedata.normalize("NFKC", spelling) if char in _ALNUM) in SERVER_SUPPLIED_FIELDS
        for spelling in spellings
    )


_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def strip_surrounding_whitespace(value: Any) -> Any:
    """Remove whitespace around a string: every Unicode space and line break (str.isspace), not only ASCII.

    A phone keyboard's autocomplete adds a trailing space, a paste brings a tab or a line break. Cognito's
    Username pattern admits no whitespace at all, so no valid username changes; case and Unicode normalization
    are left alone (a user may have signed up with either form). Anything else is returned as it is, for the
    type check to refuse.
    """
    return value.strip() if isinstance(value, str) else value


# Unicode general categories a username's characters may have: letters, marks, symbols, numbers, punctuation.
_PRINTABLE_CATEGORIES = frozenset("LMSNP")


def printable_username(value: str) -> bool:
    """True when every character is a letter, mark, symbol, number or punctuation (Cognito's Username pattern)."""
    # ASCII first: a typical address or phone number is all printable ASCII, and str methods are C loops.
    if value.isascii():
        return value.isprintable() and " " not in value
    category = unicodedata.category
    return all(category(char)[0] in _PRINTABLE_CATEGORIES for char in value)


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
_ASCII_DROPPED_FROM_CODES = str.maketrans("", "", "\t\n\x0b\x0c\r -")


def _is_white_space(char: str) -> bool:
    # Unicode's White_Space, as every client reads it: str.isspace() less the four information separators
    # (U+001C-U+001F), which Python counts as whitespace and Unicode does not.
    return char.isspace() and not "\x1c" <= char <= "\x1f"


def code_as_sent(value: Any) -> Any:
    """The code as Cognito sent it: whitespace, dashes (Pd) and format characters (Cf) dropped, every Unicode
    decimal digit (Nd) as ASCII, anything else kept for the six-digit check to refuse; a non-string is returned as
    it is."""
    if not isinstance(value, str):
        return value
    if value.isascii():
        # The common case, in C: ASCII's only dash is "-", it has no format characters, and its digits are ASCII;
        # its White_Space is tab, line feed, vertical tab, form feed, carriage return and space.
        return value.translate(_ASCII_DROPPED_FROM_CODES)
    return "".join(
        str(unicodedata.decimal(char)) if char.isdecimal() else char
        for char in value
        if not _is_white_space(char) and unicodedata.category(char) not in _DROPPED_FROM_CODES
    )


def six_ascii_digits(value: str) -> bool:
    """True when value is exactly six ASCII digits (CONFIRMATION_CODE_PATTERN)."""
    return len(value) == 6 and value.isascii() and value.isdigit()


# --- the schemas' shared parts, as the person reading them and the generator see them ---
# `x-normalize` and `x-check` name the rules JSON Schema cannot say (operations/validation.py applies them, in the
# pipeline's one place of validation); the gateway and OpenAPI forms drop them and say the rule in the description.

USERNAME_RULE = (
    "Whitespace around it (any Unicode space or line break) is removed first; what remains must be "
    "1-128 characters, each a letter, mark, symbol, number or punctuation (Unicode categories L, M, S, N, P): "
    "no whitespace, control or zero-width characters."
)
CONFIRMATION_CODE_RULE = (
    "Six digits once whitespace, dashes and invisible format characters are removed and other scripts' digits "
    "made ASCII; anything else is refused with 400 before Cognito."
)

USERNAME: dict[str, Any] = {
    "description": "The identifier the user signed up with; docs/api.md says which one works for which pool set-up "
    f"(an e-mail alias is not resolved before the user is confirmed). {USERNAME_RULE}",
    "examples": ["someone@example.com"],
    "maxLength": USERNAME_MAX_LENGTH,
    "minLength": 1,
    "type": "string",
    "x-normalize": "strip_surrounding_whitespace",
    "x-check": "printable_username",
}
CLIENT_ID: dict[str, Any] = {
    "anyOf": [{"maxLength": 128, "minLength": 1, "pattern": CLIENT_ID_PATTERN, "type": "string"}, {"type": "null"}],
    "default": None,
    "description": "One of the app clients the server is configured for; the server's default when absent.",
}
CONFIRMATION_CODE: dict[str, Any] = {
    "description": "The six-digit code Cognito sent; whitespace, dashes and invisible format characters around or "
    "inside it are ignored and digits of any script (full-width, Arabic-Indic, ...) count as ASCII digits. "
    f"{CONFIRMATION_CODE_RULE}",
    "examples": ["123456"],
    "maxLength": CONFIRMATION_CODE_MAX_LENGTH,
    "minLength": 1,
    "type": "string",
    "x-normalize": "code_as_sent",
    "x-check": "six_ascii_digits",
}
# ConfirmForgotPassword's Password (botocore service model): at most 256 characters of `[\S]+`. Never normalized:
# the password is what the user will type to sign in. The pool's policy is checked after the schema, before Cognito
# (password_policy.py), so the schema keeps only Cognito's own bounds.
PASSWORD_MAX_LENGTH = 256
PASSWORD: dict[str, Any] = {
    "description": "The new password, exactly as the user will type it to sign in (never trimmed). It must meet the "
    "user pool's password policy, checked before Cognito: 400 invalid_password names every rule it breaks.",
    "maxLength": PASSWORD_MAX_LENGTH,
    "minLength": 1,
    "type": "string",
}
ANALYTICS_METADATA: dict[str, Any] = {
    "additionalProperties": False,
    "description": "Amazon Pinpoint analytics for the call.",
    "properties": {
        "analyticsEndpointId": {
            "anyOf": [{"maxLength": 256, "minLength": 1, "type": "string"}, {"type": "null"}],
            "default": None,
            "description": "The Amazon Pinpoint endpoint id.",
        }
    },
    "title": "AnalyticsMetadata",
    "type": "object",
}
USER_CONTEXT_DATA: dict[str, Any] = {
    "additionalProperties": False,
    "description": "Context data for Cognito's threat protection; the server adds the caller's IP address.",
    "properties": {
        "encodedData": {
            "anyOf": [{"maxLength": MAX_BODY_BYTES, "minLength": 1, "type": "string"}, {"type": "null"}],
            "default": None,
            "description": "The device fingerprint from Cognito's context-data library, passed through untouched.",
        }
    },
    "title": "UserContextData",
    "type": "object",
}


def client_metadata(trigger: str) -> dict[str, Any]:
    """The clientMetadata property of a request whose metadata reaches the pool's `trigger` trigger."""
    return {
        "anyOf": [
            {
                "additionalProperties": {"maxLength": CLIENT_METADATA_VALUE_MAX_LENGTH, "type": "string"},
                "maxProperties": CLIENT_METADATA_MAX_ENTRIES,
                "propertyNames": {"maxLength": CLIENT_METADATA_KEY_MAX_LENGTH, "minLength": 1},
                "type": "object",
            },
            {"type": "null"},
        ],
        "default": None,
        "description": f"Passed to the user pool's {trigger} trigger only; Cognito neither stores nor "
        "encrypts it, so it must not carry sensitive data.",
    }


def request_schema(
    title: str, description: str, properties: dict[str, Any], required: list[str], ref: str = "#/$defs/{model}"
) -> dict[str, Any]:
    """A request's whole JSON Schema: the shared fields first (username, clientId, analyticsMetadata,
    userContextData), then the operation's own `properties`; no other field, at any level."""
    return {
        "$defs": {"AnalyticsMetadata": ANALYTICS_METADATA, "UserContextData": USER_CONTEXT_DATA},
        "additionalProperties": False,
        "description": description,
        "properties": {
            "username": USERNAME,
            "clientId": CLIENT_ID,
            "analyticsMetadata": {
                "anyOf": [{"$ref": ref.format(model="AnalyticsMetadata")}, {"type": "null"}],
                "default": None,
            },
            "userContextData": {
                "anyOf": [{"$ref": ref.format(model="UserContextData")}, {"type": "null"}],
                "default": None,
            },
            **properties,
        },
        "required": required,
        "title": title,
        "type": "object",
    }


def portable_json_schema(schema: dict[str, Any], ref_template: str = "#/$defs/{model}") -> dict[str, Any]:
    """A schema as tools outside the function read it (API Gateway, OpenAPI, Schemathesis): the rule names the
    function applies itself (`x-normalize`, `x-check`) dropped, their rule said in the description, and the
    `$ref`s pointed at `ref_template`."""
    text = json.dumps(_without_rules(schema)).replace('"#/$defs/', '"' + ref_template.replace("{model}", ""))
    portable: dict[str, Any] = json.loads(text)
    return portable


def _without_rules(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _without_rules(value) for key, value in node.items() if key not in ("x-normalize", "x-check")}
    if isinstance(node, list):
        return [_without_rules(item) for item in node]
    return node


# --- the typed objects the code reads ---


class AnalyticsMetadata(NamedTuple):
    """Amazon Pinpoint analytics for the call."""

    analytics_endpoint_id: str | None = None


class UserContextData(NamedTuple):
    """Context data for Cognito's threat protection; the server adds the caller's IP address."""

    encoded_data: str | None = None


def camel(name: str) -> str:
    """snake_case as the JSON names it: camelCase."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def analytics_metadata(document: dict[str, Any] | None) -> AnalyticsMetadata | None:
    """The typed analyticsMetadata of a validated request (None when absent or null)."""
    return None if document is None else AnalyticsMetadata(document.get("analyticsEndpointId"))


def user_context_data(document: dict[str, Any] | None) -> UserContextData | None:
    """The typed userContextData of a validated request (None when absent or null)."""
    return None if document is None else UserContextData(document.get("encodedData"))


def cognito_parameters(request: Any, credentials: AppClientCredentials, caller_ip: str | None) -> dict[str, Any]:
    """The parameters every operation takes: the caller's fields plus what only the server may supply (ClientId,
    SecretHash over the exact Username sent, UserContextData.IpAddress). `request` is an operation's request
    object (username, client_metadata, analytics_metadata, user_context_data)."""
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


# --- the answers' bodies ---


class ResponseBody:
    """The base of every answer's JSON body (a frozen dataclass): camelCase fields in declaration order, null
    fields left out, compact UTF-8 JSON, as the pydantic models wrote them. SCHEMA is its JSON Schema, for
    OpenAPI."""

    SCHEMA: ClassVar[dict[str, Any]]

    def to_document(self) -> dict[str, Any]:
        """The body as a JSON-ready dict."""
        document: dict[str, Any] = {}
        for field in fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if value is None:
                continue
            if isinstance(value, ResponseBody):
                value = value.to_document()
            elif isinstance(value, list | tuple):
                value = [item.to_document() if isinstance(item, ResponseBody) else item for item in value]
            document[camel(field.name)] = value
        return document

    def to_json(self) -> str:
        """The body as the caller reads it."""
        return json_text(self.to_document())


@dataclass(frozen=True)
class CodeDeliveryDetails(ResponseBody):
    """Where Cognito sent the code, masked by Cognito (only with REVEAL_DELIVERY_DETAILS=true)."""

    destination: str
    delivery_medium: str
    attribute_name: str


CODE_DELIVERY_DETAILS_SCHEMA: dict[str, Any] = {
    "description": CodeDeliveryDetails.__doc__,
    "properties": {
        "destination": {"examples": ["u***@e***"], "type": "string"},
        "deliveryMedium": {"description": "EMAIL or SMS", "examples": ["EMAIL"], "type": "string"},
        "attributeName": {"examples": ["email"], "type": "string"},
    },
    "required": ["destination", "deliveryMedium", "attributeName"],
    "title": "CodeDeliveryDetails",
    "type": "object",
}


def code_sent_schema(title: str, description: str) -> dict[str, Any]:
    """The JSON Schema of a neutral "a code may be on its way" answer (resend, forgot password): the message and,
    only with REVEAL_DELIVERY_DETAILS, Cognito's masked destination."""
    return {
        "$defs": {"CodeDeliveryDetails": CODE_DELIVERY_DETAILS_SCHEMA},
        "description": description,
        "properties": {
            "message": {"type": "string"},
            "codeDeliveryDetails": {
                "anyOf": [{"$ref": "#/$defs/CodeDeliveryDetails"}, {"type": "null"}],
                "default": None,
            },
        },
        "required": ["message"],
        "title": title,
        "type": "object",
    }


def delivery_of(response: Mapping[str, Any]) -> Mapping[str, str]:
    """Cognito's CodeDeliveryDetails in a response that sent a code ({} when there is none)."""
    details: Mapping[str, str] = response.get("CodeDeliveryDetails") or {}
    return details


def revealed_delivery(response: Mapping[str, Any] | None, reveal: bool) -> CodeDeliveryDetails | None:
    """Cognito's masked destination when `reveal` (REVEAL_DELIVERY_DETAILS) and a code was sent; None otherwise, the
    same for every username."""
    if not reveal or response is None:
        return None
    delivery = delivery_of(response)
    return CodeDeliveryDetails(
        destination=delivery.get("Destination", ""),
        delivery_medium=delivery.get("DeliveryMedium", ""),
        attribute_name=delivery.get("AttributeName", ""),
    )


def json_text(document: Any) -> str:
    """Compact JSON, non-ASCII as it is; a lone surrogate (only a caller-invented key in a field path can hold one)
    written as U+FFFD per byte of its UTF-8 form, as the pydantic serializer did, so the body is valid UTF-8."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", errors="surrogatepass").decode("utf-8", errors="replace")
    return text
