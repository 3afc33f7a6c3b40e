"""Schemathesis against the OpenAPI document and the local server: no 5xx, and every response conforms.

Two settings of its checks, on purpose: `positive_data_acceptance` is off because the document cannot carry the
username's Unicode-category pattern (see request_model.portable_json_schema), so some schema-valid usernames
are rightly refused with 400; and an invalid body too large for the 8 KiB limit is rightly refused with 413.

The Cognito door (`POST /`, operation cognitoProtocol) is fuzzed too, its answers checked against its Cognito-shaped
responses, with one check off for it alone: `unsupported_method` expects 405 for an undeclared method, and the door
answers 404 `UnknownOperationException` as its deployed REST API does (API Gateway has no method there, so its
MISSING_AUTHENTICATION_TOKEN gateway response answers, in Cognito's shape: tests/infra/test_cognito_api.py).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from code_screens.doors.cognito_shape import MEDIA_TYPE
from local.openapi import openapi_document
from tests.local_stack import LocalApi

CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"enabled": False},
            "negative_data_rejection": {"expected-statuses": [400, 403, 404, 405, 413, 415]},
        },
        "operations": [
            {"include-operation-id": "cognitoProtocol", "checks": {"unsupported_method": {"enabled": False}}},
        ],
    }
)
# The door's body is JSON under the protocol's own media type (application/x-amz-json-1.1), sent with that
# Content-Type, as the SDKs send it.
schemathesis.serializer.alias(MEDIA_TYPE, "application/json")
schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


@pytest.mark.slow  # property-based over HTTP: hundreds of generated requests
@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(case: schemathesis.Case, local_api: LocalApi) -> None:
    case.call_and_validate(base_url=local_api.url)
