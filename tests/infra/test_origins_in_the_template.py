"""Hybrid-app origins go through synth unchanged in meaning: the function's ALLOWED_ORIGINS and API Gateway's
preflight get the browser form, and the function reads the value it is given without refusing it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from code_screens.settings import Settings
from tests.synth import synthesize

pytestmark = pytest.mark.slow  # synth: each test synthesizes a stack of its own

TYPED = "capacitor://localhost, https://App.Example.com:443/, ionic://localhost"
SERIALISED = ("capacitor://localhost", "https://app.example.com", "ionic://localhost")


def test_hybrid_origins_reach_the_function_and_the_preflight(tmp_path: Path) -> None:
    synthesized = synthesize({"allowedOrigins": TYPED}, tmp_path)

    functions = [f for f in synthesized.of_type("AWS::Lambda::Function").values() if "ALLOWED_ORIGINS" in json.dumps(f)]
    assert len(functions) == 1
    env = functions[0]["Properties"]["Environment"]["Variables"]
    assert env["ALLOWED_ORIGINS"] == ",".join(SERIALISED)
    settings = Settings.from_env({"APP_CLIENTS": json.dumps({"c": "s"}), "ALLOWED_ORIGINS": env["ALLOWED_ORIGINS"]})
    assert settings.allowed_origins == SERIALISED and settings.allowed_origins_error is None

    preflights = [
        m for m in synthesized.of_type("AWS::ApiGateway::Method").values() if m["Properties"]["HttpMethod"] == "OPTIONS"
    ]
    assert preflights
    preflight = json.dumps(preflights)
    for origin in SERIALISED:
        assert origin in preflight


@pytest.mark.parametrize("origins", ["*", "null", "https://app.example.com/signup"])
def test_a_bad_origin_stops_synth_naming_the_key(tmp_path: Path, origins: str) -> None:
    with pytest.raises(ValueError, match="allowedOrigins"):
        synthesize({"allowedOrigins": origins}, tmp_path)
