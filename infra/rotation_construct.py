"""The app client secrets' rotation: one small function (lambda/rotation_handler.py) and a Secrets Manager rotation
schedule on each secret it rotates.

Written with CloudFormation's own RotationSchedule (L1) rather than Secret.addRotationSchedule: the L2 grants the
function secretsmanager:GetRandomPassword on `*` and reads the secret through grantRead, neither of which this
function needs. Its role is exactly: Cognito's three secret calls on the configured pools, the four Secrets Manager
calls a rotation makes on the configured secrets, KMS through Secrets Manager where a secret has a customer-managed
key, and its own log group. ConfirmSignUp (testSecret) needs no IAM: Cognito does not evaluate IAM for it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Aws, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from infra.asset import RUNTIME_VERSION, staged_asset
from infra.function_construct import ARCHITECTURE, METRICS_NAMESPACE, RUNTIME, powertools_layer_parameter

ROTATION_SERVICE_SUFFIX = "client-secret-rotation"
# The three Cognito calls of the four steps; nothing else in Cognito.
COGNITO_SECRET_ACTIONS = (
    "cognito-idp:AddUserPoolClientSecret",
    "cognito-idp:DeleteUserPoolClientSecret",
    "cognito-idp:ListUserPoolClientSecrets",
)
# What a rotation function calls on its secret (https://docs.aws.amazon.com/secretsmanager/latest/userguide/
# rotating-secrets-required-permissions-function.html), without GetRandomPassword: Cognito generates the secret.
SECRET_ROTATION_ACTIONS = (
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    # createSecret reads when the rotation started (its pending version's CreatedDate), to tell its own secret
    # from one a person added.
    "secretsmanager:ListSecretVersionIds",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
)
# A handful of calls per step; a stalled call is retried by Secrets Manager with the whole step.
TIMEOUT = Duration.seconds(30)


@dataclass(frozen=True)
class RotationTarget:
    """One app client secret to rotate: the client, its user pool, the secret, its CMK, and whether it is scheduled
    (False: the function may rotate it on demand, but Secrets Manager does not on a schedule)."""

    client_id: str
    user_pool_id: str
    secret_arn: str
    kms_key_arn: str | None = None
    scheduled: bool = True
    rotate_on_deploy: bool = True
    """Rotate when the schedule is created or changed (RotateImmediatelyOnUpdate), not only after its days: right
    for a secret only this stack uses (the demo pool's); never for an existing client's, which other components
    may hold until their owners have moved them to this secret."""


def rotation_service_name(scope: Construct) -> str:
    """The rotation function's Powertools `service`: `{stack name}-client-secret-rotation`, unique per copy."""
    return f"{Stack.of(scope).stack_name}-{ROTATION_SERVICE_SUFFIX}"


def user_pool_arn(user_pool_id: str) -> str:
    """The ARN of a user pool of the stack's account and Region (pool ids carry their Region: `eu-west-1_Ab…`)."""
    return f"arn:{Aws.PARTITION}:cognito-idp:{Aws.REGION}:{Aws.ACCOUNT_ID}:userpool/{user_pool_id}"


class ClientSecretRotation(Construct):
    """The rotation function, its role and log group, Secrets Manager's permission to invoke it, and a
    RotationSchedule per scheduled target."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        targets: Sequence[RotationTarget],
        schedule_days: int,
        log_retention: logs.RetentionDays,
        powertools_layer_version: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.service_name = rotation_service_name(self)
        self.log_group = logs.LogGroup(self, "Logs", retention=log_retention, removal_policy=RemovalPolicy.DESTROY)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="client-secret rotation: Cognito's secret calls on its pools, rotation of its secrets",
        )
        self._grant(targets)
        layer_arn = ssm.StringParameter.value_for_string_parameter(
            self, powertools_layer_parameter(powertools_layer_version)
        )
        self.function = lambda_.Function(
            self,
            "Function",
            description="Rotates the Cognito app client secrets of resend-confirmation-code (Secrets Manager steps)",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler="rotation_handler.lambda_handler",
            # The endpoint's asset: the rotation shares its Cognito client, secret hash and error reading.
            code=lambda_.Code.from_asset(str(staged_asset(RUNTIME_VERSION))),
            layers=[lambda_.LayerVersion.from_layer_version_arn(self, "Powertools", layer_arn)],
            memory_size=256,
            timeout=TIMEOUT,
            role=self.role,
            log_group=self.log_group,
            environment={
                "ROTATION_USER_POOLS": json.dumps({t.client_id: t.user_pool_id for t in targets}, sort_keys=True),
                "ROTATION_SERVICE_NAME": self.service_name,
                "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                "POWERTOOLS_LOG_LEVEL": "INFO",
            },
        )
        # Secrets Manager invokes the function; only for this account's secrets (confused deputy).
        self.invoke_permission = lambda_.CfnPermission(
            self,
            "SecretsManagerInvoke",
            action="lambda:InvokeFunction",
            function_name=self.function.function_arn,
            principal="secretsmanager.amazonaws.com",
            source_account=Aws.ACCOUNT_ID,
        )
        self.schedules = []
        for index, target in enumerate(t for t in targets if t.scheduled):
            schedule = secretsmanager.CfnRotationSchedule(
                self,
                f"Schedule{index}",
                secret_id=target.secret_arn,
                rotation_lambda_arn=self.function.function_arn,
                rotation_rules=secretsmanager.CfnRotationSchedule.RotationRulesProperty(
                    automatically_after_days=schedule_days
                ),
                rotate_immediately_on_update=target.rotate_on_deploy,
            )
            # Secrets Manager checks it may invoke the function when the schedule is created (and, unless told not
            # to, rotates then).
            schedule.node.add_dependency(self.invoke_permission)
            policy = self.role.node.try_find_child("DefaultPolicy")
            if policy is not None:
                schedule.node.add_dependency(policy)
            self.schedules.append(schedule)

    def _grant(self, targets: Sequence[RotationTarget]) -> None:
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="RotateClientSecretsInCognito",
                actions=list(COGNITO_SECRET_ACTIONS),
                resources=sorted({user_pool_arn(t.user_pool_id) for t in targets}),
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="RotateAppClientSecrets",
                actions=list(SECRET_ROTATION_ACTIONS),
                resources=sorted({t.secret_arn for t in targets}),
            )
        )
        kms_keys = sorted({t.kms_key_arn for t in targets if t.kms_key_arn})
        if kms_keys:
            # GetSecretValue decrypts; PutSecretValue encrypts the new version with a data key.
            self.role.add_to_policy(
                iam.PolicyStatement(
                    sid="UseAppClientSecretKeys",
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=kms_keys,
                    conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{Aws.REGION}.amazonaws.com"}},
                )
            )
