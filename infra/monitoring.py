"""Alarms on what an operator must act on, with an optional SNS topic to hear about them."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.api_construct import RATE_RULE_NAME, WEB_ACL_METRIC
from infra.function_construct import METRICS_NAMESPACE, SERVICE_NAME
from resend_code import metric_names as names
from resend_code.routes import ROUTES
from resend_code.settings import DEFAULT_CONFIRM_LIMIT, DEFAULT_RESEND_LIMIT

FIVE_MINUTES = Duration.minutes(5)


class Monitoring(Construct):
    """CloudWatch alarms for the function, the API (as a whole and per route), the WAF rate rule and Cognito
    failures."""

    alarms: dict[str, cloudwatch.Alarm]

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.Function,
        api: apigw.RestApi,
        alarm_email: str | None,
        alarm_topic_arn: str | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = self._topic(alarm_email, alarm_topic_arn)

        def own(metric_name: str, **dimensions: str) -> cloudwatch.Metric:
            # The function's EMF metric, with exactly the dimensions it prints (Powertools adds `service`).
            return cloudwatch.Metric(
                namespace=METRICS_NAMESPACE,
                metric_name=metric_name,
                dimensions_map={names.SERVICE_DIMENSION: SERVICE_NAME, **dimensions},
                period=FIVE_MINUTES,
                statistic="Sum",
            )

        metrics: dict[str, cloudwatch.IMetric] = {
            # The handler answers every failure itself, so any Lambda error is a crash or a timeout.
            "FunctionErrors": function.metric_errors(period=FIVE_MINUTES, statistic="Sum"),
            "FunctionThrottles": function.metric_throttles(period=FIVE_MINUTES, statistic="Sum"),
            "Api5xx": api.metric_server_error(period=FIVE_MINUTES, statistic="Sum"),
            # Cognito failures the caller saw as 429/5xx (throttling, delivery, configuration faults).
            "CognitoFailures": cloudwatch.Metric(
                namespace=METRICS_NAMESPACE,
                metric_name=names.COGNITO_FAILURE,
                dimensions_map={names.SERVICE_DIMENSION: SERVICE_NAME},
                period=FIVE_MINUTES,
                statistic="Sum",
            ),
            # Users who asked and got no code, answered neutrally: the pool's trigger, delivery or attempt limit.
            "CognitoFailuresAnsweredNeutrally": own(names.COGNITO_FAILURE_ANSWERED_NEUTRALLY),
            # The limiter's table could not be used: requests go on unlimited (fail open) until it is fixed.
            "LimiterUnavailable": own(names.LIMITER_UNAVAILABLE),
            # Many requests over the per-username limit: someone is trying to flood one person's inbox or phone.
            "UsernameLimitReached": own(names.LIMIT_REACHED, **{names.POLICY: DEFAULT_RESEND_LIMIT.name}),
            # Many usernames capped on confirm attempts: someone is guessing codes (the confirm route's cap).
            "ConfirmAttemptsCapped": own(names.LIMIT_REACHED, **{names.POLICY: DEFAULT_CONFIRM_LIMIT.name}),
            # Real sends slower than the floor: their timing shows again; raise responseTimeFloorMs.
            "ResponseTimeFloorExceeded": own(names.RESPONSE_TIME_FLOOR_EXCEEDED),
            # IPs hitting the per-IP WAF rate rule: abuse (SMS pumping, mail bombing) in progress.
            "WafRateLimited": cloudwatch.Metric(
                namespace="AWS/WAFV2",
                metric_name="BlockedRequests",
                dimensions_map={"WebACL": WEB_ACL_METRIC, "Rule": RATE_RULE_NAME, "Region": Stack.of(self).region},
                period=FIVE_MINUTES,
                statistic="Sum",
            ),
        }
        thresholds = {
            "FunctionErrors": 1,
            "FunctionThrottles": 1,
            "Api5xx": 5,
            "CognitoFailures": 5,
            "WafRateLimited": 50,
            "CognitoFailuresAnsweredNeutrally": 5,
            "LimiterUnavailable": 1,
            "UsernameLimitReached": 50,
            "ConfirmAttemptsCapped": 20,
            "ResponseTimeFloorExceeded": 10,
        }
        # Per route: API Gateway's per-method metrics (the stage enables them with metrics_enabled) carry the
        # ApiName, Stage, Resource and Method dimensions, all four taken from the API and the route table.
        for route in ROUTES:
            name = f"Api5xx{route.construct_id}"
            thresholds[name] = 5
            metrics[name] = cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name="5XXError",
                dimensions_map={
                    "ApiName": api.rest_api_name,
                    "Stage": api.deployment_stage.stage_name,
                    "Resource": route.path,
                    "Method": route.method,
                },
                period=FIVE_MINUTES,
                statistic="Sum",
            )
        self.alarms = {}
        for name, metric in metrics.items():
            alarm = self.alarms[name] = cloudwatch.Alarm(
                self,
                name,
                metric=metric,
                threshold=thresholds[name],
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            if self.topic:
                alarm.add_alarm_action(actions.SnsAction(self.topic))

        # A spike in 4xx: more than half the requests refused over 15 minutes, with real traffic behind it.
        requests = api.metric_count(period=FIVE_MINUTES, statistic="Sum")
        client_errors = api.metric_client_error(period=FIVE_MINUTES, statistic="Sum")
        spike = self.alarms["Api4xxRate"] = cloudwatch.Alarm(
            self,
            "Api4xxRate",
            metric=cloudwatch.MathExpression(
                expression="IF(requests >= 20, errors / requests, 0)",
                using_metrics={"errors": client_errors, "requests": requests},
                period=FIVE_MINUTES,
            ),
            threshold=0.5,
            evaluation_periods=3,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        if self.topic:
            spike.add_alarm_action(actions.SnsAction(self.topic))

    def _topic(self, email: str | None, topic_arn: str | None) -> sns.ITopic | None:
        if topic_arn:
            return sns.Topic.from_topic_arn(self, "AlarmTopic", topic_arn)
        if not email:
            return None
        # CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key; a CMK it may use is needed.
        key = kms.Key(self, "AlarmTopicKey", enable_key_rotation=True, description="Encrypts the alarm topic")
        key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        topic = sns.Topic(self, "AlarmTopic", master_key=key, enforce_ssl=True)
        topic.add_subscription(subscriptions.EmailSubscription(email))
        return topic
