"""The Lambda function: code asset, Powertools layer, least-privilege role, log group and tracing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Annotations, Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from cdk_nag import NagSuppressions
from constructs import Construct

from infra.asset import RUNTIME_VERSION, staged_asset

# Powertools' `service` dimension on every metric is this, prefixed with the stack's name (service_name below).
SERVICE_NAME = "resend-confirmation-code"
METRICS_NAMESPACE = "ResendConfirmationCode"

# The newest runtime both aws-cdk-lib and the Powertools public layer support; arm64 is ~20 % cheaper per GB-s.
RUNTIME = lambda_.Runtime.PYTHON_3_14
ARCHITECTURE = lambda_.Architecture.ARM_64
# Worst case inside the function: a secret read (2 attempts of 1 s + 2 s) and one Cognito attempt (1 s + 3 s);
# 10 s covers it and stays far below API Gateway's 29 s, so the caller gets our answer, not the gateway's.
TIMEOUT = Duration.seconds(10)
# The alias API Gateway invokes when provisioned concurrency or SnapStart is on.
LIVE_ALIAS = "live"


@dataclass(frozen=True)
class ClientSecretGrant:
    """An app client the function serves: the secret's ARN and, when it is encrypted with one, the CMK."""

    client_id: str
    secret_arn: str
    kms_key_arn: str | None = None


def service_name(scope: Construct) -> str:
    """The function's POWERTOOLS_SERVICE_NAME, `{stack name}-resend-confirmation-code`: unique in account and Region.

    Powertools puts it on every metric as the `service` dimension; CloudWatch adds up every datapoint with the same
    namespace, name and dimensions, so a constant would mix a second copy's (staging's) metrics into this copy's
    alarms. Stack names are at most 128 characters; dimension values may have 1024.
    """
    return f"{Stack.of(scope).stack_name}-{SERVICE_NAME}"


def powertools_layer_parameter(version: str) -> str:
    """AWS's public SSM parameter naming the Powertools layer for this runtime and architecture."""
    runtime = RUNTIME.name  # "python3.14"
    return f"/aws/service/powertools/python/arm64/{runtime}/{version}"


# "Lambda SnapStart is available in all commercial Regions except Asia Pacific (New Zealand) and Asia Pacific
# (Taipei)" (https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html, checked 2026-11-29).
SNAP_START_UNAVAILABLE_REGIONS = frozenset({"ap-southeast-6", "ap-east-2"})


def _check_snap_start_region(region: str) -> None:
    if not Token.is_unresolved(region) and region in SNAP_START_UNAVAILABLE_REGIONS:
        raise ValueError(f"snapStart: Lambda SnapStart is not available in {region}; use provisionedConcurrency")


class ResendFunction(Construct):
    """The resend-confirmation-code Lambda and everything it needs to run and be observed."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        clients: Sequence[ClientSecretGrant],
        default_client_id: str | None,
        allowed_origins: Sequence[str],
        reveal_delivery_details: bool,
        forward_caller_ip: bool,
        memory_size: int,
        reserved_concurrency: int | None,
        log_retention: logs.RetentionDays,
        powertools_layer_version: str,
        provisioned_concurrency: int = 0,
        snap_start: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        self.service_name = service_name(self)

        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="resend-confirmation-code: write its logs and traces, read its app clients' secrets",
        )
        self._grant_least_privilege(clients)

        # Resolved by CloudFormation at deploy time (no lookup at synth); pinned to a version, so a redeploy does
        # not move the layer under the code.
        layer_arn = ssm.StringParameter.value_for_string_parameter(
            self, powertools_layer_parameter(powertools_layer_version)
        )
        environment = {
            "APP_CLIENTS": Stack.of(self).to_json_string({c.client_id: c.secret_arn for c in clients}),
            "ALLOWED_ORIGINS": ",".join(allowed_origins),
            "REVEAL_DELIVERY_DETAILS": json.dumps(reveal_delivery_details),
            "FORWARD_CALLER_IP": json.dumps(forward_caller_ip),
            "POWERTOOLS_SERVICE_NAME": self.service_name,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "POWERTOOLS_PARAMETERS_MAX_AGE": "300",
            "POWERTOOLS_LOG_LEVEL": "INFO",
        }
        if default_client_id:
            environment["DEFAULT_CLIENT_ID"] = default_client_id

        self.function = lambda_.Function(
            self,
            "Function",
            description="Resends a Cognito sign-up confirmation code with the app client's secret hash",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler="handler.lambda_handler",
            # lambda/ alone (the handler and its package, nothing from tests or tooling) and its bytecode for the
            # runtime's Python, so a cold start does not compile it (infra/bytecode.py).
            code=lambda_.Code.from_asset(str(staged_asset(RUNTIME_VERSION))),
            layers=[lambda_.LayerVersion.from_layer_version_arn(self, "Powertools", layer_arn)],
            memory_size=memory_size,
            timeout=TIMEOUT,
            role=self.role,
            log_group=self.log_group,
            tracing=lambda_.Tracing.ACTIVE,
            reserved_concurrent_executions=reserved_concurrency,
            environment=environment,
            # SnapStart snapshots each published version; the handler registers what a restore must drop
            # (resend_code/snapstart.py).
            snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if snap_start else None,
            # A superseded version is deleted once the alias moves on: with SnapStart each kept version would
            # go on paying for its cached snapshot.
            current_version_options=lambda_.VersionOptions(removal_policy=RemovalPolicy.DESTROY),
        )
        if snap_start:
            _check_snap_start_region(Stack.of(self).region)
            # The stack does publish: the alias below points at the current version.
            Annotations.of(self.function).acknowledge_warning(
                "@aws-cdk/aws-lambda:snapStartRequirePublish", "the live alias invokes the published current version"
            )
        self.invocation_target: lambda_.IFunction = self.function
        self.alias: lambda_.Alias | None = None
        if provisioned_concurrency or snap_start:
            # Both remedies work on a published version only ($LATEST never gets a snapshot or provisioned
            # environments): API Gateway invokes this alias, which follows the version of the latest deploy.
            self.alias = lambda_.Alias(
                self,
                "Live",
                alias_name=LIVE_ALIAS,
                version=self.function.current_version,
                provisioned_concurrent_executions=provisioned_concurrency or None,
            )
            self.invocation_target = self.alias

    def _grant_least_privilege(self, clients: Sequence[ClientSecretGrant]) -> None:
        # Written out instead of AWSLambdaBasicExecutionRole and Secret.grantRead: those add CreateLogGroup on
        # every group and DescribeSecret, which the function never calls. Cognito does not evaluate IAM for
        # ResendConfirmationCode, so there is no Cognito statement at all. (Active tracing makes the Function
        # add the X-Ray write statement itself.)
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="ReadAppClientSecrets",
                actions=["secretsmanager:GetSecretValue"],
                resources=sorted({c.secret_arn for c in clients}),
            )
        )
        kms_keys = sorted({c.kms_key_arn for c in clients if c.kms_key_arn})
        if kms_keys:
            self.role.add_to_policy(
                iam.PolicyStatement(
                    sid="DecryptAppClientSecrets",
                    actions=["kms:Decrypt"],
                    resources=kms_keys,
                    conditions={
                        "StringEquals": {"kms:ViaService": f"secretsmanager.{Stack.of(self).region}.amazonaws.com"}
                    },
                )
            )
        NagSuppressions.add_resource_suppressions(
            self.role,
            [
                {
                    "id": "AwsSolutions-IAM5",
                    "reason": "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.",
                    "appliesTo": ["Resource::*"],
                }
            ],
            apply_to_children=True,
        )
