"""cognito.call when the secret hash is rejected and the second call fails on the network: the result still says
the secret was read again (observability counts SecretRefreshed from it, whatever the outcome)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError

from code_screens import cognito
from code_screens.app_secrets import AppClientCredentials

STALE = AppClientCredentials(client_id="1example23456789", client_secret="stale")
CURRENT = AppClientCredentials(client_id="1example23456789", client_secret="current")


class Client:
    """A Cognito client whose answers are given in advance, one per call; it records the secrets it was sent."""

    def __init__(self, *answers: Exception) -> None:
        self.answers = list(answers)
        self.secrets: list[str] = []

    def resend_confirmation_code(self, **parameters: Any) -> dict[str, Any]:
        self.secrets.append(parameters["secret"])
        raise self.answers.pop(0)


def test_a_network_failure_after_a_refresh_still_says_the_secret_was_refreshed() -> None:
    rejected = ClientError(
        {"Error": {"Code": "NotAuthorizedException", "Message": "Unable to verify secret hash for client x"}},
        "ResendConfirmationCode",
    )
    client = Client(rejected, EndpointConnectionError(endpoint_url="https://cognito-idp.example"))

    result = cognito.call(
        client,  # type: ignore[arg-type]
        "resend_confirmation_code",
        lambda credentials: {"secret": credentials.client_secret},
        STALE,
        lambda: CURRENT,
    )

    assert client.secrets == ["stale", "current"]
    assert (result.transport_reason, result.secret_refreshed) == ("EndpointConnectionError", True)
    assert result.transport is not None and result.response is None and result.error is None
