"""Wiring between resources: each test follows one kind of reference in the synthesized template to what it must
point at, for every resource of that kind, so that a second route, a table or a new alarm is checked without a new
test. A test that a resource exists says nothing of whether its user points at it; these do.

Alarms on the function's own metrics are checked against the EMF lines a real invocation of the handler prints
(against the emulator, as tests/integration runs it), with the namespace and service the template gives the
function: an alarm whose name or dimensions differ by one letter from what is emitted would never fire.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from code_screens.doors.cognito_shape import MEDIA_TYPE as COGNITO_MEDIA_TYPE
from code_screens.routes import ROUTES
from infra.api_schema import gateway_request_schema
from infra.cognito_api import cognito_gateway_schema
from tests.synth import Synthesized

Resources = dict[str, dict[str, Any]]


def generated_gateway_schemas() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every request model the code generates for API Gateway, by its title (the model's name): its content type
    and schema. The JSON routes' (application/json) and the Cognito door's (application/x-amz-json-1.1)."""
    schemas = [("application/json", gateway_request_schema(route.operation.request_model)) for route in ROUTES]
    schemas.append((COGNITO_MEDIA_TYPE, cognito_gateway_schema()))
    return {schema["title"]: (content_type, schema) for content_type, schema in schemas}


def refs(node: Any) -> Iterator[str]:
    """Every logical id a Ref or Fn::GetAtt inside `node` points at."""
    if isinstance(node, dict):
        if set(node) == {"Ref"}:
            yield node["Ref"]
        elif set(node) == {"Fn::GetAtt"}:
            yield node["Fn::GetAtt"][0]
        else:
            for value in node.values():
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def target(resources: Resources, node: Any, resource_type: str) -> str:
    """The logical id `node` (a Ref or GetAtt) points at, after checking it is a resource of `resource_type`."""
    found = list(refs(node))
    assert len(found) == 1, f"{node!r} does not point at one resource"
    (logical_id,) = found
    assert logical_id in resources, f"{node} points at nothing in the template"
    assert resources[logical_id]["Type"] == resource_type, f"{node} is not a {resource_type}"
    return logical_id


def of_type(resources: Resources, resource_type: str) -> Resources:
    return {k: v for k, v in resources.items() if v["Type"] == resource_type}


def handler_functions(resources: Resources) -> Resources:
    functions = {
        k: v
        for k, v in of_type(resources, "AWS::Lambda::Function").items()
        if v["Properties"].get("Handler") == "handler.lambda_handler"
    }
    assert functions
    return functions


# --- API Gateway: method -> validator, model, integration, permission ---


def proxy_methods(resources: Resources) -> Resources:
    methods = {
        k: v
        for k, v in of_type(resources, "AWS::ApiGateway::Method").items()
        if v["Properties"]["Integration"]["Type"] == "AWS_PROXY"
    }
    assert methods, "no method reaches a function"
    return methods


def test_every_method_that_reaches_a_function_has_a_body_validator_of_its_api(each_mode: Synthesized) -> None:
    resources = each_mode.resources
    for method_id, method in proxy_methods(resources).items():
        properties = method["Properties"]
        validator_id = target(resources, properties.get("RequestValidatorId"), "AWS::ApiGateway::RequestValidator")
        validator = resources[validator_id]["Properties"]
        assert validator["ValidateRequestBody"] is True, method_id
        assert validator["RestApiId"] == properties["RestApiId"], f"{method_id}'s validator belongs to another API"


def test_every_method_that_reaches_a_function_validates_json_with_the_generated_model(each_mode: Synthesized) -> None:
    resources = each_mode.resources
    generated = generated_gateway_schemas()
    used = set()
    for method_id, method in proxy_methods(resources).items():
        properties = method["Properties"]
        # One content type per method: API Gateway validates only a body of a content type it has a model for.
        ((content_type, model_ref),) = properties.get("RequestModels", {}).items()
        model_id = target(resources, model_ref, "AWS::ApiGateway::Model")
        model = resources[model_id]["Properties"]
        assert model["RestApiId"] == properties["RestApiId"], f"{method_id}'s model belongs to another API"
        assert model["Name"] in generated, f"{model['Name']} is not a model the code generates"
        assert (content_type, model["ContentType"], model["Schema"]) == (
            generated[model["Name"]][0],
            *generated[model["Name"]],
        ), method_id
        used.add(model["Name"])
    assert used == set(generated), "a generated model no method validates with"


