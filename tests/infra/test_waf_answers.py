"""The web ACL's own answers in the shape each door's callers read (issue 20): both APIs share one web ACL, so its
429 and 413 are split on the `X-Amz-Target` header. A request with it (every Cognito SDK sends it) gets Cognito's
shape, `x-amzn-ErrorType` and `{"__type", "message"}` with no `code` (Amplify would read `code` first, botocore
reads only `__type`); one without gets the JSON door's problem+json. One per-IP budget for both: a single rate rule
counts and labels, and the block rules answer its label."""

from __future__ import annotations

import json
from typing import Any

import pytest

from code_screens.doors.cognito_shape import COGNITO_ERRORS
from code_screens.operations.models import MAX_BODY_BYTES
from code_screens.problems import PAYLOAD_TOO_LARGE, RATE_LIMITED, ProblemType
from infra.api_construct import (
    BODY_SIZE_RULE_NAME,
    COGNITO_BODY_SIZE_RULE_NAME,
    COGNITO_RATE_BLOCK_RULE_NAME,
    COGNITO_TARGET_HEADER,
    RATE_BLOCK_RULE_NAME,
    RATE_LIMITED_LABEL,
    RATE_RULE_NAME,
    RATE_WINDOW_SECONDS,
)
from tests.synth import Synthesized

# Names the SDKs retry (docs/cognito-protocol-facts: both measured libraries), and statuses they retry.
RETRIED_NAMES = {"TooManyRequestsException", "LimitExceededException", "ThrottlingException"}
RETRIED_STATUSES = {429, 500, 502, 503, 504}

# The header test both halves of a split rule use: "X-Amz-Target has a value".
CARRIES_TARGET = {
    "SizeConstraintStatement": {
        "FieldToMatch": {"SingleHeader": {"Name": COGNITO_TARGET_HEADER}},
        "ComparisonOperator": "GT",
        "Size": 0,
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
    }
}
LACKS_TARGET = {"NotStatement": {"Statement": CARRIES_TARGET}}
RATE_LABELLED = {"LabelMatchStatement": {"Scope": "LABEL", "Key": RATE_LIMITED_LABEL}}
TOO_LARGE = {
    "SizeConstraintStatement": {
        "FieldToMatch": {"Body": {"OversizeHandling": "MATCH"}},
        "ComparisonOperator": "GT",
        "Size": MAX_BODY_BYTES,
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
    }
}

# Rule → (what it matches, for whom, the problem it answers).
SPLIT_RULES: dict[str, tuple[dict[str, Any], dict[str, Any], ProblemType]] = {
    BODY_SIZE_RULE_NAME: (TOO_LARGE, LACKS_TARGET, PAYLOAD_TOO_LARGE),
    COGNITO_BODY_SIZE_RULE_NAME: (TOO_LARGE, CARRIES_TARGET, PAYLOAD_TOO_LARGE),
    RATE_BLOCK_RULE_NAME: (RATE_LABELLED, LACKS_TARGET, RATE_LIMITED),
    COGNITO_RATE_BLOCK_RULE_NAME: (RATE_LABELLED, CARRIES_TARGET, RATE_LIMITED),
}


def web_acl(synth: Synthesized) -> dict[str, Any]:
    (acl,) = synth.of_type("AWS::WAFv2::WebACL").values()
    properties: dict[str, Any] = acl["Properties"]
    return properties


def rules_by_name(synth: Synthesized) -> dict[str, dict[str, Any]]:
    return {rule["Name"]: rule for rule in web_acl(synth)["Rules"]}


