"""Lambda entry point of the client-secret rotation function: Secrets Manager invokes it once per rotation step.

The steps are in code_screens/rotation.py. Configuration, from the environment the stack sets:
- ROTATION_USER_POOLS: JSON object, app client id → user pool id, for every client whose secret it rotates.
- ROTATION_SERVICE_NAME: Powertools' `service` (logs and the metrics' dimension), the stack's
  `<stack>-client-secret-rotation`; POWERTOOLS_METRICS_NAMESPACE: the namespace the alarm watches.
Its own service name keeps its log lines and metrics apart from the endpoint's, also when `make run` runs both in
one process.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger, single_metric
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from code_screens import metric_names as names
from code_screens.aws_errors import error_code
from code_screens.cognito import cognito_client
from code_screens.rotation import Clients, RotationError, rotate_step

SERVICE = os.environ.get("ROTATION_SERVICE_NAME", "client-secret-rotation")
# The stack sets the namespace (POWERTOOLS_METRICS_NAMESPACE); this default is the stack's, for local runs.
DEFAULT_NAMESPACE = "ResendConfirmationCode"
logger = Logger(service=SERVICE)


@cache
def _clients() -> Clients:
    # Secrets Manager's calls are idempotent (reads, stage moves, a put keyed by the version's token): standard
    # retries. Cognito's is the endpoint's client, one attempt: a retried AddUserPoolClientSecret after a timeout
    # could add a second secret; the step itself is what Secrets Manager retries, and it checks what is done first.
    secretsmanager = boto3.client(
        "secretsmanager", config=Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard"})
    )
    return Clients(secretsmanager=secretsmanager, cognito=cognito_client(2.0, 5.0))


def user_pools() -> dict[str, str]:
    """ROTATION_USER_POOLS as a mapping of app client id → user pool id ({} when unset or not a JSON object)."""
    try:
        pools = json.loads(os.environ.get("ROTATION_USER_POOLS", "{}"))
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in pools.items()} if isinstance(pools, dict) else {}


def _count(name: str) -> None:
    # The alarm watches exactly this namespace, name and `service` dimension (infra/monitoring.py).
    namespace = os.environ.get(names.NAMESPACE_SETTING) or DEFAULT_NAMESPACE
    service = os.environ.get("ROTATION_SERVICE_NAME", SERVICE)
    with single_metric(
        name=name,
        unit=MetricUnit.Count,
        value=1,
        namespace=namespace,
        default_dimensions={names.SERVICE_DIMENSION: service},
    ):
        pass


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> None:
    """One rotation step: event {"Step", "SecretId", "ClientRequestToken"}; returns nothing on success.

    Raises on failure (RotationError, or the AWS error), so the invocation fails and Secrets Manager retries; the
    failure is logged (step, secret ARN, token, AWS's error code: never a value) and counted
    (ClientSecretRotationFailed).
    """
    step, secret_id, token = event.get("Step", ""), event.get("SecretId", ""), event.get("ClientRequestToken", "")
    logger.append_keys(step=step, secret_id=secret_id, version=token)
    try:
        done = rotate_step(step, secret_id, token, _clients(), user_pools())
    except RotationError as error:
        logger.error("Rotation step failed", extra={"reason": str(error)})
        _count(names.CLIENT_SECRET_ROTATION_FAILED)
        raise
    except ClientError as error:
        logger.error("Rotation step failed", extra={"reason": f"AWS answered {error_code(error)}"})
        _count(names.CLIENT_SECRET_ROTATION_FAILED)
        raise RotationError(f"{step}: AWS answered {error_code(error)}") from None
    except BotoCoreError as error:
        logger.error("Rotation step failed", extra={"reason": type(error).__name__})
        _count(names.CLIENT_SECRET_ROTATION_FAILED)
        raise RotationError(f"{step}: {type(error).__name__}") from None
    logger.info("Rotation step done", extra={"outcome": done})
    if step == "finishSecret":
        _count(names.CLIENT_SECRET_ROTATED)
