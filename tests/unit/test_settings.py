"""Configuration: each bad setting is named in the error; good ones are typed."""

import json

import pytest

from resend_code.settings import ConfigurationError, Settings

ONE_CLIENT = {"APP_CLIENTS": json.dumps({"client1": "arn:aws:secretsmanager:us-east-1:1:secret:c1"})}


def test_defaults_with_one_client() -> None:
    settings = Settings.from_env(ONE_CLIENT)

    assert settings.default_client_id == "client1"
    assert settings.secret_id_for("client1") == "arn:aws:secretsmanager:us-east-1:1:secret:c1"
    assert settings.secret_id_for("other") is None
    assert settings.allowed_origins == ()
    assert settings.reveal_delivery_details is False
    assert settings.forward_caller_ip is True
    assert (settings.cognito_connect_timeout_seconds, settings.cognito_read_timeout_seconds) == (1.0, 3.0)


def test_reads_every_setting() -> None:
    env = {
        "APP_CLIENTS": json.dumps({"a": "s1", "b": "s2"}),
        "DEFAULT_CLIENT_ID": "b",
        "ALLOWED_ORIGINS": "https://app.example.com, http://localhost:3000/",
        "REVEAL_DELIVERY_DETAILS": "true",
        "FORWARD_CALLER_IP": "false",
        "COGNITO_READ_TIMEOUT_SECONDS": "2.5",
    }

    settings = Settings.from_env(env)

    assert settings.default_client_id == "b"
    assert settings.allowed_origins == ("https://app.example.com", "http://localhost:3000")
    assert settings.reveal_delivery_details is True
    assert settings.forward_caller_ip is False
    assert settings.cognito_read_timeout_seconds == 2.5


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "APP_CLIENTS"),
        ({"APP_CLIENTS": "{not json"}, "APP_CLIENTS"),
        ({"APP_CLIENTS": "[]"}, "APP_CLIENTS"),
        ({"APP_CLIENTS": json.dumps({"bad id!": "s"})}, "APP_CLIENTS"),
        ({"APP_CLIENTS": json.dumps({"a": ""})}, "APP_CLIENTS"),
        ({"APP_CLIENTS": json.dumps({"a": "s1", "b": "s2"})}, "DEFAULT_CLIENT_ID"),
        ({**ONE_CLIENT, "DEFAULT_CLIENT_ID": "zzz"}, "DEFAULT_CLIENT_ID"),
        ({**ONE_CLIENT, "ALLOWED_ORIGINS": "*"}, "ALLOWED_ORIGINS"),
        ({**ONE_CLIENT, "ALLOWED_ORIGINS": "app.example.com"}, "ALLOWED_ORIGINS"),
        ({**ONE_CLIENT, "REVEAL_DELIVERY_DETAILS": "maybe"}, "REVEAL_DELIVERY_DETAILS"),
        ({**ONE_CLIENT, "COGNITO_READ_TIMEOUT_SECONDS": "soon"}, "COGNITO_READ_TIMEOUT_SECONDS"),
        ({**ONE_CLIENT, "COGNITO_READ_TIMEOUT_SECONDS": "60"}, "COGNITO_READ_TIMEOUT_SECONDS"),
    ],
)
def test_names_the_setting_that_is_wrong(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("raw", "seconds"), [("", 3.0), ("0.1", 0.1), ("10", 10.0), ("10.0", 10.0)], ids=["empty", "low", "high", "float"]
)
def test_timeouts_take_their_bounds_and_default_when_empty(raw: str, seconds: float) -> None:
    settings = Settings.from_env({**ONE_CLIENT, "COGNITO_READ_TIMEOUT_SECONDS": raw})

    assert settings.cognito_read_timeout_seconds == seconds


@pytest.mark.parametrize("raw", ["0.09", "10.01", "-1", "nan"])
def test_timeouts_outside_their_bounds_are_refused(raw: str) -> None:
    with pytest.raises(ConfigurationError, match="COGNITO_CONNECT_TIMEOUT_SECONDS"):
        Settings.from_env({**ONE_CLIENT, "COGNITO_CONNECT_TIMEOUT_SECONDS": raw})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"APP_CLIENTS": json.dumps({"a": "s1", "b": "s2"})},
            "DEFAULT_CLIENT_ID must be set when APP_CLIENTS lists more than one client",
        ),
        ({**ONE_CLIENT, "ALLOWED_ORIGINS": "*"}, "ALLOWED_ORIGINS must list origins; '*' is not allowed"),
        (
            {**ONE_CLIENT, "ALLOWED_ORIGINS": "app.example.com"},
            "ALLOWED_ORIGINS must be a comma-separated list like https://app.example.com",
        ),
        ({}, 'APP_CLIENTS is not set: it must be a JSON object {"<app client id>": "<secret id or ARN>"}'),
        ({"APP_CLIENTS": "{not json"}, "APP_CLIENTS is not valid JSON"),
        ({"APP_CLIENTS": "[]"}, "APP_CLIENTS must be a non-empty JSON object of client id to secret id"),
        ({"APP_CLIENTS": "{}"}, "APP_CLIENTS must be a non-empty JSON object of client id to secret id"),
        ({"APP_CLIENTS": json.dumps({"bad id!": "s"})}, "APP_CLIENTS has a key that is not a valid app client id"),
        ({"APP_CLIENTS": json.dumps({"c" * 129: "s"})}, "APP_CLIENTS has a key that is not a valid app client id"),
        (
            {"APP_CLIENTS": json.dumps({"a": 1})},
            "APP_CLIENTS must map each client id to a Secrets Manager secret id or ARN",
        ),
        ({**ONE_CLIENT, "DEFAULT_CLIENT_ID": "zzz"}, "DEFAULT_CLIENT_ID must be one of the client ids in APP_CLIENTS"),
    ],
)
def test_the_error_says_what_is_wrong_in_full(env: dict[str, str], message: str) -> None:
    # The message is what the operator reads in the function's log (configuration_error): compared whole.
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_env(env)

    assert str(raised.value) == message


def test_origins_lose_only_a_trailing_slash() -> None:
    settings = Settings.from_env({**ONE_CLIENT, "ALLOWED_ORIGINS": " https://BOX/ ,https://app.example.com:8443"})

    assert settings.allowed_origins == ("https://BOX", "https://app.example.com:8443")


def test_client_ids_of_cognitos_full_length_are_accepted() -> None:
    longest = "c" * 128

    assert Settings.from_env({"APP_CLIENTS": json.dumps({longest: "s"})}).default_client_id == longest


@pytest.mark.parametrize(
    ("name", "raw", "accepted"),
    [
        ("COGNITO_CONNECT_TIMEOUT_SECONDS", "0.1", True),
        ("COGNITO_CONNECT_TIMEOUT_SECONDS", "10", True),
        ("COGNITO_READ_TIMEOUT_SECONDS", "10.5", False),
        ("COGNITO_CONNECT_TIMEOUT_SECONDS", "10.5", False),
    ],
)
def test_both_timeouts_are_bounded_from_a_tenth_of_a_second_to_ten(name: str, raw: str, accepted: bool) -> None:
    env = {**ONE_CLIENT, name: raw}

    if accepted:
        Settings.from_env(env)
    else:
        with pytest.raises(ConfigurationError, match=name):
            Settings.from_env(env)
