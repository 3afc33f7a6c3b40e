"""Which operations INIT imports: none where INIT is a caller's cold start, all where INIT runs ahead of traffic.

The route table names each operation's module (routes.py), which a route imports on its first request, so an
on-demand cold start pays only for the operation it serves (docs/performance.md). With SnapStart the snapshot is
taken after INIT and every restored environment starts from it, and with provisioned concurrency INIT runs before
any request: there, importing every operation during INIT costs no caller anything and spares the first request of
each route its import. Lambda says which it is in AWS_LAMBDA_INITIALIZATION_TYPE: `on-demand`,
`provisioned-concurrency` or `snap-start`
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module

from code_screens.routes import ROUTES

AHEAD_OF_TRAFFIC = frozenset({"snap-start", "provisioned-concurrency"})


def preload_operations(environ: Mapping[str, str]) -> bool:
    """Import every route's operation module when `environ`'s AWS_LAMBDA_INITIALIZATION_TYPE says INIT runs ahead
    of traffic; True when it did."""
    if environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") not in AHEAD_OF_TRAFFIC:
        return False
    for route in ROUTES:
        import_module(route.module)
    return True
