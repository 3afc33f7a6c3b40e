"""The JSON door's endpoints are made when code_screens/doors/json_api.py is imported (one per route of the route
table, at INIT), before any test starts. Rebuilt here, inside the test, and served through a handler loaded on the
rebuilt router, they must still serve each route's operation under its operation id and summary: a change to the
code that makes them cannot hide behind the import."""

from __future__ import annotations

import json
from collections.abc import Callable

from code_screens.routes import ROUTES
from local.seed import UNCONFIRMED_USER
from tests.invoke import Invoke
from tests.rebuild import rebuilt


def test_the_rebuilt_endpoints_serve_their_routes(make_invoke: Callable[..., Invoke]) -> None:
    with rebuilt("code_screens.doors.json_api") as (json_api,):
        endpoints = {key[0]: function for key, function in json_api.router._routes.items()}
        invoke = make_invoke()  # handler.py reloaded: it includes the rebuilt router

        answers = {route.path: invoke({"username": UNCONFIRMED_USER}, path=route.path) for route in ROUTES}
    make_invoke()  # handler.py loaded again, on the router that was put back

    assert {path: (f.__name__, f.__qualname__, f.__doc__) for path, f in endpoints.items()} == {
        route.path: (route.operation_id, route.operation_id, route.summary) for route in ROUTES
    }
    for route in ROUTES:
        # Each route ran its own operation: a neutral answer where a username is all it needs (resend, forgot
        # password), a refusal of the missing fields where it needs more (a code, a password).
        answer = answers[route.path]
        if route.operation.request_model.SCHEMA.schema["required"] == ["username"]:
            assert answer.status == 200, answer
        else:
            assert (answer.status, json.loads(answer.body)["code"]) == (400, "invalid_request")
