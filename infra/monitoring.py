"""Alarms on what an operator must act on, an optional SNS topic to hear about them, and the stack's dashboard.

Every metric here is derived from the value that produces it, never retyped: the function's from
code_screens/metric_names.py with the service dimension Powertools adds (the function's stack-unique service name),
API Gateway's from the
API's stack-unique name, WAF's from the web ACL's stack-unique name.
tests/integration/test_alarms_match_emitted_metrics.py checks each alarm and widget against what a real
invocation prints and what the template names.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Annotations, Aws, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from code_screens import metric_names as names
from code_screens.routes import ROUTES
from code_screens.settings import (
    DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT,
    DEFAULT_CONFIRM_LIMIT,
    DEFAULT_FORGOT_PASSWORD_LIMIT,
    DEFAULT_RESEND_LIMIT,
)
from infra.api_construct import RATE_RULE_NAME
from infra.config import DEFAULT_RUNBOOK_URL
from infra.function_construct import METRICS_NAMESPACE

# The AWS/WAFV2 metric a rule's matches land in, by the rule's action: Count → CountedRequests, Block →
# BlockedRequests (tests check each WAF alarm against its rule's action).
WAF_COUNTED = "CountedRequests"
WAF_BLOCKED = "BlockedRequests"

# The construct id part of the Cognito door's quiet 5XX alarm (Api5xxCognitoDoor), beside the routes' own.
COGNITO_DOOR = "CognitoDoor"

FIVE_MINUTES = Duration.minutes(5)
# The synth warning's id when no alarm has anywhere to go.
ALARMS_NOTIFY_NOBODY = "resend:alarmsNotifyNobody"
# The service that publishes an alarm's state changes to SNS, and what it must be allowed on an encrypted topic's key
# (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
ALARM_SERVICE_PRINCIPAL = "cloudwatch.amazonaws.com"
ALARM_SERVICE_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey*")
# The share-of-refusals alarm: above this share of requests in 2 of 3 five-minute periods, each with at least
# MIN_REQUESTS requests behind it (fewer is too little traffic to judge a share by).
SETUP_REFUSAL_SHARE = 0.2
MIN_REQUESTS = 20
# The API's p99 latency alarm sits this far above the response-time floor (every answer that reached Cognito takes
# at least the floor): room for a cold start and a slow send, while a hanging Cognito or Secrets Manager (the
# function waits up to every call's bound: infra/timeout_budget.py) is above it in every period.
LATENCY_P99_HEADROOM_MS = 2500

# What each alarm means and what to do, in its AlarmDescription; the details are in its section of the runbook.
# A per-route 5XX alarm shares one entry ("Api5xxRoute"), as it shares one section.
ALARM_GUIDE: dict[str, tuple[str, str]] = {
    "FunctionErrors": (
        "The function crashed, ran out of memory or timed out (it answers every other failure itself)",
        "read Unhandled error and Task timed out lines in the function's log group",
    ),
    "FunctionThrottles": (
        "Lambda refused invocations: the account's (or the reserved) concurrency is used up",
        "compare the stage throttle's concurrency need with the account's limit (make preflight); raise the quota",
    ),
    "Api5xx": (
        "Callers got 5xx answers from the API",
        "the dashboard's per-route and Cognito door rows say which; CognitoFailures and Secrets Manager errors say "
        "whose fault",
    ),
    "Api5xxRoute": (
        "One route's (or the Cognito door's) callers got 5xx answers (diagnostic: it notifies nobody, Api5xx pages "
        "for the same fault)",
        "see Api5xx; this alarm names the route",
    ),
    "Api4xxRate": (
        "More than half the calls were refused with 4xx for 15 minutes: a broken client release or probing",
        "the dashboard's Requests refused before Cognito, by reason; origin_not_allowed means allowedOrigins",
    ),
    "ApiLatencyP99": (
        "The API's p99 latency stayed far above the response-time floor: Cognito or Secrets Manager is slow",
        "the per-route latency widgets and the function's duration; Cognito and Secrets Manager errors by code",
    ),
    "CognitoFailures": (
        "Cognito failures that callers saw as 429 or 5xx: throttling, a wrong secret, a broken pool set-up",
        "Cognito refusals and errors, by error code; NotAuthorizedException means the secret (rotation runbook)",
    ),
    "CognitoSetupRefusals": (
        "Codes stopped going out: Cognito refuses a share of requests for a set-up reason, answered neutrally",
        "Cognito refusals and errors, by error code names the reason: pool delivery, trigger or client settings",
    ),
    "CognitoFailuresAnsweredNeutrally": (
        "Users asked and got no code (trigger, delivery or per-user limit), while callers read the neutral 200",
        "log lines 'Cognito failed for this account; answered neutrally' give cognito_error; fix trigger or SES/SNS",
    ),
    "LimiterUnavailable": (
        "The limiter's DynamoDB table could not be used: the per-username limit is off (fail open)",
        "log lines 'Limiter table unavailable' give the reason: throttling, access denied, a deleted table",
    ),
    "UsernameLimitReached": (
        "Many requests over the per-username limit: mail bombing or SMS pumping from many IPs",
        "Per-username limit reached lines and the WAF's sampled requests; consider a CAPTCHA rule",
    ),
    "ConfirmAttemptsCapped": (
        "Many confirm attempts refused by the per-username cap: someone is guessing codes",
        "the WAF's sampled requests; the cap already stops the guessing",
    ),
    "ResetCodeLimitReached": (
        "Many password-reset requests over the per-username limit: mail bombing or SMS pumping with reset codes",
        "Per-username limit reached lines (policy forgot_password) and the WAF's sampled requests; consider a CAPTCHA",
    ),
    "ResetAttemptsCapped": (
        "Many password-reset attempts refused by the per-username cap: someone is guessing reset codes",
        "the WAF's sampled requests; the cap already stops the guessing",
    ),
    "ResponseTimeFloorExceeded": (
        "Real sends took longer than responseTimeFloorMs, so their timing shows again",
        "Response time floor exceeded lines give over_ms; raise responseTimeFloorMs above the slow sends",
    ),
    "WafRateLimited": (
        "Clients over the WAF's per-IP rate rule: SMS pumping or mail bombing, or a shared IP",
        "the WAF console's sampled requests for PerIpRateLimitBlock and PerIpRateLimitBlockCognito; block the "
        "source or raise wafRateLimit",
    ),
    "ClientSecretRotationFailed": (
        "A step of the app client secret's rotation failed; the endpoint still works on the current secret",
        "the rotation function's Rotation step failed lines give the step and reason; see A rotation that failed "
        "half-way",
    ),
}


def runbook_anchor(alarm_id: str) -> str:
    """The GitHub anchor of an alarm's section in docs/operations.md (its heading is the guide's key)."""
    return alarm_id.lower()


def alarm_description(guide_key: str, runbook_url: str) -> str:
    """An alarm's AlarmDescription: what it means, what to do, and the link to its runbook section."""
    meaning, action = ALARM_GUIDE[guide_key]
    return f"{meaning}. What to do: {action}. Runbook: {runbook_url}#{runbook_anchor(guide_key)}"


