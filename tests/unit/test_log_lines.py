"""observability.logger: a message is written as the text it is, never parsed."""

from __future__ import annotations

import json

import pytest

from code_screens.observability import logger


def test_a_message_is_never_parsed_as_json(caplog: pytest.LogCaptureFixture) -> None:
    # The function's messages are fixed sentences; Powertools' default would try to parse each one as JSON first.
    with caplog.at_level("INFO"):
        logger.info('{"looks": "like json"}', extra={"code": "invalid_request"})
        logger.info("Code sent")

    # Each record as the function's handler writes it: through Powertools' formatter.
    first, second = (json.loads(logger.registered_formatter.format(record)) for record in caplog.records[-2:])
    assert first["message"] == '{"looks": "like json"}' and first["code"] == "invalid_request"
    assert second["message"] == "Code sent"
