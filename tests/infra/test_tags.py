"""The `tags` setting: checked at synth naming the tag, and on every resource that takes tags, in both pool modes.

Which CloudFormation types take tags, and under which property (Cognito's user pool calls it UserPoolTags, a map),
comes from the resource schemas cfn-lint ships (their `tagging` section), not from a list kept here: a resource type
added to the stack is checked the day it appears.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

from infra.config import MAX_TAGS, ConfigError, StackConfig
from tests.synth import EXISTING_CONTEXT, REGION, Synthesized, synthesize

TAGS = {"team": "identity", "cost-center": "CC 42/a@b.c", "env": "staging"}


@pytest.fixture(scope="module")
def tagged_demo(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    # WAF logging on too, so its log group (and its untaggable logging configuration) is in the template.
    return synthesize({"tags": json.dumps(TAGS), "wafLogging": "true"}, tmp_path_factory.mktemp("tagged-demo"))


@pytest.fixture(scope="module")
def tagged_existing(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    context = {**EXISTING_CONTEXT, "tags": json.dumps(TAGS), "wafLogging": "true"}
    return synthesize(context, tmp_path_factory.mktemp("tagged-existing"))


@pytest.fixture(params=["tagged_demo", "tagged_existing"])
def tagged(request: pytest.FixtureRequest) -> Synthesized:
    synthesized: Synthesized = request.getfixturevalue(request.param)
    return synthesized


def tag_property(resource_type: str) -> str | None:
    """The property that holds a type's tags per its CloudFormation schema, or None when it takes none."""
    if not resource_type.startswith("AWS::") or resource_type == "AWS::CDK::Metadata":
        return None  # custom resources and CDK's metadata: no schema, no tags
    tagging = PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, resource_type).schema.get("tagging") or {}
    if not tagging.get("taggable"):
        return None
    return str(tagging.get("tagProperty", "/properties/Tags")).removeprefix("/properties/")


def tags_of(value: Any) -> dict[str, Any]:
    """A resource's tags as a dict, whether the type takes a [{Key, Value}] list or a map."""
    if isinstance(value, list):
        return {tag["Key"]: tag["Value"] for tag in value}
    return dict(value or {})


@pytest.mark.slow  # synthesizes tagged stacks of its own
def test_every_taggable_resource_carries_the_configured_tags(tagged: Synthesized) -> None:
    taggable = {
        logical_id: (resource["Type"], prop)
        for logical_id, resource in tagged.resources.items()
        if (prop := tag_property(resource["Type"])) is not None
    }
    # The check has something to check: the function, its table, log groups, the API, the WAF, the alarms...
    assert {"AWS::Lambda::Function", "AWS::DynamoDB::Table", "AWS::WAFv2::WebACL", "AWS::CloudWatch::Alarm"} <= {
        resource_type for resource_type, _ in taggable.values()
    }

    untagged = {
        f"{logical_id} ({resource_type}.{prop})"
        for logical_id, (resource_type, prop) in taggable.items()
        if not TAGS.items() <= tags_of(tagged.resources[logical_id]["Properties"].get(prop)).items()
    }

    assert untagged == set()


def test_the_stack_itself_is_tagged_so_cloudformation_tags_what_it_creates_outside_the_template(
    tagged: Synthesized,
) -> None:
    # Stack tags (the manifest's, which `cdk deploy` passes on) also reach resources CloudFormation's handlers
    # tag on the stack's behalf.
    manifest = json.loads((Path(tagged.assembly_dir) / "manifest.json").read_text())
    (stack_artifact,) = [a for a in manifest["artifacts"].values() if a["type"] == "aws:cloudformation:stack"]

    assert stack_artifact["properties"]["tags"] == TAGS


def test_the_demo_user_pool_takes_them_under_its_own_property(tagged_demo: Synthesized) -> None:
    # Cognito's user pool is the one type here whose tags are a map under UserPoolTags, not a Tags list.
    (pool,) = tagged_demo.of_type("AWS::Cognito::UserPool").values()

    assert pool["Properties"]["UserPoolTags"] == TAGS


def test_without_the_setting_no_resource_carries_a_tag(demo: Synthesized) -> None:
    # The setting is the only source of tags: a default deploy's template is what it was before it existed.
    tagged = {
        logical_id
        for logical_id, resource in demo.resources.items()
        if (prop := tag_property(resource["Type"])) and resource.get("Properties", {}).get(prop)
    }

    assert tagged == set()


def test_tags_read_from_a_json_string_or_an_object_sorted_by_key() -> None:
    from_string = StackConfig.from_mapping({"tags": json.dumps(TAGS)})
    from_object = StackConfig.from_mapping({"tags": TAGS})  # cdk.json's context holds an object

    assert from_string.tags == from_object.tags == tuple(sorted(TAGS.items()))
    assert StackConfig.from_mapping({}).tags == ()


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("team=identity", "not JSON"),
        ('["team", "identity"]', "JSON object"),
        ('{"team": 3}', "'team'"),
        ('{"": "x"}', "''"),
        ('{"team!": "x"}', "'team!'"),
        ('{"t": "line\\nbreak"}', "'t'"),
        ('{"aws:createdBy": "me"}', "'aws:createdBy'"),
        ('{"AWS:x": "me"}', "'AWS:x'"),
        (json.dumps({"k" * 129: "x"}), "k" * 129),
        (json.dumps({"long": "v" * 257}), "'long'"),
        (json.dumps({f"k{i}": "v" for i in range(MAX_TAGS + 1)}), f"at most {MAX_TAGS}"),
    ],
)
def test_a_wrong_tag_stops_synth_naming_the_setting_and_the_tag(raw: str, named: str) -> None:
    with pytest.raises(ConfigError) as error:
        StackConfig.from_mapping({"tags": raw})

    assert str(error.value).startswith("tags")
    assert named in str(error.value)


def test_the_longest_tags_aws_accepts_are_accepted() -> None:
    config = StackConfig.from_mapping({"tags": {"k" * 128: "v" * 256, "empty value": ""}})

    assert dict(config.tags) == {"k" * 128: "v" * 256, "empty value": ""}
