"""The synthesized template, property by property, in both pool modes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Annotations, Match

from bench import cost_model
from code_screens import metric_names
from code_screens.operations.models import MAX_BODY_BYTES
from code_screens.routes import CONFIRM_SIGN_UP, RESEND_CONFIRMATION_CODE, ROUTES
from code_screens.settings import (
    DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT,
    DEFAULT_CONFIRM_LIMIT,
    DEFAULT_FORGOT_PASSWORD_LIMIT,
    DEFAULT_RESEND_LIMIT,
    DEFAULT_RESPONSE_TIME_FLOOR_MS,
)
from infra.api_construct import RECOVERY_METHODS, RECOVERY_ROUTES, THROTTLED_METHODS
from infra.api_schema import gateway_request_schema
from infra.asset import ASSET_BUDGET_BYTES, asset_files
from infra.config import POWERTOOLS_LAYER_VERSION
from infra.timeout_budget import timeout_budget
from tests.synth import (
    CDK_JSON,
    EXISTING_KEY,
    EXISTING_SECRET,
    EXISTING_SECRET_2,
    Synthesized,
    cognito_api_id,
    json_api_id,
    of_api,
    rest_apis,
    stage_of,
)

ROOT = Path(__file__).resolve().parents[2]


def the_function(synth: Synthesized) -> dict[str, Any]:
    functions = {
        k: v
        for k, v in synth.of_type("AWS::Lambda::Function").items()
        if v["Properties"].get("Handler") == "handler.lambda_handler"
    }
    assert len(functions) == 1
    return next(iter(functions.values()))["Properties"]


def function_policy_statements(synth: Synthesized) -> list[dict[str, Any]]:
    function = the_function(synth)
    role_id = function["Role"]["Fn::GetAtt"][0]
    policies = [p for p in synth.of_type("AWS::IAM::Policy").values() if {"Ref": role_id} in p["Properties"]["Roles"]]
    return [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]


# --- the function ---


def test_function_runtime_architecture_and_limits(each_mode: Synthesized) -> None:
    function = the_function(each_mode)

    assert function["Runtime"] == "python3.14"
    assert function["Architectures"] == ["arm64"]
    assert function["Handler"] == "handler.lambda_handler"
    assert function["MemorySize"] == 256
    # The worst case of every call a request can make (infra/timeout_budget.py, tests/infra/test_timeout_budget.py)
    assert function["Timeout"] == timeout_budget(DEFAULT_RESPONSE_TIME_FLOOR_MS).timeout_seconds
    assert function["TracingConfig"] == {"Mode": "Active"}


def test_powertools_comes_from_the_public_layer_through_its_ssm_parameter(each_mode: Synthesized) -> None:
    layers = the_function(each_mode)["Layers"]
    parameters = each_mode.template.to_json()["Parameters"]

    assert len(layers) == 1
    parameter = parameters[layers[0]["Ref"]]
    assert parameter["Type"] == "AWS::SSM::Parameter::Value<String>"
    assert parameter["Default"] == f"/aws/service/powertools/python/arm64/python3.14/{POWERTOOLS_LAYER_VERSION}"


def test_layer_version_matches_the_library_the_tests_use() -> None:
    pinned = re.search(r"aws-lambda-powertools==(\S+)", (ROOT / "requirements.txt").read_text())

    assert pinned and pinned.group(1) == POWERTOOLS_LAYER_VERSION


def test_code_asset_is_the_lambda_folder_alone(demo: Synthesized) -> None:
    code = the_function(demo)["Code"]
    asset_dir = demo.assembly_dir / f"asset.{code['S3Key'].removesuffix('.zip')}"
    files = sorted(str(p.relative_to(asset_dir)) for p in asset_dir.rglob("*") if p.is_file())

    sources = [str(p) for p in asset_files()]
    assert "handler.py" in sources and "rotation_handler.py" in sources
    entry_points = ("handler.py", "rotation_handler.py")
    # At most two folders deep: operations/generated/ holds the validators generated from the schemas.
    nested = r"code_screens/([a-z_]+/){0,2}[a-z_]+\.py"
    assert all(f in entry_points or re.fullmatch(nested, f) for f in sources), sources
    # Each source and its bytecode for the runtime's Python (tests/infra/test_bytecode.py), nothing else.
    bytecode = [re.sub(r"([a-z_]+)\.py$", r"__pycache__/\1.cpython-314.pyc", f) for f in sources]
    assert files == sorted(sources + bytecode)


def test_function_environment(existing: Synthesized, demo: Synthesized) -> None:
    env = the_function(existing)["Environment"]["Variables"]

    assert json.loads(env["APP_CLIENTS"]) == {"webclient123": EXISTING_SECRET, "mobileclient456": EXISTING_SECRET_2}
    assert env["DEFAULT_CLIENT_ID"] == "webclient123"
    assert env["ALLOWED_ORIGINS"] == "https://app.example.com"
    assert env["REVEAL_DELIVERY_DETAILS"] == "false"
    assert env["FORWARD_CALLER_IP"] == "true"
    assert env["POWERTOOLS_PARAMETERS_MAX_AGE"] == "300"
    demo_env = the_function(demo)["Environment"]["Variables"]
    assert "DEFAULT_CLIENT_ID" not in demo_env
    # The limit, the pseudonym key and the floor are always set (their absence turns them off).
    assert (env["RESEND_COOLDOWN_SECONDS"], env["RESEND_MAX_PER_WINDOW"], env["RESEND_WINDOW_SECONDS"]) == (
        "60",
        "5",
        "86400",
    )
    assert env["RESPONSE_TIME_FLOOR_MS"] == "500"
    assert env["ALLOWED_CLIENT_METADATA_KEYS"] == "locale"
    assert "ALLOWED_CLIENT_METADATA_KEYS" not in demo_env
    for variables, synth in ((env, existing), (demo_env, demo)):
        (table_id,) = synth.of_type("AWS::DynamoDB::Table")
        assert variables["LIMITER_TABLE_NAME"] == {"Ref": table_id}
        assert variables["PSEUDONYM_KEY_SECRET_ID"] == {"Ref": pseudonym_key_id(synth)}


def pseudonym_key_id(synth: Synthesized) -> str:
    (key_id,) = [
        k for k, v in synth.of_type("AWS::SecretsManager::Secret").items() if "GenerateSecretString" in v["Properties"]
    ]
    return key_id


def test_limiter_table_is_on_demand_with_ttl_and_keyed_by_pk(each_mode: Synthesized) -> None:
    (table,) = each_mode.of_type("AWS::DynamoDB::Table").values()
    properties = table["Properties"]

    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert "TableName" not in properties  # a generated name: two copies of the stack cannot collide


def test_pseudonym_key_is_generated_at_deploy_time_never_in_the_template(each_mode: Synthesized) -> None:
    key = each_mode.resources[pseudonym_key_id(each_mode)]["Properties"]

    assert "SecretString" not in key
    assert key["GenerateSecretString"]["PasswordLength"] >= 32


def test_reserved_concurrency_is_configurable(existing: Synthesized, demo: Synthesized) -> None:
    assert the_function(existing)["ReservedConcurrentExecutions"] == 5
    assert "ReservedConcurrentExecutions" not in the_function(demo)


def test_function_logs_have_a_retention(each_mode: Synthesized) -> None:
    function = the_function(each_mode)
    log_group_id = function["LoggingConfig"]["LogGroup"]["Ref"]

    assert each_mode.resources[log_group_id]["Properties"]["RetentionInDays"] == 30


# --- IAM ---


def statements_by_sid(synth: Synthesized) -> dict[str, dict[str, Any]]:
    """The function's statements by Sid; the one CDK adds for active tracing has none and is named WriteTraces."""
    statements = {}
    for statement in function_policy_statements(synth):
        sid = statement.get("Sid") or "WriteTraces"
        assert sid not in statements, f"two statements for {sid}"
        statements[sid] = statement
    return statements


