"""The local server's code ageing (`POST /_local/outbox/age`): only forward in time, and never a 500."""

import json

import pytest

from local.server import MAX_CODE_AGE_SECONDS, local_route


@pytest.mark.parametrize("seconds", [-5, 1e308, "nan", "inf", MAX_CODE_AGE_SECONDS + 1])
def test_ageing_by_a_negative_huge_or_non_finite_amount_is_refused(seconds: object) -> None:
    response = local_route("POST", "/_local/outbox/age", json.dumps({"seconds": seconds}).encode())

    assert response is not None and response.status == 400
    assert json.loads(response.body)["message"] == f"seconds must be a number from 0 to {MAX_CODE_AGE_SECONDS}"
