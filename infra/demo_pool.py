"""A demo user pool and app client with a generated secret, the secret stored in Secrets Manager.

The secret is never a literal: `user_pool_client_secret` is a token that a custom resource reads at deploy time
(DescribeUserPoolClient), and the Secrets Manager secret is built from that token. The feature flag
`@aws-cdk/cognito:logUserPoolClientSecretValue` (false in cdk.json) keeps the custom resource from logging it.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, SecretValue, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import custom_resources as cr
from cdk_nag import NagSuppressions
from constructs import Construct

from code_screens.settings import PasswordPolicy
from infra.config import RETENTION_DAYS

# The id of CDK's AwsCustomResource singleton provider function (the one that reads the generated secret, and in
# existing-pool mode the pool's password policy: infra/password_policy.py).
PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287"
# The demo pool's password policy: the pool's props and the function's PASSWORD_* settings both come from it.
DEMO_PASSWORD_POLICY = PasswordPolicy(
    minimum_length=12, require_uppercase=True, require_lowercase=True, require_numbers=True, require_symbols=True
)


class DemoUserPool(Construct):
    """A self-sign-up pool with e-mail verification and an app client that has a secret."""

    def __init__(self, scope: Construct, construct_id: str, *, log_retention: logs.RetentionDays) -> None:
        super().__init__(scope, construct_id)

        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=True,
            # AWS's recommendation: a phone keyboard's capital first letter must not make a resend go nowhere.
            sign_in_case_sensitive=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            password_policy=cognito.PasswordPolicy(
                min_length=DEMO_PASSWORD_POLICY.minimum_length,
                require_digits=DEMO_PASSWORD_POLICY.require_numbers,
                require_lowercase=DEMO_PASSWORD_POLICY.require_lowercase,
                require_uppercase=DEMO_PASSWORD_POLICY.require_uppercase,
                require_symbols=DEMO_PASSWORD_POLICY.require_symbols,
            ),
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.client = self.user_pool.add_client(
            "AppClient",
            generate_secret=True,
            # ENABLED: Cognito itself answers the same for unknown users (the API's default is LEGACY).
            prevent_user_existence_errors=True,
            # Lets the function's UserContextData.IpAddress (the caller's IP) reach threat protection.
            enable_propagate_additional_user_context_data=True,
            auth_flows=cognito.AuthFlow(user_srp=True),
            # Nothing here uses the hosted UI or OAuth; CDK's default would enable the implicit and code flows
            # with an example.com callback.
            disable_o_auth=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
        )
        self.client_secret = secretsmanager.Secret(
            self,
            "AppClientSecret",
            description="Cognito app client id and secret for the resend-confirmation-code function",
            secret_object_value={
                "clientId": SecretValue.unsafe_plain_text(self.client.user_pool_client_id),
                "clientSecret": self.client.user_pool_client_secret,
            },
            removal_policy=RemovalPolicy.DESTROY,
        )

        provider_logs(self, log_retention)

        NagSuppressions.add_resource_suppressions(
            self.user_pool,
            [
                {"id": "AwsSolutions-COG2", "reason": "Demo pool for sign-up confirmation; MFA is the app's choice."},
                {
                    "id": "AwsSolutions-COG8",
                    "reason": "The Plus plan (threat protection) is billed per user; the demo stays on Essentials.",
                },
            ],
        )
        suppress_provider_findings(self)


def suppress_provider_findings(scope: Construct) -> None:
    """cdk-nag's findings on CDK's own AwsCustomResource singleton function, which the stack cannot change."""
    NagSuppressions.add_resource_suppressions_by_path(
        Stack.of(scope),
        f"{Stack.of(scope).node.path}/{PROVIDER_ID}",
        [
            {
                "id": "AwsSolutions-IAM4",
                "reason": "CDK's AwsCustomResource provider uses the basic execution role.",
            },
            {"id": "AwsSolutions-L1", "reason": "CDK's AwsCustomResource provider picks its own runtime."},
        ],
        apply_to_children=True,
    )


def provider_logs(scope: Construct, retention: logs.RetentionDays) -> None:
    """The stack's retention and teardown on the log group of CDK's AwsCustomResource provider function."""
    # CDK gives its provider function a log group (@aws-cdk/aws-lambda:useCdkManagedLogGroup) kept for two
    # years and retained on destroy; the stack's retention and teardown apply to it like to every other group.
    provider = Stack.of(scope).node.try_find_child(PROVIDER_ID)
    group = provider.node.try_find_child("LogGroup") if provider else None
    if group is None:
        return
    log_group = group.node.default_child
    assert isinstance(log_group, logs.CfnLogGroup)
    log_group.retention_in_days = next(days for days, value in RETENTION_DAYS.items() if value == retention)
    log_group.apply_removal_policy(RemovalPolicy.DESTROY)
    # The provider may log only once its group exists, and the group may go only after its last call: else the
    # function's first call creates the group itself (and the stack's then fails to create it), or the delete
    # call writes into a group it creates again, with no retention, after the stack is gone.
    for construct in Stack.of(scope).node.find_all():
        if isinstance(construct, cr.AwsCustomResource):
            construct.node.add_dependency(group)