def answer(synth: Synthesized, rule_name: str) -> tuple[int, dict[str, str], dict[str, Any]]:
    """The status, headers and parsed body a block rule answers with."""
    response = rules_by_name(synth)[rule_name]["Action"]["Block"]["CustomResponse"]
    body = web_acl(synth)["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    assert body["ContentType"] == "APPLICATION_JSON"  # a JSON body for both: Amplify throws on any other
    headers = {header["Name"]: header["Value"] for header in response["ResponseHeaders"]}
    return response["ResponseCode"], headers, json.loads(body["Content"])


@pytest.mark.parametrize("rule_name", sorted(SPLIT_RULES))
def test_each_block_rule_matches_its_condition_for_its_callers_only(each_mode: Synthesized, rule_name: str) -> None:
    what, scope, _ = SPLIT_RULES[rule_name]
    rule = rules_by_name(each_mode)[rule_name]

    assert set(rule["Action"]) == {"Block"}
    assert rule["Statement"] == {"AndStatement": {"Statements": [what, scope]}}


@pytest.mark.parametrize("rule_name", [COGNITO_BODY_SIZE_RULE_NAME, COGNITO_RATE_BLOCK_RULE_NAME])
def test_the_cognito_callers_blocks_answer_in_cognitos_shape(existing: Synthesized, rule_name: str) -> None:
    problem_type = SPLIT_RULES[rule_name][2]
    expected = COGNITO_ERRORS[problem_type.code]

    status, headers, body = answer(existing, rule_name)

    assert status == expected.status == problem_type.status
    assert headers["x-amzn-ErrorType"] == expected.error_type
    # Exactly Cognito's two fields: no `code` (Amplify reads it before `__type`), no problem fields.
    assert body == {"__type": expected.error_type, "message": problem_type.detail}
    # The one allowed origin may read the answer, error type included (a browser hides unexposed headers).
    assert headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "x-amzn-ErrorType" in headers["Access-Control-Expose-Headers"].split(",")


@pytest.mark.parametrize("rule_name", [BODY_SIZE_RULE_NAME, RATE_BLOCK_RULE_NAME])
def test_the_json_callers_blocks_stay_problems(existing: Synthesized, rule_name: str) -> None:
    problem_type = SPLIT_RULES[rule_name][2]

    status, headers, body = answer(existing, rule_name)

    assert status == problem_type.status
    assert (body["code"], body["status"]) == (problem_type.code, problem_type.status)
    assert "__type" not in body and "x-amzn-ErrorType" not in headers


def test_the_rate_limit_is_throttling_to_the_sdks_and_the_size_limit_is_retried_by_none(existing: Synthesized) -> None:
    rate_status, rate_headers, rate_body = answer(existing, COGNITO_RATE_BLOCK_RULE_NAME)
    size_status, size_headers, size_body = answer(existing, COGNITO_BODY_SIZE_RULE_NAME)

    # Throttling: a name the SDKs back off on, the rate window in Retry-After, as the JSON door's 429 says.
    assert (rate_status, rate_body["__type"]) == (429, "TooManyRequestsException")
    assert rate_body["__type"] in RETRIED_NAMES
    assert rate_headers["Retry-After"] == answer(existing, RATE_BLOCK_RULE_NAME)[1]["Retry-After"]
    assert rate_headers["Retry-After"] == str(RATE_WINDOW_SECONDS)
    # Too large stays too large on a retry: nothing about it may make an SDK send it again.
    assert size_status not in RETRIED_STATUSES and size_body["__type"] not in RETRIED_NAMES
    assert "Retry-After" not in size_headers


def test_one_per_ip_budget_counted_once_and_answered_by_both_block_rules(each_mode: Synthesized) -> None:
    rules = rules_by_name(each_mode)
    rate_rules = [rule for rule in rules.values() if "RateBasedStatement" in rule["Statement"]]

    # One rate-based rule in the one web ACL both stages share (tests/infra/test_cognito_api.py): one budget per IP.
    assert [rule["Name"] for rule in rate_rules] == [RATE_RULE_NAME]
    (rate,) = rate_rules
    assert rate["Action"] == {"Count": {}}
    assert rate["RuleLabels"] == [{"Name": RATE_LIMITED_LABEL}]
    # WAF evaluates by priority and a label exists only for rules after the one that adds it.
    for name in (RATE_BLOCK_RULE_NAME, COGNITO_RATE_BLOCK_RULE_NAME):
        assert rules[name]["Priority"] > rate["Priority"]
    # Nothing but these two matches the label, and no terminating rule sits between the count and the blocks.
    labelled = [name for name, rule in rules.items() if RATE_LIMITED_LABEL in json.dumps(rule["Statement"])]
    assert sorted(labelled) == sorted([RATE_BLOCK_RULE_NAME, COGNITO_RATE_BLOCK_RULE_NAME])
    between = [
        name
        for name, rule in rules.items()
        if rate["Priority"] < rule["Priority"] < max(rules[n]["Priority"] for n in labelled) and name not in labelled
    ]
    assert between == []


def test_each_split_pair_covers_every_request_exactly_once(each_mode: Synthesized) -> None:
    # The two scopes are a statement and its negation, so every over-the-limit request gets exactly one answer.
    for json_rule, cognito_rule in (
        (BODY_SIZE_RULE_NAME, COGNITO_BODY_SIZE_RULE_NAME),
        (RATE_BLOCK_RULE_NAME, COGNITO_RATE_BLOCK_RULE_NAME),
    ):
        rules = rules_by_name(each_mode)
        json_what, json_scope = rules[json_rule]["Statement"]["AndStatement"]["Statements"]
        cognito_what, cognito_scope = rules[cognito_rule]["Statement"]["AndStatement"]["Statements"]
        assert json_what == cognito_what
        assert json_scope == {"NotStatement": {"Statement": cognito_scope}}
