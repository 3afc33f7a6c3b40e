"""How a failed AWS call reads, whichever service answered: its error code, or the problem a network failure is."""

from __future__ import annotations

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from code_screens.problems import UPSTREAM_TIMEOUT, UPSTREAM_UNAVAILABLE, ProblemType


def error_code(error: ClientError) -> str:
    """The AWS error code of a botocore ClientError ("Unknown" when the answer carried none)."""
    return str(error.response.get("Error", {}).get("Code", "Unknown"))


def error_message(error: ClientError) -> str:
    """The AWS error message of a botocore ClientError ("" when the answer carried none)."""
    return str(error.response.get("Error", {}).get("Message", ""))


def transport_problem(error: BaseException | None) -> ProblemType | None:
    """The problem for a network-level failure talking to AWS, or None when it is not one."""
    # ConnectTimeoutError is also an EndpointConnectionError: test for timeouts first.
    if isinstance(error, (ConnectTimeoutError, ReadTimeoutError)):
        return UPSTREAM_TIMEOUT
    if isinstance(error, (EndpointConnectionError, ConnectionClosedError)):
        return UPSTREAM_UNAVAILABLE
    return None
