"""What passes synth, cdk-nag and cfn-lint and still fails or misbehaves in a real account
(/work/shared/deploy-pitfalls.md, one class per section): each test here failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from code_screens import metric_names as names
from code_screens.routes import ROUTES
from infra.api_construct import stack_unique_name
from infra.config import ConfigError
from tests.infra.test_stack import the_function
from tests.synth import EXISTING_CONTEXT, REGION, Synthesized, rest_apis, stage_of, synthesize


def metric_nodes(node: Any) -> list[dict[str, Any]]:
    """Every {Namespace, MetricName, Dimensions} in an alarm's properties (plain or inside metric math)."""
    if isinstance(node, list):
        return [found for value in node for found in metric_nodes(value)]
    if not isinstance(node, dict):
        return []
    own = [node] if "MetricName" in node and "Namespace" in node else []
    return own + [found for value in node.values() for found in metric_nodes(value)]


# --- defaults that only a mature account satisfies ---


def test_no_reserved_concurrency_unless_asked_for(demo: Synthesized, existing: Synthesized) -> None:
    # New accounts may have a concurrency limit of 10 with 10 kept unreserved: any reservation rolls back.
    assert "ReservedConcurrentExecutions" not in the_function(demo)
    assert the_function(existing)["ReservedConcurrentExecutions"] == 5  # EXISTING_CONTEXT opts in


# --- account-wide singletons ---


def test_the_account_wide_api_gateway_role_is_set_only_when_asked(each_mode: Synthesized) -> None:
    # The setting is one per account and Region: by default the stack leaves whichever role is there.
    assert each_mode.of_type("AWS::ApiGateway::Account") == {}


def test_the_account_wide_api_gateway_role_is_never_deleted_with_the_stack(tmp_path: Path) -> None:
    synth = synthesize({"apiGatewayCloudWatchRole": "true"}, tmp_path)
    (account,) = synth.of_type("AWS::ApiGateway::Account").values()
    role_id = account["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][0]

    assert account["DeletionPolicy"] == "Retain"
    assert account["UpdateReplacePolicy"] == "Retain"
    assert synth.resources[role_id]["DeletionPolicy"] == "Retain"


@pytest.mark.slow  # synth: a stack of its own
def test_the_api_gateway_account_role_can_be_left_alone(tmp_path: Path) -> None:
    synth = synthesize({"apiGatewayCloudWatchRole": "false"}, tmp_path)

    assert synth.of_type("AWS::ApiGateway::Account") == {}
    # Access and execution logs still work on every API's stage: they use whatever role the account already has.
    stages = synth.of_type("AWS::ApiGateway::Stage").values()
    assert len(stages) == len(rest_apis(synth)) == 2
    for stage in stages:
        assert "AccessLogSetting" in stage["Properties"]


def test_trace_sampling_rule_applies_to_this_api_only(each_mode: Synthesized) -> None:
    # X-Ray sampling rules are account-wide: "*" would sample every other service's POSTs to the same path. One rule
    # per API of this stack, each naming exactly that API's stage.
    rules = [r["Properties"]["SamplingRule"] for r in each_mode.of_type("AWS::XRay::SamplingRule").values()]
    expected = []
    for api_id, api in rest_apis(each_mode).items():
        _, stage = stage_of(each_mode, api_id)
        expected.append(f"{api['Properties']['Name']}/{stage['Properties']['StageName']}")

    assert sorted(properties["ServiceName"] for properties in rules) == sorted(expected)
    for properties in rules:
        assert properties["ServiceType"] == "AWS::ApiGateway::Stage"


# --- names that collide ---


def test_api_and_web_acl_names_are_explicit_and_stack_unique(existing: Synthesized, agnostic_copy: Synthesized) -> None:
    # Every API's name (AWS/ApiGateway metrics are keyed by it) and the web ACL's, in two copies of the stack.
    def names(synth: Synthesized) -> list[str]:
        apis = [api["Properties"]["Name"] for api in rest_apis(synth).values()]
        (acl,) = synth.of_type("AWS::WAFv2::WebACL").values()
        assert len(apis) == 2
        return [*apis, acl["Properties"]["Name"]]

    own, copy = names(existing), names(agnostic_copy)

    assert all(name.startswith("ResendConfirmationCode") for name in own)
    assert all(name.startswith("ResendCopy") for name in copy)
    assert len({*own, *copy}) == 6


def test_waf_metric_names_equal_the_names_cloudwatch_reports(each_mode: Synthesized) -> None:
    # AWS/WAFV2 metrics carry the web ACL's name and each rule's metric name; keeping each pair equal means the
    # alarms match whichever of the two CloudWatch uses.
    (acl,) = each_mode.of_type("AWS::WAFv2::WebACL").values()

    assert acl["Properties"]["VisibilityConfig"]["MetricName"] == acl["Properties"]["Name"]
    for rule in acl["Properties"]["Rules"]:
        assert rule["VisibilityConfig"]["MetricName"] == rule["Name"]


# --- service-created resources ---


def test_api_gateway_execution_logs_are_managed_with_a_retention(each_mode: Synthesized) -> None:
    # Every API of the stack logs errors on its stage, so every one needs its group made by the stack.
    assert len(rest_apis(each_mode)) == 2
    for api_id in rest_apis(each_mode):
        stage_id, stage = stage_of(each_mode, api_id)
        assert stage["Properties"]["MethodSettings"][0]["LoggingLevel"] == "ERROR"
        expected = {"Fn::Join": ["", ["API-Gateway-Execution-Logs_", {"Ref": api_id}, "/v1"]]}

        groups = {
            k: v
            for k, v in each_mode.of_type("AWS::Logs::LogGroup").items()
            if v["Properties"].get("LogGroupName") == expected
        }

        assert len(groups) == 1, f"one log group named as API Gateway names {api_id}'s execution logs"
        (group_id, group), *_ = groups.items()
        assert group["Properties"]["RetentionInDays"] == 30
        assert group["DeletionPolicy"] == "Delete"
        # Created before the stage starts logging, or API Gateway creates it first and the deploy fails.
        assert group_id in stage.get("DependsOn", [])
        assert stage_id


def test_the_demo_custom_resource_provider_logs_to_a_group_with_a_retention(demo: Synthesized) -> None:
    providers = [
        k
        for k, v in demo.of_type("AWS::Lambda::Function").items()
        # The stack's own functions log to groups of their own (test_stack.py, test_secret_rotation.py).
        if v["Properties"].get("Handler") not in ("handler.lambda_handler", "rotation_handler.lambda_handler")
    ]
    groups = demo.of_type("AWS::Logs::LogGroup").values()

    assert providers, "the demo pool's secret reader is a CDK provider function"
    for provider in providers:
        name = {"Fn::Join": ["", ["/aws/lambda/", {"Ref": provider}]]}
        (group,) = [g for g in groups if g["Properties"].get("LogGroupName") == name]
        assert group["Properties"]["RetentionInDays"] == 30
        assert group["DeletionPolicy"] == "Delete"


# --- regional references ---


@pytest.mark.slow  # synth: a stack of its own
def test_a_secret_from_another_region_fails_synth_naming_the_setting(tmp_path: Path) -> None:
    context = {**EXISTING_CONTEXT}
    assert REGION == "eu-west-1"  # the secrets in EXISTING_CONTEXT are there

    with pytest.raises(ConfigError, match=r"appClients.*secretArn.*eu-west-1.*us-east-1"):
        synthesize(context, tmp_path, region="us-east-1")


@pytest.mark.slow  # synth: a stack of its own
def test_an_alarm_topic_from_another_region_fails_synth(tmp_path: Path) -> None:
    # CloudWatch alarms may only notify a topic of their own Region: the deploy would roll back.
    context = {"alarmTopicArn": "arn:aws:sns:us-east-1:123456789012:ops-alarms"}

    with pytest.raises(ConfigError, match=r"alarmTopicArn.*us-east-1.*eu-west-1"):
        synthesize(context, tmp_path)


def test_a_region_unknown_at_synth_is_checked_by_a_cloudformation_rule(agnostic_copy: Synthesized) -> None:
    rules = agnostic_copy.template.to_json().get("Rules", {})
    assertions = [a for rule in rules.values() for a in rule["Assertions"]]
    text = json.dumps(assertions)

    assert {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]} in [a["Assert"] for a in assertions]
    assert "appClients" in text and "secretArn" in text


