"""`make smoke ENDPOINT_URL=...`: probe a deployed endpoint without sending any code.

Usage: python -m ops.smoke ENDPOINT_URL [--origin https://app.example.com] [--cognito-endpoint URL]

ENDPOINT_URL is the stack's `EndpointUrl` output (the resend route's full URL). Eight probes, one line each, exit
code 1 on any mismatch:
- a random username no account can have gets the neutral 200 with the documented headers (nothing is sent:
  there is no such user);
- the confirm route, next to it, answers that username and a made-up code like a wrong code (400
  code_mismatch, problem+json): the route is deployed and reaches Cognito with a hash it accepts;
- the forgot-password route answers that username the neutral 200 (no such user: nothing is sent);
- the confirm-forgot-password route refuses a weak new password with 400 invalid_password before Cognito, and answers
  a made-up code with a strong one like a wrong code (400 code_mismatch: no such user, so no password changes);
- a CORS preflight from `--origin` (one of allowedOrigins) is allowed for that origin (skipped without one);
- an unknown route gets the gateway's problem+json 404;
- a body of the wrong shape gets a problem+json 4xx;
- the Cognito door (`--cognito-endpoint`, the stack's `CognitoEndpointUrl` output; skipped without one) refuses an
  operation it does not serve (`InitiateAuth`) in Cognito's shape: 400, `x-amzn-ErrorType` and a body `__type`
  `UnknownOperationException`, no `code` field. Nothing reaches Cognito: the door refuses the target first.
Only the standard library: it runs wherever Python does.
"""

from __future__ import annotations

import argparse
import http.client
import json
import secrets
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import Message
from functools import partial

