"""The user pool's password policy as the function's PASSWORD_* settings (code_screens/settings.py): the function
checks a new password against it before Cognito (code_screens/password_policy.py).

With the demo pool, the stack knows the policy (demo_pool.DEMO_PASSWORD_POLICY, the pool's own props). With an
existing pool, the stack reads it at deploy time: one AwsCustomResource calls DescribeUserPool on that pool alone
(IAM: cognito-idp:DescribeUserPool on its ARN, nothing else) and keeps only the five PasswordPolicy fields of the
answer (a custom resource's response must stay under 4 KB, and a pool's description is far larger). The read runs
when the resource is created and whenever its properties change: the pool, or `passwordPolicyRevision` (a value the
operator changes to read a changed policy again, docs/operations.md).
"""

from __future__ import annotations

import json

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

from code_screens.settings import (
    PASSWORD_MINIMUM_LENGTH,
    PASSWORD_REQUIRE_LOWERCASE,
    PASSWORD_REQUIRE_NUMBERS,
    PASSWORD_REQUIRE_SYMBOLS,
    PASSWORD_REQUIRE_UPPERCASE,
    PasswordPolicy,
)
from infra.demo_pool import provider_logs, suppress_provider_findings

# The function's setting → the field of Cognito's PasswordPolicyType that holds it.
POLICY_FIELDS = {
    PASSWORD_MINIMUM_LENGTH.name: "MinimumLength",
    PASSWORD_REQUIRE_UPPERCASE.name: "RequireUppercase",
    PASSWORD_REQUIRE_LOWERCASE.name: "RequireLowercase",
    PASSWORD_REQUIRE_NUMBERS.name: "RequireNumbers",
    PASSWORD_REQUIRE_SYMBOLS.name: "RequireSymbols",
}
RESPONSE_PREFIX = "UserPool.Policies.PasswordPolicy."


def policy_environment(policy: PasswordPolicy) -> dict[str, str]:
    """A policy the stack knows, as the function's environment (booleans as CloudFormation writes them)."""
    return {
        PASSWORD_MINIMUM_LENGTH.name: str(policy.minimum_length),
        PASSWORD_REQUIRE_UPPERCASE.name: json.dumps(policy.require_uppercase),
        PASSWORD_REQUIRE_LOWERCASE.name: json.dumps(policy.require_lowercase),
        PASSWORD_REQUIRE_NUMBERS.name: json.dumps(policy.require_numbers),
        PASSWORD_REQUIRE_SYMBOLS.name: json.dumps(policy.require_symbols),
    }


class PoolPasswordPolicy(Construct):
    """An existing pool's password policy, read at deploy time with DescribeUserPool."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        user_pool_id: str,
        revision: str,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        pool_arn = Stack.of(self).format_arn(
            service="cognito-idp",
            resource="userpool",
            resource_name=user_pool_id,
            arn_format=ArnFormat.SLASH_RESOURCE_NAME,
        )
        call = cr.AwsSdkCall(
            service="CognitoIdentityServiceProvider",
            action="describeUserPool",
            parameters={"UserPoolId": user_pool_id},
            # A new revision is a new physical id: the resource's properties change and the policy is read again.
            physical_resource_id=cr.PhysicalResourceId.of(f"{user_pool_id}/password-policy/{revision}"),
            output_paths=[RESPONSE_PREFIX + field for field in POLICY_FIELDS.values()],
        )
        self.resource = cr.AwsCustomResource(
            self,
            "DescribeUserPool",
            on_create=call,
            on_update=call,
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [iam.PolicyStatement(actions=["cognito-idp:DescribeUserPool"], resources=[pool_arn])]
            ),
            install_latest_aws_sdk=False,
        )
        provider_logs(self, log_retention)
        suppress_provider_findings(self)

    @property
    def environment(self) -> dict[str, str]:
        """The function's PASSWORD_* settings, each a reference to the field DescribeUserPool returned."""
        return {
            setting: self.resource.get_response_field(RESPONSE_PREFIX + field)
            for setting, field in POLICY_FIELDS.items()
        }