def test_a_known_region_needs_no_rule(existing: Synthesized) -> None:
    rules = existing.template.to_json().get("Rules", {})

    assert [name for name in rules if "Region" in name] == []


# --- demo pool defaults ---


def test_demo_pool_usernames_are_case_insensitive(demo: Synthesized) -> None:
    (pool,) = demo.of_type("AWS::Cognito::UserPool").values()

    assert pool["Properties"]["UsernameConfiguration"] == {"CaseSensitive": False}


def test_demo_app_client_carries_no_oauth_defaults(demo: Synthesized) -> None:
    (client,) = demo.of_type("AWS::Cognito::UserPoolClient").values()
    properties = client["Properties"]

    assert "example.com" not in json.dumps(properties)
    assert not properties.get("AllowedOAuthFlows")
    assert not properties.get("AllowedOAuthFlowsUserPoolClient")
    assert not properties.get("CallbackURLs")


def test_destroy_removes_everything_but_the_account_wide_logging_role(each_mode: Synthesized, tmp_path: Path) -> None:
    # The README's teardown section: only the shared API Gateway account setting and its role, when the stack set
    # them, outlive the stack.
    def kept(synth: Synthesized) -> set[str]:
        return {r["Type"] for r in synth.resources.values() if r.get("DeletionPolicy", "Delete") != "Delete"}

    assert kept(each_mode) == set()
    assert kept(synthesize({"apiGatewayCloudWatchRole": "true"}, tmp_path)) == {
        "AWS::ApiGateway::Account",
        "AWS::IAM::Role",
    }


