"""The client-secret rotation function, run in this process: what `aws secretsmanager rotate-secret` reaches.

In AWS the stack attaches the rotation function to the app client's secret (a RotationSchedule) and Secrets Manager
invokes it once per step. Here the same lambda_handler (lambda/rotation_handler.py) is registered with the
emulator under a Lambda ARN, and the seeded secret is configured with it as the stack configures the deployed one:
RotateSecret with that ARN and a 30-day schedule, RotateImmediately false (Secrets Manager then runs testSecret
only, on a copy of the current value, and removes it). `rotate-secret --secret-id <secret>` then rotates.
"""

from __future__ import annotations

import json
import os

import boto3

from local.api_gateway_event import LOCAL_ACCOUNT_ID, LocalLambdaContext
from local.emulator import register_rotation_function

ROTATION_FUNCTION_NAME = "resend-confirmation-code-client-secret-rotation-local"
DEFAULT_SCHEDULE_DAYS = 30


def rotation_function_arn(region: str) -> str:
    """The Lambda ARN the emulator knows the in-process rotation function by."""
    return f"arn:aws:lambda:{region}:{LOCAL_ACCOUNT_ID}:function:{ROTATION_FUNCTION_NAME}"


def invoke_rotation_function(event: dict[str, str]) -> None:
    """One invocation of the rotation function with Secrets Manager's event; raises when the step fails."""
    # Imported on first use: the function's module reads its settings from the environment, set by install().
    from rotation_handler import lambda_handler

    context = LocalLambdaContext(
        function_name=ROTATION_FUNCTION_NAME,
        invoked_function_arn=rotation_function_arn(os.environ.get("AWS_REGION", "us-east-1")),
        log_group_name=f"/aws/lambda/{ROTATION_FUNCTION_NAME}",
    )
    lambda_handler(event, context)  # type: ignore[arg-type]  # the attributes Powertools reads
    return None


def install(endpoint_url: str, region: str, *, user_pool_id: str, client_id: str, secret_arn: str) -> str:
    """Register the rotation function, give it the client's pool, and configure rotation on `secret_arn` as the
    stack does; return the function's ARN."""
    os.environ.setdefault("ROTATION_USER_POOLS", json.dumps({client_id: user_pool_id}))
    arn = rotation_function_arn(region)
    register_rotation_function(arn, invoke_rotation_function)
    boto3.client("secretsmanager", endpoint_url=endpoint_url, region_name=region).rotate_secret(
        SecretId=secret_arn,
        RotationLambdaARN=arn,
        RotationRules={"AutomaticallyAfterDays": DEFAULT_SCHEDULE_DAYS},
        RotateImmediately=False,
    )
    return arn
