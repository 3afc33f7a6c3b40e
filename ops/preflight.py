"""`make preflight`: read-only checks of an AWS account and Region before `cdk deploy`.

Usage: python -m ops.preflight [-c key=value ...] [--compare-secret-values]

The stack's settings come from cdk.json's context and `-c key=value`, exactly as `cdk deploy` reads them; AWS
credentials and Region from the usual places (environment, AWS_PROFILE, ~/.aws). Every call is a read: Get*,
Describe*, List*. One line per check, with what to do when it fails; the exit code is 1 when any check fails.
A secret's value is never printed: by default only DescribeSecret is called; with --compare-secret-values the
value is read into memory to compare it with the app client, and only "matches" or "does not match" is said.
"""

from __future__ import annotations

import argparse
import hmac
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lambda"))
# The settings are read with the CDK app's own code (aws-cdk-lib, through jsii): keep Node 20's end-of-life banner
# out of a report that is one line per check (synthesis does not run here).
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from code_screens.routes import ROUTES  # noqa: E402
from infra.capacity import capacity  # noqa: E402
from infra.config import ConfigError, ExistingAppClient, StackConfig, arn_region  # noqa: E402
from infra.function_construct import powertools_layer_parameter  # noqa: E402

DEFAULT_STACK_NAME = "ResendConfirmationCode"

# The CDK bootstrap stack's version parameter (default qualifier), and the oldest version this app's template
# accepts (its CheckBootstrapVersion rule; a test keeps the two equal).
BOOTSTRAP_VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"
MIN_BOOTSTRAP_VERSION = 6
# A report, not a deploy: an endpoint that does not answer fails a line in seconds, not after botocore's defaults
# (60 s connect and read timeouts, retried) kept the operator waiting minutes.
CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=10, retries={"mode": "standard", "max_attempts": 2})
# What a read call raises when the answer is not AWS's (nothing listening, no answer, a proxy's or another server's
# page): botocore's ResponseParserError is not a BotoCoreError, and it crashed the report with a traceback.
CALL_ERRORS = (ClientError, BotoCoreError, ResponseParserError)
_UNREACHABLE = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ConnectionClosedError,
    ResponseParserError,
)
# Lambda keeps this much of the account's concurrency unreserved (or all of it, below that).
MIN_UNRESERVED_CONCURRENCY = 100


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, whether it passed, and what to do when it did not."""

    name: str
    passed: bool
    detail: str
    action: str = ""
    # Passed, but something the operator should know before deploying (not counted as a failure).
    warning: bool = False

    def line(self) -> str:
        """The report's line: PASS, WARN or FAIL, the check, what was found, and what to do."""
        status = "FAIL" if not self.passed else "WARN" if self.warning else "PASS"
        return f"{status}  {self.name}: {self.detail}" + (f" -> {self.action}" if self.action else "")