def test_stack_unique_names_stay_within_limits_and_unique() -> None:
    app = cdk.App()
    long_a = cdk.Stack(app, "A" * 120 + "One")
    long_b = cdk.Stack(app, "A" * 120 + "Two")

    name_a, name_b = stack_unique_name(long_a, "web-acl"), stack_unique_name(long_b, "web-acl")

    assert stack_unique_name(cdk.Stack(app, "Short"), "api") == "Short-api"
    assert len(name_a) == len(name_b) == 128 and name_a != name_b
    assert len(stack_unique_name(long_a, "sampling", max_length=32)) == 32


def test_two_copies_of_the_stack_alarm_on_their_own_function_metrics(
    demo: Synthesized, agnostic_copy: Synthesized
) -> None:
    # CloudWatch adds up every datapoint with the same namespace, name and dimensions: with the function's metrics
    # keyed by constants alone, a second copy's (staging's) Cognito failures would ring the first copy's alarms,
    # and its set-up refusals would be divided by the first copy's requests.
    def function_metrics(synth: Synthesized) -> set[tuple[str, str, str]]:
        (function,) = [
            f
            for f in synth.of_type("AWS::Lambda::Function").values()
            if f["Properties"]["Handler"] == "handler.lambda_handler"
        ]
        namespace = function["Properties"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]
        found = set()
        for alarm in synth.of_type("AWS::CloudWatch::Alarm").values():
            for metric in metric_nodes(alarm["Properties"]):
                if metric["Namespace"] == namespace:
                    found.add((metric["Namespace"], metric["MetricName"], json.dumps(metric.get("Dimensions"))))
        return found

    first, second = function_metrics(demo), function_metrics(agnostic_copy)

    assert first and second
    assert first.isdisjoint(second)


def test_the_setup_refusal_share_is_of_requests_the_function_handled(each_mode: Synthesized) -> None:
    # API Gateway's Count also counts every CORS preflight (OPTIONS, answered by the gateway): a browser sends one
    # before its POST, so a share of Count is about half the share of requests Cognito saw, and a partial outage
    # (SMS broken, e-mail fine: 30 % refused) stayed under the 20 % threshold. Cognito can only refuse what the
    # function handled, so the share is of the function's invocations.
    (alarm,) = [
        a for a in each_mode.of_type("AWS::CloudWatch::Alarm").values() if names.COGNITO_SETUP_REFUSAL in json.dumps(a)
    ]
    (function_id,) = [
        k
        for k, v in each_mode.of_type("AWS::Lambda::Function").items()
        if v["Properties"]["Handler"] == "handler.lambda_handler"
    ]
    others = [m for m in metric_nodes(alarm["Properties"]) if m["MetricName"] != names.COGNITO_SETUP_REFUSAL]

    assert [(m["Namespace"], m["MetricName"], m["Dimensions"]) for m in others] == [
        ("AWS/Lambda", "Invocations", [{"Name": "FunctionName", "Value": {"Ref": function_id}}])
    ]


def test_the_4xx_rate_leaves_out_the_cors_preflights_the_gateway_answers(existing: Synthesized) -> None:
    # With allowed origins, a browser sends an OPTIONS preflight before its POST; API Gateway's Count has both, so
    # a browser release whose every POST is refused showed about 50 % 4xx, and the "more than half" alarm never
    # fired. The rate is of Count less each route's OPTIONS count (detailed per-method metrics).
    (alarm,) = [
        a for k, a in existing.of_type("AWS::CloudWatch::Alarm").items() if k.startswith("MonitoringApi4xxRate")
    ]
    metrics = metric_nodes(alarm["Properties"])
    options = [m for m in metrics if {"Name": "Method", "Value": "OPTIONS"} in m.get("Dimensions", [])]
    expressions = " ".join(m.get("Expression", "") for m in alarm["Properties"]["Metrics"])
    options_ids = [
        m["Id"] for m in alarm["Properties"]["Metrics"] if "MetricStat" in m and m["MetricStat"]["Metric"] in options
    ]

    # One OPTIONS count per route of the route table, each taken out of Count.
    assert [m["MetricName"] for m in options] == ["Count"] * len(ROUTES)
    assert sorted({d["Name"]: d["Value"] for d in m["Dimensions"]}["Resource"] for m in options) == sorted(
        route.path for route in ROUTES
    )
    assert all(f"- FILL({options_id}, 0)" in expressions for options_id in options_ids)


def test_the_demo_secret_readers_log_group_exists_before_it_runs_and_outlives_its_last_call(
    demo: Synthesized,
) -> None:
    # Otherwise its first call makes the group itself (and the stack's then fails to be created), or its delete call
    # makes it again, with no retention, after the stack has deleted it.
    provider = "AWS679f53fac002430cb0da5b7982bd2287"
    readers = {
        logical_id: resource
        for logical_id, resource in demo.resources.items()
        if resource["Type"].startswith("Custom::") and provider in json.dumps(resource["Properties"]["ServiceToken"])
    }
    (group_id,) = [i for i in demo.of_type("AWS::Logs::LogGroup") if i.startswith(provider)]

    assert readers
    assert all(group_id in reader.get("DependsOn", []) for reader in readers.values())
