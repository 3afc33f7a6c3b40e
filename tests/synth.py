"""Synthesize the real stack (no Docker, no AWS credentials), for template assertions.

The session fixtures that synthesize each pool mode once (`demo`, `existing`, `agnostic_copy`, `each_mode`) are in
tests/conftest.py, shared by every folder."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks

from infra.config import StackConfig
from infra.stack import ResendConfirmationCodeStack

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

CDK_JSON = json.loads((Path(__file__).resolve().parents[1] / "cdk.json").read_text())
ACCOUNT = "123456789012"
REGION = "eu-west-1"
EXISTING_SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:resend/web-AbCdEf"
EXISTING_SECRET_2 = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:resend/mobile-GhIjKl"
EXISTING_KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/0b4bd5b8-7b7e-4a36-9a57-6a1f1b0c2f11"
# Both clients in one pool (the secret rotation's Cognito calls and IAM need it).
EXISTING_POOL = "eu-west-1_AbCdEfGhI"

EXISTING_CONTEXT: dict[str, Any] = {
    "poolMode": "existing",
    "appClients": json.dumps(
        [
            {"clientId": "webclient123", "secretArn": EXISTING_SECRET, "userPoolId": EXISTING_POOL},
            {
                "clientId": "mobileclient456",
                "secretArn": EXISTING_SECRET_2,
                "kmsKeyArn": EXISTING_KEY,
                "userPoolId": EXISTING_POOL,
            },
        ]
    ),
    "defaultClientId": "webclient123",
    "allowedOrigins": "https://app.example.com",
    "alarmEmail": "ops@example.com",
    "throttleRateLimit": "15",
    "throttleBurstLimit": "30",
    "wafRateLimit": "200",
    "reservedConcurrency": "5",
    "allowedClientMetadataKeys": "locale",
}


@dataclass
class Synthesized:
    """A synthesized stack: the template, the stack (for Annotations), and the cloud assembly directory."""

    stack: ResendConfirmationCodeStack
    template: Template
    assembly_dir: Path

    @property
    def resources(self) -> dict[str, Any]:
        resources: dict[str, Any] = self.template.to_json()["Resources"]
        return resources

    def of_type(self, resource_type: str) -> dict[str, Any]:
        return {k: v for k, v in self.resources.items() if v["Type"] == resource_type}


def synthesize(
    context: dict[str, Any], outdir: Path, *, stack_name: str = "ResendConfirmationCode", region: str | None = REGION
) -> Synthesized:
    """Synthesize as app.py does: the cdk.json feature flags, cdk-nag on the whole app.

    `region=None` gives an environment-agnostic stack (what `cdk synth` makes without a configured Region).
    """
    app = cdk.App(context={**CDK_JSON["context"], **context}, outdir=str(outdir))
    stack = ResendConfirmationCodeStack(
        app,
        stack_name,
        config=StackConfig.from_context(app.node),
        env=cdk.Environment(region=region) if region else None,
    )
    cdk.Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    assembly = app.synth()
    return Synthesized(stack, Template.from_stack(stack), Path(assembly.directory))


def policy_document(value: Any) -> dict[str, Any]:
    """A policy property as a document, whether the template holds it as an object or as the JSON string CDK writes
    for some types (AWS::Logs::ResourcePolicy: an Fn::Join of text and references). References come back as the
    objects the template holds ({"Ref": "AWS::AccountId"}), or, inside a longer string, as an Fn::Join."""
    if isinstance(value, dict) and "Fn::Join" not in value:
        return value
    if isinstance(value, str):
        parsed: dict[str, Any] = json.loads(value)
        return parsed
    separator, parts = value["Fn::Join"]
    assert separator == ""
    tokens = [part for part in parts if not isinstance(part, str)]
    # A marker (a private-use character, legal in JSON text) per reference, put back after parsing.
    text = "".join(part if isinstance(part, str) else f"\ue000{tokens.index(part)}\ue000" for part in parts)

    def restore(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: restore(item) for key, item in node.items()}
        if isinstance(node, list):
            return [restore(item) for item in node]
        if isinstance(node, str) and "\ue000" in node:
            pieces = node.split("\ue000")
            joined = [tokens[int(p)] if i % 2 else p for i, p in enumerate(pieces) if p or i % 2]
            return joined[0] if len(joined) == 1 else {"Fn::Join": ["", joined]}
        return node

    restored: dict[str, Any] = restore(json.loads(text))
    return restored


# The stack's two REST APIs, by the names infra/ gives them (stack_unique_name): the JSON routes' and the Cognito
# door's (issue 20). A test of a rule every API must keep loops over `rest_apis`; a test of one API's specifics
# picks it by name, so a third API can never pass for the first.
JSON_API_SUFFIX = "-api"
COGNITO_API_SUFFIX = "-cognito-api"


def rest_apis(synthesized: Synthesized) -> dict[str, Any]:
    """Every AWS::ApiGateway::RestApi of the template, by logical ID."""
    return synthesized.of_type("AWS::ApiGateway::RestApi")


def _api_named(synthesized: Synthesized, suffix: str) -> str:
    name = f"{synthesized.stack.stack_name}{suffix}"
    (api_id,) = [k for k, v in rest_apis(synthesized).items() if v["Properties"]["Name"] == name]
    return api_id


def json_api_id(synthesized: Synthesized) -> str:
    """The logical ID of the JSON routes' REST API (`<stack>-api`)."""
    return _api_named(synthesized, JSON_API_SUFFIX)


def cognito_api_id(synthesized: Synthesized) -> str:
    """The logical ID of the Cognito door's REST API (`<stack>-cognito-api`)."""
    return _api_named(synthesized, COGNITO_API_SUFFIX)


def of_api(synthesized: Synthesized, resource_type: str, api_id: str) -> dict[str, Any]:
    """The resources of `resource_type` whose RestApiId is `api_id`."""
    return {
        k: v
        for k, v in synthesized.of_type(resource_type).items()
        if v["Properties"].get("RestApiId") == {"Ref": api_id}
    }


def stage_of(synthesized: Synthesized, api_id: str) -> tuple[str, dict[str, Any]]:
    """The one stage of `api_id`: (logical ID, resource)."""
    ((stage_id, stage),) = of_api(synthesized, "AWS::ApiGateway::Stage", api_id).items()
    return stage_id, stage
