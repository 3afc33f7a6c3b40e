"""The response bodies: the 200 answer and the RFC 9457 problem document, as models the OpenAPI document reuses."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class _ResponsePart(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class CodeDeliveryDetails(_ResponsePart):
    """Where Cognito sent the code, masked by Cognito (only with REVEAL_DELIVERY_DETAILS=true)."""

    destination: str = Field(examples=["u***@e***"])
    delivery_medium: str = Field(examples=["EMAIL"], description="EMAIL or SMS")
    attribute_name: str = Field(examples=["email"])


class AcceptedResponse(_ResponsePart):
    """The same answer whether or not the account exists, is already confirmed, or made Cognito fail."""

    model_config = ConfigDict(title="AcceptedResponse")

    message: str
    code_delivery_details: CodeDeliveryDetails | None = None


class FieldErrorDocument(_ResponsePart):
    """One schema violation; never echoes the value that was sent."""

    field: str = Field(description="Dotted JSON path of the field, or (body).")
    code: str = Field(description="The validation error type, such as string_too_long.")
    message: str


class ProblemDocument(_ResponsePart):
    """An RFC 9457 problem with this API's stable `code`."""

    model_config = ConfigDict(title="Problem")

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldErrorDocument] | None = None


class ConfirmedResponse(_ResponsePart):
    """The sign-up is confirmed: the user can sign in."""

    model_config = ConfigDict(title="ConfirmedResponse")

    message: str
