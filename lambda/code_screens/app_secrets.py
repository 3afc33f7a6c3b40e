"""The secrets the function reads from Secrets Manager, cached in memory per execution environment: each app
client's credentials and the key of the username pseudonym.

Powertools Parameters does the caching: one GetSecretValue per secret per cache period
(POWERTOOLS_PARAMETERS_MAX_AGE, 300 s by default) instead of one per request, which is most of a naive
design's cost and latency. The secret is read on first use, never at import.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TypeVar

import boto3
from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError, TransformParameterError
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from code_screens.aws_errors import error_code, transport_problem
from code_screens.call_limits import SECRETS_MANAGER
from code_screens.problems import INTERNAL_ERROR, UpstreamProblem
from code_screens.secret_hash import AppClientCredentials


class SecretUnavailableError(Exception):
    """The secret could not be read; `__cause__` is the underlying botocore error when there is one."""


class MalformedSecretError(Exception):
    """The secret was read but is not {"clientId": <the expected client>, "clientSecret": <string>}."""


def prepare() -> BaseClient:
    """Create the Secrets Manager client now (no network call), as the function does during INIT; return it."""
    client: BaseClient = _provider().client
    return client


def forget_cached_secrets() -> None:
    """Drop every cached secret value (the client stays), so the next read goes to Secrets Manager."""
    if _provider.cache_info().currsize:  # nothing to drop (and no client to build) before the first use
        _provider().clear_cache()  # type: ignore[no-untyped-call]


@cache
def _provider() -> SecretsProvider:
    # Short timeouts and one retry (call_limits.py says why); the stack's timeout budget reads the same numbers.
    config = Config(**SECRETS_MANAGER.botocore_config())
    # A client from boto3's default session, which the Cognito client shares: given only a config, Powertools
    # would build a second session and load botocore's data files twice during the cold start.
    return SecretsProvider(boto3_client=boto3.client("secretsmanager", config=config))


def get_app_client_credentials(client_id: str, secret_id: str, *, force_fetch: bool = False) -> AppClientCredentials:
    """Return the credentials for client_id from secret_id, from the cache unless force_fetch is set."""
    try:
        document = _provider().get(secret_id, transform="json", force_fetch=force_fetch)
    except TransformParameterError:
        raise MalformedSecretError("the secret is not a JSON document") from None
    except GetParameterError as error:
        # Powertools wraps every SDK error in GetParameterError; keep the SDK error for classification.
        raise SecretUnavailableError("the secret could not be read") from error.__context__
    try:
        return _credentials_from(document, client_id)
    except MalformedSecretError:
        # Powertools cached the parsed document; forget it, so the request after the operator fixes the
        # secret reads the fixed one instead of failing until the cache expires.
        _provider().clear_cache()  # type: ignore[no-untyped-call]
        raise


# HMAC-SHA256 keys shorter than this give less than the hash's strength; the stack generates 64 characters.
PSEUDONYM_KEY_MIN_LENGTH = 32


def get_pseudonym_key(secret_id: str) -> str:
    """The key of the username pseudonym (a plain SecretString, at least 32 characters), cached like the
    app clients' secrets. Raises SecretUnavailableError or MalformedSecretError."""
    try:
        key = _provider().get(secret_id)
    except GetParameterError as error:
        raise SecretUnavailableError("the pseudonym key could not be read") from error.__context__
    if not isinstance(key, str) or len(key) < PSEUDONYM_KEY_MIN_LENGTH:
        _provider().clear_cache()  # type: ignore[no-untyped-call]
        raise MalformedSecretError(
            f"the pseudonym key is not a string of at least {PSEUDONYM_KEY_MIN_LENGTH} characters"
        )
    return key


def _credentials_from(document: object, client_id: str) -> AppClientCredentials:
    if not isinstance(document, dict):
        raise MalformedSecretError("the secret is not a JSON object")
    stored_client_id, client_secret = document.get("clientId"), document.get("clientSecret")
    if not isinstance(client_secret, str) or not client_secret:
        raise MalformedSecretError("the secret has no clientSecret string")
    if stored_client_id != client_id:
        raise MalformedSecretError("the secret's clientId is not the app client it is configured for")
    return AppClientCredentials(client_id=client_id, client_secret=client_secret)


def clear_cache() -> None:
    """Forget the provider and every secret it cached, so the next call reads Secrets Manager afresh."""
    _provider.cache_clear()


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