def _error(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", "Unknown"))
    return type(error).__name__


def read_context(overrides: Sequence[str]) -> dict[str, Any]:
    """cdk.json's context with `key=value` overrides on top, as the CDK CLI merges them."""
    context: dict[str, Any] = dict(json.loads((ROOT / "cdk.json").read_text())["context"])
    for item in overrides:
        key, _, value = item.partition("=")
        context[key] = value
    return context


class Preflight:
    """The checks, each a generator of Check lines, over one boto3 session."""

    def __init__(
        self,
        session: boto3.Session,
        config: StackConfig,
        *,
        compare_secret_values: bool = False,
        stack_name: str = DEFAULT_STACK_NAME,
    ) -> None:
        self.session = session
        self.config = config
        self.stack_name = stack_name
        # botocore reads AWS_DEFAULT_REGION and profiles; the CDK CLI also honours AWS_REGION, so preflight does too.
        self.region = session.region_name or os.environ.get("AWS_REGION", "")
        self.compare_secret_values = compare_secret_values

    def client(self, service: str) -> Any:
        return self.session.client(service, region_name=self.region, config=CLIENT_CONFIG)

    def run(self) -> list[Check]:
        """Every check, in order; later ones are skipped when there is no Region or no credentials."""
        checks = list(self.identity())
        if not all(c.passed for c in checks):
            return checks
        for group in (
            self.bootstrap,
            self.powertools_layer,
            self.lambda_concurrency,
            self.throttle_capacity,
            self.api_gateway_account,
            self.alarm_topic,
            self.app_clients,
        ):
            try:
                checks.extend(group())
            except CALL_ERRORS as error:  # a call no check expected to fail (IAM, network)
                name = group.__name__.replace("_", " ")
                checks.append(Check(name, False, f"a read call failed ({_error(error)})", "check IAM and network"))
        return checks

    def identity(self) -> Iterator[Check]:
        if not self.region:
            yield Check("region", False, "no Region configured", "set AWS_REGION or a profile's region")
            return
        try:
            account = self.client("sts").get_caller_identity()["Account"]
        except _UNREACHABLE as error:
            yield Check(
                "credentials",
                False,
                f"AWS STS did not answer as AWS does ({_error(error)})",
                "check the network, any proxy (HTTPS_PROXY) and AWS_ENDPOINT_URL",
            )
            return
        except (NoCredentialsError, PartialCredentialsError, ClientError) as error:
            yield Check("credentials", False, f"no usable AWS credentials ({_error(error)})", "run aws configure")
            return
        except CALL_ERRORS as error:
            yield Check("credentials", False, f"GetCallerIdentity failed ({_error(error)})", "check AWS_PROFILE")
            return
        yield Check("credentials", True, f"account {account}, Region {self.region}")

    def bootstrap(self) -> Iterator[Check]:
        try:
            raw = self.client("ssm").get_parameter(Name=BOOTSTRAP_VERSION_PARAMETER)["Parameter"]["Value"]
        except ClientError as error:
            yield Check(
                "cdk bootstrap",
                False,
                f"{BOOTSTRAP_VERSION_PARAMETER} not readable ({_error(error)})",
                f"run: npx cdk bootstrap aws://<account>/{self.region}",
            )
            return
        version = int(raw) if raw.isdigit() else 0
        if version < MIN_BOOTSTRAP_VERSION:
            yield Check(
                "cdk bootstrap",
                False,
                f"version {raw}, this app needs {MIN_BOOTSTRAP_VERSION} or later",
                "run: npx cdk bootstrap (it upgrades the bootstrap stack in place)",
            )
            return
        yield Check("cdk bootstrap", True, f"version {version}")

    def powertools_layer(self) -> Iterator[Check]:
        name = powertools_layer_parameter(self.config.powertools_layer_version)
        try:
            self.client("ssm").get_parameter(Name=name)
        except ClientError as error:
            yield Check(
                "powertools layer",
                False,
                f"public parameter {name} not found in {self.region} ({_error(error)})",
                "deploy with -c powertoolsLayerVersion=<a version published here> (or latest), or another Region",
            )
            return
        yield Check("powertools layer", True, f"{name} exists")

    def lambda_concurrency(self) -> Iterator[Check]:
        # Provisioned concurrency comes out of the reservation when there is one (synth keeps it within), and
        # out of the account's unreserved concurrency otherwise, under the same floor.
        reserved = self.config.reserved_concurrency
        provisioned = self.config.provisioned_concurrency
        setting, taken = (
            ("reservedConcurrency", reserved) if reserved is not None else ("provisionedConcurrency", provisioned)
        )
        if not taken:
            yield Check("lambda concurrency", True, "no reservation or provisioned concurrency configured")
            return
        try:
            limit = self.client("lambda").get_account_settings()["AccountLimit"]
        except CALL_ERRORS as error:
            yield Check("lambda concurrency", False, f"GetAccountSettings failed ({_error(error)})", "check IAM")
            return
        unreserved = int(limit["UnreservedConcurrentExecutions"])
        keep = min(MIN_UNRESERVED_CONCURRENCY, int(limit["ConcurrentExecutions"]))
        if unreserved - taken < keep:
            yield Check(
                "lambda concurrency",
                False,
                f"{setting}={taken} but only {unreserved - keep} of {unreserved} unreserved may be "
                f"reserved or provisioned (Lambda keeps {keep} unreserved); the deploy would roll back",
                f"deploy without -c {setting}, or ask for a higher Lambda concurrency quota",
            )
            return
        yield Check(
            "lambda concurrency",
            True,
            f"{setting}: {taken} reservable of {unreserved} unreserved",
        )

    def api_gateway_account(self) -> Iterator[Check]:
        try:
            role = self.client("apigateway").get_account().get("cloudwatchRoleArn")
        except CALL_ERRORS as error:
            yield Check("api gateway logging role", False, f"GetAccount failed ({_error(error)})", "check IAM")
            return
        name = "api gateway logging role"
        # The role CDK names for this stack's API (`<stack>-EdgeApiCloudWatchRole<hash>`): a redeploy re-points
        # nothing.
        own = bool(role) and f":role/{self.stack_name}-EdgeApiCloudWatchRole" in str(role)
        if self.config.api_gateway_cloudwatch_role:
            if role and not own:
                yield Check(
                    name,
                    False,
                    f"apiGatewayCloudWatchRole=true would re-point this account's setting from {role} (shared by "
                    "every REST API in the Region) to this stack's role",
                    "deploy without -c apiGatewayCloudWatchRole=true: the stack uses the existing role",
                )
                return
            yield Check(name, True, "the stack sets its own role (retained on destroy)" + (" again" if own else ""))
            return
        if not role:
            yield Check(
                name,
                False,
                "none set in this account and Region: the stage's logging would fail the deploy",
                "deploy with -c apiGatewayCloudWatchRole=true (the stack creates it and keeps it on destroy)",
            )
            return
        yield Check(name, True, f"the account's existing role is used and left as it is ({role})")

    def throttle_capacity(self) -> Iterator[Check]:
        config = self.config
        need = capacity(
            config.throttle_rate_limit, config.throttle_burst_limit, len(ROUTES), config.response_time_floor_ms
        )
        name = "lambda concurrency for the throttle"
        figures = (
            f"{config.throttle_rate_limit} rps x {need.request_seconds:g} s needs {need.steady_concurrency} "
            f"concurrent executions, {need.peak_concurrency} in a full burst of {config.throttle_burst_limit}"
        )
        if config.reserved_concurrency is not None:
            available, source = config.reserved_concurrency, "reservedConcurrency"
        else:
            limit = self.client("lambda").get_account_settings()["AccountLimit"]
            available, source = int(limit["UnreservedConcurrentExecutions"]), "the account's unreserved concurrency"
        action = "ask for a higher Lambda concurrency quota, or lower throttleRateLimit / throttleBurstLimit"
        if need.steady_concurrency > available:
            yield Check(name, False, f"{figures}; {source} is {available}: Lambda would throttle at full rate", action)
        elif need.peak_concurrency > available:
            yield Check(
                name, True, f"{figures}; {source} is {available}: a full burst would be throttled", action, True
            )
        else:
            yield Check(name, True, f"{figures}; {source} is {available}")

    def alarm_topic(self) -> Iterator[Check]:
        topic = self.config.alarm_topic_arn
        if not topic and not self.config.alarm_email:
            yield Check(
                "alarm destination",
                True,
                "neither alarmEmail nor alarmTopicArn is set: the alarms will notify nobody",
                "deploy with -c alarmEmail=<address> (and confirm the subscription e-mail) or -c alarmTopicArn=...",
                warning=True,
            )
            return
        if not topic:
            yield Check(
                "alarm destination",
                True,
                f"a new topic e-mails {self.config.alarm_email}",
                "confirm the subscription e-mail SNS sends: nothing is delivered before",
                warning=True,
            )
            return
        if arn_region(topic) != self.region:
            yield Check(
                "alarm topic",
                False,
                f"alarmTopicArn is in {arn_region(topic)}; alarms may only notify a topic of {self.region}",
                f"use a topic in {self.region}, or alarmEmail",
            )
            return
        try:
            attributes = self.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]
        except ClientError as error:
            yield Check("alarm topic", False, f"GetTopicAttributes failed ({_error(error)})", "check alarmTopicArn")
            return
        yield Check("alarm topic", True, f"exists in {self.region}")
        yield from self.alarm_topic_access(attributes)

    def alarm_topic_access(self, attributes: dict[str, str]) -> Iterator[Check]:
        name = "alarm topic access"
        # CloudWatch cannot use the AWS-managed SNS key, whose key policy only SNS's own callers can use.
        if attributes.get("KmsMasterKeyId", "").endswith("alias/aws/sns"):
            yield Check(
                name,
                False,
                "the topic is encrypted with the AWS-managed key alias/aws/sns, which CloudWatch cannot use",
                "encrypt it with a customer-managed key that allows cloudwatch.amazonaws.com, or use alarmEmail",
            )
            return
        # A topic policy replaces SNS's default one: one made only of denials (or without a publish grant) lets
        # no alarm through.
        statements = json.loads(attributes.get("Policy") or '{"Statement": []}').get("Statement", [])
        statements = statements if isinstance(statements, list) else [statements]

        def grants_publish(statement: dict[str, Any]) -> bool:
            actions = statement.get("Action", [])
            actions = actions if isinstance(actions, list) else [actions]
            # Action names are case-insensitive (SNS's default policy spells them "SNS:Publish").
            granted = {str(a).lower() for a in actions} & {"sns:publish", "sns:*", "*"}
            return statement.get("Effect") == "Allow" and bool(granted)

        if not any(grants_publish(s) for s in statements):
            yield Check(
                name,
                False,
                "the topic's policy allows no one to publish, so no alarm would arrive",
                "add a statement allowing cloudwatch.amazonaws.com sns:Publish with aws:SourceAccount",
            )
            return
        yield Check(name, True, "its policy allows publishing and its key is not the AWS-managed one")

    def app_clients(self) -> Iterator[Check]:
        if self.config.pool_mode != "existing":
            yield Check("app clients", True, "demo pool: the stack creates the pool, the client and the secret")
            return
        for client in self.config.app_clients:
            yield from self.app_client(client)

    def app_client(self, client: ExistingAppClient) -> Iterator[Check]:
        name = f"app client {client.client_id}"
        description = self._find_client(client.client_id)
        if description is None:
            yield Check(name, False, f"no user pool in {self.region} has this client", "check appClients' clientId")
        else:
            yield Check(name, True, f"in user pool {description['UserPoolId']}")
            has_secret = bool(description.get("ClientSecret"))
            yield Check(
                f"{name} secret",
                has_secret,
                "the client has a secret" if has_secret else "the client has no secret: it needs no SECRET_HASH",
                "" if has_secret else "call Cognito directly from the app, or use a client with a secret",
            )
            if self.config.forward_caller_ip:
                propagate = bool(description.get("EnablePropagateAdditionalUserContextData"))
                yield Check(
                    f"{name} caller IP",
                    propagate,
                    "propagate additional user context data is "
                    + ("on" if propagate else "off, so Cognito refuses the forwarded caller IP"),
                    ""
                    if propagate
                    else "turn it on in the app client's advanced settings, or deploy with -c forwardCallerIp=false",
                )
        yield from self.secret(client, description)
        yield from self.rotation(client, description)

    def rotation(self, client: ExistingAppClient, description: dict[str, Any] | None) -> Iterator[Check]:
        """What the stack's rotation of this client's secret needs: its pool named, room for a second Cognito secret
        (or a stored id that tells the function which one to revoke), and the key to write the secret with."""
        name = f"app client {client.client_id} rotation"
        if not self.config.rotate_existing_client_secrets:
            yield Check(name, True, "not scheduled (rotateExistingClientSecrets=false): rotate on demand")
            return
        if not client.user_pool_id:
            yield Check(
                name, False, "no userPoolId", 'add "userPoolId" to the client, or rotateExistingClientSecrets=false'
            )
            return
        if description is None:
            return
        if description["UserPoolId"] != client.user_pool_id:
            yield Check(name, False, f"the client is in {description['UserPoolId']}", "correct its userPoolId")
            return
        listed = self.client("cognito-idp").list_user_pool_client_secrets(
            UserPoolId=client.user_pool_id, ClientId=client.client_id
        )["ClientSecrets"]
        if len(listed) >= 2:
            stored_id = self._stored_secret_id(client) if self.compare_secret_values else None
            known = stored_id in {s["ClientSecretId"] for s in listed}
            yield Check(
                name,
                known,
                "two Cognito secrets; the stored one's id is "
                + ("known, so the first rotation revokes the other" if known else "unknown"),
                ""
                if known
                else "delete the secret nobody stores (docs/operations.md, 'A rotation that failed half-way'); "
                "--compare-secret-values reads the stored clientSecretId",
            )
        else:
            yield Check(name, True, f"{len(listed)} Cognito secret: room for the rotation's second")
        described = self.client("secretsmanager").describe_secret(SecretId=client.secret_arn)
        key = described.get("KmsKeyId")
        if key and "alias/aws/secretsmanager" not in key and not client.kms_key_arn:
            yield Check(
                f"{name} key",
                False,
                "the secret is encrypted with a customer-managed key the stack was not given",
                'add its "kmsKeyArn", so the rotation function may write the new version',
            )

    def _stored_secret_id(self, client: ExistingAppClient) -> str | None:
        try:
            document = json.loads(
                self.client("secretsmanager").get_secret_value(SecretId=client.secret_arn)["SecretString"]
            )
        except (ClientError, ValueError, KeyError, TypeError):
            return None
        return document.get("clientSecretId") if isinstance(document, dict) else None

    def _find_client(self, client_id: str) -> dict[str, Any] | None:
        cognito = self.client("cognito-idp")
        for page in cognito.get_paginator("list_user_pools").paginate(MaxResults=60):
            for pool in page["UserPools"]:
                for clients in cognito.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool["Id"]):
                    if any(c["ClientId"] == client_id for c in clients["UserPoolClients"]):
                        found: dict[str, Any] = cognito.describe_user_pool_client(
                            UserPoolId=pool["Id"], ClientId=client_id
                        )["UserPoolClient"]
                        return found
        return None

    def secret(self, client: ExistingAppClient, description: dict[str, Any] | None) -> Iterator[Check]:
        name = f"app client {client.client_id} secretArn"
        secret_region = arn_region(client.secret_arn)
        if secret_region != self.region:
            yield Check(
                name,
                False,
                f"the secret is in {secret_region}, the stack would deploy to {self.region}",
                f"replicate the secret to {self.region} and configure that ARN, or deploy in {secret_region}",
            )
            return
        if client.kms_key_arn and arn_region(client.kms_key_arn) != self.region:
            yield Check(
                f"app client {client.client_id} kmsKeyArn",
                False,
                f"the key is in {arn_region(client.kms_key_arn)}, the stack would deploy to {self.region}",
                "use a key (and secret) of the stack's Region",
            )
            return
        secretsmanager = self.client("secretsmanager")
        try:
            described = secretsmanager.describe_secret(SecretId=client.secret_arn)
        except ClientError as error:
            yield Check(name, False, f"DescribeSecret failed ({_error(error)})", "check the ARN and your access")
            return
        if described.get("DeletedDate"):
            yield Check(name, False, "the secret is scheduled for deletion", "restore-secret, or configure another")
            return
        yield Check(name, True, f"exists in {self.region}")
        if not self.compare_secret_values:
            yield Check(
                f"{name} value",
                True,
                "not compared (DescribeSecret cannot see it)",
                "rerun with --compare-secret-values to compare it with the client (it is never printed)",
            )
            return
        yield self._compare(client, description, secretsmanager)

    def _compare(self, client: ExistingAppClient, description: dict[str, Any] | None, secretsmanager: Any) -> Check:
        name = f"app client {client.client_id} secretArn value"
        try:
            document = json.loads(secretsmanager.get_secret_value(SecretId=client.secret_arn)["SecretString"])
        except (ClientError, ValueError, KeyError, TypeError) as error:
            return Check(name, False, f"not a readable JSON document ({type(error).__name__})", "store the JSON")
        if not isinstance(document, dict) or document.get("clientId") != client.client_id:
            return Check(name, False, "its clientId is not this client's", 'store {"clientId", "clientSecret"}')
        expected = (description or {}).get("ClientSecret") or ""
        stored = document.get("clientSecret")
        if not isinstance(stored, str) or not hmac.compare_digest(stored.encode(), expected.encode()):
            return Check(name, False, "its clientSecret does not match the client's", "store the current secret")
        return Check(name, True, "clientId and clientSecret match the app client")


def main(argv: Sequence[str] | None = None) -> int:
    """Run every check and print one line each; 0 when all pass, 1 otherwise, 2 for bad settings."""
    parser = argparse.ArgumentParser(prog="python -m ops.preflight", description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--compare-secret-values", action="store_true")
    args = parser.parse_args(argv)
    try:
        config = StackConfig.from_mapping(read_context(args.context))
    except ConfigError as error:
        print(f"FAIL  settings: {error}")
        return 2
    stack_name = str(read_context(args.context).get("stackName") or DEFAULT_STACK_NAME)
    checks = Preflight(
        boto3.Session(), config, compare_secret_values=args.compare_secret_values, stack_name=stack_name
    ).run()
    for check in checks:
        print(check.line())
    failed = sum(not c.passed for c in checks)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