def test_function_role_has_exactly_what_it_uses_in_existing_mode(existing: Synthesized) -> None:
    statements = statements_by_sid(existing)

    assert set(statements) == {
        "WriteOwnLogs",
        "WriteTraces",
        "ReadAppClientSecrets",
        "DecryptAppClientSecrets",
        "UseLimiterTable",
        "ReadPseudonymKey",
    }
    assert statements["ReadAppClientSecrets"]["Action"] == "secretsmanager:GetSecretValue"
    assert sorted(statements["ReadAppClientSecrets"]["Resource"]) == sorted([EXISTING_SECRET, EXISTING_SECRET_2])
    assert statements["DecryptAppClientSecrets"]["Action"] == "kms:Decrypt"
    assert statements["DecryptAppClientSecrets"]["Resource"] == EXISTING_KEY
    assert "kms:ViaService" in statements["DecryptAppClientSecrets"]["Condition"]["StringEquals"]
    assert statements["WriteOwnLogs"]["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statements["WriteOwnLogs"]["Resource"] != "*"
    assert statements["WriteTraces"]["Action"] == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    assert statements["WriteTraces"]["Resource"] == "*"  # X-Ray has no resource-level permissions


def test_function_role_reads_only_the_demo_secret(demo: Synthesized) -> None:
    statements = statements_by_sid(demo)
    (secret_id,) = [k for k in demo.of_type("AWS::SecretsManager::Secret") if k != pseudonym_key_id(demo)]

    assert set(statements) == {
        "WriteOwnLogs",
        "WriteTraces",
        "ReadAppClientSecrets",
        "UseLimiterTable",
        "ReadPseudonymKey",
    }
    assert statements["ReadAppClientSecrets"]["Resource"] == {"Ref": secret_id}


def test_function_role_uses_only_its_table_and_its_pseudonym_key(each_mode: Synthesized) -> None:
    statements = statements_by_sid(each_mode)
    (table_id,) = each_mode.of_type("AWS::DynamoDB::Table")

    assert statements["UseLimiterTable"]["Action"] == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert statements["UseLimiterTable"]["Resource"] == {"Fn::GetAtt": [table_id, "Arn"]}
    assert statements["ReadPseudonymKey"]["Action"] == "secretsmanager:GetSecretValue"
    assert statements["ReadPseudonymKey"]["Resource"] == {"Ref": pseudonym_key_id(each_mode)}


def test_function_role_has_no_managed_policies_and_no_cognito_actions(each_mode: Synthesized) -> None:
    role_id = the_function(each_mode)["Role"]["Fn::GetAtt"][0]
    actions = json.dumps(function_policy_statements(each_mode))

    assert "ManagedPolicyArns" not in each_mode.resources[role_id]["Properties"]
    assert "cognito-idp" not in actions
    narrowed = [s for sid, s in statements_by_sid(each_mode).items() if sid != "WriteTraces"]
    assert '"*"' not in json.dumps(narrowed)


# --- the demo pool and its secret ---


def test_demo_pool_client_has_a_secret_and_safe_settings(demo: Synthesized) -> None:
    (client,) = demo.of_type("AWS::Cognito::UserPoolClient").values()
    (pool,) = demo.of_type("AWS::Cognito::UserPool").values()

    assert client["Properties"]["GenerateSecret"] is True
    assert client["Properties"]["PreventUserExistenceErrors"] == "ENABLED"
    assert client["Properties"]["EnablePropagateAdditionalUserContextData"] is True
    assert pool["Properties"]["AutoVerifiedAttributes"] == ["email"]
    assert pool["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False


def test_demo_secret_is_built_from_the_deploy_time_value_never_a_literal(demo: Synthesized) -> None:
    (secret,) = [v for k, v in demo.of_type("AWS::SecretsManager::Secret").items() if k != pseudonym_key_id(demo)]
    parts = secret["Properties"]["SecretString"]["Fn::Join"][1]
    (reader,) = demo.of_type("Custom::DescribeCognitoUserPoolClient").values()

    literals = [p for p in parts if isinstance(p, str)]
    getatts = [p["Fn::GetAtt"][1] for p in parts if isinstance(p, dict) and "Fn::GetAtt" in p]
    assert literals == ['{"clientId":"', '","clientSecret":"', '"}']
    assert getatts == ["UserPoolClient.ClientSecret"]
    # The custom resource that reads it must not log the API response (GHSA-qq4x-c6h6-rfxh).
    assert '"logApiResponseData":false' in json.dumps(reader["Properties"]["Create"]).replace("\\", "")
    assert CDK_JSON["context"]["@aws-cdk/cognito:logUserPoolClientSecretValue"] is False


def test_existing_mode_creates_no_pool_and_no_client_secret(existing: Synthesized) -> None:
    assert existing.of_type("AWS::Cognito::UserPool") == {}
    # The only secret is the function's own pseudonym key.
    assert list(existing.of_type("AWS::SecretsManager::Secret")) == [pseudonym_key_id(existing)]


# --- the API ---


def test_rest_api_is_regional_with_one_validated_proxy_method_per_route(each_mode: Synthesized) -> None:
    # The JSON API's routes (the Cognito door's POST / is tests/infra/test_cognito_api.py's); both are regional.
    api_id = json_api_id(each_mode)
    resources = of_api(each_mode, "AWS::ApiGateway::Resource", api_id)
    methods = [m["Properties"] for m in of_api(each_mode, "AWS::ApiGateway::Method", api_id).values()]
    posts = [m for m in methods if m["HttpMethod"] == "POST"]
    (validator_id,) = of_api(each_mode, "AWS::ApiGateway::RequestValidator", api_id)
    models = {
        logical_id: m["Properties"]["Name"]
        for logical_id, m in of_api(each_mode, "AWS::ApiGateway::Model", api_id).items()
    }

    for api in rest_apis(each_mode).values():
        assert api["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert sorted(r["Properties"]["PathPart"] for r in resources.values()) == sorted(r.path.strip("/") for r in ROUTES)
    assert len(posts) == len(ROUTES)
    for route in ROUTES:
        (resource_id,) = [i for i, r in resources.items() if r["Properties"]["PathPart"] == route.path.strip("/")]
        (post,) = [m for m in posts if m["ResourceId"] == {"Ref": resource_id}]
        assert post["Integration"]["Type"] == "AWS_PROXY"
        assert post["AuthorizationType"] == "NONE"
        assert post["RequestValidatorId"] == {"Ref": validator_id}
        (model_id,) = [i for i, name in models.items() if name == route.operation.request_model.SCHEMA.title]
        assert post["RequestModels"] == {"application/json": {"Ref": model_id}}
    # Every API's validators check bodies and parameters (the door's too).
    validators = each_mode.of_type("AWS::ApiGateway::RequestValidator")
    assert len(validators) == len(rest_apis(each_mode))
    for validator in validators.values():
        assert validator["Properties"]["ValidateRequestBody"] is True
        assert validator["Properties"]["ValidateRequestParameters"] is True


def test_validator_models_are_generated_from_each_routes_request_model(each_mode: Synthesized) -> None:
    # The JSON API's models; the door's one model is tests/infra/test_cognito_api.py's.
    models = {
        m["Properties"]["Name"]: m["Properties"]
        for m in of_api(each_mode, "AWS::ApiGateway::Model", json_api_id(each_mode)).values()
    }

    assert len(models) == len(ROUTES)
    for route in ROUTES:
        model = models[route.operation.request_model.SCHEMA.title]
        assert model["ContentType"] == "application/json"
        assert model["Schema"] == gateway_request_schema(route.operation.request_model)


def test_the_first_routes_model_keeps_its_logical_id(each_mode: Synthesized) -> None:
    # A renamed logical id would make CloudFormation create a second model of the same name before deleting the
    # old one on update, which API Gateway refuses.
    (logical_id,) = [
        i
        for i, m in each_mode.of_type("AWS::ApiGateway::Model").items()
        if m["Properties"]["Name"] == "ResendConfirmationCodeRequest"
    ]
    assert logical_id.startswith("EdgeApiRequestModel")


def test_stage_throttling_logging_and_tracing(existing: Synthesized, demo: Synthesized) -> None:
    stages = existing.of_type("AWS::ApiGateway::Stage")
    assert len(stages) == len(rest_apis(existing)) == 2

    for stage_id, stage in stages.items():
        (settings,) = [m for m in stage["Properties"]["MethodSettings"] if m["ResourcePath"] == "/*"]
        # The whole-API 15 / 30 shared out among every method of both APIs (API Gateway throttles each alone): each
        # JSON route and the door's POST /; the door (which carries the password resets too) gets the account-recovery
        # share when it is lower (10 rps over 3 methods: tests/infra/test_capacity.py).
        expected = (15 / THROTTLED_METHODS, 30 // THROTTLED_METHODS)
        if "CognitoDoor" in stage_id:
            expected = (min(expected[0], 10 / RECOVERY_METHODS), min(expected[1], -(-10 // RECOVERY_METHODS)))
        assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == expected
        assert settings["DataTraceEnabled"] is False
        assert settings["LoggingLevel"] == "ERROR"
        assert stage["Properties"]["TracingEnabled"] is True
        assert json.loads(stage["Properties"]["AccessLogSetting"]["Format"])["status"] == "$context.status"
    # Defaults stay below Cognito's ~50 RPS account-wide quota for this operation's category: every method of both
    # APIs at its own rate, together.
    total = 0.0
    for api_id in rest_apis(demo):
        _, stage = stage_of(demo, api_id)
        settings = {m["ResourcePath"]: m for m in stage["Properties"]["MethodSettings"]}
        posts = [
            m
            for m in of_api(demo, "AWS::ApiGateway::Method", api_id).values()
            if m["Properties"]["HttpMethod"] == "POST"
        ]
        # The stage's share for every POST: an upper bound (the password resets' own settings are lower still).
        total += settings["/*"]["ThrottlingRateLimit"] * len(posts)
        for method in settings.values():
            assert method["ThrottlingBurstLimit"] >= method["ThrottlingRateLimit"]
            assert method["ThrottlingRateLimit"] <= settings["/*"]["ThrottlingRateLimit"]
    assert 0 < total < 50


def test_access_logs_have_a_retention(each_mode: Synthesized) -> None:
    stages = each_mode.of_type("AWS::ApiGateway::Stage").values()
    log_groups = {stage["Properties"]["AccessLogSetting"]["DestinationArn"]["Fn::GetAtt"][0] for stage in stages}

    # Each API's stage logs into a group of its own, kept for the configured retention.
    assert len(log_groups) == len(rest_apis(each_mode)) == 2
    for log_group_id in log_groups:
        assert each_mode.resources[log_group_id]["Properties"]["RetentionInDays"] == 30


def test_cors_preflight_only_for_configured_origins(existing: Synthesized, demo: Synthesized) -> None:
    options = [
        m for m in existing.of_type("AWS::ApiGateway::Method").values() if m["Properties"]["HttpMethod"] == "OPTIONS"
    ]
    demo_options = [
        m for m in demo.of_type("AWS::ApiGateway::Method").values() if m["Properties"]["HttpMethod"] == "OPTIONS"
    ]

    assert demo_options == []
    assert options, "a preflight route for the configured origin"
    headers = json.dumps(options)
    assert "https://app.example.com" in headers
    assert "'*'" not in headers


def test_gateway_errors_are_problem_json(each_mode: Synthesized) -> None:
    # The JSON API's; the door's are Cognito-shaped (tests/infra/test_cognito_api.py).
    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in of_api(each_mode, "AWS::ApiGateway::GatewayResponse", json_api_id(each_mode)).values()
    }

    for response_type, status, code in [
        ("BAD_REQUEST_BODY", "400", "invalid_request"),
        ("MISSING_AUTHENTICATION_TOKEN", "404", "not_found"),
        ("THROTTLED", "429", "rate_limited"),
        ("WAF_FILTERED", "403", "request_blocked"),
        ("DEFAULT_5XX", "502", "upstream_error"),
        ("INTEGRATION_TIMEOUT", "504", "upstream_timeout"),
    ]:
        response = responses[response_type]
        body = json.loads(response["ResponseTemplates"]["application/problem+json"])
        assert (response["StatusCode"], body["code"], body["status"]) == (status, code, int(status))
    assert responses["THROTTLED"]["ResponseParameters"]["gatewayresponse.header.Retry-After"] == "'1'"


# --- WAF ---


def test_web_acl_rules_and_association(existing: Synthesized) -> None:
    (acl,) = existing.of_type("AWS::WAFv2::WebACL").values()
    associations = existing.of_type("AWS::WAFv2::WebACLAssociation").values()
    rules = {r["Name"]: r for r in acl["Properties"]["Rules"]}

    assert acl["Properties"]["Scope"] == "REGIONAL"
    assert set(rules) == {
        "BodySizeLimit",
        "BodySizeLimitCognito",
        "PerIpRateLimit",
        "PerIpRateLimitBlock",
        "PerIpRateLimitBlockCognito",
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
    }
    rate = rules["PerIpRateLimit"]["Statement"]["RateBasedStatement"]
    assert (rate["Limit"], rate["AggregateKeyType"]) == (200, "IP")
    # The rate rule counts; its blocks are the two label rules' (tests/infra/test_waf_answers.py).
    assert rules["PerIpRateLimit"]["Action"] == {"Count": {}}
    blocked = rules["PerIpRateLimitBlock"]["Action"]["Block"]["CustomResponse"]
    assert blocked["ResponseCode"] == 429
    headers = {header["Name"]: header["Value"] for header in blocked["ResponseHeaders"]}
    assert headers["Retry-After"] == "300"
    assert headers["Access-Control-Allow-Origin"] == "https://app.example.com"  # readable by the one allowed page
    (size,) = [
        s["SizeConstraintStatement"]
        for s in rules["BodySizeLimit"]["Statement"]["AndStatement"]["Statements"]
        if "Body" in s.get("SizeConstraintStatement", {}).get("FieldToMatch", {})
    ]
    assert (size["Size"], size["ComparisonOperator"]) == (MAX_BODY_BYTES, "GT")
    # One association per API, each naming exactly one stage (tests/infra/test_wiring.py: which stages).
    assert len(associations) == len(rest_apis(existing)) == 2
    for association in associations:
        assert association["Properties"]["ResourceArn"] != "" and "WebACLArn" in association["Properties"]
        assert json.dumps(association["Properties"]["ResourceArn"]).count("/stages/") == 1


# --- alarms, outputs, tracing ---


def test_alarms_and_their_topic(existing: Synthesized, demo: Synthesized) -> None:
    alarms = existing.of_type("AWS::CloudWatch::Alarm")
    names = json.dumps(alarms)

    # 7 for the function, the APIs as a whole, Cognito and the WAF; 4 for the limiter and the floor (issue 10);
    # the confirm cap; the API's p99 latency; a failed client-secret rotation step; one 5XX per route and one for
    # the Cognito door's API; the password-reset limits' two
    assert len(alarms) == 14 + 2 + len(ROUTES) + 1
    for metric in (
        "Errors",
        "Throttles",
        "5XXError",
        "4XXError",
        "CognitoFailure",
        "CountedRequests",
        "CognitoSetupRefusal",
        "CognitoFailureAnsweredNeutrally",
        "LimiterUnavailable",
        "LimitReached",
        "ResponseTimeFloorExceeded",
        "ClientSecretRotationFailed",
    ):
        assert f'"{metric}"' in names
    # All but the per-route and the door's 5XX alarms notify (tests/infra/test_alarms.py: one fault, one page).
    assert sum(bool(a["Properties"].get("AlarmActions")) for a in alarms.values()) == 14 + 2
    (subscription,) = existing.of_type("AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Endpoint"] == "ops@example.com"
    assert existing.of_type("AWS::SNS::Topic")
    assert len(demo.of_type("AWS::CloudWatch::Alarm")) == 14 + 2 + len(ROUTES) + 1
    (share,) = [a for a in alarms.values() if "CognitoSetupRefusal" in json.dumps(a)]
    (expression,) = [m["Expression"] for m in share["Properties"]["Metrics"] if "Expression" in m]
    # A share, only with real traffic behind it; a period with no refusal counts as 0, not as missing.
    assert expression == "IF(requests >= 20, FILL(refusals, 0) / requests, 0)"
    assert (share["Properties"]["Threshold"], share["Properties"]["DatapointsToAlarm"]) == (0.2, 2)
    assert share["Properties"]["TreatMissingData"] == "notBreaching"
    assert demo.of_type("AWS::SNS::Topic") == {}


def test_the_cost_model_prices_every_metric_the_alarms_watch(existing: Synthesized) -> None:
    # CloudWatch bills an alarm per metric it watches: one for a single-metric alarm, one per MetricStat of a
    # metric-math alarm (the expressions themselves are free). bench/cost_model.py prices ALARM_METRICS of them,
    # for a deployment that serves browsers (ALLOWED_ORIGINS set, as here: the 4xx share then leaves out CORS
    # preflights, two metrics more).
    watched = [
        1 if "MetricName" in alarm["Properties"] else sum("MetricStat" in m for m in alarm["Properties"]["Metrics"])
        for alarm in existing.of_type("AWS::CloudWatch::Alarm").values()
    ]

    assert sum(watched) == cost_model.ALARM_METRICS


def test_each_route_has_a_5xx_alarm_on_its_own_method_metric(existing: Synthesized) -> None:
    # The JSON API's routes, each named by its resource path on that API's stage.
    api = existing.resources[json_api_id(existing)]
    stage_id, _ = stage_of(existing, json_api_id(existing))

    def metrics_in(node: Any) -> list[dict[str, Any]]:
        # A metric sits at the alarm's top level, or inside Metrics[].MetricStat when it carries a label.
        if isinstance(node, dict):
            found = [node] if "MetricName" in node and "Namespace" in node else []
            return found + [m for value in node.values() for m in metrics_in(value)]
        if isinstance(node, list):
            return [m for value in node for m in metrics_in(value)]
        return []

    per_route = [
        metric
        for alarm in existing.of_type("AWS::CloudWatch::Alarm").values()
        for metric in metrics_in(alarm["Properties"])
        if metric["MetricName"] == "5XXError" and any(d["Name"] == "Resource" for d in metric.get("Dimensions", []))
    ]
    # The Cognito door's API has its one method's alarm too, on its own name and stage (POST /).
    door_api = existing.resources[cognito_api_id(existing)]
    door_stage_id, _ = stage_of(existing, cognito_api_id(existing))
    door = [m for m in per_route if {"Name": "ApiName", "Value": door_api["Properties"]["Name"]} in m["Dimensions"]]
    assert [{d["Name"]: d["Value"] for d in m["Dimensions"]} for m in door] == [
        {"ApiName": door_api["Properties"]["Name"], "Method": "POST", "Resource": "/", "Stage": {"Ref": door_stage_id}}
    ]
    per_route = [m for m in per_route if m not in door]

    # The dimensions must be exactly those API Gateway publishes, or the alarm watches nothing.
    assert sorted({d["Name"]: d["Value"] for d in alarm["Dimensions"]}["Resource"] for alarm in per_route) == sorted(
        r.path for r in ROUTES
    )
    for alarm in per_route:
        dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
        assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/ApiGateway", "5XXError")
        assert dimensions["ApiName"] == api["Properties"]["Name"]
        assert dimensions["Stage"] == {"Ref": stage_id}  # a Stage's Ref is its name
        assert dimensions["Method"] == "POST"


def test_trace_sampling_is_bounded_and_covers_every_route_of_this_api_only(each_mode: Synthesized) -> None:
    rules = [r["Properties"]["SamplingRule"] for r in each_mode.of_type("AWS::XRay::SamplingRule").values()]
    stage_names = {s["Properties"]["StageName"] for s in each_mode.of_type("AWS::ApiGateway::Stage").values()}
    (stage_name,) = stage_names

    # Account-wide rules: one per API of this stack, each naming exactly that API's stage ("{api name}/{stage}"),
    # no wildcard that could reach another stack's API; within it every method (all POST), no reservoir.
    assert sorted(properties["ServiceName"] for properties in rules) == sorted(
        f"{api['Properties']['Name']}/{stage_name}" for api in rest_apis(each_mode).values()
    )
    assert len({properties["RuleName"] for properties in rules}) == len(rules)
    for properties in rules:
        assert properties["ReservoirSize"] == 0
        assert properties["FixedRate"] <= 0.05
        assert "*" not in properties["ServiceName"]
        assert {route.method for route in ROUTES} == {properties["HTTPMethod"]}
        assert properties["URLPath"] == "*"


def test_outputs_the_endpoint_url(each_mode: Synthesized) -> None:
    outputs = each_mode.template.to_json()["Outputs"]

    assert RESEND_CONFIRMATION_CODE.path in json.dumps(outputs["EndpointUrl"]["Value"])
    assert CONFIRM_SIGN_UP.path in json.dumps(outputs["ConfirmSignUpUrl"]["Value"])


# --- checks ---


@pytest.fixture(params=["demo", "existing", "agnostic_copy"])
def each_template(request: pytest.FixtureRequest) -> Synthesized:
    """Both pool modes, and a stack whose Region is unknown at synth (it carries CloudFormation rules)."""
    synthesized: Synthesized = request.getfixturevalue(request.param)
    return synthesized


@pytest.mark.slow  # synth: three stacks, through each_template
def test_cdk_nag_finds_no_unsuppressed_errors_or_warnings(each_template: Synthesized) -> None:
    annotations = Annotations.from_stack(each_template.stack)

    errors = annotations.find_error("*", Match.string_like_regexp("AwsSolutions-.*"))
    warnings = annotations.find_warning("*", Match.string_like_regexp("AwsSolutions-.*"))

    assert [e.entry.data for e in errors] == []
    assert [w.entry.data for w in warnings] == []


@pytest.mark.slow  # synth: three stacks, through each_template, and cfn-lint
def test_cfn_lint_finds_no_errors(each_template: Synthesized) -> None:
    template = next(each_template.assembly_dir.glob("*.template.json"))

    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(template)], capture_output=True, text=True, check=False
    )

    # cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational. CDK's own W3005 is harmless.
    assert result.returncode & 2 == 0, result.stdout


def test_no_client_secret_shaped_literal_in_the_template(each_mode: Synthesized) -> None:
    # A Cognito client secret is 50-odd lowercase letters and digits; no literal of that shape may appear.
    literals = re.findall(r'"([a-z0-9]{40,64})"', json.dumps(each_mode.template.to_json()))

    assert [literal for literal in literals if not re.fullmatch(r"[0-9a-f]{64}", literal)] == []  # asset hashes


def test_the_asset_zips_small(demo: Synthesized, tmp_path: Path) -> None:
    code = the_function(demo)["Code"]
    asset_dir = demo.assembly_dir / f"asset.{code['S3Key'].removesuffix('.zip')}"
    archive = tmp_path / "asset.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in asset_dir.rglob("*"):
            zipped.write(path, path.relative_to(asset_dir))

    # The same budget as the bench's target (infra/asset.py says why); nothing but lambda/ (the test above).
    assert archive.stat().st_size < ASSET_BUDGET_BYTES


def test_gateway_errors_carry_cors_for_a_single_allowed_origin(existing: Synthesized, demo: Synthesized) -> None:
    # On both APIs: a browser page reads a throttled answer only with the header.
    def throttled(synth: Synthesized) -> list[dict[str, str]]:
        found = [
            r["Properties"]["ResponseParameters"]
            for r in synth.of_type("AWS::ApiGateway::GatewayResponse").values()
            if r["Properties"]["ResponseType"] == "THROTTLED"
        ]
        assert len(found) == len(rest_apis(synth)) == 2
        return found

    for parameters in throttled(existing):
        assert parameters["gatewayresponse.header.Access-Control-Allow-Origin"] == "'https://app.example.com'"
    for parameters in throttled(demo):
        assert "gatewayresponse.header.Access-Control-Allow-Origin" not in parameters


def test_the_confirm_cap_has_an_alarm_on_the_limiters_metric(existing: Synthesized) -> None:
    capped = [
        a["Properties"]
        for a in existing.of_type("AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == metric_names.LIMIT_REACHED
    ]
    policies = sorted({d["Name"]: d["Value"] for d in a["Dimensions"]}[metric_names.POLICY] for a in capped)

    assert policies == sorted(
        [
            DEFAULT_CONFIRM_LIMIT.name,
            DEFAULT_RESEND_LIMIT.name,
            DEFAULT_FORGOT_PASSWORD_LIMIT.name,
            DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT.name,
        ]
    )


def test_throttling_and_the_web_acl_cover_every_route(existing: Synthesized) -> None:
    # Both sit on each API's stage, not on a method: a route added to the table is covered without another line.
    associations = json.dumps(
        [a["Properties"]["ResourceArn"] for a in existing.of_type("AWS::WAFv2::WebACLAssociation").values()]
    )
    for api_id in rest_apis(existing):
        stage_id, stage = stage_of(existing, api_id)
        settings = stage["Properties"]["MethodSettings"]
        (method_settings,) = [m for m in settings if (m["ResourcePath"], m["HttpMethod"]) == ("/*", "*")]
        assert "ThrottlingRateLimit" in method_settings
        assert stage_id in associations
        # Only the password-reset routes have settings of their own (tighter: Cognito's account-recovery quota).
        others = {(m["ResourcePath"], m["HttpMethod"]) for m in settings} - {("/*", "*")}
        assert others <= {("/" + route.path.replace("/", "~1"), route.method) for route in RECOVERY_ROUTES}
