"""The function's password policy settings in both pool modes: the demo pool's own props, or, for an existing pool,
a deploy-time DescribeUserPool with the least it needs (one action on one pool, five output paths, a log group with
the stack's retention)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from code_screens.settings import PASSWORD_POLICY_SETTINGS, Settings
from infra.config import ConfigError, StackConfig, password_policy_pool
from infra.demo_pool import DEMO_PASSWORD_POLICY
from tests.synth import EXISTING_CONTEXT, EXISTING_POOL, Synthesized, synthesize

POLICY_FIELDS = ["MinimumLength", "RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols"]


def function_environment(synth: Synthesized) -> dict[str, Any]:
    (function,) = [
        f
        for f in synth.of_type("AWS::Lambda::Function").values()
        if f["Properties"]["Handler"] == "handler.lambda_handler"
    ]
    variables: dict[str, Any] = function["Properties"]["Environment"]["Variables"]
    return variables


def describe_user_pool(synth: Synthesized) -> dict[str, Any]:
    return synth.resources[describe_user_pool_id(synth)]  # type: ignore[no-any-return]


def describe_user_pool_id(synth: Synthesized) -> str:
    (logical_id,) = [k for k, r in synth.of_type("Custom::AWS").items() if "describeUserPool" in json.dumps(r)]
    return logical_id


def test_the_demo_pool_and_the_function_share_one_policy(demo: Synthesized) -> None:
    (pool,) = demo.of_type("AWS::Cognito::UserPool").values()
    props = pool["Properties"]["Policies"]["PasswordPolicy"]
    environment = function_environment(demo)

    # The function reads exactly what the pool enforces, through its own settings table.
    read = Settings.from_env({**environment, "APP_CLIENTS": json.dumps({"c": "s"})}).password_policy
    assert read == DEMO_PASSWORD_POLICY
    assert [props[field] for field in POLICY_FIELDS] == [
        DEMO_PASSWORD_POLICY.minimum_length,
        DEMO_PASSWORD_POLICY.require_uppercase,
        DEMO_PASSWORD_POLICY.require_lowercase,
        DEMO_PASSWORD_POLICY.require_numbers,
        DEMO_PASSWORD_POLICY.require_symbols,
    ]
    assert not [r for r in demo.of_type("Custom::AWS").values() if "describeUserPool" in json.dumps(r)]


def test_an_existing_pools_policy_is_read_at_deploy_time_into_every_setting(existing: Synthesized) -> None:
    resource = describe_user_pool(existing)
    environment = function_environment(existing)
    logical_id = describe_user_pool_id(existing)

    create = json.loads(json.dumps(resource["Properties"]["Create"]))
    text = json.dumps(create)
    # Only the five policy fields come back (a custom resource's answer must stay under 4 KB).
    for field in POLICY_FIELDS:
        assert f"UserPool.Policies.PasswordPolicy.{field}" in text
    assert "outputPaths" in text and "UserPool.Policies.PasswordPolicy.TemporaryPasswordValidityDays" not in text
    assert EXISTING_POOL in text
    # Each PASSWORD_* setting is a reference to its field of that one resource's answer.
    for setting, field in zip(PASSWORD_POLICY_SETTINGS, POLICY_FIELDS, strict=True):
        assert environment[setting.name] == {"Fn::GetAtt": [logical_id, f"UserPool.Policies.PasswordPolicy.{field}"]}


def test_the_policy_reader_may_describe_that_one_pool_and_nothing_else(existing: Synthesized) -> None:
    resource = describe_user_pool(existing)
    dependencies = json.dumps(resource.get("DependsOn", []))
    policies = [
        p
        for k, p in existing.of_type("AWS::IAM::Policy").items()
        if k in dependencies or "DescribeUserPool" in json.dumps(p)
    ]
    statements = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]

    assert [s["Action"] for s in statements] == ["cognito-idp:DescribeUserPool"]
    (statement,) = statements
    assert "*" not in json.dumps(statement["Resource"]).replace(":*:", "")  # no wildcard in the resource
    assert f"userpool/{EXISTING_POOL}" in json.dumps(statement["Resource"])


def test_a_default_client_without_a_pool_keeps_cognitos_default_policy(tmp_path: Path) -> None:
    clients = [{"clientId": "webclient123", "secretArn": json.loads(EXISTING_CONTEXT["appClients"])[0]["secretArn"]}]
    context = {
        **EXISTING_CONTEXT,
        "appClients": json.dumps(clients),
        "defaultClientId": "webclient123",
        "rotateExistingClientSecrets": "false",
    }

    synth = synthesize(context, tmp_path)

    assert not [name for name in function_environment(synth) if name.startswith("PASSWORD_")]
    assert not synth.of_type("Custom::AWS")


def test_the_pool_read_is_the_default_clients() -> None:
    config = StackConfig.from_mapping(EXISTING_CONTEXT)

    assert password_policy_pool(config) == json.loads(EXISTING_CONTEXT["appClients"])[0]["userPoolId"]
    assert password_policy_pool(StackConfig.from_mapping({})) is None


@pytest.mark.parametrize("revision", ["", "has space", "x" * 65, "a/b"])
def test_a_bad_revision_is_named(revision: str) -> None:
    if revision == "":
        assert StackConfig.from_mapping({"passwordPolicyRevision": revision}).password_policy_revision == "1"
        return
    with pytest.raises(ConfigError, match="passwordPolicyRevision"):
        StackConfig.from_mapping({"passwordPolicyRevision": revision})


@pytest.mark.slow  # synthesizes stacks of its own
def test_a_new_revision_changes_what_the_custom_resource_is_given(tmp_path: Path) -> None:
    # CloudFormation calls the resource again only when its properties change: the revision is in them.
    first = describe_user_pool(synthesize(EXISTING_CONTEXT, tmp_path / "a"))
    second = describe_user_pool(
        synthesize({**EXISTING_CONTEXT, "passwordPolicyRevision": "2026-12-04"}, tmp_path / "b")
    )

    assert json.dumps(first["Properties"]["Update"]) != json.dumps(second["Properties"]["Update"])
    assert "2026-12-04" in json.dumps(second["Properties"]["Update"])
