"""Call Cognito's ResendConfirmationCode with the secret hash, and tell the handler what happened."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.client import BaseClient

from resend_code.client_secrets import AppClientCredentials
from resend_code.cognito_call import (
    UpstreamProblem,
    call_cognito,
    cognito_client,
    common_parameters,
    load_credentials,
    load_pseudonym_key,
)
from resend_code.request_model import ResendConfirmationCodeRequest
from resend_code.upstream_errors import cognito_problem, error_code

# Shared with the confirm route; importable from here as before the route table.
__all__ = ["UpstreamProblem", "cognito_client", "load_credentials", "load_pseudonym_key", "resend_confirmation_code"]


@dataclass(frozen=True)
class CodeDelivery:
    """Where Cognito sent the code; the destination is masked by Cognito itself."""

    destination: str
    delivery_medium: str
    attribute_name: str


@dataclass(frozen=True)
class ResendOutcome:
    """A code was sent (delivery), or Cognito refused for a reason the caller must not learn (suppressed)."""

    delivery: CodeDelivery | None = None
    suppressed_error: str | None = None
    secret_refreshed: bool = False


def build_cognito_request(
    request: ResendConfirmationCodeRequest, credentials: AppClientCredentials, caller_ip: str | None
) -> dict[str, Any]:
    """The ResendConfirmationCode parameters: the caller's fields plus what only the server may supply."""
    return common_parameters(request, credentials, caller_ip)


def _delivery(response: Mapping[str, Any]) -> CodeDelivery:
    details = response.get("CodeDeliveryDetails") or {}
    return CodeDelivery(
        destination=details.get("Destination", ""),
        delivery_medium=details.get("DeliveryMedium", ""),
        attribute_name=details.get("AttributeName", ""),
    )


def resend_confirmation_code(
    client: BaseClient,
    request: ResendConfirmationCodeRequest,
    credentials: AppClientCredentials,
    caller_ip: str | None,
    refresh_credentials: Callable[[], AppClientCredentials],
) -> ResendOutcome:
    """Send a new code; if Cognito rejects the hash, refresh the secret (it may have rotated) and retry once.

    Raises UpstreamProblem for a Cognito error the caller may see (upstream_errors.COGNITO_ERRORS).
    """
    result = call_cognito(
        lambda current: client.resend_confirmation_code(**build_cognito_request(request, current, caller_ip)),
        credentials,
        refresh_credentials,
    )
    if result.error is None:
        return ResendOutcome(delivery=_delivery(result.response or {}), secret_refreshed=result.secret_refreshed)
    problem = cognito_problem(result.error)
    if problem is None:
        return ResendOutcome(suppressed_error=error_code(result.error), secret_refreshed=result.secret_refreshed)
    raise UpstreamProblem(problem, "cognito-idp", error_code(result.error))