def function_metric(
    service: str, metric_name: str, dimensions: Mapping[str, str] | None = None, statistic: str = "Sum"
) -> cloudwatch.Metric:
    """A metric the function emits (EMF): its namespace, its name, and Powertools' `service` dimension (`service`,
    the function's POWERTOOLS_SERVICE_NAME)."""
    return cloudwatch.Metric(
        namespace=METRICS_NAMESPACE,
        metric_name=metric_name,
        dimensions_map={names.SERVICE_DIMENSION: service, **(dimensions or {})},
        period=FIVE_MINUTES,
        statistic=statistic,
    )


def function_metric_search(service: str, metric_name: str, dimension: str, label: str) -> cloudwatch.MathExpression:
    """One line per value of `dimension` (error codes, reasons: an open set), for dashboards (alarms cannot SEARCH)."""
    schema = ",".join([METRICS_NAMESPACE, dimension, names.SERVICE_DIMENSION])
    query = f'{{{schema}}} MetricName="{metric_name}" {names.SERVICE_DIMENSION}="{service}"'
    return cloudwatch.MathExpression(
        expression=f"SEARCH('{query}', 'Sum', 300)", using_metrics={}, label=label, period=FIVE_MINUTES
    )


# Alarms on the function's own EMF metrics: alarm id -> (metric name, dimensions besides `service`, threshold per
# 5 minutes). tests/integration/test_alarms_match_emitted_metrics.py proves each against the EMF lines printed.
FUNCTION_METRIC_ALARMS: dict[str, tuple[str, dict[str, str], int]] = {
    # Users who asked and got no code, answered neutrally: the pool's trigger, delivery or attempt limit.
    "CognitoFailuresAnsweredNeutrally": (names.COGNITO_FAILURE_ANSWERED_NEUTRALLY, {}, 5),
    # The limiter's table could not be used: requests go on unlimited (fail open) until it is fixed.
    "LimiterUnavailable": (names.LIMITER_UNAVAILABLE, {}, 1),
    # Many requests over the per-username limit: someone is trying to flood one person's inbox or phone.
    "UsernameLimitReached": (names.LIMIT_REACHED, {names.POLICY: DEFAULT_RESEND_LIMIT.name}, 50),
    # Many usernames capped on confirm attempts: someone is guessing codes (the confirm route's cap).
    "ConfirmAttemptsCapped": (names.LIMIT_REACHED, {names.POLICY: DEFAULT_CONFIRM_LIMIT.name}, 20),
    # The same two for password resets: one person's inbox flooded with reset codes, and reset codes guessed.
    "ResetCodeLimitReached": (names.LIMIT_REACHED, {names.POLICY: DEFAULT_FORGOT_PASSWORD_LIMIT.name}, 50),
    "ResetAttemptsCapped": (names.LIMIT_REACHED, {names.POLICY: DEFAULT_CONFIRM_FORGOT_PASSWORD_LIMIT.name}, 20),
    # Real sends slower than the floor: their timing shows again; raise responseTimeFloorMs.
    "ResponseTimeFloorExceeded": (names.RESPONSE_TIME_FLOOR_EXCEEDED, {}, 10),
}


