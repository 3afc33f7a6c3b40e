"""Configuration: each bad setting is named in the error; good ones are typed."""

import json
from collections.abc import Callable

import pytest

from code_screens.settings import ConfigurationError, LimitPolicy, PasswordPolicy, Settings

ONE_CLIENT = {"APP_CLIENTS": json.dumps({"client1": "arn:aws:secretsmanager:us-east-1:1:secret:c1"})}


def test_defaults_with_one_client() -> None:
    settings = Settings.from_env(ONE_CLIENT)

    assert settings.default_client_id == "client1"
    assert settings.secret_id_for("client1") == "arn:aws:secretsmanager:us-east-1:1:secret:c1"
    assert settings.secret_id_for("other") is None
    assert settings.allowed_origins == ()
    assert settings.allowed_origins_error is None  # no setting is no origin, not a wrong one (from_env 39)
    assert settings.reveal_delivery_details is False
    assert settings.forward_caller_ip is True
    assert (settings.cognito_connect_timeout_seconds, settings.cognito_read_timeout_seconds) == (1.0, 3.0)


def test_limit_floor_pseudonym_and_metadata_settings() -> None:
    settings = Settings.from_env(
        {
            **ONE_CLIENT,
            "LIMITER_TABLE_NAME": "limits",
            "PSEUDONYM_KEY_SECRET_ID": "pseudonym-key",
            "RESEND_COOLDOWN_SECONDS": "0",
            "RESEND_MAX_PER_WINDOW": "3",
            "RESEND_WINDOW_SECONDS": "3600",
            "RESPONSE_TIME_FLOOR_MS": "750",
            "ALLOWED_CLIENT_METADATA_KEYS": "locale, campaign,",
        }
    )

    assert settings.limiter_table_name == "limits"
    assert settings.pseudonym_key_secret_id == "pseudonym-key"
    assert settings.resend_limit == LimitPolicy(
        "resend", cooldown_seconds=0, max_per_window=3, window_seconds=3600, max_per_username=15
    )
    assert settings.response_floor_seconds == 0.75
    assert settings.allowed_client_metadata_keys == frozenset({"locale", "campaign"})


def test_limit_and_floor_are_off_when_absent() -> None:
    settings = Settings.from_env(ONE_CLIENT)

    assert (settings.limiter_table_name, settings.pseudonym_key_secret_id) == (None, None)
    assert settings.response_floor_seconds == 0
    assert settings.allowed_client_metadata_keys is None
    assert settings.resend_limit == LimitPolicy(
        "resend", cooldown_seconds=60, max_per_window=5, window_seconds=86_400, max_per_username=15
    )
    assert settings.confirm_limit == LimitPolicy(
        "confirm", cooldown_seconds=0, max_per_window=5, window_seconds=900, max_per_username=20
    )
    assert settings.usernames_are_uuids is False


