"""The asset ships bytecode compiled by the runtime's own Python (3.14, through Pyodide), in checked-hash mode:
each .pyc names the exact source it was compiled from, so the runtime never runs a stale one (PEP 552)."""

from __future__ import annotations

import _imp
from pathlib import Path

import pytest

from infra.asset import RUNTIME_VERSION, asset_files, shipped_files
from infra.bytecode import BytecodeError, compile_for_runtime
from infra.function_construct import RUNTIME
from tests.synth import Synthesized

pytestmark = pytest.mark.slow  # bytecode: CPython 3.14 through Pyodide, and a synthesized stack

CHECKED_HASH = 0b11  # PEP 552 flags: hash-based, check the source


def shipped_asset(synth: Synthesized) -> Path:
    (function,) = [
        v["Properties"]
        for v in synth.of_type("AWS::Lambda::Function").values()
        if v["Properties"].get("Handler") == "handler.lambda_handler"
    ]
    return synth.assembly_dir / f"asset.{function['Code']['S3Key'].removesuffix('.zip')}"


def test_every_source_ships_with_checked_hash_bytecode_of_that_very_source(demo: Synthesized) -> None:
    asset = shipped_asset(demo)
    sources = asset_files()

    assert len(shipped_files(asset)) == 2 * len(sources)
    for source in sources:
        pyc = (asset / source.parent / "__pycache__" / f"{source.stem}.cpython-314.pyc").read_bytes()
        magic = pyc[:4]
        assert int.from_bytes(pyc[4:8], "little") == CHECKED_HASH
        # The hash the runtime will compare: SipHash of the source, keyed with the runtime's magic number.
        assert pyc[8:16] == _imp.source_hash(int.from_bytes(magic, "little"), (asset / source).read_bytes())
        assert pyc[8:16] != _imp.source_hash(int.from_bytes(magic, "little"), (asset / source).read_bytes() + b"#")


def test_the_bytecode_is_for_the_stacks_runtime() -> None:
    assert RUNTIME.name == f"python{RUNTIME_VERSION}"


def test_the_compiler_is_the_runtimes_python_and_refuses_another_version() -> None:
    tag, bytecode = compile_for_runtime({"a.py": "x = 1\n"}, "3.14")

    assert tag == "cpython-314"
    assert list(bytecode) == ["__pycache__/a.cpython-314.pyc"]
    with pytest.raises(BytecodeError, match=r"not the runtime's 3\.13"):
        compile_for_runtime({"a.py": "x = 1\n"}, "3.13")


def test_a_source_the_runtime_cannot_compile_fails_the_build() -> None:
    with pytest.raises(BytecodeError, match="could not compile"):
        compile_for_runtime({"a.py": "def broken(:\n"}, "3.14")