def route_metric(api: apigw.RestApi, method: str, path: str, metric_name: str, statistic: str) -> cloudwatch.Metric:
    """API Gateway's metric for one route and method of the stage (detailed metrics: the stage's metrics_enabled)."""
    return cloudwatch.Metric(
        namespace="AWS/ApiGateway",
        metric_name=metric_name,
        dimensions_map={
            "ApiName": api.rest_api_name,
            "Method": method,
            "Resource": path,
            "Stage": api.deployment_stage.stage_name,
        },
        period=FIVE_MINUTES,
        statistic=statistic,
        label=f"{metric_name} {statistic}",
    )


class Monitoring(Construct):
    """CloudWatch alarms for the function, the API (as a whole and per route), the WAF rate rule, Cognito and the
    per-username limits, and the operations dashboard (a row per route of the route table)."""

    alarms: dict[str, cloudwatch.Alarm]

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.Function,
        service_name: str,
        api: apigw.RestApi,
        cognito_api: apigw.RestApi,
        web_acl_name: str,
        alarm_email: str | None,
        alarm_topic_arn: str | None,
        response_time_floor_ms: int,
        runbook_url: str = DEFAULT_RUNBOOK_URL,
        rotation_service_name: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.service_name = service_name
        self.rotation_service_name = rotation_service_name
        self.runbook_url = runbook_url
        self.topic = self._topic(alarm_email, alarm_topic_arn)
        if self.topic is None:
            # Every alarm would change state in the console and tell no one: say so at synth (preflight says it too).
            Annotations.of(self).add_warning_v2(
                ALARMS_NOTIFY_NOBODY,
                "the alarms notify nobody: set alarmEmail (and confirm the subscription e-mail) or alarmTopicArn",
            )
        rest_api = api
        # The rate rule counts and labels (two rules block what it labelled, one per answer shape), so the requests
        # over the per-IP budget are its CountedRequests: one metric for both APIs and both shapes, equal to the two
        # block rules' BlockedRequests together. A Count rule emits no BlockedRequests of its own.
        self.waf_rate_limited = self._waf_metric(web_acl_name, RATE_RULE_NAME, WAF_COUNTED)
        requests = rest_api.metric_count(period=FIVE_MINUTES, statistic="Sum")
        # Of the requests the function handled: API Gateway's Count also counts each CORS preflight (OPTIONS, which
        # the gateway answers), about one per browser POST, which would halve the share.
        handled = function.metric_invocations(period=FIVE_MINUTES, statistic="Sum")
        self.setup_refusal_share = cloudwatch.MathExpression(
            # FILL: a period with requests and no refusal has no refusal datapoint at all.
            expression=f"IF(requests >= {MIN_REQUESTS}, FILL(refusals, 0) / requests, 0)",
            using_metrics={
                "refusals": function_metric(self.service_name, names.COGNITO_SETUP_REFUSAL),
                "requests": handled,
            },
            label="Share of requests Cognito refused for a set-up reason",
            period=FIVE_MINUTES,
        )
        metrics: dict[str, cloudwatch.IMetric] = {
            # The handler answers every failure itself, so any Lambda error is a crash or a timeout.
            "FunctionErrors": function.metric_errors(period=FIVE_MINUTES, statistic="Sum"),
            "FunctionThrottles": function.metric_throttles(period=FIVE_MINUTES, statistic="Sum"),
            # Both APIs' 5xx in one alarm: the doors share one function, so a fault behind them (Cognito, Secrets
            # Manager, a crash) fails both at once, and two alarms would page twice for it. AWS/ApiGateway keys each
            # API's metric by its own name; FILL: an API with no request in a period has no datapoint at all.
            "Api5xx": cloudwatch.MathExpression(
                expression="FILL(json, 0) + FILL(cognito, 0)",
                using_metrics={
                    "json": rest_api.metric_server_error(period=FIVE_MINUTES, statistic="Sum"),
                    "cognito": cognito_api.metric_server_error(period=FIVE_MINUTES, statistic="Sum"),
                },
                label="5XXError, both APIs",
                period=FIVE_MINUTES,
            ),
            # Cognito failures the caller saw as 429/5xx (throttling, Cognito's own faults, configuration).
            "CognitoFailures": function_metric(self.service_name, names.COGNITO_FAILURE),
            # IPs hitting the per-IP WAF rate rule: abuse (SMS pumping, mail bombing) in progress.
            "WafRateLimited": self.waf_rate_limited,
        }
        thresholds = {
            "FunctionErrors": 1,
            "FunctionThrottles": 1,
            "Api5xx": 5,
            "CognitoFailures": 5,
            "WafRateLimited": 50,
        }
        for alarm_id, (metric_name, dimensions, threshold) in FUNCTION_METRIC_ALARMS.items():
            metrics[alarm_id] = function_metric(self.service_name, metric_name, dimensions)
            thresholds[alarm_id] = threshold
        self.alarms = {}
        for name, metric in metrics.items():
            self._alarm(
                name, metric, thresholds[name], cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
            )
        # One 5XX alarm per route of the route table, on its own method metric: it names the failing route on the
        # dashboard but notifies nobody, since Api5xx already pages for the same 5xx (one fault, one page).
        for route in ROUTES:
            self._alarm(
                f"Api5xx{route.construct_id}",
                route_metric(rest_api, route.method, route.path, "5XXError", "Sum"),
                5,
                cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                guide_key="Api5xxRoute",
                notify=False,
            )
        # The Cognito door's API (its one method, POST /) the same way: it names the door, Api5xx pages.
        self._alarm(
            f"Api5xx{COGNITO_DOOR}",
            route_metric(cognito_api, "POST", "/", "5XXError", "Sum"),
            5,
            cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            guide_key="Api5xxRoute",
            notify=False,
        )
        # Slow answers: p99 of the whole API, far enough above the floor that cold starts alone stay below it.
        self._alarm(
            "ApiLatencyP99",
            rest_api.metric_latency(period=FIVE_MINUTES, statistic="p99"),
            response_time_floor_ms + LATENCY_P99_HEADROOM_MS,
            cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=3,
        )

        # A spike in 4xx: more than half the requests refused over 15 minutes, with real traffic behind it.
        client_errors = rest_api.metric_client_error(period=FIVE_MINUTES, statistic="Sum")
        # Of the calls, not of Count: Count also has each CORS preflight (OPTIONS, answered by the gateway), one per
        # browser POST, which kept a browser release refused on every POST at about 50 %, never above.
        # Only routes that answer preflights (allowedOrigins set) have an OPTIONS method, and so such a metric.
        answered = {(m.http_method, m.resource.path) for m in rest_api.methods}
        preflights = {
            f"options{i}": route_metric(api, "OPTIONS", path, "Count", "Sum")
            for i, path in enumerate(route.path for route in ROUTES)
            if ("OPTIONS", path) in answered
        }
        calls: cloudwatch.IMetric = (
            cloudwatch.MathExpression(
                expression=" - ".join(["requests", *(f"FILL({key}, 0)" for key in preflights)]),
                using_metrics={"requests": requests, **preflights},
                period=FIVE_MINUTES,
            )
            if preflights
            else requests
        )
        self._alarm(
            "Api4xxRate",
            cloudwatch.MathExpression(
                expression=f"IF(calls >= {MIN_REQUESTS}, errors / calls, 0)",
                using_metrics={"errors": client_errors, "calls": calls},
                period=FIVE_MINUTES,
            ),
            0.5,
            cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=3,
        )
        # Codes stopped going out: the pool's delivery or trigger set-up, the client's settings or the account's
        # limits make Cognito refuse, while callers may still read the neutral 200 (docs/operations.md).
        self._alarm(
            "CognitoSetupRefusals",
            self.setup_refusal_share,
            SETUP_REFUSAL_SHARE,
            cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=3,
            datapoints_to_alarm=2,
        )
        if rotation_service_name:
            # Any failed step (the rotation function counts each one, under its own service): Secrets Manager
            # retries, but a rotation stuck half-way stops the schedule until someone looks.
            self._alarm(
                "ClientSecretRotationFailed",
                function_metric(rotation_service_name, names.CLIENT_SECRET_ROTATION_FAILED),
                1,
                cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            )
        self.dashboard = self._dashboard(function, api, cognito_api, web_acl_name)

    def _alarm(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        *,
        evaluation_periods: int = 1,
        datapoints_to_alarm: int | None = None,
        guide_key: str | None = None,
        notify: bool = True,
    ) -> None:
        alarm = self.alarms[name] = cloudwatch.Alarm(
            self,
            name,
            alarm_description=alarm_description(guide_key or name, self.runbook_url),
            metric=metric,
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            comparison_operator=comparison,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        if self.topic and notify:
            # The recovery too, so on-call knows when to stop looking.
            alarm.add_alarm_action(actions.SnsAction(self.topic))
            alarm.add_ok_action(actions.SnsAction(self.topic))

    def _waf_metric(self, web_acl_name: str, rule: str, metric_name: str) -> cloudwatch.Metric:
        # AWS/WAFV2 keys a regional web ACL's metrics by its name, the rule's metric name and the Region.
        return cloudwatch.Metric(
            namespace="AWS/WAFV2",
            metric_name=metric_name,
            dimensions_map={"WebACL": web_acl_name, "Rule": rule, "Region": Stack.of(self).region},
            period=FIVE_MINUTES,
            statistic="Sum",
        )

    def _dashboard(
        self, function: lambda_.Function, api: apigw.RestApi, cognito_api: apigw.RestApi, web_acl_name: str
    ) -> cloudwatch.Dashboard:
        # Dashboard names are account-wide (not per Region): the Region keeps two copies apart.
        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"{Stack.of(self).stack_name}-{Aws.REGION}")
        dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms.values()), width=24, height=3)
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Codes sent, by delivery medium",
                left=[function_metric_search(self.service_name, names.CODE_SENT, names.DELIVERY_MEDIUM, "")],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title=f"Share of requests Cognito refused for a set-up reason (alarm above {SETUP_REFUSAL_SHARE:.0%})",
                left=[self.setup_refusal_share],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Cognito refusals and errors, by error code",
                left=[function_metric_search(self.service_name, names.COGNITO_ERROR, names.ERROR_CODE, "")],
                width=8,
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Requests refused before Cognito, by reason",
                left=[function_metric_search(self.service_name, names.REQUEST_REJECTED, names.REASON, "")],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Secrets Manager errors, by reason; secret re-reads",
                left=[function_metric_search(self.service_name, names.SECRETS_MANAGER_ERROR, names.REASON, "")],
                right=[function_metric(self.service_name, names.SECRET_REFRESHED)],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="WAF blocks, by rule",
                left=[
                    cloudwatch.MathExpression(
                        expression=f'SEARCH(\'{{AWS/WAFV2,Region,Rule,WebACL}} MetricName="{WAF_BLOCKED}" '
                        f"WebACL=\"{web_acl_name}\"', 'Sum', 300)",
                        using_metrics={},
                        label="",
                        period=FIVE_MINUTES,
                    )
                ],
                width=8,
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Sign-ups confirmed; confirmations refused, by reason",
                left=[function_metric(self.service_name, names.SIGN_UP_CONFIRMED)],
                right=[function_metric_search(self.service_name, names.CONFIRMATION_REFUSED, names.REASON, "")],
                width=12,
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Reset codes sent, by delivery medium; not sent (answered neutrally), by reason",
                left=[function_metric_search(self.service_name, names.RESET_CODE_SENT, names.DELIVERY_MEDIUM, "")],
                right=[function_metric_search(self.service_name, names.RESET_CODE_NOT_SENT, names.REASON, "")],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title="Passwords reset; resets refused, by reason",
                left=[function_metric(self.service_name, names.PASSWORD_RESET)],
                right=[function_metric_search(self.service_name, names.PASSWORD_RESET_REFUSED, names.REASON, "")],
                width=12,
            ),
        )
        # The per-username limit and what answers neutrally or slowly (each is also an alarm above).
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Per-username limits reached, by policy; limiter table unavailable (fail open)",
                left=[function_metric_search(self.service_name, names.LIMIT_REACHED, names.POLICY, "")],
                right=[function_metric(self.service_name, names.LIMITER_UNAVAILABLE)],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title="Per-account Cognito failures answered neutrally; answers slower than the response-time floor",
                left=[function_metric(self.service_name, names.COGNITO_FAILURE_ANSWERED_NEUTRALLY)],
                right=[function_metric(self.service_name, names.RESPONSE_TIME_FLOOR_EXCEEDED)],
                width=12,
            ),
        )
        if self.rotation_service_name:
            dashboard.add_widgets(
                cloudwatch.GraphWidget(
                    title="App client secret: rotations finished; rotation steps failed",
                    left=[function_metric(self.rotation_service_name, names.CLIENT_SECRET_ROTATED)],
                    right=[function_metric(self.rotation_service_name, names.CLIENT_SECRET_ROTATION_FAILED)],
                    width=24,
                )
            )
        for route in ROUTES:
            dashboard.add_widgets(*self._route_widgets(api, route.method, route.path))
        # The Cognito door's row: its API's one method, POST / (both operations; the function's metrics above say
        # which operation, whichever door it came in by).
        dashboard.add_widgets(*self._route_widgets(cognito_api, "POST", "/", title="Cognito door: POST /"))
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Function: duration (p50, p99), errors, throttles",
                left=[
                    function.metric_duration(period=FIVE_MINUTES, statistic="p50"),
                    function.metric_duration(period=FIVE_MINUTES, statistic="p99"),
                ],
                right=[
                    function.metric_errors(period=FIVE_MINUTES, statistic="Sum"),
                    function.metric_throttles(period=FIVE_MINUTES, statistic="Sum"),
                ],
                width=24,
            )
        )
        return dashboard

    def _route_widgets(
        self, api: apigw.RestApi, method: str, path: str, title: str | None = None
    ) -> list[cloudwatch.IWidget]:
        def metric(metric_name: str, statistic: str) -> cloudwatch.Metric:
            return route_metric(api, method, path, metric_name, statistic)

        title = title or f"{method} {path}"
        return [
            cloudwatch.GraphWidget(
                title=f"{title}: requests, 4xx, 5xx",
                left=[metric("Count", "Sum")],
                right=[metric("4XXError", "Sum"), metric("5XXError", "Sum")],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title=f"{title}: latency (ms)",
                left=[
                    metric("Latency", "p50"),
                    metric("Latency", "p99"),
                    metric("IntegrationLatency", "p99"),
                ],
                width=12,
            ),
        ]

    def _topic(self, email: str | None, topic_arn: str | None) -> sns.ITopic | None:
        if topic_arn:
            return sns.Topic.from_topic_arn(self, "AlarmTopic", topic_arn)
        if not email:
            return None
        # CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key; a CMK it may use is needed.
        # Deleted with the stack (after KMS's waiting period), like everything the stack owns; CDK's default keeps it.
        key = kms.Key(
            self,
            "AlarmTopicKey",
            enable_key_rotation=True,
            description="Encrypts the alarm topic",
            removal_policy=RemovalPolicy.DESTROY,
        )
        # A key policy replaces KMS's default one: CloudWatch needs its own statement, and only for this account's
        # alarms (aws:SourceAccount), so no other account's alarm can use the key through the service principal.
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToEncrypt",
                principals=[iam.ServicePrincipal(ALARM_SERVICE_PRINCIPAL)],
                actions=list(ALARM_SERVICE_KEY_ACTIONS),
                resources=["*"],  # in a key policy, "*" is this key
                conditions=self._this_accounts_alarms(),
            )
        )
        topic = sns.Topic(self, "AlarmTopic", master_key=key, enforce_ssl=True)
        # enforce_ssl writes an AWS::SNS::TopicPolicy, and a topic policy replaces SNS's default one (which let the
        # account's services publish): holding only the TLS-only Deny, it let nothing publish, so every alarm fired
        # into nothing. CloudWatch is allowed explicitly, for this account's alarms only; the Deny stays.
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToPublish",
                principals=[iam.ServicePrincipal(ALARM_SERVICE_PRINCIPAL)],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions=self._this_accounts_alarms(),
            )
        )
        topic.add_subscription(subscriptions.EmailSubscription(email))
        return topic

    def _this_accounts_alarms(self) -> dict[str, dict[str, str]]:
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html (confused
        # deputy): the calling account, and an alarm ARN of this account and Region.
        stack = Stack.of(self)
        return {
            "StringEquals": {"aws:SourceAccount": stack.account},
            "ArnLike": {"aws:SourceArn": f"arn:{stack.partition}:cloudwatch:{stack.region}:{stack.account}:alarm:*"},
        }
