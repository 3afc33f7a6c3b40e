"""Every alarm and dashboard widget watches a metric that really exists, with the exact dimensions.

A CloudWatch metric is namespace + name + the full set of dimensions; an alarm that differs in any of them stays
OK forever. The function's side is checked against the EMF lines Powertools prints during real invocations of
the handler (against the emulator); the AWS services' side against the resource names in the synthesized
template (the API's and the web ACL's names, the function's logical id).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from code_screens import metric_names as names
from code_screens.routes import CONFIRM_FORGOT_PASSWORD, CONFIRM_SIGN_UP, FORGOT_PASSWORD
from infra.api_construct import RATE_RULE_NAME
from infra.function_construct import METRICS_NAMESPACE
from local.emulator import STATE, Fault
from local.seed import CONFIRMED_USER, UNCONFIRMED_USER, sign_up
from tests.conftest import SeededEmulator
from tests.invoke import Invoke
from tests.rotation_helpers import attach, fresh_client
from tests.synth import Synthesized

RESEND = "cognito-idp:ResendConfirmationCode"
GET_SECRET = "secretsmanager:GetSecretValue"
FORGOT = "cognito-idp:ForgotPassword"
CONFIRM_FORGOT = "cognito-idp:ConfirmForgotPassword"

Emitted = set[tuple[str, str, frozenset[tuple[str, str]]]]


def emf_metrics(stdout: str) -> Emitted:
    """(namespace, metric name, dimensions) of every metric in the EMF lines of `stdout`."""
    found: Emitted = set()
    for line in stdout.splitlines():
        if '"_aws"' not in line:
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for dimension_set in directive["Dimensions"]:
                dimensions = frozenset((key, str(document[key])) for key in dimension_set)
                for metric in directive["Metrics"]:
                    found.add((directive["Namespace"], metric["Name"], dimensions))
    return found


# Outcomes that between them emit every metric the function has (test_..._every_metric_the_catalog_names checks).
OUTCOMES: list[tuple[str, dict[str, Any], str | None, Fault | None, int]] = [
    ("code sent", {"username": UNCONFIRMED_USER}, None, None, 200),
    ("neutral refusal", {"username": CONFIRMED_USER}, None, None, 200),
    ("invalid request", {"username": "has space"}, None, None, 400),
    ("cognito failure", {"username": UNCONFIRMED_USER}, RESEND, Fault("TooManyRequestsException"), 429),
    # Only a real account causes it, so the caller gets the neutral 200 (issue 10).
    ("per-account failure", {"username": UNCONFIRMED_USER}, RESEND, Fault("CodeDeliveryFailureException"), 200),
    ("secret unreadable", {"username": UNCONFIRMED_USER}, GET_SECRET, Fault("AccessDeniedException"), 500),
    (
        "secret rotated",
        {"username": UNCONFIRMED_USER},
        RESEND,
        Fault("NotAuthorizedException", message="Unable to verify secret hash for client x"),
        200,
    ),
]


def powertools_settings(synth: Synthesized) -> dict[str, str]:
    """The Powertools settings the template gives the function (its service name and metrics namespace)."""
    (function,) = [
        f
        for f in synth.of_type("AWS::Lambda::Function").values()
        if f["Properties"]["Handler"] == "handler.lambda_handler"
    ]
    variables: dict[str, str] = function["Properties"]["Environment"]["Variables"]
    return {k: v for k, v in variables.items() if k in ("POWERTOOLS_SERVICE_NAME", names.NAMESPACE_SETTING)}


def _limited_and_confirm_outcomes(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator, settings: dict[str, str]
) -> None:
    """The outcomes that need the limiter's table, the response-time floor or the confirm route."""
    # Cognito's per-account attempt limit on resend: answered neutrally, counted apart.
    invoke = make_invoke(**settings)
    STATE.arm(RESEND, Fault("LimitExceededException"))
    assert invoke({"username": UNCONFIRMED_USER}).status == 200
    STATE.disarm()

    # The limits on (one resend a minute, one confirm attempt per window) and a floor every call overruns.
    invoke = make_invoke(
        **settings,
        LIMITER_TABLE_NAME=emulator.limiter_table_name,
        CONFIRM_MAX_PER_WINDOW="1",
        RESPONSE_TIME_FLOOR_MS="1",
    )
    username = f"metrics-{uuid.uuid4().hex[:8]}@example.com"
    assert invoke({"username": username}).status == 200
    assert invoke({"username": username}).status == 429  # LimitReached{Policy=resend}
    confirm = {"username": username, "confirmationCode": "000000"}
    assert invoke(confirm, path=CONFIRM_SIGN_UP.path).status == 400  # ConfirmationRefused{Reason}
    assert invoke(confirm, path=CONFIRM_SIGN_UP.path).status == 429  # LimitReached{Policy=confirm}
    # The limiter's table unreachable: the request goes on (fail open), counted.
    STATE.arm("dynamodb:GetItem", Fault("InternalServerError", status=500, times=2))
    assert invoke({"username": f"other-{username}"}).status == 200
    STATE.disarm()

    # The password resets: a reset code sent and one not sent, a reset and a refusal, each limit reached.
    _password_reset_outcomes(make_invoke, emulator, settings)

    # A confirmed sign-up: a fresh user and the code the emulator sent at SignUp.
    signed_up = f"confirmed-{uuid.uuid4().hex[:8]}@example.com"
    sign_up(emulator.cognito(), emulator.client_id, emulator.client_secret, signed_up)
    code = next(m["code"] for m in STATE.outbox() if m["username"] == signed_up)
    body = {"username": signed_up, "confirmationCode": code}
    assert make_invoke(**settings)(body, path=CONFIRM_SIGN_UP.path).status == 200


