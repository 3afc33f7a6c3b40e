"""The app client secrets' rotation in the synthesized template: the function, its schedule on every secret it
rotates, the least privilege it runs with, Secrets Manager's permission to invoke it, and its alarm."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Annotations, Match

from code_screens import metric_names as names
from infra.config import ConfigError, StackConfig, check_rotation_targets
from infra.rotation_construct import COGNITO_SECRET_ACTIONS
from tests.synth import EXISTING_CONTEXT, EXISTING_POOL, EXISTING_SECRET, EXISTING_SECRET_2, Synthesized, synthesize

ROTATION_HANDLER = "rotation_handler.lambda_handler"


def rotation_function(synth: Synthesized) -> tuple[str, dict[str, Any]]:
    (found,) = [
        (k, f)
        for k, f in synth.of_type("AWS::Lambda::Function").items()
        if f["Properties"]["Handler"] == ROTATION_HANDLER
    ]
    return found


def role_statements(synth: Synthesized, function: dict[str, Any]) -> list[dict[str, Any]]:
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = []
    for policy in synth.of_type("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


def actions(statement: dict[str, Any]) -> set[str]:
    value = statement["Action"]
    return {value} if isinstance(value, str) else set(value)


def test_the_demo_secret_rotates_every_30_days_by_the_rotation_function(demo: Synthesized) -> None:
    function_id, function = rotation_function(demo)
    ((_, schedule),) = demo.of_type("AWS::SecretsManager::RotationSchedule").items()
    (secret_id,) = [k for k in demo.of_type("AWS::SecretsManager::Secret") if k.startswith("DemoPoolAppClientSecret")]

    assert schedule["Properties"]["SecretId"] == {"Ref": secret_id}
    assert schedule["Properties"]["RotationLambdaARN"] == {"Fn::GetAtt": [function_id, "Arn"]}
    assert schedule["Properties"]["RotationRules"] == {"AutomaticallyAfterDays": 30}
    # Created only once Secrets Manager may invoke the function (it rotates when the schedule is created).
    (permission_id,) = [
        k
        for k, p in demo.of_type("AWS::Lambda::Permission").items()
        if p["Properties"]["Principal"] == "secretsmanager.amazonaws.com"
    ]
    assert permission_id in schedule["DependsOn"]
    assert demo.resources[permission_id]["Properties"]["SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert function["Properties"]["Runtime"] == "python3.14" and function["Properties"]["Architectures"] == ["arm64"]
    # The client → pool map the steps need, built from the demo pool's own references.
    assert "DemoPoolUserPool" in json.dumps(function["Properties"]["Environment"]["Variables"]["ROTATION_USER_POOLS"])


def test_the_rotation_role_has_exactly_the_rotations_calls_on_the_configured_pools_and_secrets(
    existing: Synthesized,
) -> None:
    _, function = rotation_function(existing)

    statements = {s["Sid"]: s for s in role_statements(existing, function)}

    assert set(statements) == {
        "WriteOwnLogs",
        "RotateClientSecretsInCognito",
        "RotateAppClientSecrets",
        "UseAppClientSecretKeys",
    }
    cognito = statements["RotateClientSecretsInCognito"]
    assert actions(cognito) == set(COGNITO_SECRET_ACTIONS)
    assert EXISTING_POOL in json.dumps(cognito["Resource"]) and "*" not in json.dumps(cognito["Resource"])
    rotate = statements["RotateAppClientSecrets"]
    assert actions(rotate) == {
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
        "secretsmanager:ListSecretVersionIds",
        "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecretVersionStage",
    }
    assert sorted(rotate["Resource"]) == sorted([EXISTING_SECRET, EXISTING_SECRET_2])
    keys = statements["UseAppClientSecretKeys"]
    assert actions(keys) == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert "kms:ViaService" in json.dumps(keys["Condition"])
    # Nothing on `*` (no GetRandomPassword: Cognito generates the secret) and no managed policy.
    assert all(s["Resource"] != "*" for s in statements.values())
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    assert "ManagedPolicyArns" not in existing.resources[role_id]["Properties"]


def test_existing_secrets_are_each_scheduled_unless_opted_out(tmp_path: Any) -> None:
    opted_out = synthesize({**EXISTING_CONTEXT, "rotateExistingClientSecrets": "false"}, tmp_path)

    # The function stays (on-demand rotation, the manual runbook), with no schedule
    assert opted_out.of_type("AWS::SecretsManager::RotationSchedule") == {}
    rotation_function(opted_out)


def test_existing_secrets_get_a_schedule_each_with_the_setting(existing: Synthesized) -> None:
    schedules = existing.of_type("AWS::SecretsManager::RotationSchedule").values()

    assert sorted(s["Properties"]["SecretId"] for s in schedules) == sorted([EXISTING_SECRET, EXISTING_SECRET_2])
    assert {s["Properties"]["RotationRules"]["AutomaticallyAfterDays"] for s in schedules} == {30}


def test_rotation_needs_each_existing_clients_pool_or_the_opt_out() -> None:
    clients = json.dumps([{"clientId": "webclient123", "secretArn": EXISTING_SECRET}])
    config = StackConfig.from_mapping({"poolMode": "existing", "appClients": clients})

    with pytest.raises(ConfigError, match=r"userPoolId.*rotateExistingClientSecrets=false"):
        check_rotation_targets(config)
    check_rotation_targets(
        StackConfig.from_mapping(
            {"poolMode": "existing", "appClients": clients, "rotateExistingClientSecrets": "false"}
        )
    )
    with pytest.raises(ConfigError, match="secretRotationDays"):
        StackConfig.from_mapping({"secretRotationDays": "1001"})
    bad_pool = json.dumps([{"clientId": "webclient123", "secretArn": EXISTING_SECRET, "userPoolId": "no pool"}])
    with pytest.raises(ConfigError, match="userPoolId"):
        StackConfig.from_mapping({"poolMode": "existing", "appClients": bad_pool})


def test_a_failed_rotation_step_raises_an_alarm_on_the_rotation_functions_metric(each_mode: Synthesized) -> None:
    _, function = rotation_function(each_mode)
    service = function["Properties"]["Environment"]["Variables"]["ROTATION_SERVICE_NAME"]

    (alarm,) = [
        a
        for a in each_mode.of_type("AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == names.CLIENT_SECRET_ROTATION_FAILED
    ]

    assert alarm["Properties"]["Dimensions"] == [{"Name": names.SERVICE_DIMENSION, "Value": service}]
    assert alarm["Properties"]["Threshold"] == 1
    assert "#clientsecretrotationfailed" in json.dumps(alarm["Properties"]["AlarmDescription"])


def test_no_secret_rotation_suppression_is_left(each_mode: Synthesized) -> None:
    template = json.dumps(each_mode.template.to_json())

    # The pseudonym key keeps its own (it must never rotate); the app client secrets have none.
    assert template.count("AwsSolutions-SMG4") == 1


def test_an_existing_clients_secret_is_not_rotated_at_deploy_time_and_synth_says_what_rotation_revokes(
    existing: Synthesized, demo: Synthesized
) -> None:
    # A rotation revokes the previous Cognito secret; other components of an existing pool may still hold it, so
    # the first rotation waits for the schedule's days (time to move them to the Secrets Manager secret), and synth
    # warns. The demo pool's secret is this stack's alone: it rotates as soon as its schedule exists.
    existing_schedules = existing.of_type("AWS::SecretsManager::RotationSchedule").values()
    (demo_schedule,) = demo.of_type("AWS::SecretsManager::RotationSchedule").values()

    assert {s["Properties"]["RotateImmediatelyOnUpdate"] for s in existing_schedules} == {False}
    assert demo_schedule["Properties"]["RotateImmediatelyOnUpdate"] is True
    warned = Annotations.from_stack(existing.stack).find_warning("*", Match.string_like_regexp("revokes the previous"))
    assert warned
    assert not Annotations.from_stack(demo.stack).find_warning("*", Match.string_like_regexp("revokes the previous"))
