"""What every Cognito call of the endpoint shares: the client, the app client's credentials, the parameters only
the server may supply, and one retry after Cognito refuses a (possibly rotated) secret."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from resend_code.client_secrets import (
    AppClientCredentials,
    MalformedSecretError,
    SecretUnavailableError,
    get_app_client_credentials,
    get_pseudonym_key,
)
from resend_code.problems import INTERNAL_ERROR, UPSTREAM_ERROR, Problem, ProblemType
from resend_code.request_model import RequestModel
from resend_code.secret_hash import compute_secret_hash
from resend_code.upstream_errors import error_code, is_secret_hash_rejection, transport_problem


class UpstreamProblem(Problem):
    """A Problem caused by Cognito or Secrets Manager; `source` says which call failed for logs and metrics."""

    def __init__(self, problem_type: ProblemType, source: str, reason: str) -> None:
        super().__init__(problem_type)
        self.source = source
        self.reason = reason


@cache
def cognito_client(connect_timeout: float, read_timeout: float) -> BaseClient:
    """One client per execution environment; the endpoint comes from AWS_ENDPOINT_URL when it is set."""
    # One attempt, no SDK retries: each resend sends an e-mail or SMS, so a retry after a timeout or a 5xx can
    # send the user two codes; each confirm counts against Cognito's per-user attempt limit; and botocore's
    # standard mode would retry LimitExceededException, which AWS says not to retry. The caller retries, guided
    # by Retry-After. No client-side parameter validation: each route's request model has already checked every
    # field against Cognito's own constraints (resend_code/request_model.py), and botocore's second pass is most
    # of a warm request's CPU.
    config = Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"total_max_attempts": 1, "mode": "standard"},
        parameter_validation=False,
    )
    return boto3.client("cognito-idp", config=config)


_Secret = TypeVar("_Secret")


def load_credentials(client_id: str, secret_id: str, *, force_fetch: bool = False) -> AppClientCredentials:
    """The app client's credentials (cached), or an UpstreamProblem saying why they cannot be had."""
    return _secret_or_problem(lambda: get_app_client_credentials(client_id, secret_id, force_fetch=force_fetch))


def load_pseudonym_key(secret_id: str) -> str:
    """The username pseudonym's key (cached), or an UpstreamProblem saying why it cannot be had."""
    return _secret_or_problem(lambda: get_pseudonym_key(secret_id))


def _secret_or_problem(read: Callable[[], _Secret]) -> _Secret:
    try:
        return read()
    except MalformedSecretError as error:
        raise UpstreamProblem(INTERNAL_ERROR, "secretsmanager", str(error)) from None
    except SecretUnavailableError as error:
        cause = error.__cause__
        problem = transport_problem(cause) or INTERNAL_ERROR
        reason = error_code(cause) if isinstance(cause, ClientError) else type(cause).__name__
        raise UpstreamProblem(problem, "secretsmanager", reason) from None


def common_parameters(
    request: RequestModel, credentials: AppClientCredentials, caller_ip: str | None
) -> dict[str, Any]:
    """The parameters both operations take: the caller's fields plus what only the server may supply
    (ClientId, SecretHash over the exact Username sent, UserContextData.IpAddress)."""
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


@dataclass(frozen=True)
class CognitoResult:
    """Cognito's answer (`response`) or its refusal (`error`), and whether the secret had to be read again."""

    response: Mapping[str, Any] | None = None
    error: ClientError | None = None
    secret_refreshed: bool = False


def call_cognito(
    call: Callable[[AppClientCredentials], Mapping[str, Any]],
    credentials: AppClientCredentials,
    refresh_credentials: Callable[[], AppClientCredentials],
) -> CognitoResult:
    """Make one Cognito call; if Cognito rejects the secret hash, refresh the secret (it may have rotated) and
    call once more. A network failure raises UpstreamProblem; a Cognito error is returned for the route to map."""
    refreshed = False
    while True:
        try:
            return CognitoResult(response=call(credentials), secret_refreshed=refreshed)
        except ClientError as error:
            if is_secret_hash_rejection(error) and not refreshed:
                credentials, refreshed = refresh_credentials(), True
                continue
            return CognitoResult(error=error, secret_refreshed=refreshed)
        except BotoCoreError as error:
            raise UpstreamProblem(
                transport_problem(error) or UPSTREAM_ERROR, "cognito-idp", type(error).__name__
            ) from None
