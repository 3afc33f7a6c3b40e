"""The Cognito door's edge in the synthesized template: its own REST API with POST / behind a validator model for
application/x-amz-json-1.1, every answer the gateway gives itself in Cognito's shape (while the JSON API's stay
problem+json), the same web ACL, a share of the same throttle, the library headers in CORS, and the custom domain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from code_screens.doors.cognito_shape import COGNITO_ERRORS, MEDIA_TYPE
from code_screens.routes import ROUTES
from infra.api_construct import GATEWAY_PROBLEMS, THROTTLED_METHODS
from infra.cognito_api import cognito_gateway_schema
from infra.config import ConfigError, StackConfig
from tests.synth import EXISTING_CONTEXT, Synthesized, synthesize

DOMAIN = "cognito.example.com"
CERTIFICATE = "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012"


def _cognito_api_id(synthesized: Synthesized) -> str:
    (api_id,) = [k for k, v in synthesized.of_type("AWS::ApiGateway::RestApi").items() if "CognitoDoor" in k]
    return api_id


def _refers_to(resource: dict[str, Any], logical_id: str) -> bool:
    return {"Ref": logical_id} == resource["Properties"].get("RestApiId")


def test_the_door_is_post_on_the_root_of_its_own_api_behind_its_model(demo: Synthesized) -> None:
    api_id = _cognito_api_id(demo)
    methods = [m for m in demo.of_type("AWS::ApiGateway::Method").values() if _refers_to(m, api_id)]
    (post,) = [m for m in methods if m["Properties"]["HttpMethod"] == "POST"]

    # On the root resource itself (no child resource), unauthenticated, through the validator
    assert post["Properties"]["ResourceId"] == {"Fn::GetAtt": [api_id, "RootResourceId"]}
    assert post["Properties"]["AuthorizationType"] == "NONE"
    assert "RequestValidatorId" in post["Properties"]
    (content_type,) = post["Properties"]["RequestModels"]
    assert content_type == MEDIA_TYPE
    # The same function as the JSON routes
    json_post = next(
        m for m in demo.of_type("AWS::ApiGateway::Method").values() if m["Properties"]["HttpMethod"] == "POST"
        and not _refers_to(m, api_id)
    )  # fmt: skip
    assert post["Properties"]["Integration"]["Uri"] == json_post["Properties"]["Integration"]["Uri"]


def test_the_model_takes_cognitos_names_and_lets_other_operations_reach_the_function() -> None:
    # The gateway validates before the function reads X-Amz-Target: a required field or a refused unknown one
    # would answer another operation's body (InitiateAuth, SignUp) with a gateway 400 InvalidParameterException
    # instead of the function's UnknownOperationException.
    schema = cognito_gateway_schema()

    assert "additionalProperties" not in schema
    assert "required" not in schema
    assert {"ClientId", "Username", "ConfirmationCode", "ClientMetadata", "ForceAliasCreation"} <= set(
        schema["properties"]
    )
    assert "SecretHash" not in schema["properties"]
    assert all(name[0].isupper() for name in schema["properties"])
    context_data = next(d for n, d in schema["definitions"].items() if "UserContextData" in n)
    assert set(context_data["properties"]) == {"EncodedData"}  # never IpAddress


def test_the_model_and_the_openapi_document_name_the_same_fields() -> None:
    # One derivation (cognito_shape.cognito_request_schema) for both: the gateway's model merges the operations, the
    # document keeps one schema per operation; together they name the same fields, nested ones included.
    from local.openapi import openapi_document

    model = cognito_gateway_schema()
    components = openapi_document()["components"]["schemas"]
    documented = [components[f"Cognito{route.operation.request_model.SCHEMA.title}"] for route in ROUTES]

    assert set(model["properties"]) == {name for schema in documented for name in schema["properties"]}
    for name, definition in model["definitions"].items():
        assert set(definition["properties"]) == set(components[f"Cognito{name}"]["properties"])


def test_every_gateway_answer_of_the_door_is_cognito_shaped(demo: Synthesized) -> None:
    api_id = _cognito_api_id(demo)
    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in demo.of_type("AWS::ApiGateway::GatewayResponse").values()
        if _refers_to(r, api_id)
    }

    assert set(responses) == {response_type.response_type for response_type in GATEWAY_PROBLEMS}
    for response_type, problem_type in GATEWAY_PROBLEMS.items():
        properties = responses[response_type.response_type]
        expected = COGNITO_ERRORS[problem_type.code]
        assert properties["StatusCode"] == str(expected.status)
        assert properties["ResponseParameters"]["gatewayresponse.header.x-amzn-ErrorType"] == f"'{expected.error_type}'"
        for template in properties["ResponseTemplates"].values():
            body = json.loads(template)
            # botocore reads __type only; Amplify would read a `code` before it
            assert body == {"__type": expected.error_type, "message": problem_type.detail}
        if problem_type.retry_after_seconds is not None:
            assert "gatewayresponse.header.Retry-After" in properties["ResponseParameters"]


def test_the_json_apis_gateway_answers_stay_problems(demo: Synthesized) -> None:
    api_id = _cognito_api_id(demo)
    others = [r for r in demo.of_type("AWS::ApiGateway::GatewayResponse").values() if not _refers_to(r, api_id)]

    assert others
    for response in others:
        (template,) = response["Properties"]["ResponseTemplates"].values()
        assert "code" in json.loads(template) and "__type" not in json.loads(template)


def test_both_stages_sit_behind_the_one_web_acl(demo: Synthesized) -> None:
    associations = demo.of_type("AWS::WAFv2::WebACLAssociation").values()
    (acl,) = demo.of_type("AWS::WAFv2::WebACL")

    assert len(associations) == 2
    assert {json.dumps(a["Properties"]["WebACLArn"]) for a in associations} == {
        json.dumps({"Fn::GetAtt": [acl, "Arn"]})
    }


def test_every_method_together_stays_within_the_whole_api_throttle(demo: Synthesized) -> None:
    config = StackConfig.from_mapping({})
    # Each method's own throttle: a route's setting of its own where it has one (the password resets), else the
    # stage's; the door's POST / is its stage's one method.
    rates, bursts = [], []
    for stage_id, stage in demo.of_type("AWS::ApiGateway::Stage").items():
        settings = {m["ResourcePath"]: m for m in stage["Properties"]["MethodSettings"]}
        paths = ["/"] if "CognitoDoor" in stage_id else ["/" + route.path.replace("/", "~1") for route in ROUTES]
        for path in paths:
            method = settings.get(path, settings["/*"])
            rates.append(method["ThrottlingRateLimit"])
            bursts.append(method["ThrottlingBurstLimit"])

    # The resend and confirm routes keep their whole-API share; the password resets and the door may get less.
    assert len(rates) == THROTTLED_METHODS
    assert sum(rates) <= config.throttle_rate_limit + 1e-9
    assert sum(bursts) <= config.throttle_burst_limit


@pytest.mark.slow  # synthesizes a stack of its own
def test_the_preflight_allows_the_libraries_headers_and_exposes_the_error_type(tmp_path: Path) -> None:
    synthesized = synthesize({"allowedOrigins": "https://app.example.com"}, tmp_path)
    api_id = _cognito_api_id(synthesized)
    (options,) = [
        m
        for m in synthesized.of_type("AWS::ApiGateway::Method").values()
        if _refers_to(m, api_id) and m["Properties"]["HttpMethod"] == "OPTIONS"
    ]

    headers = options["Properties"]["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
    allowed = {
        h.strip().lower() for h in headers["method.response.header.Access-Control-Allow-Headers"].strip("'").split(",")
    }
    assert {"content-type", "x-amz-target", "x-amz-user-agent", "amz-sdk-invocation-id", "amz-sdk-request",
            "cache-control"} <= allowed  # fmt: skip
    exposed = headers["method.response.header.Access-Control-Expose-Headers"].lower()
    assert "x-amzn-errortype" in exposed and "x-amzn-requestid" in exposed


@pytest.mark.slow  # synthesizes a stack of its own
def test_the_custom_domain_maps_the_doors_root(tmp_path: Path) -> None:
    synthesized = synthesize({"cognitoDomainName": DOMAIN, "cognitoCertificateArn": CERTIFICATE}, tmp_path)
    api_id = _cognito_api_id(synthesized)

    (domain,) = synthesized.of_type("AWS::ApiGateway::DomainName").values()
    (mapping,) = synthesized.of_type("AWS::ApiGateway::BasePathMapping").values()
    assert domain["Properties"]["DomainName"] == DOMAIN
    assert domain["Properties"]["RegionalCertificateArn"] == CERTIFICATE
    assert domain["Properties"]["SecurityPolicy"] == "TLS_1_2"
    assert mapping["Properties"]["RestApiId"] == {"Ref": api_id}
    assert not mapping["Properties"].get("BasePath")  # the root: what host-only SDKs can name
    outputs = synthesized.template.to_json()["Outputs"]
    assert outputs["CognitoEndpointUrl"]["Value"] == f"https://{DOMAIN}/"


@pytest.mark.parametrize(
    "context",
    [
        {"cognitoDomainName": DOMAIN},
        {"cognitoCertificateArn": CERTIFICATE},
        {"cognitoDomainName": "https://cognito.example.com/", "cognitoCertificateArn": CERTIFICATE},
        {"cognitoDomainName": DOMAIN, "cognitoCertificateArn": "not-an-arn"},
    ],
)
def test_a_half_or_malformed_custom_domain_stops_synth(context: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="cognito"):
        StackConfig.from_mapping({**EXISTING_CONTEXT, **context})
