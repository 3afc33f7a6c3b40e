"""The one way the function calls Cognito: a client without retries, and one retry after Cognito refuses a
(possibly rotated) secret. What a call means is the operation's business (operations/); this module only makes it
and says what came back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, NamedTuple

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from code_screens.aws_errors import error_code, error_message, transport_problem
from code_screens.call_limits import COGNITO_ATTEMPTS
from code_screens.operations import CognitoError
from code_screens.problems import UPSTREAM_ERROR, ProblemType
from code_screens.secret_hash import AppClientCredentials


@cache
def cognito_client(connect_timeout: float, read_timeout: float) -> BaseClient:
    """One client per execution environment; the endpoint comes from AWS_ENDPOINT_URL when it is set."""
    # One attempt, no SDK retries: each resend sends an e-mail or SMS, so a retry after a timeout or a 5xx can
    # send the user two codes; each confirm counts against Cognito's per-user attempt limit; and botocore's
    # standard mode would retry LimitExceededException, which AWS says not to retry. The caller retries, guided
    # by Retry-After. No client-side parameter validation: each operation's request schema has already checked
    # every field against Cognito's own constraints (operations/), and botocore's second pass is most of a warm
    # request's CPU.
    config = Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"total_max_attempts": COGNITO_ATTEMPTS, "mode": "standard"},
        parameter_validation=False,
    )
    return boto3.client("cognito-idp", config=config)


class CognitoResult(NamedTuple):
    """What one call came back with: Cognito's answer (`response`), its refusal (`error`), or a network failure
    (`transport`: the problem to answer, and `transport_reason`, the botocore exception's name); and whether the
    secret had to be read again."""

    response: Mapping[str, Any] | None = None
    error: CognitoError | None = None
    transport: ProblemType | None = None
    transport_reason: str = ""
    secret_refreshed: bool = False


def call(
    client: BaseClient,
    method: str,
    parameters: Callable[[AppClientCredentials], dict[str, Any]],
    credentials: AppClientCredentials,
    refresh_credentials: Callable[[], AppClientCredentials],
) -> CognitoResult:
    """Call `method` (botocore's snake_case name, e.g. "confirm_sign_up") with `parameters(credentials)`; if
    Cognito rejects the secret hash, refresh the secret (it may have rotated) and call once more.

    Never raises for what Cognito or the network did; refreshing the secret may raise UpstreamProblem
    (app_secrets.load_credentials).
    """
    refreshed = False
    while True:
        try:
            response = getattr(client, method)(**parameters(credentials))
            return CognitoResult(response=response, secret_refreshed=refreshed)
        except ClientError as error:
            refusal = CognitoError(error_code(error), error_message(error))
            if refusal.is_secret_hash_rejection and not refreshed:
                credentials, refreshed = refresh_credentials(), True
                continue
            return CognitoResult(error=refusal, secret_refreshed=refreshed)
        except BotoCoreError as error:
            return CognitoResult(
                transport=transport_problem(error) or UPSTREAM_ERROR,
                transport_reason=type(error).__name__,
                secret_refreshed=refreshed,
            )
