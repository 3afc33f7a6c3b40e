"""Answers API Gateway and WAF give themselves carry the same security headers as the function's: every gateway
response and every WAF block response in the template, whatever new ones are added."""

from __future__ import annotations

import json
from typing import Any

from tests.synth import Synthesized

SECURITY_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def waf_custom_responses(synth: Synthesized) -> list[dict[str, Any]]:
    found = []
    for acl in synth.of_type("AWS::WAFv2::WebACL").values():
        for rule in acl["Properties"]["Rules"]:
            block = rule.get("Action", {}).get("Block", {})
            if "CustomResponse" in block:
                found.append(block["CustomResponse"])
    return found


def test_every_gateway_response_carries_the_security_headers(each_mode: Synthesized) -> None:
    responses = each_mode.of_type("AWS::ApiGateway::GatewayResponse")

    assert responses
    for response_id, response in responses.items():
        parameters = response["Properties"]["ResponseParameters"]
        for name, value in SECURITY_HEADERS.items():
            # A gateway response header value is a mapping expression: a literal is quoted.
            assert parameters.get(f"gatewayresponse.header.{name}") == f"'{value}'", (response_id, name)


def test_every_waf_block_response_carries_the_security_headers_and_a_body_of_its_shape(each_mode: Synthesized) -> None:
    # Either shape, never a mix: a problem (its status is the response's) or Cognito's (`__type` equal to the
    # x-amzn-ErrorType header, and no `code` field, which Amplify would read first).
    (acl,) = each_mode.of_type("AWS::WAFv2::WebACL").values()
    bodies = acl["Properties"]["CustomResponseBodies"]
    responses = waf_custom_responses(each_mode)

    assert responses
    for response in responses:
        headers = {header["Name"]: header["Value"] for header in response["ResponseHeaders"]}
        assert {name: headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
        body = bodies[response["CustomResponseBodyKey"]]
        assert body["ContentType"] == "APPLICATION_JSON"
        document = json.loads(body["Content"])
        if "x-amzn-ErrorType" in headers:
            assert set(document) == {"__type", "message"}
            assert document["__type"] == headers["x-amzn-ErrorType"]
        else:
            assert document["status"] == response["ResponseCode"]
            assert "__type" not in document
