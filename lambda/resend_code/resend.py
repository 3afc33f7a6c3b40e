"""Call Cognito's ResendConfirmationCode with the secret hash, and tell the handler what happened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from resend_code.client_secrets import (
    AppClientCredentials,
    MalformedSecretError,
    SecretUnavailableError,
    get_app_client_credentials,
)
from resend_code.problems import INTERNAL_ERROR, UPSTREAM_ERROR, Problem, ProblemType
from resend_code.request_model import ResendConfirmationCodeRequest
from resend_code.secret_hash import compute_secret_hash
from resend_code.upstream_errors import cognito_problem, error_code, is_secret_hash_rejection, transport_problem


class UpstreamProblem(Problem):
    """A Problem caused by Cognito or Secrets Manager; `source` says which call failed for logs and metrics."""

    def __init__(self, problem_type: ProblemType, source: str, reason: str) -> None:
        super().__init__(problem_type)
        self.source = source
        self.reason = reason


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


@cache
def cognito_client(connect_timeout: float, read_timeout: float) -> BaseClient:
    """One client per execution environment; the endpoint comes from AWS_ENDPOINT_URL when it is set."""
    # One attempt, no SDK retries: each call sends an e-mail or SMS, so a retry after a timeout or a 5xx can
    # send the user two codes, and botocore's standard mode would retry LimitExceededException, Cognito's
    # per-user attempt limit, which AWS says not to retry. The caller retries, guided by Retry-After.
    # No client-side parameter validation: the request model has already checked every field against Cognito's
    # own constraints (resend_code/request_model.py), and botocore's second pass is most of a warm request's CPU.
    config = Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"total_max_attempts": 1, "mode": "standard"},
        parameter_validation=False,
    )
    return boto3.client("cognito-idp", config=config)


def build_cognito_request(
    request: ResendConfirmationCodeRequest, credentials: AppClientCredentials, caller_ip: str | None
) -> dict[str, Any]:
    """The ResendConfirmationCode parameters: the caller's fields plus what only the server may supply."""
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


def load_credentials(client_id: str, secret_id: str, *, force_fetch: bool = False) -> AppClientCredentials:
    """The app client's credentials (cached), or an UpstreamProblem saying why they cannot be had."""
    try:
        return get_app_client_credentials(client_id, secret_id, force_fetch=force_fetch)
    except MalformedSecretError as error:
        raise UpstreamProblem(INTERNAL_ERROR, "secretsmanager", str(error)) from None
    except SecretUnavailableError as error:
        cause = error.__cause__
        problem = transport_problem(cause) or INTERNAL_ERROR
        reason = error_code(cause) if isinstance(cause, ClientError) else type(cause).__name__
        raise UpstreamProblem(problem, "secretsmanager", reason) from None


def _delivery(response: dict[str, Any]) -> CodeDelivery:
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
    """Send a new code; if Cognito rejects the hash, refresh the secret (it may have rotated) and retry once."""
    refreshed = False
    while True:
        try:
            response = client.resend_confirmation_code(**build_cognito_request(request, credentials, caller_ip))
            return ResendOutcome(delivery=_delivery(dict(response)), secret_refreshed=refreshed)
        except ClientError as error:
            if is_secret_hash_rejection(error) and not refreshed:
                credentials, refreshed = refresh_credentials(), True
                continue
            problem = cognito_problem(error)
            if problem is None:
                return ResendOutcome(suppressed_error=error_code(error), secret_refreshed=refreshed)
            raise UpstreamProblem(problem, "cognito-idp", error_code(error)) from None
        except BotoCoreError as error:
            raise UpstreamProblem(
                transport_problem(error) or UPSTREAM_ERROR, "cognito-idp", type(error).__name__
            ) from None