def _password_reset_outcomes(
    make_invoke: Callable[..., Invoke], emulator: SeededEmulator, settings: dict[str, str]
) -> None:
    """ForgotPassword's and ConfirmForgotPassword's outcomes: ResetCodeSent, ResetCodeNotSent, PasswordReset,
    PasswordResetRefused, and LimitReached for their two policies."""
    invoke = make_invoke(
        **settings,
        LIMITER_TABLE_NAME=emulator.limiter_table_name,
        CONFIRM_FORGOT_PASSWORD_MAX_PER_WINDOW="1",
    )
    delivery = {"Destination": "c***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    # A fresh username each time (the limiter's table outlives one test), whose "sent" answer the fault plays.
    asked = {"username": f"forgot-{uuid.uuid4().hex[:8]}@example.com"}
    STATE.arm(FORGOT, Fault(None, body={"CodeDeliveryDetails": delivery}))
    assert invoke(asked, path=FORGOT_PASSWORD.path).status == 200  # ResetCodeSent
    assert invoke(asked, path=FORGOT_PASSWORD.path).status == 429  # forgot_password
    STATE.arm(FORGOT, Fault("UserNotFoundException"))
    unknown = {"username": f"nobody-{uuid.uuid4().hex[:8]}@example.com"}
    assert invoke(unknown, path=FORGOT_PASSWORD.path).status == 200  # ResetCodeNotSent
    reset = {"username": f"reset-{uuid.uuid4().hex[:8]}@example.com", "confirmationCode": "000000"}
    reset["password"] = "Metrics-Passw0rd!"
    STATE.arm(CONFIRM_FORGOT, Fault("CodeMismatchException"))
    assert invoke(reset, path=CONFIRM_FORGOT_PASSWORD.path).status == 400  # PasswordResetRefused
    assert invoke(reset, path=CONFIRM_FORGOT_PASSWORD.path).status == 429  # confirm_forgot_password
    STATE.arm(CONFIRM_FORGOT, Fault(None, body={}))
    reset["username"] = f"other-{reset['username']}"
    assert invoke(reset, path=CONFIRM_FORGOT_PASSWORD.path).status == 200  # PasswordReset
    STATE.disarm()


def _rotation_outcomes(emulator: SeededEmulator, synth: Synthesized, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rotation function, set up as the template sets it up: a rotation that finishes and one whose step fails."""
    (function,) = [
        f
        for f in synth.of_type("AWS::Lambda::Function").values()
        if f["Properties"]["Handler"] == "rotation_handler.lambda_handler"
    ]
    variables = function["Properties"]["Environment"]["Variables"]
    monkeypatch.setenv("ROTATION_SERVICE_NAME", variables["ROTATION_SERVICE_NAME"])
    monkeypatch.setenv(names.NAMESPACE_SETTING, variables[names.NAMESPACE_SETTING])
    client = fresh_client(emulator)
    monkeypatch.setenv("ROTATION_USER_POOLS", json.dumps({client.client_id: client.user_pool_id}))
    attach(emulator, client)
    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)  # ClientSecretRotated
    STATE.arm("cognito-idp:AddUserPoolClientSecret", Fault("InternalErrorException"))
    emulator.secretsmanager().rotate_secret(SecretId=client.secret_arn)  # ClientSecretRotationFailed
    STATE.disarm()


@pytest.fixture
def emitted(
    make_invoke: Callable[..., Invoke],
    emulator: SeededEmulator,
    capsys: pytest.CaptureFixture[str],
    demo: Synthesized,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Emitted]:
    """The metrics real invocations print, one fresh execution environment per outcome, set up as the template sets
    up the function (so the alarms are checked against the very service name and namespace the stack deploys)."""
    settings = powertools_settings(demo)
    assert len(settings) == 2
    capsys.readouterr()
    for scenario, body, fault_on, fault, status in OUTCOMES:
        invoke = make_invoke(**settings)
        if fault_on and fault:
            STATE.arm(fault_on, Fault(fault.error_code, fault.message))
        assert invoke(body).status == status, scenario
        STATE.disarm()
    _limited_and_confirm_outcomes(make_invoke, emulator, settings)
    _rotation_outcomes(emulator, demo, monkeypatch)
    yield emf_metrics(capsys.readouterr().out)
    STATE.disarm()


def template_metrics(node: Any) -> Iterator[dict[str, Any]]:
    """Every {Namespace, MetricName, Dimensions} in an alarm's properties (plain or inside metric math)."""
    if isinstance(node, dict):
        if "MetricName" in node and "Namespace" in node:
            yield node
        for value in node.values():
            yield from template_metrics(value)
    elif isinstance(node, list):
        for value in node:
            yield from template_metrics(value)


def dashboard_body(synth: Synthesized) -> dict[str, Any]:
    """The dashboard's JSON, with each CloudFormation token replaced by a placeholder string (its JSON)."""
    (dashboard,) = synth.of_type("AWS::CloudWatch::Dashboard").values()
    parts = dashboard["Properties"]["DashboardBody"]["Fn::Join"][1]
    text = "".join(p if isinstance(p, str) else json.dumps(p).replace('"', "'") for p in parts)
    body: dict[str, Any] = json.loads(text)
    return body


def service_names(synth: Synthesized) -> dict[str, Any]:
    """The dimension values AWS services give this stack's metrics, from the template."""
    apis = synth.of_type("AWS::ApiGateway::RestApi")
    (acl,) = synth.of_type("AWS::WAFv2::WebACL").values()
    (function_id,) = [
        k
        for k, v in synth.of_type("AWS::Lambda::Function").items()
        if v["Properties"]["Handler"] == "handler.lambda_handler"
    ]
    stages = synth.of_type("AWS::ApiGateway::Stage").items()
    # Each API of the stack (the JSON routes' and the Cognito door's) by its name -> the names of its one stage.
    stage_names = {}
    for stage_id, stage in stages:
        api_name = apis[stage["Properties"]["RestApiId"]["Ref"]]["Properties"]["Name"]
        stage_names[api_name] = (
            stage["Properties"]["StageName"],
            {"Ref": stage_id},
            json.dumps({"Ref": stage_id}).replace('"', "'"),
        )
    assert len(stage_names) == len(apis)
    return {
        # The stage's name, literal or as a reference to the stage (which resolves to its name), per API.
        "Stages": stage_names,
        "WebACL": acl["Properties"]["Name"],
        "Rules": {rule["VisibilityConfig"]["MetricName"] for rule in acl["Properties"]["Rules"]},
        # Each rule's metric name -> the AWS/WAFV2 metric its matches land in: a Count rule (the per-IP rate rule,
        # which only labels) emits CountedRequests and no BlockedRequests; a Block rule the reverse.
        "RuleMetrics": {
            rule["VisibilityConfig"]["MetricName"]: WAF_METRIC_OF_ACTION[next(iter(rule["Action"]))]
            for rule in acl["Properties"]["Rules"]
            if "Action" in rule
        },
        "FunctionName": {"Ref": function_id},
        # Known at synth in this fixture; WAF reports its Region's code, e.g. "eu-west-1".
        "Region": synth.stack.region,
    }


WAF_METRIC_OF_ACTION = {"Block": "BlockedRequests", "Count": "CountedRequests", "Allow": "AllowedRequests"}


def check_service_metric(
    namespace: str, dimensions: dict[str, Any], known: dict[str, Any], metric_name: str | None = None
) -> None:
    if namespace == "AWS/ApiGateway":
        assert dimensions["ApiName"] in known["Stages"], f"no API of the stack is named {dimensions['ApiName']}"
        assert set(dimensions) in ({"ApiName"}, {"ApiName", "Method", "Resource", "Stage"})
        if "Stage" in dimensions:
            assert dimensions["Stage"] in known["Stages"][dimensions["ApiName"]]
    elif namespace == "AWS/WAFV2":
        assert dimensions["WebACL"] == known["WebACL"]
        assert dimensions["Rule"] in known["Rules"]
        assert set(dimensions) == {"WebACL", "Rule", "Region"}
        assert dimensions["Region"] == known["Region"]
        if metric_name is not None and dimensions["Rule"] in known["RuleMetrics"]:
            assert metric_name == known["RuleMetrics"][dimensions["Rule"]], (
                f"{metric_name} of rule {dimensions['Rule']}, whose action emits another metric"
            )
    elif namespace == "AWS/Lambda":
        assert dimensions == {"FunctionName": known["FunctionName"]} or dimensions == {
            "FunctionName": json.dumps(known["FunctionName"]).replace('"', "'")
        }
    else:
        pytest.fail(f"an alarm or widget on {namespace}, which this test does not know")


def test_every_alarm_watches_an_emitted_metric(emitted: Emitted, demo: Synthesized) -> None:
    known = service_names(demo)
    seen_function_metrics = set()
    seen_waf_metrics = set()

    for alarm in demo.of_type("AWS::CloudWatch::Alarm").values():
        for metric in template_metrics(alarm["Properties"]):
            dimensions = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
            if metric["Namespace"] == METRICS_NAMESPACE:
                key = (metric["Namespace"], metric["MetricName"], frozenset(dimensions.items()))
                assert key in emitted, f"alarm on {key}, which no invocation emitted"
                seen_function_metrics.add(metric["MetricName"])
            else:
                check_service_metric(metric["Namespace"], dimensions, known, metric["MetricName"])
                if metric["Namespace"] == "AWS/WAFV2":
                    seen_waf_metrics.add((metric["MetricName"], dimensions["Rule"]))

    assert {
        names.COGNITO_FAILURE,
        names.COGNITO_SETUP_REFUSAL,
        names.COGNITO_FAILURE_ANSWERED_NEUTRALLY,
        names.LIMITER_UNAVAILABLE,
        names.LIMIT_REACHED,
        names.RESPONSE_TIME_FLOOR_EXCEEDED,
        names.CLIENT_SECRET_ROTATION_FAILED,
    } <= seen_function_metrics
    # The WAF alarm is on the rate rule, by the very name the web ACL gives it, and on the metric its action (Count:
    # it labels, two rules block) emits; BlockedRequests of a Count rule would stay empty forever.
    assert RATE_RULE_NAME in known["Rules"]
    assert ("CountedRequests", RATE_RULE_NAME) in seen_waf_metrics


SEARCH = re.compile(r"SEARCH\('\{([^}]*)\} MetricName=\"([^\"]+)\"(.*?)', 'Sum', 300\)")


def test_every_dashboard_widget_shows_an_emitted_metric(emitted: Emitted, demo: Synthesized) -> None:
    known = service_names(demo)
    checked = 0

    for widget in dashboard_body(demo)["widgets"]:
        for entry in widget["properties"].get("metrics", []):
            if isinstance(entry[0], dict) and "expression" in entry[0]:
                expression = entry[0]["expression"]
                if not expression.startswith("SEARCH"):
                    continue  # metric math over metrics listed (and checked) in the same widget
                match = SEARCH.search(expression)
                assert match, expression
                namespace, *dimension_names = match.group(1).split(",")
                filters = dict(re.findall(r'(\w+)="([^"]+)"', match.group(3)))
                if namespace == METRICS_NAMESPACE:
                    assert any(
                        ns == namespace
                        and name == match.group(2)
                        and {k for k, _ in dims} == set(dimension_names)
                        and filters.items() <= dict(dims).items()
                        for ns, name, dims in emitted
                    ), f"a widget searches {expression}, which no invocation emitted"
                else:
                    assert namespace == "AWS/WAFV2" and filters == {"WebACL": known["WebACL"]}
                checked += 1
                continue
            namespace, metric_name, *rest = [e for e in entry if not isinstance(e, dict)]
            dimensions = dict(zip(rest[::2], rest[1::2], strict=True))
            if namespace == METRICS_NAMESPACE:
                key = (namespace, metric_name, frozenset(dimensions.items()))
                assert key in emitted, f"a widget shows {key}, which no invocation emitted"
            else:
                check_service_metric(namespace, dimensions, known)
            checked += 1

    assert checked >= 10


def test_the_outcomes_emitted_every_metric_the_catalog_names(emitted: Emitted) -> None:
    catalog = {
        value
        for key, value in vars(names).items()
        if key.isupper() and isinstance(value, str) and not key.endswith(("_DIMENSION", "_SETTING"))
    }
    emitted_names = {name for _, name, _ in emitted}
    dimension_names = {names.DELIVERY_MEDIUM, names.ERROR_CODE, names.REASON, names.POLICY}

    assert catalog - dimension_names <= emitted_names


@pytest.mark.usefixtures("disarm_faults")
@pytest.mark.parametrize(
    ("error_code", "counted"),
    [
        ("UserNotFoundException", False),  # an unknown user: healthy traffic
        ("InvalidParameterException", True),  # e.g. a client that refuses the forwarded IP, answered neutrally
        ("CodeDeliveryFailureException", False),  # one undeliverable address: anybody can sign one up
        # The pool's trigger, answered neutrally: a caller can make it fail with clientMetadata, so it is counted in
        # CognitoFailureAnsweredNeutrally, not as a set-up refusal an outsider could push over the alarm's share.
        ("UserLambdaValidationException", False),
        ("ResourceNotFoundException", True),  # the app client or pool is gone: configuration
        ("LimitExceededException", False),  # one user's own attempt limit
    ],
)
def test_setup_refusals_are_counted_whether_answered_neutrally_or_not(
    make_invoke: Callable[..., Invoke], capsys: pytest.CaptureFixture[str], error_code: str, counted: bool
) -> None:
    invoke = make_invoke()
    capsys.readouterr()
    STATE.arm(RESEND, Fault(error_code))

    invoke({"username": UNCONFIRMED_USER})

    names_printed = {name for _, name, _ in emf_metrics(capsys.readouterr().out)}
    assert (names.COGNITO_SETUP_REFUSAL in names_printed) is counted
    assert names.COGNITO_ERROR in names_printed
