"""The two cold-start remedies, provisioned concurrency and SnapStart: off by default, each through a published
version and an alias that API Gateway invokes, refused where Lambda would refuse them at deploy time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match

from code_screens.routes import ROUTES
from infra.config import ConfigError, StackConfig
from infra.function_construct import LIVE_ALIAS
from infra.monitoring import ALARMS_NOTIFY_NOBODY
from infra.stack import ResendConfirmationCodeStack
from tests.synth import CDK_JSON, Synthesized, cognito_api_id, json_api_id, synthesize

pytestmark = pytest.mark.slow  # synth: most tests here synthesize or build a stack of their own


@pytest.fixture(scope="module")
def provisioned(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize({"provisionedConcurrency": "2"}, tmp_path_factory.mktemp("provisioned"))


@pytest.fixture(scope="module")
def snap_start(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize({"snapStart": "true"}, tmp_path_factory.mktemp("snapstart"))


def resend_function(synth: Synthesized) -> tuple[str, dict[str, Any]]:
    (found,) = [
        (k, v["Properties"])
        for k, v in synth.of_type("AWS::Lambda::Function").items()
        if v["Properties"].get("Handler") == "handler.lambda_handler"
    ]
    return found


def post_integration_target(synth: Synthesized) -> Any:
    """What every POST of both APIs invokes (each JSON route, and the Cognito door's POST /): one target, the same for
    all of them, so a remedy for cold starts reaches the door too."""
    targets: dict[str, list[Any]] = {}
    for method in synth.of_type("AWS::ApiGateway::Method").values():
        if method["Properties"]["HttpMethod"] == "POST":
            parts = method["Properties"]["Integration"]["Uri"]["Fn::Join"][1]
            (target,) = [p for p in parts if isinstance(p, dict)]
            targets.setdefault(method["Properties"]["RestApiId"]["Ref"], []).append(target)
    assert {api_id: len(found) for api_id, found in targets.items()} == {
        json_api_id(synth): len(ROUTES),
        cognito_api_id(synth): 1,
    }
    every = [t for found in targets.values() for t in found]
    assert all(t == every[0] for t in every)
    return every[0]


def invoke_permission_targets(synth: Synthesized) -> list[Any]:
    return [
        p["Properties"]["FunctionName"]
        for p in synth.of_type("AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "apigateway.amazonaws.com"
    ]


def the_alias(synth: Synthesized) -> tuple[str, dict[str, Any]]:
    (found,) = [(k, v["Properties"]) for k, v in synth.of_type("AWS::Lambda::Alias").items()]
    return found


def test_by_default_the_api_invokes_the_function_itself_with_neither_remedy(demo: Synthesized) -> None:
    function_id, function = resend_function(demo)

    assert "SnapStart" not in function
    assert demo.of_type("AWS::Lambda::Alias") == {}
    assert post_integration_target(demo) == {"Fn::GetAtt": [function_id, "Arn"]}
    assert set(map(str, invoke_permission_targets(demo))) == {str({"Fn::GetAtt": [function_id, "Arn"]})}


@pytest.mark.parametrize("setting", ["provisioned", "snap_start"])
def test_the_api_invokes_the_live_alias_of_the_published_version(setting: str, request: pytest.FixtureRequest) -> None:
    synth: Synthesized = request.getfixturevalue(setting)
    function_id, _ = resend_function(synth)
    alias_id, alias = the_alias(synth)
    ((version_id, version),) = synth.of_type("AWS::Lambda::Version").items()

    assert alias["Name"] == LIVE_ALIAS
    assert alias["FunctionName"] == {"Ref": function_id}
    assert alias["FunctionVersion"] == {"Fn::GetAtt": [version_id, "Version"]}
    assert version["Properties"]["FunctionName"] == {"Ref": function_id}
    # A superseded version goes once the alias moves on (with SnapStart it would keep paying for its snapshot).
    assert version["DeletionPolicy"] == "Delete"
    assert post_integration_target(synth) == {"Ref": alias_id}
    permissions = invoke_permission_targets(synth)
    assert permissions and all(target == {"Ref": alias_id} for target in permissions)


def test_provisioned_concurrency_sits_on_the_alias_without_snap_start(provisioned: Synthesized) -> None:
    _, function = resend_function(provisioned)
    _, alias = the_alias(provisioned)

    assert alias["ProvisionedConcurrencyConfig"] == {"ProvisionedConcurrentExecutions": 2}
    assert "SnapStart" not in function


def test_snap_start_applies_to_published_versions_without_provisioned_concurrency(snap_start: Synthesized) -> None:
    _, function = resend_function(snap_start)
    _, alias = the_alias(snap_start)

    assert function["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert function["Runtime"] == "python3.14" and function["Architectures"] == ["arm64"]
    assert "ProvisionedConcurrencyConfig" not in alias


@pytest.mark.parametrize("setting", ["provisioned", "snap_start"])
def test_each_setting_passes_cdk_nag_and_cdk_with_no_warning(setting: str, request: pytest.FixtureRequest) -> None:
    synth: Synthesized = request.getfixturevalue(setting)
    annotations = Annotations.from_stack(synth.stack)

    assert [e.entry.data for e in annotations.find_error("*", Match.any_value())] == []
    warnings = [w.entry.data for w in annotations.find_warning("*", Match.any_value())]
    # The one expected warning: these stacks set no alarm destination (tests/infra/test_alarms.py).
    assert [w for w in warnings if ALARMS_NOTIFY_NOBODY not in str(w)] == []


@pytest.mark.parametrize("setting", ["provisioned", "snap_start"])
def test_each_setting_passes_cfn_lint(setting: str, request: pytest.FixtureRequest) -> None:
    synth: Synthesized = request.getfixturevalue(setting)
    template = next(synth.assembly_dir.glob("*.template.json"))

    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(template)], capture_output=True, text=True, check=False
    )

    assert result.returncode & 2 == 0, result.stdout


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"snapStart": "true", "provisionedConcurrency": "1"}, "cannot be combined"),
        ({"provisionedConcurrency": "6", "reservedConcurrency": "5"}, "must not exceed reservedConcurrency"),
        ({"provisionedConcurrency": "-1"}, "provisionedConcurrency must be between"),
        ({"provisionedConcurrency": "one"}, "provisionedConcurrency must be a whole number"),
        ({"snapStart": "maybe"}, "snapStart must be true or false"),
    ],
)
def test_settings_lambda_would_refuse_are_refused_at_synth(context: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        StackConfig.from_mapping(context)


def test_defaults_are_off_and_an_uncapped_function_may_provision_any_number() -> None:
    default = StackConfig.from_mapping({})
    uncapped = StackConfig.from_mapping({"provisionedConcurrency": "50", "reservedConcurrency": "none"})

    assert (default.provisioned_concurrency, default.snap_start) == (0, False)
    assert uncapped.provisioned_concurrency == 50


def test_snap_start_is_refused_in_a_region_without_it(tmp_path: Path) -> None:
    app = cdk.App(context={**CDK_JSON["context"], "snapStart": "true"}, outdir=str(tmp_path))

    with pytest.raises(ValueError, match="not available in ap-southeast-6"):
        ResendConfirmationCodeStack(
            app,
            "ResendConfirmationCode",
            config=StackConfig.from_context(app.node),
            env=cdk.Environment(region="ap-southeast-6"),
        )