@pytest.mark.parametrize(
    ("per_caller", "per_username"),
    [
        ("RESEND_MAX_PER_WINDOW", "RESEND_MAX_PER_USERNAME"),
        ("CONFIRM_MAX_PER_WINDOW", "CONFIRM_MAX_PER_USERNAME"),
        ("FORGOT_PASSWORD_MAX_PER_WINDOW", "FORGOT_PASSWORD_MAX_PER_USERNAME"),
        ("CONFIRM_FORGOT_PASSWORD_MAX_PER_WINDOW", "CONFIRM_FORGOT_PASSWORD_MAX_PER_USERNAME"),
    ],
)
def test_a_username_ceiling_below_the_per_caller_cap_is_refused_naming_both(per_caller: str, per_username: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_env({**ONE_CLIENT, per_caller: "5", per_username: "4"})

    assert str(raised.value) == f"{per_username} must be at least {per_caller} (all callers together)"


@pytest.mark.parametrize(
    ("per_caller", "per_username", "read"),
    [
        ("RESEND_MAX_PER_WINDOW", "RESEND_MAX_PER_USERNAME", lambda s: s.resend_limit),
        ("CONFIRM_MAX_PER_WINDOW", "CONFIRM_MAX_PER_USERNAME", lambda s: s.confirm_limit),
    ],
)
def test_the_username_ceiling_takes_its_bounds_and_follows_a_raised_per_caller_cap_when_unset(
    per_caller: str, per_username: str, read: Callable[[Settings], LimitPolicy]
) -> None:
    assert read(Settings.from_env({**ONE_CLIENT, per_username: "1000"})).ceiling == 1000
    assert read(Settings.from_env({**ONE_CLIENT, per_caller: "5", per_username: "5"})).ceiling == 5
    assert read(Settings.from_env({**ONE_CLIENT, per_caller: "40"})).ceiling == 40
    assert read(Settings.from_env({**ONE_CLIENT, per_caller: "40", per_username: ""})).ceiling == 40  # empty: unset
    with pytest.raises(ConfigurationError, match=f"{per_username} must be between 1 and 1000"):
        Settings.from_env({**ONE_CLIENT, per_username: "1001"})


def test_uuid_usernames_are_a_flag() -> None:
    assert Settings.from_env({**ONE_CLIENT, "USERNAMES_ARE_UUIDS": "true"}).usernames_are_uuids is True


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
        ({**ONE_CLIENT, "LIMITER_TABLE_NAME": "limits"}, "PSEUDONYM_KEY_SECRET_ID"),
        ({**ONE_CLIENT, "RESEND_MAX_PER_WINDOW": "0"}, "RESEND_MAX_PER_WINDOW"),
        ({**ONE_CLIENT, "RESEND_COOLDOWN_SECONDS": "1.5"}, "RESEND_COOLDOWN_SECONDS"),
        ({**ONE_CLIENT, "RESPONSE_TIME_FLOOR_MS": "6000"}, "RESPONSE_TIME_FLOOR_MS"),
        ({"APP_CLIENTS": json.dumps({"a": "s1", "b": "s2"})}, "DEFAULT_CLIENT_ID"),
        ({**ONE_CLIENT, "DEFAULT_CLIENT_ID": "zzz"}, "DEFAULT_CLIENT_ID"),
        ({**ONE_CLIENT, "REVEAL_DELIVERY_DETAILS": "maybe"}, "REVEAL_DELIVERY_DETAILS"),
        ({**ONE_CLIENT, "COGNITO_READ_TIMEOUT_SECONDS": "soon"}, "COGNITO_READ_TIMEOUT_SECONDS"),
        ({**ONE_CLIENT, "COGNITO_READ_TIMEOUT_SECONDS": "60"}, "COGNITO_READ_TIMEOUT_SECONDS"),
    ],
)
def test_names_the_setting_that_is_wrong(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        Settings.from_env(env)


def test_hybrid_app_origins_are_accepted_in_browser_form() -> None:
    env = {**ONE_CLIENT, "ALLOWED_ORIGINS": "capacitor://localhost, ionic://localhost, HTTPS://App.example.com:443/"}

    settings = Settings.from_env(env)

    assert settings.allowed_origins == ("capacitor://localhost", "ionic://localhost", "https://app.example.com")
    assert settings.allowed_origins_error is None


@pytest.mark.parametrize("origins", ["*", "null", "app.example.com", "https://app.example.com/path"])
def test_a_bad_origin_list_is_kept_apart_so_the_other_settings_still_load(origins: str) -> None:
    settings = Settings.from_env({**ONE_CLIENT, "ALLOWED_ORIGINS": origins})

    assert settings.allowed_origins == ()
    assert settings.allowed_origins_error is not None
    assert settings.allowed_origins_error.startswith("ALLOWED_ORIGINS: ")
    assert "capacitor://localhost" in settings.allowed_origins_error  # the message shows a good example
    assert settings.default_client_id == "client1"


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


def test_the_confirm_cap_defaults_to_five_attempts_per_15_minutes_without_cooldown() -> None:
    limit = Settings.from_env(ONE_CLIENT).confirm_limit

    assert (limit.name, limit.cooldown_seconds, limit.max_per_window, limit.window_seconds) == ("confirm", 0, 5, 900)


def test_the_confirm_cap_is_configurable() -> None:
    env = {**ONE_CLIENT, "CONFIRM_MAX_PER_WINDOW": "3", "CONFIRM_WINDOW_SECONDS": "3600"}
    limit = Settings.from_env(env).confirm_limit

    assert (limit.max_per_window, limit.window_seconds) == (3, 3600)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CONFIRM_MAX_PER_WINDOW", "0"),
        ("CONFIRM_MAX_PER_WINDOW", "101"),
        ("CONFIRM_MAX_PER_WINDOW", "five"),
        ("CONFIRM_WINDOW_SECONDS", "59"),
        ("CONFIRM_WINDOW_SECONDS", "86401"),
    ],
)
def test_a_bad_confirm_cap_is_named(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_env({**ONE_CLIENT, name: value})


# Every whole-number setting with its bounds as the README gives them, and where from_env puts its value.
WHOLE_NUMBER_SETTINGS = [
    ("RESEND_COOLDOWN_SECONDS", 0, 86_400, lambda s: s.resend_limit.cooldown_seconds),
    ("RESEND_MAX_PER_WINDOW", 1, 1_000, lambda s: s.resend_limit.max_per_window),
    ("RESEND_WINDOW_SECONDS", 1, 30 * 86_400, lambda s: s.resend_limit.window_seconds),
    ("CONFIRM_MAX_PER_WINDOW", 1, 100, lambda s: s.confirm_limit.max_per_window),
    ("CONFIRM_WINDOW_SECONDS", 60, 86_400, lambda s: s.confirm_limit.window_seconds),
    ("RESPONSE_TIME_FLOOR_MS", 0, 5_000, lambda s: round(s.response_floor_seconds * 1000)),
    ("FORGOT_PASSWORD_COOLDOWN_SECONDS", 0, 86_400, lambda s: s.forgot_password_limit.cooldown_seconds),
    ("FORGOT_PASSWORD_MAX_PER_WINDOW", 1, 1_000, lambda s: s.forgot_password_limit.max_per_window),
    ("FORGOT_PASSWORD_WINDOW_SECONDS", 1, 30 * 86_400, lambda s: s.forgot_password_limit.window_seconds),
    ("CONFIRM_FORGOT_PASSWORD_MAX_PER_WINDOW", 1, 100, lambda s: s.confirm_forgot_password_limit.max_per_window),
    ("CONFIRM_FORGOT_PASSWORD_WINDOW_SECONDS", 60, 86_400, lambda s: s.confirm_forgot_password_limit.window_seconds),
    ("PASSWORD_MINIMUM_LENGTH", 6, 99, lambda s: s.password_policy.minimum_length),
]
WHOLE_NUMBER_IDS = [name for name, *_ in WHOLE_NUMBER_SETTINGS]


@pytest.mark.parametrize(("name", "low", "high", "read"), WHOLE_NUMBER_SETTINGS, ids=WHOLE_NUMBER_IDS)
def test_whole_number_settings_take_both_of_their_bounds(
    name: str, low: int, high: int, read: Callable[[Settings], int]
) -> None:
    # Each bound is inclusive: a bound moved by one, in any whole-number setting, refuses one of these.
    for value in (low, high):
        assert read(Settings.from_env({**ONE_CLIENT, name: str(value)})) == value


@pytest.mark.parametrize(("name", "low", "high", "read"), WHOLE_NUMBER_SETTINGS, ids=WHOLE_NUMBER_IDS)
def test_whole_number_settings_refuse_one_beyond_either_bound_and_say_the_bounds(
    name: str, low: int, high: int, read: Callable[[Settings], int]
) -> None:
    # The message is what the operator reads in the log (configuration_error): compared whole, bounds written out
    # as the README writes them (30 days is 2592000, not 2.592e+06).
    for value in (low - 1, high + 1):
        with pytest.raises(ConfigurationError) as raised:
            Settings.from_env({**ONE_CLIENT, name: str(value)})

        assert str(raised.value) == f"{name} must be between {low} and {high}"


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("RESEND_COOLDOWN_SECONDS", "1.5", "RESEND_COOLDOWN_SECONDS must be a whole number"),
        ("RESPONSE_TIME_FLOOR_MS", "fast", "RESPONSE_TIME_FLOOR_MS must be a whole number"),
        ("COGNITO_READ_TIMEOUT_SECONDS", "soon", "COGNITO_READ_TIMEOUT_SECONDS must be a number"),
        ("COGNITO_CONNECT_TIMEOUT_SECONDS", "60", "COGNITO_CONNECT_TIMEOUT_SECONDS must be between 0.1 and 10"),
        (
            "LIMITER_TABLE_NAME",
            "limits",
            "LIMITER_TABLE_NAME needs PSEUDONYM_KEY_SECRET_ID (the limiter keys on it)",
        ),
    ],
)
def test_number_and_dependency_errors_say_what_is_wrong_in_full(name: str, raw: str, message: str) -> None:
    # Compared whole, as the operator reads them in the log: which kind of number is expected, and the limiter's
    # dependency on the pseudonym key.
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_env({**ONE_CLIENT, name: raw})

    assert str(raised.value) == message


