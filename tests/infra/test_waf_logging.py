"""wafLogging=true: WAF's request log in `aws-waf-logs-<stack>`, the permission log delivery needs to write there,
and nothing of the body (username, code) or of the credential headers in it. Off by default."""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest
from aws_cdk.assertions import Annotations, Match

from infra.api_construct import LOG_DELIVERY_PRINCIPAL, WAF_REDACTED_HEADERS
from tests.synth import ACCOUNT, REGION, Synthesized, policy_document, synthesize

STACK = "ResendStaging"
GROUP = f"aws-waf-logs-{STACK}"
DELIVERY_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents"}


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    # Another stack name and retention than the defaults, so both are seen to follow the settings.
    context = {"wafLogging": "true", "logRetentionDays": "90"}
    return synthesize(context, tmp_path_factory.mktemp("waf-logging"), stack_name=STACK)


def concrete(value: Any) -> Any:
    """A template value with the pseudo parameters of the test account filled in (for matching ARNs)."""
    pseudo = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT}
    if isinstance(value, dict) and "Ref" in value:
        return pseudo[value["Ref"]]
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(concrete(part) for part in parts)
    if isinstance(value, list):
        return [concrete(item) for item in value]
    if isinstance(value, dict):
        return {key: concrete(item) for key, item in value.items()}
    return value


def only(synthesized: Synthesized, resource_type: str) -> tuple[str, dict[str, Any]]:
    (item,) = synthesized.of_type(resource_type).items()
    return item


def test_off_by_default(each_mode: Synthesized) -> None:
    assert each_mode.of_type("AWS::WAFv2::LoggingConfiguration") == {}
    assert each_mode.of_type("AWS::Logs::ResourcePolicy") == {}
    assert not [g for g in each_mode.of_type("AWS::Logs::LogGroup").values() if "aws-waf-logs" in str(g)]
    (_, acl) = only(each_mode, "AWS::WAFv2::WebACL")
    assert "DataProtectionConfig" not in acl["Properties"]


def test_the_web_acl_logs_to_a_group_named_as_waf_requires_with_the_configured_retention(logged: Synthesized) -> None:
    (acl_id, _) = only(logged, "AWS::WAFv2::WebACL")
    (_, logging) = only(logged, "AWS::WAFv2::LoggingConfiguration")
    (group_id, group) = next(
        (k, v) for k, v in logged.of_type("AWS::Logs::LogGroup").items() if v["Properties"].get("LogGroupName") == GROUP
    )

    assert group["Properties"]["RetentionInDays"] == 90
    assert group["DeletionPolicy"] == "Delete"
    assert logging["Properties"]["ResourceArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    # WAF refuses the Arn attribute's form (ending ":*"): the destination is the group's bare ARN.
    assert concrete(logging["Properties"]["LogDestinationConfigs"]) == [
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"
    ]
    assert group_id in logging["DependsOn"]


def test_the_credential_headers_are_redacted_in_the_log(logged: Synthesized) -> None:
    (_, logging) = only(logged, "AWS::WAFv2::LoggingConfiguration")

    # "Name" as CloudFormation spells it: CDK passes this JSON-typed property through as written.
    redacted = {field["SingleHeader"]["Name"] for field in logging["Properties"]["RedactedFields"]}
    assert redacted == {"authorization", "cookie"} == set(WAF_REDACTED_HEADERS)


def test_the_body_and_the_credential_headers_are_replaced_wherever_waf_shows_them(logged: Synthesized) -> None:
    # A logging configuration cannot redact a body; the web ACL's data protection can, match details included
    # (a cross-site-scripting match on the body would otherwise quote the username in the log).
    (_, acl) = only(logged, "AWS::WAFv2::WebACL")
    protections = acl["Properties"]["DataProtectionConfig"]["DataProtections"]
    by_type = {p["Field"]["FieldType"]: p for p in protections}

    assert set(by_type) == {"BODY", "SINGLE_HEADER"}
    assert set(by_type["SINGLE_HEADER"]["Field"]["FieldKeys"]) == {"authorization", "cookie"}
    for protection in protections:
        assert protection["Action"] == "SUBSTITUTION"
        assert protection["ExcludeRuleMatchDetails"] is False
        assert protection["ExcludeRateBasedDetails"] is False


def test_log_delivery_may_write_to_this_group_only_for_this_account(logged: Synthesized) -> None:
    # Given the stack's CloudWatch Logs resource policy, with the test account's values filled in
    (policy_id, policy) = only(logged, "AWS::Logs::ResourcePolicy")
    statements = concrete(policy_document(policy["Properties"]["PolicyDocument"])["Statement"])
    stream = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}:log-stream:"
    other_group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:aws-waf-logs-SomeoneElse:log-stream:"

    def allowed(action: str, resource: str, source_account: str) -> bool:
        """Evaluate the policy for log delivery's request, as IAM would for these condition keys."""
        for s in statements:
            actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
            resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
            condition = s.get("Condition", {})
            if (
                s["Effect"] == "Allow"
                and s["Principal"] == {"Service": LOG_DELIVERY_PRINCIPAL}
                and action in actions
                and any(fnmatch.fnmatchcase(resource, pattern) for pattern in resources)
                and condition.get("StringEquals", {}).get("aws:SourceAccount") == source_account
                and fnmatch.fnmatchcase(
                    f"arn:aws:logs:{REGION}:{source_account}:delivery-source:x", condition["ArnLike"]["aws:SourceArn"]
                )
            ):
                return True
        return False

    # Then delivery can create streams and put events in this group, for this account's web ACL
    for action in DELIVERY_ACTIONS:
        assert allowed(action, stream + "waf-stream", ACCOUNT), action
    # And nothing else: not another group, not for another account's delivery (confused deputy)
    assert not allowed("logs:PutLogEvents", other_group + "s", ACCOUNT)
    assert not allowed("logs:PutLogEvents", stream + "s", "210987654321")
    assert not allowed("logs:DeleteLogGroup", stream + "s", ACCOUNT)
    # And the permission is in place before WAF first delivers
    (_, logging) = only(logged, "AWS::WAFv2::LoggingConfiguration")
    assert policy_id in logging["DependsOn"]


def test_waf_logging_passes_cdk_nag(logged: Synthesized) -> None:
    annotations = Annotations.from_stack(logged.stack)

    assert [e.entry.data for e in annotations.find_error("*", Match.any_value())] == []
    nag = annotations.find_warning("*", Match.string_like_regexp("AwsSolutions-.*"))
    assert [w.entry.data for w in nag] == []
