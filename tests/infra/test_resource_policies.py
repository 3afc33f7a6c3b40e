"""Resource policies the stack writes: each one replaces the service's default policy, so whatever the default let
in must be allowed again explicitly, or the resource goes silent (issue 24: the alarm topic let nobody publish)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.monitoring import ALARM_SERVICE_KEY_ACTIONS, ALARM_SERVICE_PRINCIPAL
from tests.synth import Synthesized, policy_document, synthesize

# Resource types whose policy property replaces the service's default policy, and that property. A template holding
# any other resource policy fails test_every_resource_policy_is_a_reviewed_kind until it is reviewed and added here.
REPLACING_POLICIES = {
    "AWS::SNS::TopicPolicy": "PolicyDocument",
    "AWS::KMS::Key": "KeyPolicy",
    "AWS::SQS::QueuePolicy": "PolicyDocument",
    "AWS::S3::BucketPolicy": "PolicyDocument",
    "AWS::SecretsManager::ResourcePolicy": "ResourcePolicy",
    "AWS::Logs::ResourcePolicy": "PolicyDocument",
}
# Identity policies (attached to the stack's own roles) do not replace any default and are checked elsewhere.
IDENTITY_POLICY_TYPES = {"AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::ManagedPolicy"}
POLICY_PROPERTIES = {"PolicyDocument", "KeyPolicy", "ResourcePolicy", "Policy", "PolicyText", "AccessPolicies"}


def _statements(document: Any) -> list[dict[str, Any]]:
    statements = policy_document(document)["Statement"]
    return statements if isinstance(statements, list) else [statements]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _allows(statement: dict[str, Any], service: str, action: str) -> bool:
    if statement["Effect"] != "Allow":
        return False
    services = _as_list(statement.get("Principal", {}).get("Service", []))
    actions = _as_list(statement["Action"])
    granted = any(a == action or (a.endswith("*") and action.startswith(a[:-1])) for a in actions)
    return service in services and granted


def _scoped_to_this_account(statement: dict[str, Any]) -> bool:
    condition = statement.get("Condition", {})
    return {"Ref": "AWS::AccountId"} in [
        condition.get("StringEquals", {}).get("aws:SourceAccount"),
    ]


@pytest.fixture(scope="module")
def waf_logging(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The stack with WAF logging, whose CloudWatch Logs resource policy lets log delivery write."""
    return synthesize({"wafLogging": "true"}, tmp_path_factory.mktemp("policies-waf-logging"))


@pytest.fixture(params=["demo", "existing", "agnostic_copy", "waf_logging"])
def each_template(request: pytest.FixtureRequest) -> Synthesized:
    synthesized: Synthesized = request.getfixturevalue(request.param)
    return synthesized


def _notified_topics(synthesized: Synthesized) -> set[str]:
    """The logical ids of the stack's topics that any alarm notifies (alarm, OK or insufficient-data actions)."""
    topics = set()
    for alarm in synthesized.of_type("AWS::CloudWatch::Alarm").values():
        properties = alarm["Properties"]
        for key in ("AlarmActions", "OKActions", "InsufficientDataActions"):
            for action in properties.get(key, []):
                if isinstance(action, dict) and "Ref" in action:
                    topics.add(action["Ref"])
    return topics


def test_every_topic_an_alarm_notifies_lets_cloudwatch_publish(existing: Synthesized) -> None:
    # Given the stack with an alarm e-mail (its own encrypted topic)
    topics = _notified_topics(existing)
    policies = existing.of_type("AWS::SNS::TopicPolicy").values()

    # Then each notified topic has a policy allowing CloudWatch, for this account only, and still refusing plain HTTP
    assert topics, "the stack with alarmEmail notifies its own topic"
    for topic in topics:
        (policy,) = [p for p in policies if {"Ref": topic} in p["Properties"]["Topics"]]
        statements = _statements(policy["Properties"]["PolicyDocument"])
        (publish,) = [s for s in statements if _allows(s, ALARM_SERVICE_PRINCIPAL, "sns:Publish")]
        assert _scoped_to_this_account(publish)
        assert publish["Resource"] == {"Ref": topic}
        assert any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in statements
        )


def test_the_alarm_topics_key_lets_cloudwatch_encrypt_for_this_account_only(existing: Synthesized) -> None:
    # Given each notified topic's customer-managed key
    for topic in _notified_topics(existing):
        key_ref = existing.resources[topic]["Properties"]["KmsMasterKeyId"]
        key_id = key_ref["Fn::GetAtt"][0]
        statements = _statements(existing.resources[key_id]["Properties"]["KeyPolicy"])

        # Then CloudWatch may use it for every action SNS needs, scoped to this account's alarms
        for action in ALARM_SERVICE_KEY_ACTIONS:
            allowing = [s for s in statements if _allows(s, ALARM_SERVICE_PRINCIPAL, action.rstrip("*"))]
            assert allowing and all(_scoped_to_this_account(s) for s in allowing), action


def test_every_resource_policy_is_a_reviewed_kind(each_template: Synthesized) -> None:
    # Any resource (not identity) policy in the template must be one whose replacement of a default is checked below.
    found = {
        resource["Type"]
        for resource in each_template.resources.values()
        if resource["Type"] not in IDENTITY_POLICY_TYPES
        and POLICY_PROPERTIES & set(resource.get("Properties", {}))
        and resource["Type"] != "AWS::ApiGateway::RestApi"  # its Policy property is unset; checked just below
    }

    assert found <= set(REPLACING_POLICIES), found - set(REPLACING_POLICIES)
    for api in each_template.of_type("AWS::ApiGateway::RestApi").values():
        assert "Policy" not in api["Properties"]


def test_no_resource_policy_is_deny_only_and_every_service_grant_is_scoped(each_template: Synthesized) -> None:
    # A replacing policy with no Allow lets nobody in (what enforce_ssl alone wrote); a grant to a service principal
    # without aws:SourceAccount lets that service act for any account (confused deputy).
    for logical_id, resource in each_template.resources.items():
        policy_property = REPLACING_POLICIES.get(resource["Type"])
        if policy_property is None:
            continue
        statements = _statements(resource["Properties"][policy_property])

        assert any(s["Effect"] == "Allow" for s in statements), logical_id
        for statement in statements:
            if statement["Effect"] == "Allow" and "Service" in statement.get("Principal", {}):
                assert _scoped_to_this_account(statement), (logical_id, statement.get("Sid"))
