"""The Cognito door's edge: a REST API of its own in front of the same function, with `POST /` only.

Why its own API rather than a method on the JSON API's root: gateway responses (throttling, the validator's 400,
the WAF's 403, a 504, an unknown path) are per API, not per route, and the two doors' clients parse incompatible
error shapes. The JSON door's are RFC 9457 with a `code`; Amplify reads a body's `code` before `__type`, and botocore
reads only `__type`, so no one body serves both. Here every answer the gateway gives itself is Cognito's shape
(`x-amzn-ErrorType` and `{"__type", "message"}`, from doors/cognito_shape.py's one table). The same web ACL (one
per-IP budget across both doors), the same stage throttle share, its own access logs; a custom domain (optional)
maps its root, which host-only SDKs (Amplify Swift, Amplify Android) need.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from cdk_nag import NagSuppressions
from constructs import Construct

from code_screens.doors.cognito_shape import COGNITO_ERRORS, MEDIA_TYPE, cognito_request_schema, error_body
from code_screens.routes import ROUTES
from infra.api_construct import (
    CORS_EXPOSED_HEADERS,
    GATEWAY_PROBLEMS,
    cognito_error_headers,
    execution_logs,
    sampling_rule,
    stack_unique_name,
)
from infra.api_schema import gateway_request_schema, ignore_password_field_lint

# The request headers Amplify JS and the AWS SDK for JavaScript send (a browser's preflight asks for them).
CORS_REQUEST_HEADERS = [
    "Content-Type",
    "X-Amz-Target",
    "X-Amz-User-Agent",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
    "Cache-Control",
]


def cognito_gateway_schema() -> dict[str, Any]:
    """The validator model of `POST /` (API Gateway keys models by content type: application/x-amz-json-1.1): every
    operation's request schema in Cognito's field names, merged, since one method serves them all. It checks the
    types of the fields it knows and requires nothing, and an unknown field passes: the gateway validates before the
    function reads X-Amz-Target, so a body of another operation (InitiateAuth, SignUp) must reach the function to be
    answered UnknownOperationException, not a gateway 400. The function validates each operation's own schema."""
    merged: dict[str, Any] = {}
    for route in ROUTES:
        schema = cognito_request_schema(gateway_request_schema(route.operation.request_model))
        if not merged:
            merged = {**schema, "title": "CognitoProtocolRequest"}
            continue
        merged["properties"] = {**merged["properties"], **schema["properties"]}
        merged["definitions"] = {**merged.get("definitions", {}), **schema.get("definitions", {})}
    merged.pop("required", None)
    merged.pop("additionalProperties", None)
    return merged


class CognitoProtocolApi(Construct):
    """`POST /` in Cognito's protocol → the function, behind its validator model, its stage throttle and the web ACL."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction,
        allowed_origins: Sequence[str],
        stage_name: str,
        throttle_rate: float,
        throttle_burst: int,
        web_acl_arn: str,
        log_retention: logs.RetentionDays,
        trace_sampling_rate: float,
        domain_name: str | None,
        certificate_arn: str | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.api_name = stack_unique_name(self, "cognito-api")
        self.access_logs = logs.LogGroup(
            self, "AccessLogs", retention=log_retention, removal_policy=RemovalPolicy.DESTROY
        )
        self.api = apigw.RestApi(
            self,
            "Api",
            rest_api_name=self.api_name,
            description="Cognito's JSON 1.1 protocol for the code screens (ResendConfirmationCode, ConfirmSignUp, "
            "ForgotPassword, ConfirmForgotPassword), without the secret",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # The account's CloudWatch role is the JSON API's business (infra/api_construct.py).
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name=stage_name,
                throttling_rate_limit=throttle_rate,
                throttling_burst_limit=throttle_burst,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # bodies hold usernames
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
            ),
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=list(allowed_origins),
                allow_methods=["POST", "OPTIONS"],
                allow_headers=CORS_REQUEST_HEADERS,
                expose_headers=CORS_EXPOSED_HEADERS,
                max_age=Duration.minutes(10),
            )
            if allowed_origins
            else None,
        )
        validator = self.api.add_request_validator(
            "RequestValidator", validate_request_body=True, validate_request_parameters=True
        )
        model = self.api.add_model(
            "RequestModel",
            content_type=MEDIA_TYPE,
            model_name="CognitoProtocolRequest",
            schema=apigw.JsonSchema(schema=apigw.JsonSchemaVersion.DRAFT4, type=apigw.JsonSchemaType.OBJECT),
        )
        model.node.default_child.add_property_override("Schema", cognito_gateway_schema())  # type: ignore[union-attr]
        ignore_password_field_lint(model.node.default_child, cognito_gateway_schema())
        self.method = self.api.root.add_method(
            "POST",
            apigw.LambdaIntegration(function, proxy=True),
            request_models={MEDIA_TYPE: model},
            request_validator=validator,
            authorization_type=apigw.AuthorizationType.NONE,
        )
        for response_type, problem_type in GATEWAY_PROBLEMS.items():
            self.api.add_gateway_response(
                f"Cognito{response_type.response_type}",
                type=response_type,
                status_code=str(COGNITO_ERRORS[problem_type.code].status),
                response_headers={
                    name: f"'{value}'" for name, value in cognito_error_headers(problem_type, allowed_origins).items()
                },
                templates={MEDIA_TYPE: error_body(problem_type), "application/json": error_body(problem_type)},
            )
        wafv2.CfnWebACLAssociation(
            self, "WebAclAssociation", resource_arn=self.api.deployment_stage.stage_arn, web_acl_arn=web_acl_arn
        )
        # Its stage logs errors too (logging_level above): the group API Gateway would otherwise make itself.
        execution_logs(self, self.api, stage_name, log_retention)
        # The same share of the door's requests traced as of the JSON routes', by a rule naming this API's stage only.
        sampling_rule(self, "TraceSampling", self.api_name, stage_name, trace_sampling_rate, "cognito-sampling")
        self.domain: apigw.DomainName | None = None
        if domain_name and certificate_arn:
            # The door at the root of a host of its own: `https://<domain>/` (an empty base path), which is what
            # host-only SDK configurations (Amplify Swift and Android: CognitoUserPool.Default.Endpoint) can name.
            self.domain = apigw.DomainName(
                self,
                "CustomDomain",
                domain_name=domain_name,
                certificate=acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn),
                endpoint_type=apigw.EndpointType.REGIONAL,
                security_policy=apigw.SecurityPolicy.TLS_1_2,
            )
            self.domain.add_base_path_mapping(self.api, stage=self.api.deployment_stage)
        NagSuppressions.add_resource_suppressions(
            self.api,
            [
                {
                    "id": "AwsSolutions-APIG4",
                    "reason": "Public by design: the callers have not confirmed sign-up and hold no token; WAF, "
                    "throttling and the validator protect it.",
                },
                {
                    "id": "AwsSolutions-COG4",
                    "reason": "Public by design: a user who has not confirmed sign-up cannot hold a Cognito token.",
                },
            ],
            apply_to_children=True,
        )

    @property
    def url(self) -> str:
        """The door's URL on the deployed stage (the root: SDKs POST to it as given)."""
        return self.api.url
