"""The function's answers to every bad body are byte for byte the ones it gave before issue 19 (status, headers,
body): tests/corpus/answers.json was captured from the pydantic model layer, and the JSON Schema layer that
replaced it must say exactly the same thing, field errors' paths, codes and messages included."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from types import ModuleType

import pytest

from tests.corpus.answers import FIXTURE, answer_of, decode_body, every_request, record
from tests.invoke import Invoke

SENT = every_request()


@pytest.fixture
def handler(make_invoke: Callable[..., Invoke], monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    make_invoke()  # the function's environment, pointed at the emulator
    import handler as module

    return module


@pytest.mark.skipif(not os.environ.get("RECAPTURE_ANSWERS"), reason="RECAPTURE_ANSWERS=1 rewrites the fixture")
def test_recapture(handler: ModuleType) -> None:
    entries = [record(sent, *answer_of(handler, sent)) for sent in SENT]
    FIXTURE.write_text(json.dumps(entries, indent=1, ensure_ascii=True) + "\n")


def test_the_fixture_holds_every_request_of_the_set() -> None:
    stored = json.loads(FIXTURE.read_text())

    assert [entry["name"] for entry in stored] == [sent.name for sent in SENT]
    assert [decode_body(entry["request"]["body"]) for entry in stored] == [sent.body for sent in SENT]


def test_every_answer_is_byte_identical_to_the_captured_one(handler: ModuleType) -> None:
    stored = {entry["name"]: entry for entry in json.loads(FIXTURE.read_text())}

    different = []
    for sent in SENT:
        status, headers, body = answer_of(handler, sent)
        expected = stored[sent.name]
        got = (status, [list(pair) for pair in headers], body)
        if got != (expected["status"], expected["headers"], decode_body(expected["body"])):
            different.append(f"{sent.name}: {status} {body!r} != {expected['status']} {expected['body']}")

    assert different == []