PROBLEM_CONTENT_TYPE = "application/problem+json"
TIMEOUT_SECONDS = 15
# The confirm route's path (code_screens.routes.CONFIRM_SIGN_UP.path; a test keeps them equal): this file uses the
# standard library only.
CONFIRM_SIGN_UP_PATH = "/confirm-sign-up"
# The password-reset routes' paths (code_screens.routes.FORGOT_PASSWORD and CONFIRM_FORGOT_PASSWORD; the same test).
FORGOT_PASSWORD_PATH = "/forgot-password"
CONFIRM_FORGOT_PASSWORD_PATH = "/confirm-forgot-password"
# The Cognito door's protocol (code_screens.doors.cognito_shape; a test keeps them equal).
COGNITO_MEDIA_TYPE = "application/x-amz-json-1.1"
COGNITO_TARGET_PREFIX = "AWSCognitoIdentityProviderService."
# An operation the door never serves (forwarding it with the secret hash would publish the secret).
REFUSED_OPERATION = "InitiateAuth"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, headers (case-insensitive) and body text."""

    status: int
    headers: Message
    body: str

    def json(self) -> dict[str, object]:
        try:
            document = json.loads(self.body)
        except ValueError:
            return {}
        return document if isinstance(document, dict) else {}

    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def request(url: str, method: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
    """One HTTP request; 4xx and 5xx are answers, not exceptions."""
    prepared = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310 (https URL the operator gives)
    try:
        with urllib.request.urlopen(prepared, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return Answer(response.status, response.headers, response.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read().decode("utf-8", "replace"))


def _line(ok: bool, name: str, detail: str) -> tuple[bool, str]:
    return ok, f"{'PASS' if ok else 'FAIL'}  {name}: {detail}"


def neutral_answer(endpoint: str) -> tuple[bool, str]:
    """A username no account can have (a random .invalid address) gets the neutral 200 and its headers."""
    username = f"smoke-{secrets.token_hex(8)}@example.invalid"
    answer = request(
        endpoint,
        "POST",
        json.dumps({"username": username}).encode(),
        {"Content-Type": "application/json"},
    )
    problems = []
    if answer.status != 200:
        problems.append(f"status {answer.status}")
    if answer.media_type() != "application/json":
        problems.append(f"Content-Type {answer.headers.get('Content-Type')!r}")
    if answer.headers.get("Cache-Control") != "no-store":
        problems.append("no Cache-Control: no-store")
    if (answer.headers.get("X-Content-Type-Options") or "").lower() != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not isinstance(answer.json().get("message"), str):
        problems.append("no message in the body")
    return _line(not problems, "neutral answer", "; ".join(problems) or "200 with the documented headers")


def confirm_route(endpoint: str) -> tuple[bool, str]:
    """The confirm route answers a username no account can have, with a made-up code, like a wrong code."""
    url = endpoint.rstrip("/").rsplit("/", 1)[0] + CONFIRM_SIGN_UP_PATH
    username = f"smoke-{secrets.token_hex(8)}@example.invalid"
    body = json.dumps({"username": username, "confirmationCode": "000000"}).encode()
    answer = request(url, "POST", body, {"Content-Type": "application/json"})
    code = answer.json().get("code")
    ok = answer.status == 400 and answer.media_type() == PROBLEM_CONTENT_TYPE and code == "code_mismatch"
    return _line(ok, "confirm route", f"status {answer.status}, code {code!r}")


def _route(endpoint: str, path: str) -> str:
    return endpoint.rstrip("/").rsplit("/", 1)[0] + path


def forgot_password_route(endpoint: str) -> tuple[bool, str]:
    """The forgot-password route answers a username no account can have with the neutral 200 (nothing is sent)."""
    username = f"smoke-{secrets.token_hex(8)}@example.invalid"
    body = json.dumps({"username": username}).encode()
    answer = request(_route(endpoint, FORGOT_PASSWORD_PATH), "POST", body, {"Content-Type": "application/json"})
    ok = answer.status == 200 and answer.media_type() == "application/json" and "message" in answer.json()
    return _line(ok, "forgot-password route", f"status {answer.status}")


def confirm_forgot_password_route(endpoint: str) -> tuple[bool, str]:
    """The confirm-forgot-password route refuses a weak password before Cognito (invalid_password) and answers a
    made-up code with a strong password like a wrong code, for a username no account can have."""
    url = _route(endpoint, CONFIRM_FORGOT_PASSWORD_PATH)
    username = f"smoke-{secrets.token_hex(8)}@example.invalid"
    codes = []
    # One letter breaks every policy; 100 characters of every class meet any (Cognito's minimum is at most 99).
    for password in ("a", "Aa1!" + secrets.token_hex(48)):
        body = json.dumps({"username": username, "confirmationCode": "000000", "password": password}).encode()
        answer = request(url, "POST", body, {"Content-Type": "application/json"})
        codes.append((answer.status, answer.media_type(), answer.json().get("code")))
    ok = codes == [(400, PROBLEM_CONTENT_TYPE, "invalid_password"), (400, PROBLEM_CONTENT_TYPE, "code_mismatch")]
    detail = ", ".join(f"{status} {code!r}" for status, _, code in codes)
    return _line(ok, "confirm-forgot-password route", f"weak then strong password: {detail}")


def cors_preflight(endpoint: str, origin: str | None) -> tuple[bool, str]:
    """An OPTIONS preflight from an allowed origin is allowed, for that origin exactly."""
    if not origin:
        return True, "SKIP  cors preflight: no --origin given (the stack allows no browser origin, or say which)"
    answer = request(
        endpoint,
        "OPTIONS",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    allowed = answer.headers.get("Access-Control-Allow-Origin")
    ok = 200 <= answer.status < 300 and allowed == origin
    return _line(ok, "cors preflight", f"status {answer.status}, Access-Control-Allow-Origin {allowed!r}")


def unknown_route(endpoint: str) -> tuple[bool, str]:
    """A path next to the route that no route serves: the problem+json 404."""
    url = endpoint.rstrip("/").rsplit("/", 1)[0] + f"/smoke-unknown-{secrets.token_hex(4)}"
    answer = request(url, "GET")
    ok = answer.status == 404 and answer.media_type() == PROBLEM_CONTENT_TYPE
    code = answer.json().get("code")
    return _line(ok and code == "not_found", "unknown route", f"status {answer.status}, code {code!r}")


def bad_body(endpoint: str) -> tuple[bool, str]:
    """A body of the wrong shape: a problem+json 4xx, from the gateway's validator or the function."""
    answer = request(endpoint, "POST", b'{"username": 42}', {"Content-Type": "application/json"})
    ok = 400 <= answer.status < 500 and answer.media_type() == PROBLEM_CONTENT_TYPE
    return _line(ok, "bad body", f"status {answer.status}, code {answer.json().get('code')!r}")


