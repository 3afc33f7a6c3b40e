"""SnapStart: what an execution environment restored from a snapshot must not share with its siblings.

With `-c snapStart=true` Lambda runs INIT once per published version, snapshots the environment, and restores many
environments from that one snapshot. Whatever INIT left in memory is then shared by all of them:

- cached secrets: INIT reads none (the secret is read on first use), but a snapshot must never carry one, and a
  restored environment may start days after the snapshot, so the cache is dropped whatever it holds;
- the AWS clients' pooled connections: INIT opens none, but a restored environment must not reuse a socket that
  belonged to the snapshotted one, so the pools are closed (the clients reopen them on their next call; their
  credentials come from Lambda's container credentials endpoint and refresh by themselves);
- the `random` module's state: identical in every restored environment (botocore draws its retry jitter from
  it), so it is re-seeded from the operating system.

The hook goes through `snapshot_restore_py`, which Lambda's Python runtimes provide (3.12 and later,
https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-python.html); the runtime calls it after a
restore and must see it finish within 10 seconds. Without SnapStart it is registered and never called.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Protocol

from code_screens import app_secrets


class ClosableClient(Protocol):
    """A botocore client: `close()` closes its pooled connections; the client stays usable."""

    def close(self) -> None: ...


def after_restore(clients: Iterable[ClosableClient]) -> None:
    """Drop what must not be shared between environments restored from one snapshot (see the module)."""
    app_secrets.forget_cached_secrets()
    for client in clients:
        client.close()
    random.seed()  # from os.urandom, which differs in each restored environment


def register_hooks(clients: Iterable[ClosableClient]) -> bool:
    """Register after_restore(clients) with Lambda's runtime; False where there is no runtime to run it."""
    try:
        from snapshot_restore_py import register_after_restore
    except ImportError:  # outside Lambda (local server, tests without it): nothing is ever restored
        return False
    register_after_restore(after_restore, tuple(clients))
    return True