def method_path(resources: Resources, resource_ref: dict[str, Any]) -> str:
    """The path of a method's ResourceId: "/" for an API's root (a GetAtt of RootResourceId), else full_path."""
    if "Fn::GetAtt" in resource_ref:
        api_id, attribute = resource_ref["Fn::GetAtt"]
        assert (resources[api_id]["Type"], attribute) == ("AWS::ApiGateway::RestApi", "RootResourceId")
        return "/"
    return full_path(resources, target(resources, resource_ref, "AWS::ApiGateway::Resource"))


def stage_of_api(resources: Resources, api_id: str) -> str:
    """The one stage of the REST API `api_id`."""
    (stage_id,) = [
        k
        for k, v in of_type(resources, "AWS::ApiGateway::Stage").items()
        if v["Properties"]["RestApiId"] == {"Ref": api_id}
    ]
    return stage_id


def full_path(resources: Resources, resource_id: str) -> str:
    """The path of an API Gateway resource, from its PathPart and its parents'."""
    properties = resources[resource_id]["Properties"]
    parent = properties["ParentId"]
    prefix = "" if "Fn::GetAtt" in parent else full_path(resources, parent["Ref"])
    return f"{prefix}/{properties['PathPart']}"


def test_every_proxy_integration_invokes_a_handler_function_that_lets_the_stage_invoke_it(
    each_mode: Synthesized,
) -> None:
    resources = each_mode.resources
    functions = handler_functions(resources)
    permissions = of_type(resources, "AWS::Lambda::Permission")
    for method_id, method in proxy_methods(resources).items():
        properties = method["Properties"]
        # Each method's own API and stage, and its own path (the Cognito door's is the root, "/"): a permission
        # for one API's stage or path never lets another invoke the function.
        stage_id = stage_of_api(resources, properties["RestApiId"]["Ref"])
        (function_id,) = [r for r in refs(properties["Integration"]["Uri"]) if r in functions]
        path = method_path(resources, properties["ResourceId"])
        route = f"/{properties['HttpMethod']}{path}"
        granted = [
            p["Properties"]["SourceArn"]["Fn::Join"][1]
            for p in permissions.values()
            if p["Properties"]["Action"] == "lambda:InvokeFunction"
            and p["Properties"]["Principal"] == "apigateway.amazonaws.com"
            and list(refs(p["Properties"]["FunctionName"])) == [function_id]
        ]
        assert any(
            {"Ref": properties["RestApiId"]["Ref"]} in arn and {"Ref": stage_id} in arn and arn[-1] == route
            for arn in granted
        ), f"the stage may not invoke {function_id} for {method_id} ({route})"


# --- WAF -> stage ---


def test_the_web_acl_is_associated_with_the_stage_of_every_api_that_serves_routes(each_mode: Synthesized) -> None:
    # Every API with a method that reaches the function (the JSON routes' and the Cognito door's) is behind the web
    # ACL on its stage, and nothing else is.
    resources = each_mode.resources
    api_ids = {m["Properties"]["RestApiId"]["Ref"] for m in proxy_methods(resources).values()}
    associations = of_type(resources, "AWS::WAFv2::WebACLAssociation").values()
    assert api_ids == set(of_type(resources, "AWS::ApiGateway::RestApi"))

    expected = [
        [
            f"arn:aws:apigateway:{each_mode.stack.region}::/restapis/",
            {"Ref": api_id},
            "/stages/",
            {"Ref": stage_of_api(resources, api_id)},
        ]
        for api_id in sorted(api_ids)
    ]
    for association in associations:
        target(resources, association["Properties"]["WebACLArn"], "AWS::WAFv2::WebACL")
    arns = [association["Properties"]["ResourceArn"]["Fn::Join"][1] for association in associations]
    assert sorted(arns, key=json.dumps) == sorted(expected, key=json.dumps)