def test_the_forgot_password_limits_default_to_the_resend_and_confirm_shapes() -> None:
    settings = Settings.from_env(ONE_CLIENT)

    assert settings.forgot_password_limit == LimitPolicy(
        "forgot_password", cooldown_seconds=60, max_per_window=5, window_seconds=86_400, max_per_username=15
    )
    assert settings.confirm_forgot_password_limit == LimitPolicy(
        "confirm_forgot_password", cooldown_seconds=0, max_per_window=5, window_seconds=900, max_per_username=20
    )


def test_the_forgot_password_limits_are_configurable() -> None:
    env = {
        **ONE_CLIENT,
        "FORGOT_PASSWORD_COOLDOWN_SECONDS": "30",
        "FORGOT_PASSWORD_MAX_PER_WINDOW": "2",
        "FORGOT_PASSWORD_WINDOW_SECONDS": "3600",
        "FORGOT_PASSWORD_MAX_PER_USERNAME": "6",
        "CONFIRM_FORGOT_PASSWORD_MAX_PER_WINDOW": "3",
        "CONFIRM_FORGOT_PASSWORD_WINDOW_SECONDS": "600",
        "CONFIRM_FORGOT_PASSWORD_MAX_PER_USERNAME": "9",
    }
    settings = Settings.from_env(env)

    assert settings.forgot_password_limit == LimitPolicy("forgot_password", 30, 2, 3600, 6)
    assert settings.confirm_forgot_password_limit == LimitPolicy("confirm_forgot_password", 0, 3, 600, 9)


