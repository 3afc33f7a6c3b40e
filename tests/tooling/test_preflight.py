"""`make preflight` against the emulator: each check passes on a ready account and fails, saying what to do, on one
that is not. The emulator serves every call preflight makes (Lambda's GetAccountSettings and AWS's public
Powertools parameter through local/emulator.py's extensions)."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from infra.config import POWERTOOLS_LAYER_VERSION, StackConfig
from infra.function_construct import powertools_layer_parameter
from local.emulator import STATE, Fault, publish_public_parameter
from ops.preflight import BOOTSTRAP_VERSION_PARAMETER, MIN_BOOTSTRAP_VERSION, Check, Preflight
from tests.conftest import REGION, ROOT, SeededEmulator
from tests.synth import Synthesized

# Each test runs the preflight against an emulator of its own, with its time-outs: about a second each.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ready_account(emulator: SeededEmulator) -> Iterator[SeededEmulator]:
    """The emulator as a bootstrapped account in a Region where the pinned Powertools layer is published."""
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name=BOOTSTRAP_VERSION_PARAMETER, Value="30", Type="String", Overwrite=True)
    layer = f"arn:aws:lambda:{REGION}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-arm64:30"
    publish_public_parameter(powertools_layer_parameter(POWERTOOLS_LAYER_VERSION), layer, REGION)
    yield emulator
    ssm.delete_parameter(Name=BOOTSTRAP_VERSION_PARAMETER)


def existing(emulator: SeededEmulator, **overrides: Any) -> dict[str, Any]:
    client = {"clientId": emulator.client_id, "secretArn": emulator.secret_arn, "userPoolId": emulator.user_pool_id}
    return {"poolMode": "existing", "appClients": json.dumps([client]), **overrides}


def run(context: dict[str, Any], *, compare: bool = False) -> dict[str, Check]:
    checks = Preflight(boto3.Session(), StackConfig.from_mapping(context), compare_secret_values=compare).run()
    for check in checks:
        assert check.line().startswith(("PASS  ", "WARN  ", "FAIL  "))
        assert check.line().startswith("WARN  ") == (check.passed and check.warning)
    return {check.name: check for check in checks}


def test_a_ready_account_passes_every_check(ready_account: SeededEmulator) -> None:
    checks = run(
        existing(ready_account, forwardCallerIp="false", reservedConcurrency="20", apiGatewayCloudWatchRole="true"),
        compare=True,
    )

    assert [c.line() for c in checks.values() if not c.passed] == []
    assert set(checks) >= {
        "credentials",
        "cdk bootstrap",
        "powertools layer",
        "lambda concurrency",
        "api gateway logging role",
        f"app client {ready_account.client_id}",
        f"app client {ready_account.client_id} secret",
        f"app client {ready_account.client_id} secretArn",
        f"app client {ready_account.client_id} secretArn value",
        f"app client {ready_account.client_id} rotation",
    }
    assert "20 reservable" in checks["lambda concurrency"].detail


def test_no_credentials_stops_at_the_first_line(ready_account: SeededEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    checks = run({})

    assert list(checks) == ["credentials"]
    assert not checks["credentials"].passed and "aws configure" in checks["credentials"].action


def test_no_region_is_named(ready_account: SeededEmulator) -> None:
    preflight = Preflight(boto3.Session(), StackConfig.from_mapping({}))
    preflight.region = ""

    (check,) = preflight.run()

    assert (check.name, check.passed) == ("region", False) and "AWS_REGION" in check.action


def test_the_region_comes_from_aws_region_too(ready_account: SeededEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore reads only AWS_DEFAULT_REGION; the CDK CLI deploys to AWS_REGION as well.
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", REGION)

    checks = run({})

    assert checks["credentials"].passed and REGION in checks["credentials"].detail


def test_an_unbootstrapped_or_old_bootstrap_fails(ready_account: SeededEmulator) -> None:
    ssm = boto3.client("ssm")
    try:
        ssm.put_parameter(Name=BOOTSTRAP_VERSION_PARAMETER, Value="5", Type="String", Overwrite=True)
        old = run({})["cdk bootstrap"]
        ssm.delete_parameter(Name=BOOTSTRAP_VERSION_PARAMETER)
        missing = run({})["cdk bootstrap"]
    finally:
        ssm.put_parameter(Name=BOOTSTRAP_VERSION_PARAMETER, Value="30", Type="String", Overwrite=True)

    assert not old.passed and "needs 6" in old.detail
    assert not missing.passed and "cdk bootstrap" in missing.action


def test_min_bootstrap_version_is_the_templates(demo: Synthesized) -> None:
    rule = demo.template.to_json()["Rules"]["CheckBootstrapVersion"]["Assertions"][0]
    refused = rule["Assert"]["Fn::Not"][0]["Fn::Contains"][0]

    assert max(int(v) for v in refused) + 1 == MIN_BOOTSTRAP_VERSION


def test_a_layer_version_not_published_in_the_region_fails(ready_account: SeededEmulator) -> None:
    check = run({"powertoolsLayerVersion": "0.0.1"})["powertools layer"]

    assert not check.passed and "powertoolsLayerVersion" in check.action


def test_a_reservation_the_account_cannot_give_fails(ready_account: SeededEmulator) -> None:
    STATE.lambda_concurrency_limit = 10  # a new account's limit: Lambda keeps all 10 unreserved
    try:
        refused = run({"reservedConcurrency": "5"})["lambda concurrency"]
        unreserved = run({})["lambda concurrency"]
    finally:
        STATE.lambda_concurrency_limit = 1000

    assert not refused.passed and "reservedConcurrency" in refused.action
    assert unreserved.passed


def test_provisioned_concurrency_the_account_cannot_give_fails(ready_account: SeededEmulator) -> None:
    STATE.lambda_concurrency_limit = 10  # provisioned without a reservation comes out of the unreserved pool
    try:
        refused = run({"provisionedConcurrency": "1"})["lambda concurrency"]
    finally:
        STATE.lambda_concurrency_limit = 1000
    given = run({"provisionedConcurrency": "1"})["lambda concurrency"]

    assert not refused.passed and "provisionedConcurrency" in refused.action
    assert given.passed


def test_the_api_gateway_role_check_says_what_the_deploy_would_do(ready_account: SeededEmulator) -> None:
    apigateway = boto3.client("apigateway")

    def set_role(arn: str) -> None:
        apigateway.update_account(patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": arn}])

    def check(context: dict[str, Any], stack_name: str = "ResendConfirmationCode") -> Check:
        config = StackConfig.from_mapping(context)
        checks = Preflight(boto3.Session(), config, stack_name=stack_name).run()
        return {c.name: c for c in checks}["api gateway logging role"]

    # A new account: none set, so the default (leave it alone) would fail the deploy, and asking is right.
    none_default, none_asked = check({}), check({"apiGatewayCloudWatchRole": "true"})
    # A crowded account: someone else's role; the default uses it, asking would re-point it (it passed before).
    set_role("arn:aws:iam::123456789012:role/apigateway-logs")
    try:
        crowded_default, crowded_asked = check({}), check({"apiGatewayCloudWatchRole": "true"})
        set_role("arn:aws:iam::123456789012:role/Staging-EdgeApiCloudWatchRoleAbC123-XyZ")
        own_asked = check({"apiGatewayCloudWatchRole": "true"}, stack_name="Staging")
    finally:
        set_role("")

    assert not none_default.passed and "apiGatewayCloudWatchRole=true" in none_default.action
    assert none_asked.passed
    assert crowded_default.passed and "apigateway-logs" in crowded_default.detail
    assert not crowded_asked.passed and "re-point" in crowded_asked.detail
    assert own_asked.passed  # a redeploy of the stack that set it


def test_alarms_that_notify_nobody_or_an_unconfirmed_address_warn(ready_account: SeededEmulator) -> None:
    nobody = run({})["alarm destination"]
    email = run({"alarmEmail": "ops@example.com"})["alarm destination"]

    assert nobody.passed and nobody.warning and "notify nobody" in nobody.detail
    assert email.passed and email.warning and "confirm" in email.action


def test_an_alarm_topic_cloudwatch_cannot_publish_to_fails(ready_account: SeededEmulator) -> None:
    sns = boto3.client("sns")
    default = sns.create_topic(Name="ops-default")["TopicArn"]
    managed_key = sns.create_topic(Name="ops-managed-key", Attributes={"KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
    deny_only = sns.create_topic(Name="ops-deny-only")["TopicArn"]
    tls_only = {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sns:Publish",
                "Resource": deny_only,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ]
    }
    sns.set_topic_attributes(TopicArn=deny_only, AttributeName="Policy", AttributeValue=json.dumps(tls_only))

    def access(topic: str) -> Check:
        return run({"alarmTopicArn": topic})["alarm topic access"]

    assert access(default).passed  # SNS's default policy lets the account's services publish
    assert not access(managed_key).passed and "alias/aws/sns" in access(managed_key).detail
    assert not access(deny_only).passed and "cloudwatch.amazonaws.com" in access(deny_only).action


def test_the_throttle_needs_concurrency_the_account_has(ready_account: SeededEmulator) -> None:
    # The defaults: 20 rps x the 500 ms floor = 10 sustained, 50 in a full burst of 40.
    STATE.lambda_concurrency_limit = 10  # a new account's
    try:
        new_account = run({})["lambda concurrency for the throttle"]
        too_fast = run({"throttleRateLimit": "30", "throttleBurstLimit": "30"})["lambda concurrency for the throttle"]
    finally:
        STATE.lambda_concurrency_limit = 1000
    roomy = run({})["lambda concurrency for the throttle"]
    reserved = run({"reservedConcurrency": "8"})["lambda concurrency for the throttle"]

    assert new_account.passed and new_account.warning and "50 in a full burst" in new_account.detail
    assert not too_fast.passed and "15 concurrent" in too_fast.detail
    assert roomy.passed and not roomy.warning and "needs 10 concurrent" in roomy.detail
    assert not reserved.passed and "reservedConcurrency is 8" in reserved.detail


def test_an_alarm_topic_must_exist_in_the_region(ready_account: SeededEmulator) -> None:
    topic = boto3.client("sns").create_topic(Name="ops-alarms")["TopicArn"]
    elsewhere = topic.replace(f":{REGION}:", ":eu-west-1:")

    assert run({"alarmTopicArn": topic})["alarm topic"].passed
    assert not run({"alarmTopicArn": elsewhere})["alarm topic"].passed
    assert not run({"alarmTopicArn": topic + "-gone"})["alarm topic"].passed


def test_an_unknown_client_fails(ready_account: SeededEmulator) -> None:
    context = {
        "poolMode": "existing",
        "appClients": json.dumps([{"clientId": "nosuchclient1", "secretArn": ready_account.secret_arn}]),
    }

    check = run(context)["app client nosuchclient1"]

    assert not check.passed and "clientId" in check.action


def test_a_client_without_a_secret_or_without_context_data_fails(ready_account: SeededEmulator) -> None:
    cognito = boto3.client("cognito-idp")
    plain = cognito.create_user_pool_client(UserPoolId=ready_account.user_pool_id, ClientName="no-secret")
    plain_id = plain["UserPoolClient"]["ClientId"]
    with_context = cognito.create_user_pool_client(
        UserPoolId=ready_account.user_pool_id,
        ClientName="with-context",
        GenerateSecret=True,
        EnablePropagateAdditionalUserContextData=True,
    )["UserPoolClient"]["ClientId"]

    def client_checks(client_id: str) -> dict[str, Check]:
        context = {
            "poolMode": "existing",
            "appClients": json.dumps([{"clientId": client_id, "secretArn": ready_account.secret_arn}]),
        }
        return run(context)

    seeded = client_checks(ready_account.client_id)  # the seeded client does not propagate context data
    no_secret = client_checks(plain_id)
    good = client_checks(with_context)

    assert not seeded[f"app client {ready_account.client_id} caller IP"].passed
    assert "forwardCallerIp=false" in seeded[f"app client {ready_account.client_id} caller IP"].action
    assert not no_secret[f"app client {plain_id} secret"].passed
    assert good[f"app client {with_context} caller IP"].passed and good[f"app client {with_context} secret"].passed


def test_a_secret_in_another_region_or_missing_fails(ready_account: SeededEmulator) -> None:
    elsewhere = ready_account.secret_arn.replace(f":{REGION}:", ":eu-west-1:")
    missing = ready_account.secret_arn[:-6] + "ZZZZZZ"

    def secret_check(arn: str) -> Check:
        context = {
            "poolMode": "existing",
            "appClients": json.dumps([{"clientId": ready_account.client_id, "secretArn": arn}]),
        }
        return run(context)[f"app client {ready_account.client_id} secretArn"]

    assert not secret_check(elsewhere).passed and "eu-west-1" in secret_check(elsewhere).detail
    assert not secret_check(missing).passed


def test_a_secret_holding_another_client_fails_without_printing_it(
    ready_account: SeededEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    sm = boto3.client("secretsmanager")
    wrong = sm.create_secret(
        Name="preflight/other-client",
        SecretString=json.dumps({"clientId": "someoneelse1", "clientSecret": ready_account.client_secret}),
    )["ARN"]
    stale = sm.create_secret(
        Name="preflight/stale-secret",
        SecretString=json.dumps({"clientId": ready_account.client_id, "clientSecret": "stale" * 10}),
    )["ARN"]

    def value_check(arn: str) -> Check:
        context = {
            "poolMode": "existing",
            "appClients": json.dumps([{"clientId": ready_account.client_id, "secretArn": arn}]),
        }
        check = run(context, compare=True)[f"app client {ready_account.client_id} secretArn value"]
        print(check.line())
        return check

    assert not value_check(wrong).passed
    assert not value_check(stale).passed
    assert value_check(ready_account.secret_arn).passed
    assert ready_account.client_secret not in capsys.readouterr().out


@pytest.mark.slow  # runs `python -m ops.preflight` three times
def test_the_command_prints_one_line_per_check_and_exits_by_result(ready_account: SeededEmulator) -> None:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'lambda'}"}

    def preflight(*settings: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ops.preflight", *(arg for setting in settings for arg in ("-c", setting))],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    ok = preflight("reservedConcurrency=60", "apiGatewayCloudWatchRole=true")
    bad = preflight("powertoolsLayerVersion=0.0.1")
    settings = preflight("poolMode=mine")

    lines = ok.stdout.splitlines()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert all(line.startswith(("PASS  ", "WARN  ")) for line in lines[:-1]) and lines[-1].endswith("0 failed")
    assert "WARN  alarm destination" in ok.stdout
    assert bad.returncode == 1 and "FAIL  powertools layer" in bad.stdout
    assert settings.returncode == 2 and "poolMode" in settings.stdout


@pytest.mark.usefixtures("disarm_faults")
def test_a_call_refused_by_iam_is_a_failed_line_not_a_crash(ready_account: SeededEmulator) -> None:
    STATE.arm("cognito-idp:ListUserPools", Fault("AccessDeniedException", times=5))

    checks = run(existing(ready_account))

    assert not checks["app clients"].passed and "AccessDeniedException" in checks["app clients"].detail


def test_preflight_makes_only_read_calls(ready_account: SeededEmulator) -> None:
    before = STATE.calls()

    run(existing(ready_account, reservedConcurrency="5"), compare=True)

    called = {op for op, n in STATE.calls().items() if n > before.get(op, 0)}
    assert called and all(op.split(":")[1].startswith(("Get", "Describe", "List")) for op in called), called


class _NotAws(http.server.BaseHTTPRequestHandler):
    """What a proxy or a wrong AWS_ENDPOINT_URL answers: an empty 404, or (server.hang) nothing at all."""

    def do_POST(self) -> None:
        if getattr(self.server, "hang", False):
            time.sleep(600)  # never answers within any read timeout a caller would wait for
            return
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(params=["empty 404", "no answer"])
def not_aws(request: pytest.FixtureRequest) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotAws)
    server.daemon_threads = True
    server.hang = request.param == "no answer"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.slow  # time-outs: waits out botocore's connect and read time-outs
def test_an_endpoint_that_is_not_aws_is_a_failed_line_naming_the_network(not_aws: str) -> None:
    # Before: an empty 404 (a proxy, a wrong AWS_ENDPOINT_URL) crashed with botocore's ResponseParserError
    # traceback, and an endpoint that never answers kept the operator waiting over three minutes, then advised
    # `aws configure` for credentials that were fine. The subprocess timeout only guards against that hang.
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'lambda'}",
        "AWS_ENDPOINT_URL": not_aws,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "not-a-secret",
    }

    result = subprocess.run(
        [sys.executable, "-m", "ops.preflight"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("FAIL  ") and "AWS_ENDPOINT_URL" in first and "aws configure" not in first, first


def test_rotation_needs_the_pool_and_room_for_a_second_secret(ready_account: SeededEmulator) -> None:
    # Given the seeded client (one Cognito secret), then a second secret nobody stores
    name = f"app client {ready_account.client_id} rotation"
    no_pool = {"clientId": ready_account.client_id, "secretArn": ready_account.secret_arn}
    ready = run(existing(ready_account))[name]
    unnamed = run({"poolMode": "existing", "appClients": json.dumps([no_pool])})[name]
    opted_out = run({**existing(ready_account), "rotateExistingClientSecrets": "false"})[name]
    cognito = boto3.client("cognito-idp")
    added = cognito.add_user_pool_client_secret(UserPoolId=ready_account.user_pool_id, ClientId=ready_account.client_id)
    try:
        crowded = run(existing(ready_account), compare=True)[name]
    finally:
        cognito.delete_user_pool_client_secret(
            UserPoolId=ready_account.user_pool_id,
            ClientId=ready_account.client_id,
            ClientSecretId=added["ClientSecretDescriptor"]["ClientSecretId"],
        )

    # Then only a pool named and room (or a known stored id) pass
    assert ready.passed and "room" in ready.detail
    assert not unnamed.passed and "userPoolId" in unnamed.action
    assert opted_out.passed and "on demand" in opted_out.detail
    assert not crowded.passed and "nobody stores" in crowded.action