# --- IAM statements -> what the function uses ---

# The resource type each service's actions may be granted on, when the resource is in the template.
GRANTABLE_TYPES = {
    "logs": "AWS::Logs::LogGroup",
    "secretsmanager": "AWS::SecretsManager::Secret",
    "kms": "AWS::KMS::Key",
    "dynamodb": "AWS::DynamoDB::Table",
}


def function_statements(resources: Resources, function_id: str) -> list[dict[str, Any]]:
    role_id = resources[function_id]["Properties"]["Role"]["Fn::GetAtt"][0]
    policies = [
        p for p in of_type(resources, "AWS::IAM::Policy").values() if {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    return [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def used_by(resources: Resources, function: dict[str, Any]) -> set[str]:
    """What the function is wired to use: grantable resources its environment or log settings reference, and the
    literal ARNs in its environment."""
    properties = function["Properties"]
    environment = properties.get("Environment", {}).get("Variables", {})
    wired = set(refs(environment)) | set(refs(properties.get("LoggingConfig", {})))
    used = {r for r in wired if resources[r]["Type"] in GRANTABLE_TYPES.values()}
    return used | set(re.findall(r"arn:aws:[a-z0-9-]+:[^\"\\\s,]+", json.dumps(environment)))


def test_every_statement_grants_exactly_what_the_function_is_wired_to_use(each_mode: Synthesized) -> None:
    resources = each_mode.resources
    for function_id, function in handler_functions(resources).items():
        granted: set[str] = set()
        for statement in function_statements(resources, function_id):
            services = {action.split(":")[0] for action in as_list(statement["Action"])}
            assert len(services) == 1, f"one service per statement: {statement}"
            (service,) = services
            for resource in as_list(statement["Resource"]):
                if resource == "*":
                    assert service == "xray", f"only X-Ray (no resource-level permissions) may have *: {statement}"
                elif isinstance(resource, str):
                    assert resource.split(":")[2] == service, f"{resource} is not a {service} resource"
                    granted.add(resource)
                else:
                    (logical_id,) = list(refs(resource))
                    assert resources[logical_id]["Type"] == GRANTABLE_TYPES[service], f"{statement} on {logical_id}"
                    granted.add(logical_id)
        # KMS keys are used through Secrets Manager, never named to the function: their own test covers them.
        granted_without_keys = {g for g in granted if not g.startswith("arn:aws:kms:")}
        assert granted_without_keys == used_by(resources, function), function_id


def test_kms_decrypt_is_only_through_secrets_manager_in_the_stacks_region(each_mode: Synthesized) -> None:
    resources = each_mode.resources
    for function_id in handler_functions(resources):
        for statement in function_statements(resources, function_id):
            if any(action.startswith("kms:") for action in as_list(statement["Action"])):
                assert statement["Condition"] == {
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{each_mode.stack.region}.amazonaws.com"}
                }


# --- alarms -> the metrics their resources really emit ---


def alarm_metrics(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    """(namespace, name, dimensions) of every metric an alarm reads, plain or inside a math expression."""
    properties = alarm["Properties"]
    if "MetricName" in properties:
        return [properties]
    return [m["MetricStat"]["Metric"] for m in properties["Metrics"] if "MetricStat" in m]


def dimensions(metric: dict[str, Any]) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}


def all_alarm_metrics(synth: Synthesized) -> list[dict[str, Any]]:
    return [m for alarm in synth.of_type("AWS::CloudWatch::Alarm").values() for m in alarm_metrics(alarm)]


AWS_NAMESPACES = ("AWS/Lambda", "AWS/ApiGateway", "AWS/WAFV2")


def test_alarms_on_aws_metrics_name_a_resource_of_this_stack(each_mode: Synthesized) -> None:
    resources = each_mode.resources
    # API Gateway's metrics name an API by its Name: each API of the stack, with its own stage and methods.
    apis = {api["Properties"]["Name"]: api_id for api_id, api in each_mode.of_type("AWS::ApiGateway::RestApi").items()}
    (acl,) = each_mode.of_type("AWS::WAFv2::WebACL").values()
    rule_metrics = {rule["VisibilityConfig"]["MetricName"] for rule in acl["Properties"]["Rules"]}
    # Managed rule groups have an override action instead; no alarm watches one.
    rule_actions = {
        rule["VisibilityConfig"]["MetricName"]: rule["Action"]
        for rule in acl["Properties"]["Rules"]
        if "Action" in rule
    }
    routes = {
        (
            m["Properties"]["RestApiId"]["Ref"],
            m["Properties"]["HttpMethod"],
            method_path(resources, m["Properties"]["ResourceId"]),
        )
        for m in each_mode.of_type("AWS::ApiGateway::Method").values()
    }
    checked = 0
    for metric in all_alarm_metrics(each_mode):
        found = dimensions(metric)
        if metric["Namespace"] == "AWS/Lambda":
            assert set(found) == {"FunctionName"}
            target(resources, found["FunctionName"], "AWS::Lambda::Function")
        elif metric["Namespace"] == "AWS/ApiGateway":
            assert set(found) <= {"ApiName", "Stage", "Resource", "Method"}
            assert found["ApiName"] in apis, f"no API of this stack is named {found['ApiName']}"
            api_id = apis[found["ApiName"]]
            stage_id = stage_of_api(resources, api_id)
            if "Stage" in found:
                assert found["Stage"] in (resources[stage_id]["Properties"]["StageName"], {"Ref": stage_id})
            if "Resource" in found or "Method" in found:
                assert (api_id, found["Method"], found["Resource"]) in routes, f"no method {found}"
        elif metric["Namespace"] == "AWS/WAFV2":
            assert found["WebACL"] == acl["Properties"]["VisibilityConfig"]["MetricName"]
            assert found["Rule"] in rule_metrics
            assert found["Region"] == each_mode.stack.region
            # The metric the rule's action emits: a Count rule has CountedRequests only, a Block rule BlockedRequests.
            (action,) = rule_actions[found["Rule"]]
            assert metric["MetricName"] == {"Count": "CountedRequests", "Block": "BlockedRequests"}[action]
        else:
            continue
        checked += 1
    assert checked, "no alarm on an AWS service metric"


def test_every_alarm_tells_the_alarm_topic_when_there_is_one(existing: Synthesized, demo: Synthesized) -> None:
    for synth in (existing, demo):
        topics = set(synth.of_type("AWS::SNS::Topic"))
        for alarm_id, alarm in synth.of_type("AWS::CloudWatch::Alarm").items():
            if (
                "per route" in alarm["Properties"]["AlarmDescription"]
                or "diagnostic" in alarm["Properties"]["AlarmDescription"]
            ):
                continue  # the per-route 5XX alarms notify nobody: Api5xx pages (tests/infra/test_alarms.py)
            actions = alarm["Properties"].get("AlarmActions", [])
            assert {target(synth.resources, action, "AWS::SNS::Topic") for action in actions} == topics, alarm_id


# --- CORS preflight -> the origins the function accepts ---


def test_the_preflight_allows_exactly_the_origins_the_function_accepts(each_mode: Synthesized) -> None:
    resources = each_mode.resources
    (function,) = handler_functions(resources).values()
    accepted = {o for o in function["Properties"]["Environment"]["Variables"]["ALLOWED_ORIGINS"].split(",") if o}
    preflights = [
        m for m in of_type(resources, "AWS::ApiGateway::Method").values() if m["Properties"]["HttpMethod"] == "OPTIONS"
    ]

    if not accepted:
        assert preflights == []
    for preflight in preflights:
        # A single origin is a literal header value; several are matched in a response template. Either way, the
        # origins named are the function's, no more (no prefix or pattern that would let a look-alike through).
        named = set(re.findall(r"https?://[^'\"\\\s,]+", json.dumps(preflight["Properties"]["Integration"])))
        assert named == accepted
