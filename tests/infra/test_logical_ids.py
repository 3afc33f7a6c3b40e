"""The logical IDs of the stack's stateful resources are a public contract: pinned here, in both pool modes.

CloudFormation knows a resource by its logical ID alone. When an upgrade synthesizes a stateful resource under
another ID (a construct renamed or moved, a Python class renamed that names its construct after itself), the
update creates a new resource and deletes the old one: the limiter's table loses its counts, a new pseudonym key
changes every user_ref and limiter key, a new user pool loses every user, a new app client or secret breaks
every app that knows the old one, a new log group drops the history (or the update fails, when the group is
named). So the IDs below are literals, copied from a synthesis of the stack as deployed today, and any change
fails, an ID added as much as one removed or renamed. If a change is deliberate, say in the release notes what it
replaces and how to keep the data, then update the literal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.synth import Synthesized, synthesize

# Types that hold data or identity a user would lose on replacement.
STATEFUL_TYPES = frozenset(
    {
        "AWS::DynamoDB::Table",
        "AWS::SecretsManager::Secret",
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::KMS::Key",
        "AWS::Logs::LogGroup",
        "AWS::SNS::Topic",
        "AWS::SNS::Subscription",
    }
)
# Whatever the stack keeps on deletion is stateful too: a replacement would orphan the kept one.
KEPT = frozenset({"Retain", "RetainExceptOnCreate", "Snapshot"})

# Both pool modes share these.
SHARED = {
    # The limiter's DynamoDB table and the key of the user pseudonym and the limiter.
    "ResendLimits6E954B5D": "AWS::DynamoDB::Table",
    "ResendPseudonymKey5616AC72": "AWS::SecretsManager::Secret",
    # Log groups: the function's, the API's access and execution logs.
    "ResendLogs29425030": "AWS::Logs::LogGroup",
    "EdgeAccessLogsC159D9EF": "AWS::Logs::LogGroup",
    "EdgeExecutionLogsE5730A2B": "AWS::Logs::LogGroup",
    # The client-secret rotation function's log group (added with secret rotation, nothing replaced).
    "SecretRotationLogs0111C49F": "AWS::Logs::LogGroup",
    # The Cognito door's API's access and execution logs (issue 20).
    "CognitoDoorAccessLogsDBFB3E07": "AWS::Logs::LogGroup",
    "CognitoDoorExecutionLogs5AA3D5DE": "AWS::Logs::LogGroup",
}
# API Gateway's account-wide CloudWatch role, kept when the stack is deleted: made only with
# apiGatewayCloudWatchRole=true (the default leaves an account's shared setting alone). A stack deployed before
# that default changed keeps both in the account, since they are retained; with the setting on they must keep
# these IDs, or the update would make a second account setting and role.
API_GATEWAY_ACCOUNT = {
    "EdgeApiAccount2023DF05": "AWS::ApiGateway::Account",
    "EdgeApiCloudWatchRoleE366BB14": "AWS::IAM::Role",
}
TODAY = {
    "demo": {
        **SHARED,
        "DemoPoolUserPool0A228246": "AWS::Cognito::UserPool",
        "DemoPoolUserPoolAppClientC007CF88": "AWS::Cognito::UserPoolClient",
        "DemoPoolAppClientSecret9DF8BAB8": "AWS::SecretsManager::Secret",
        # The log group of CDK's AwsCustomResource provider that reads the demo client's secret.
        "AWS679f53fac002430cb0da5b7982bd2287LogGroup449FB7C2": "AWS::Logs::LogGroup",
    },
    # An existing pool: its clients' secrets are the operator's (ARNs in the context), not the stack's; an alarm
    # e-mail gives a topic (its subscription confirmed by hand) encrypted with a key of the stack's own.
    "existing": {
        **SHARED,
        "MonitoringAlarmTopicAF62D4F1": "AWS::SNS::Topic",
        "MonitoringAlarmTopicopsexamplecomF2F02329": "AWS::SNS::Subscription",
        "MonitoringAlarmTopicKeyFFA45DC9": "AWS::KMS::Key",
        # The log group of CDK's AwsCustomResource provider that reads the pool's password policy at deploy time
        # (added with the password-reset routes, nothing replaced).
        "AWS679f53fac002430cb0da5b7982bd2287LogGroup449FB7C2": "AWS::Logs::LogGroup",
    },
}


def stateful(resources: dict[str, Any]) -> dict[str, str]:
    """Logical ID -> type of every stateful resource in a template."""
    return {
        logical_id: resource["Type"]
        for logical_id, resource in resources.items()
        if resource["Type"] in STATEFUL_TYPES
        or resource.get("DeletionPolicy") in KEPT
        or resource.get("UpdateReplacePolicy") in KEPT
    }


def test_stateful_resources_keep_their_logical_ids(each_mode: Synthesized, request: pytest.FixtureRequest) -> None:
    mode = request.node.callspec.params["each_mode"]

    assert stateful(each_mode.resources) == TODAY[mode]


@pytest.mark.slow  # synthesizes a stack of its own
def test_the_account_wide_api_gateway_role_keeps_its_logical_ids_when_the_stack_makes_it(
    tmp_path: Path,
) -> None:
    synthesized = synthesize({"apiGatewayCloudWatchRole": "true"}, tmp_path)

    assert stateful(synthesized.resources) == {**TODAY["demo"], **API_GATEWAY_ACCOUNT}