def cognito_door_refuses(cognito_endpoint: str | None) -> tuple[bool, str]:
    """The Cognito door refuses an operation it does not serve, in Cognito's error shape, before any AWS call."""
    if not cognito_endpoint:
        return True, "SKIP  cognito door: no --cognito-endpoint given (the stack's CognitoEndpointUrl output)"
    answer = request(
        cognito_endpoint,
        "POST",
        b'{"ClientId": "smoke", "AuthFlow": "USER_PASSWORD_AUTH"}',
        {"Content-Type": COGNITO_MEDIA_TYPE, "X-Amz-Target": COGNITO_TARGET_PREFIX + REFUSED_OPERATION},
    )
    body = answer.json()
    error_type = answer.headers.get("x-amzn-ErrorType")
    # botocore reads only __type, Amplify reads `code` before __type: Cognito's shape is the header and __type only.
    ok = (
        answer.status == 400
        and error_type == "UnknownOperationException"
        and body.get("__type") == "UnknownOperationException"
        and "code" not in body
    )
    return _line(
        ok, "cognito door", f"status {answer.status}, x-amzn-ErrorType {error_type!r}, __type {body.get('__type')!r}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the probes and print one line each; 0 when all pass, 1 otherwise."""
    parser = argparse.ArgumentParser(prog="python -m ops.smoke", description=__doc__.splitlines()[0])
    parser.add_argument("endpoint_url", help="the stack's EndpointUrl output")
    parser.add_argument("--origin", help="one of the stack's allowedOrigins, for the CORS probe")
    parser.add_argument("--cognito-endpoint", help="the stack's CognitoEndpointUrl output, for the Cognito door probe")
    args = parser.parse_args(argv)
    if not args.endpoint_url.startswith(("https://", "http://")):
        print("FAIL  endpoint: ENDPOINT_URL must be the stack's EndpointUrl output (https://...)")
        return 1
    results: list[tuple[bool, str]] = []
    probes: list[Callable[[], tuple[bool, str]]] = [
        partial(neutral_answer, args.endpoint_url),
        partial(confirm_route, args.endpoint_url),
        partial(forgot_password_route, args.endpoint_url),
        partial(confirm_forgot_password_route, args.endpoint_url),
        partial(cors_preflight, args.endpoint_url, args.origin),
        partial(unknown_route, args.endpoint_url),
        partial(bad_body, args.endpoint_url),
        partial(cognito_door_refuses, args.cognito_endpoint),
    ]
    for probe in probes:
        try:
            results.append(probe())
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            results.append(_line(False, "endpoint", f"unreachable ({type(error).__name__}: {error})"))
            break
        except http.client.HTTPException as error:  # something answered, but not in HTTP (a wrong port)
            results.append(_line(False, "endpoint", f"did not answer in HTTP ({type(error).__name__})"))
            break
        except ValueError as error:  # urllib's word for a URL it cannot parse (http.client.InvalidURL included)
            results.append(_line(False, "endpoint", f"not a usable URL ({error})"))
            break
    for _, line in results:
        print(line)
    failed = sum(not ok for ok, _ in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
