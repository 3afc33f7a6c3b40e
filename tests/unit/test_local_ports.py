"""`make run`'s PORT and EMULATOR_PORT: anything but a port number is a one-line message naming the variable."""

from __future__ import annotations

import pytest

from local.__main__ import _port


@pytest.mark.parametrize("value", ["²", "٣٠٠٠", "-1", "65536", "3000 ", "x", ""])
def test_a_value_that_is_not_a_port_number_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    # "²" and Arabic-Indic digits pass str.isdigit(); the first then made int() raise a traceback.
    monkeypatch.setenv("PORT", value)

    with pytest.raises(SystemExit, match=r"^PORT=.* is not a port number"):
        _port("PORT", 3000)


@pytest.mark.parametrize(("value", "port"), [("0", 0), ("8080", 8080), ("65535", 65535)])
def test_a_port_number_is_taken(monkeypatch: pytest.MonkeyPatch, value: str, port: int) -> None:
    monkeypatch.setenv("EMULATOR_PORT", value)

    assert _port("EMULATOR_PORT", 5000) == port