def test_the_password_policy_defaults_to_cognitos_default_policy() -> None:
    assert Settings.from_env(ONE_CLIENT).password_policy == PasswordPolicy(8, True, True, True, True)


def test_the_password_policy_reads_cloudformations_strings() -> None:
    # DescribeUserPool's booleans reach the environment through a custom resource as "true" / "false".
    env = {
        **ONE_CLIENT,
        "PASSWORD_MINIMUM_LENGTH": "12",
        "PASSWORD_REQUIRE_UPPERCASE": "false",
        "PASSWORD_REQUIRE_LOWERCASE": "true",
        "PASSWORD_REQUIRE_NUMBERS": "False",
        "PASSWORD_REQUIRE_SYMBOLS": "TRUE",
    }

    assert Settings.from_env(env).password_policy == PasswordPolicy(12, False, True, False, True)


@pytest.mark.parametrize(
    "name",
    [
        "PASSWORD_REQUIRE_UPPERCASE",
        "PASSWORD_REQUIRE_LOWERCASE",
        "PASSWORD_REQUIRE_NUMBERS",
        "PASSWORD_REQUIRE_SYMBOLS",
    ],
)
def test_a_password_rule_that_is_not_a_flag_is_named(name: str) -> None:
    with pytest.raises(ConfigurationError, match=f"{name} must be true or false"):
        Settings.from_env({**ONE_CLIENT, name: "sometimes"})
