"""INIT's cold-start remedies leave the environment as it should be: the garbage collector back on with the
import's objects frozen out of its sight."""

from __future__ import annotations

import gc
from collections.abc import Callable

from local.seed import UNCONFIRMED_USER
from tests.invoke import Invoke


def test_the_collector_is_back_on_after_init_with_the_imports_frozen(make_invoke: Callable[..., Invoke]) -> None:
    gc.unfreeze()

    invoke = make_invoke()

    assert gc.isenabled()
    assert gc.get_freeze_count() > 10_000  # everything the import left alive
    assert invoke({"username": UNCONFIRMED_USER}).status == 200
    gc.unfreeze()  # give the rest of the test run its collector back as it was
