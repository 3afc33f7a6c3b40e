"""The public edge: a regional REST API with one resource, method and validator model per route of the route table,
stage throttling, access logs, CORS, problem-shaped gateway errors, and an AWS WAF web ACL on the stage (REST APIs
take WAF; HTTP APIs do not), so throttling and the WAF cover every route."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from aws_cdk import aws_xray as xray
from cdk_nag import NagSuppressions
from constructs import Construct

from code_screens.doors.cognito_shape import COGNITO_ERRORS
from code_screens.doors.cognito_shape import error_body as cognito_error_body
from code_screens.doors.problem_details import PROBLEM_CONTENT_TYPE, render_problem
from code_screens.operations.models import MAX_BODY_BYTES
from code_screens.problems import (
    INVALID_REQUEST,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    RATE_LIMITED,
    REQUEST_BLOCKED,
    UNSUPPORTED_MEDIA_TYPE,
    UPSTREAM_ERROR,
    UPSTREAM_TIMEOUT,
    Problem,
    ProblemType,
)
from code_screens.routes import RESEND_CONFIRMATION_CODE, ROUTE_METHOD, ROUTES
from infra.api_schema import gateway_request_schema, ignore_password_field_lint
from infra.capacity import ACCOUNT_RECOVERY_OPERATIONS, capacity, recovery_throttle

# The per-IP rate rule: it counts (one budget per IP across both APIs, since both stages share the web ACL) and
# labels; the two block rules below answer its label, each in the shape its callers read. Its CountedRequests
# metric is the WafRateLimited alarm's (infra/monitoring.py).
RATE_RULE_NAME = "PerIpRateLimit"
# Within the web ACL that adds it, a label matches by its bare name (WAF prefixes awswaf:<account>:webacl:<name>:).
RATE_LIMITED_LABEL = "code-screens:per-ip-rate-limited"
# The header every Cognito SDK sends (X-Amz-Target) and no JSON-door client needs: which shape a WAF answer takes.
COGNITO_TARGET_HEADER = "x-amz-target"
# Rule name (= metric name) → which callers it answers: the size limit and the rate limit, each split on the header.
BODY_SIZE_RULE_NAME = "BodySizeLimit"
COGNITO_BODY_SIZE_RULE_NAME = "BodySizeLimitCognito"
RATE_BLOCK_RULE_NAME = "PerIpRateLimitBlock"
COGNITO_RATE_BLOCK_RULE_NAME = "PerIpRateLimitBlockCognito"
# A WAF custom response body's key (^[\w\-]+$) for a problem's Cognito-shaped body; the problem body's key is its code.
COGNITO_BODY_KEY_PREFIX = "cognito-"
# The methods the whole-API throttle is shared among: each JSON route, and the Cognito door's POST / (its own REST
# API, infra/cognito_api.py), so adding the door did not raise the total.
THROTTLED_METHODS = len(ROUTES) + 1
# The routes whose operation counts against Cognito's account-recovery quota; with the Cognito door, which can carry
# them too, they share the stack's accountRecoveryRateLimit (infra/capacity.py).
RECOVERY_ROUTES = tuple(route for route in ROUTES if route.operation.name in ACCOUNT_RECOVERY_OPERATIONS)
RECOVERY_METHODS = len(RECOVERY_ROUTES) + 1
# AWS WAF delivers only to log groups whose name starts with this.
WAF_LOG_GROUP_PREFIX = "aws-waf-logs-"
# The service that writes vended logs (WAF's among them) into CloudWatch Logs, on WAF's behalf.
LOG_DELIVERY_PRINCIPAL = "delivery.logs.amazonaws.com"
# Headers that can carry a caller's credentials; kept out of WAF's logs (the API needs neither).
WAF_REDACTED_HEADERS = ("authorization", "cookie")
RATE_WINDOW_SECONDS = 300

# Answers API Gateway gives itself, before or instead of the Lambda, in the same problem+json shape.
GATEWAY_PROBLEMS: dict[apigw.ResponseType, ProblemType] = {
    apigw.ResponseType.BAD_REQUEST_BODY: INVALID_REQUEST,
    apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN: NOT_FOUND,  # REST APIs answer unknown routes with this
    apigw.ResponseType.THROTTLED: RATE_LIMITED,
    apigw.ResponseType.WAF_FILTERED: REQUEST_BLOCKED,
    apigw.ResponseType.REQUEST_TOO_LARGE: PAYLOAD_TOO_LARGE,
    apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE: UNSUPPORTED_MEDIA_TYPE,
    apigw.ResponseType.INTEGRATION_TIMEOUT: UPSTREAM_TIMEOUT,
    apigw.ResponseType.DEFAULT_5_XX: UPSTREAM_ERROR,
}


def stack_unique_name(scope: Construct, suffix: str, max_length: int = 128) -> str:
    """`{stack name}-{suffix}`: readable, and unique in the account and Region because stack names are.

    CloudWatch keys AWS/ApiGateway metrics by the API's name and AWS/WAFV2 metrics by the web ACL's, so a name
    shared with another API (a second copy of this stack included) mixes their metrics and alarms. Too long a
    stack name is cut and given a hash of the whole name, so it stays unique.
    """
    name = f"{Stack.of(scope).stack_name}-{suffix}"
    if len(name) <= max_length:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: max_length - len(digest) - 1]}-{digest}"


def _problem_body(problem_type: ProblemType) -> str:
    return render_problem(Problem(problem_type)).body


def static_error_headers(allowed_origins: Sequence[str], retry_after: int | None) -> dict[str, str]:
    """Headers for the answers the gateway and the WAF give themselves (static values, no Lambda to compute them).

    With a single allowed origin they carry CORS, so a page can read a 429 from the edge too; with several, the
    Lambda's own answers carry CORS and these stay opaque to other origins.
    """
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if len(allowed_origins) == 1:
        headers["Access-Control-Allow-Origin"] = allowed_origins[0]
        headers["Access-Control-Expose-Headers"] = "Retry-After"
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return headers


# The response headers browsers may read on the Cognito door's answers: Amplify takes the error name from
# x-amzn-ErrorType, which a browser hides unless it is exposed.
CORS_EXPOSED_HEADERS = ["x-amzn-ErrorType", "x-amzn-RequestId", "Retry-After"]


def cognito_error_headers(
    problem_type: ProblemType, allowed_origins: Sequence[str], retry_after: int | None = None
) -> dict[str, str]:
    """The static headers of an edge answer (a gateway response or a WAF block) in Cognito's shape: the error type in
    `x-amzn-ErrorType` (what Amplify and the Smithy SDKs read first), the security headers, CORS with a single allowed
    origin (as static_error_headers), and Retry-After (`retry_after`, else the problem type's own)."""
    headers = {
        "x-amzn-ErrorType": COGNITO_ERRORS[problem_type.code].error_type,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if len(allowed_origins) == 1:
        headers["Access-Control-Allow-Origin"] = allowed_origins[0]
        headers["Access-Control-Expose-Headers"] = ",".join(CORS_EXPOSED_HEADERS)
    retry_after = retry_after if retry_after is not None else problem_type.retry_after_seconds
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return headers


def sampling_rule(
    scope: Construct, construct_id: str, api_name: str, stage_name: str, rate: float, rule_suffix: str
) -> xray.CfnSamplingRule:
    """The X-Ray sampling rule of one REST API's stage: `rate` of its POST requests, no reservoir.

    A fixed share of requests and no per-second reservoir: a reservoir of one trace a second samples every request up
    to ~2.6 million a month ($5 per million past the free 100,000); 5 % keeps 10 million requests at 500,000 traces
    (docs/performance.md). Sampling rules are account-wide: the rule names this API's stage (X-Ray's service name
    for API Gateway is "{api name}/{stage}"), so it samples nothing else, and within it every route (all POST) alike.
    One rule per API rather than a wildcard across both: `<stack>-*` would also match another stack whose name
    starts with this one's.
    """
    service_name = f"{api_name}/{stage_name}"
    if len(service_name) > 64:  # X-Ray's limit; the rule then matches by prefix
        service_name = service_name[:63] + "*"
    return xray.CfnSamplingRule(
        scope,
        construct_id,
        sampling_rule=xray.CfnSamplingRule.SamplingRuleProperty(
            rule_name=stack_unique_name(scope, rule_suffix, max_length=32),
            priority=100,
            fixed_rate=rate,
            reservoir_size=0,
            service_name=service_name,
            service_type="AWS::ApiGateway::Stage",
            host="*",
            http_method=ROUTE_METHOD,
            url_path="*",
            resource_arn="*",
            version=1,
        ),
    )


def execution_logs(
    scope: Construct, api: apigw.RestApi, stage_name: str, retention: logs.RetentionDays
) -> logs.LogGroup:
    """The execution log group of `api`'s stage, made by the stack before the stage (which waits for it).

    API Gateway creates this group itself, with no retention and outside the stack, on first use; created here
    first, it gets the retention and goes with `cdk destroy`. Every REST API of the stack needs its own.
    """
    group = logs.LogGroup(
        scope,
        "ExecutionLogs",
        log_group_name=f"API-Gateway-Execution-Logs_{api.rest_api_id}/{stage_name}",
        retention=retention,
        removal_policy=RemovalPolicy.DESTROY,
    )
    api.deployment_stage.node.add_dependency(group)
    return group


class ResendApi(Construct):
    """Each route of ROUTES → the function, behind its validator model, the stage's throttles and a web ACL."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction,
        allowed_origins: Sequence[str],
        stage_name: str,
        throttle_rate_limit: int,
        throttle_burst_limit: int,
        waf_rate_limit: int,
        log_retention: logs.RetentionDays,
        trace_sampling_rate: float,
        manage_account_cloudwatch_role: bool,
        waf_logging: bool = False,
        account_recovery_rate_limit: int = 10,
    ) -> None:
        super().__init__(scope, construct_id)
        route_share = capacity(throttle_rate_limit, throttle_burst_limit, THROTTLED_METHODS, response_time_floor_ms=0)
        self.route_share = route_share
        # Tighter still for the methods that can reach Cognito's account-recovery quota (30 rps for the account,
        # not adjustable): a flood of resets here must not take password recovery from the pool's other apps.
        self.recovery_share = recovery_throttle(route_share, account_recovery_rate_limit, RECOVERY_METHODS)
        recovery_options = apigw.MethodDeploymentOptions(
            throttling_rate_limit=self.recovery_share.method_rate,
            throttling_burst_limit=self.recovery_share.method_burst,
        )
        self.api_name = stack_unique_name(self, "api")
        self.web_acl_name = stack_unique_name(self, "web-acl")

        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.api = apigw.RestApi(
            self,
            "Api",
            rest_api_name=self.api_name,
            description="Resend a Cognito sign-up confirmation code without shipping the app client secret",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Access and execution logs need the account-level CloudWatch role (AWS::ApiGateway::Account, one per
            # account and Region, shared by every REST API there). The stack sets it only when told to
            # (apiGatewayCloudWatchRole=true, for an account that has none: make preflight says which), and never
            # deletes it: `cdk destroy` would break logging for every other API.
            cloud_watch_role=manage_account_cloudwatch_role,
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN if manage_account_cloudwatch_role else None,
            deploy_options=apigw.StageOptions(
                stage_name=stage_name,
                # Below Cognito's account-wide per-second quota that ResendConfirmationCode shares with the
                # pool's other calls (docs/performance.md), so a flood here cannot starve sign-in. API Gateway
                # applies a stage's throttle to each method alone: the whole-API figures are shared out among the
                # routes (infra/capacity.py), so adding a route does not raise the total.
                throttling_rate_limit=route_share.route_rate,
                throttling_burst_limit=route_share.route_burst,
                method_options={f"{route.path}/{route.method}": recovery_options for route in RECOVERY_ROUTES},
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                # Never log request bodies: they hold usernames (personal data).
                data_trace_enabled=False,
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
                allow_methods=sorted({route.method for route in ROUTES} | {"OPTIONS"}),
                allow_headers=["Content-Type"],
                expose_headers=["Retry-After"],
                max_age=Duration.minutes(10),
            )
            if allowed_origins
            else None,
        )

        validator = self.api.add_request_validator(
            "RequestValidator", validate_request_body=True, validate_request_parameters=True
        )
        integration = apigw.LambdaIntegration(function, proxy=True)
        self.methods: dict[str, apigw.Method] = {}
        for route in ROUTES:
            # The first route keeps the model's original construct id: a new logical id would make CloudFormation
            # create a second model with the same name before deleting the old one, which API Gateway refuses.
            model_id = "RequestModel" if route is RESEND_CONFIRMATION_CODE else f"{route.construct_id}Model"
            model = self.api.add_model(
                model_id,
                content_type="application/json",
                model_name=gateway_request_schema(route.operation.request_model)["title"],
                schema=apigw.JsonSchema(schema=apigw.JsonSchemaVersion.DRAFT4, type=apigw.JsonSchemaType.OBJECT),
            )
            # The L2 JsonSchema type cannot hold a generated document as-is; the model's schema is the generated one.
            model.node.default_child.add_property_override(  # type: ignore[union-attr]
                "Schema", gateway_request_schema(route.operation.request_model)
            )
            ignore_password_field_lint(model.node.default_child, gateway_request_schema(route.operation.request_model))
            self.methods[route.path] = self.api.root.resource_for_path(route.path).add_method(
                route.method,
                integration,
                request_models={"application/json": model},
                request_validator=validator,
                authorization_type=apigw.AuthorizationType.NONE,
            )
        # The first route's method, under the name the stack used before there were two.
        self.method = self.methods[RESEND_CONFIRMATION_CODE.path]
        self._problem_gateway_responses(allowed_origins)
        self.web_acl = self._web_acl(waf_rate_limit, allowed_origins, protect_logged_data=waf_logging)
        wafv2.CfnWebACLAssociation(
            self,
            "WebAclAssociation",
            resource_arn=self.api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )
        self._execution_logs(stage_name, log_retention)
        self.waf_log_group: logs.LogGroup | None = self._waf_logging(log_retention) if waf_logging else None
        self._sampling_rule(trace_sampling_rate, stage_name)

        NagSuppressions.add_resource_suppressions(
            self.api,
            [
                {
                    "id": "AwsSolutions-APIG4",
                    "reason": "Public by design: callers are users who have not confirmed sign-up, so they hold no "
                    "token. WAF, throttling and the validator protect it.",
                },
                {
                    "id": "AwsSolutions-COG4",
                    "reason": "Public by design: a user who has not confirmed sign-up cannot hold a Cognito token.",
                },
                {
                    "id": "AwsSolutions-IAM4",
                    "reason": "API Gateway's account CloudWatch role uses the AWS-managed push-to-logs policy, as "
                    "AWS documents.",
                    "appliesTo": [
                        "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                    ],
                },
            ],
            apply_to_children=True,
        )

    @property
    def endpoint_url(self) -> str:
        """The full URL of the resend route on the deployed stage."""
        return self.api.url_for_path(RESEND_CONFIRMATION_CODE.path)

    def url_for(self, path: str) -> str:
        """The full URL of a route on the deployed stage."""
        return self.api.url_for_path(path)

    def _execution_logs(self, stage_name: str, retention: logs.RetentionDays) -> None:
        execution_logs(self, self.api, stage_name, retention)

    def _waf_logging(self, retention: logs.RetentionDays) -> logs.LogGroup:
        """WAF's request log into `aws-waf-logs-<stack>`, with no credential and no body in it (wafLogging=true)."""
        stack = Stack.of(self)
        # Stack names are unique in the account and Region (and at most 128 characters of the group's 512).
        group_name = WAF_LOG_GROUP_PREFIX + stack.stack_name
        group = logs.LogGroup(
            self,
            "WafLogs",
            log_group_name=group_name,
            retention=retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        # WAF wants the group's ARN without the ":*" that CloudFormation's Arn attribute ends with.
        group_arn = stack.format_arn(
            service="logs",
            resource="log-group",
            resource_name=group_name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        # Log delivery needs a CloudWatch Logs resource policy letting it write to the group. Without one in the
        # stack, enabling logging makes AWS write its own (an account-wide policy that stays after `cdk destroy`,
        # and needs logs:PutResourcePolicy of whoever deploys): this one is the stack's, scoped to this group and
        # to deliveries of this account (AWS's documented statement for vended logs), and goes with the stack.
        policy = logs.ResourcePolicy(
            self,
            "WafLogsDelivery",
            policy_statements=[
                iam.PolicyStatement(
                    sid="WafLogDelivery",
                    principals=[iam.ServicePrincipal(LOG_DELIVERY_PRINCIPAL)],
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[f"{group_arn}:log-stream:*"],
                    conditions={
                        "StringEquals": {"aws:SourceAccount": stack.account},
                        "ArnLike": {
                            "aws:SourceArn": stack.format_arn(
                                service="logs", resource="*", arn_format=ArnFormat.NO_RESOURCE_NAME
                            )
                        },
                    },
                )
            ],
        )
        logging = wafv2.CfnLoggingConfiguration(
            self,
            "WafLogging",
            resource_arn=self.web_acl.attr_arn,
            log_destination_configs=[group_arn],
            # Belt and braces with the web ACL's data protection (_web_acl): these headers read REDACTED.
            redacted_fields=[
                # single_header is typed as free JSON here, so CDK writes its keys as given: "Name", not "name".
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": name})
                for name in WAF_REDACTED_HEADERS
            ],
        )
        # The permission exists before WAF first delivers (and checks for it).
        logging.node.add_dependency(policy)
        logging.node.add_dependency(group)
        return group

    def _problem_gateway_responses(self, allowed_origins: Sequence[str]) -> None:
        for response_type, problem_type in GATEWAY_PROBLEMS.items():
            headers = static_error_headers(allowed_origins, problem_type.retry_after_seconds)
            self.api.add_gateway_response(
                f"Problem{response_type.response_type}",
                type=response_type,
                status_code=str(problem_type.status),
                # Gateway response header values are mapping expressions: a literal is written in quotes.
                response_headers={name: f"'{value}'" for name, value in headers.items()},
                templates={PROBLEM_CONTENT_TYPE: _problem_body(problem_type)},
            )

    def _web_acl(
        self, rate_limit: int, allowed_origins: Sequence[str], *, protect_logged_data: bool = False
    ) -> wafv2.CfnWebACL:
        def visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
            return wafv2.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
            )

        def managed(name: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
            return wafv2.CfnWebACL.RuleProperty(
                name=name,
                priority=priority,
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=name
                    )
                ),
                visibility_config=visibility(name),
            )

        def block_with(
            problem_type: ProblemType, *, cognito: bool, retry_after: int | None = None
        ) -> wafv2.CfnWebACL.RuleActionProperty:
            # The problem+json answer (the JSON door's callers), or Cognito's (x-amzn-ErrorType and {__type,
            # message}, what the SDKs parse): the same status the door's own answer of that problem has.
            if cognito:
                status = COGNITO_ERRORS[problem_type.code].status
                static = cognito_error_headers(problem_type, allowed_origins, retry_after)
                body_key = COGNITO_BODY_KEY_PREFIX + problem_type.code
            else:
                status = problem_type.status
                static = static_error_headers(allowed_origins, retry_after)
                body_key = problem_type.code
            return wafv2.CfnWebACL.RuleActionProperty(
                block=wafv2.CfnWebACL.BlockActionProperty(
                    custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                        response_code=status,
                        custom_response_body_key=body_key,
                        response_headers=[
                            wafv2.CfnWebACL.CustomHTTPHeaderProperty(name=name, value=value)
                            for name, value in static.items()
                        ],
                    )
                )
            )

        # True only when the request carries X-Amz-Target with a value (a missing header matches no size
        # constraint): the Cognito SDKs always send it, the JSON door's clients have no reason to.
        speaks_cognito = wafv2.CfnWebACL.StatementProperty(
            size_constraint_statement=wafv2.CfnWebACL.SizeConstraintStatementProperty(
                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(single_header={"Name": COGNITO_TARGET_HEADER}),
                comparison_operator="GT",
                size=0,
                text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")],
            )
        )
        speaks_json = wafv2.CfnWebACL.StatementProperty(
            not_statement=wafv2.CfnWebACL.NotStatementProperty(statement=speaks_cognito)
        )
        too_large = wafv2.CfnWebACL.StatementProperty(
            size_constraint_statement=wafv2.CfnWebACL.SizeConstraintStatementProperty(
                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(
                    body=wafv2.CfnWebACL.BodyProperty(oversize_handling="MATCH")
                ),
                comparison_operator="GT",
                size=MAX_BODY_BYTES,
                text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")],
            )
        )
        rate_limited = wafv2.CfnWebACL.StatementProperty(
            label_match_statement=wafv2.CfnWebACL.LabelMatchStatementProperty(scope="LABEL", key=RATE_LIMITED_LABEL)
        )

        def block_rule(
            name: str,
            priority: int,
            scope: wafv2.CfnWebACL.StatementProperty,
            what: wafv2.CfnWebACL.StatementProperty,
            action: wafv2.CfnWebACL.RuleActionProperty,
        ) -> wafv2.CfnWebACL.RuleProperty:
            return wafv2.CfnWebACL.RuleProperty(
                name=name,
                priority=priority,
                action=action,
                statement=wafv2.CfnWebACL.StatementProperty(
                    and_statement=wafv2.CfnWebACL.AndStatementProperty(statements=[what, scope])
                ),
                visibility_config=visibility(name),
            )

        # The rate rule counts over a 5-minute window, so a blocked client waits that long.
        rate_retry_after = RATE_WINDOW_SECONDS
        return wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            # The name CloudWatch's AWS/WAFV2 metrics carry; the metric name is the same, so they cannot disagree.
            name=self.web_acl_name,
            visibility_config=visibility(self.web_acl_name),
            custom_response_bodies={
                **{
                    problem_type.code: wafv2.CfnWebACL.CustomResponseBodyProperty(
                        content_type="APPLICATION_JSON", content=_problem_body(problem_type)
                    )
                    for problem_type in (PAYLOAD_TOO_LARGE, RATE_LIMITED)
                },
                **{
                    COGNITO_BODY_KEY_PREFIX + problem_type.code: wafv2.CfnWebACL.CustomResponseBodyProperty(
                        content_type="APPLICATION_JSON", content=cognito_error_body(problem_type)
                    )
                    for problem_type in (PAYLOAD_TOO_LARGE, RATE_LIMITED)
                },
            },
            data_protection_config=self._data_protection() if protect_logged_data else None,
            rules=[
                # The Lambda refuses anything over the same limit; refusing here costs no invocation. Split on the
                # header so each door's callers get the shape they parse (413 InvalidParameterException: no SDK
                # retries it).
                block_rule(
                    BODY_SIZE_RULE_NAME, 0, speaks_json, too_large, block_with(PAYLOAD_TOO_LARGE, cognito=False)
                ),
                block_rule(
                    COGNITO_BODY_SIZE_RULE_NAME,
                    1,
                    speaks_cognito,
                    too_large,
                    block_with(PAYLOAD_TOO_LARGE, cognito=True),
                ),
                # Per-IP cap on code requests: the first defence against SMS pumping and mail bombing. One rule, one
                # budget per IP for both APIs; it only counts and labels, and the next two block what it labelled.
                wafv2.CfnWebACL.RuleProperty(
                    name=RATE_RULE_NAME,
                    priority=2,
                    action=wafv2.CfnWebACL.RuleActionProperty(count={}),
                    rule_labels=[wafv2.CfnWebACL.LabelProperty(name=RATE_LIMITED_LABEL)],
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            limit=rate_limit, aggregate_key_type="IP", evaluation_window_sec=RATE_WINDOW_SECONDS
                        )
                    ),
                    visibility_config=visibility(RATE_RULE_NAME),
                ),
                # 429 TooManyRequestsException for the SDKs: a name they treat as throttling (and back off on).
                block_rule(
                    RATE_BLOCK_RULE_NAME,
                    3,
                    speaks_json,
                    rate_limited,
                    block_with(RATE_LIMITED, cognito=False, retry_after=rate_retry_after),
                ),
                block_rule(
                    COGNITO_RATE_BLOCK_RULE_NAME,
                    4,
                    speaks_cognito,
                    rate_limited,
                    block_with(RATE_LIMITED, cognito=True, retry_after=rate_retry_after),
                ),
                managed("AWSManagedRulesAmazonIpReputationList", 5),
                managed("AWSManagedRulesCommonRuleSet", 6),
                managed("AWSManagedRulesKnownBadInputsRuleSet", 7),
            ],
        )

    @staticmethod
    def _data_protection() -> wafv2.CfnWebACL.DataProtectionConfigProperty:
        # The body holds the username and the confirmation code (a password too, should a client ever send one),
        # and a logging configuration cannot redact a body: its RedactedFields take only the URI, the query, the
        # method and single headers. WAF logs no body as such, but the match details of a cross-site-scripting or
        # SQL-injection match (the common rule set inspects the body) quote the matched part of it. The web ACL's
        # data protection replaces the body, and the credential headers, with a fixed string wherever WAF would
        # show them: logs, rule match details (ExcludeRuleMatchDetails left false) and sampled requests.
        def protect(field: wafv2.CfnWebACL.FieldToProtectProperty) -> wafv2.CfnWebACL.DataProtectProperty:
            return wafv2.CfnWebACL.DataProtectProperty(
                field=field, action="SUBSTITUTION", exclude_rule_match_details=False, exclude_rate_based_details=False
            )

        return wafv2.CfnWebACL.DataProtectionConfigProperty(
            data_protections=[
                protect(wafv2.CfnWebACL.FieldToProtectProperty(field_type="BODY")),
                protect(
                    wafv2.CfnWebACL.FieldToProtectProperty(
                        field_type="SINGLE_HEADER", field_keys=list(WAF_REDACTED_HEADERS)
                    )
                ),
            ]
        )

    def _sampling_rule(self, rate: float, stage_name: str) -> None:
        sampling_rule(self, "TraceSampling", self.api_name, stage_name, rate, "sampling")
