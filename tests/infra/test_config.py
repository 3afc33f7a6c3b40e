"""Stack settings from CDK context: defaults, and each wrong value named."""

import json

import pytest
from aws_cdk import aws_logs as logs

from code_screens.settings import Settings
from infra.config import ConfigError, StackConfig
from tests.synth import EXISTING_CONTEXT, EXISTING_SECRET


def test_defaults_are_a_demo_pool_with_safe_limits() -> None:
    config = StackConfig.from_mapping({})

    assert config.pool_mode == "demo"
    assert config.app_clients == ()
    assert config.allowed_origins == ()
    assert (config.throttle_rate_limit, config.throttle_burst_limit) == (20, 40)
    assert config.waf_rate_limit == 100
    assert config.reserved_concurrency is None  # a new account's limit of 10 leaves nothing to reserve
    assert config.api_gateway_cloudwatch_role is False  # a crowded account's shared setting is left alone
    assert config.log_retention == logs.RetentionDays.ONE_MONTH
    assert config.reveal_delivery_details is False
    # The per-username limit and the cost model's floor.
    assert (config.resend_cooldown_seconds, config.resend_max_per_window, config.resend_window_seconds) == (
        60,
        5,
        86_400,
    )
    assert config.response_time_floor_ms == 500
    assert config.allowed_client_metadata_keys == ()


def test_limit_floor_and_metadata_keys_from_the_cli() -> None:
    config = StackConfig.from_mapping(
        {
            "resendCooldownSeconds": "30",
            "resendMaxPerWindow": "3",
            "resendWindowSeconds": "3600",
            "responseTimeFloorMs": "0",
            "allowedClientMetadataKeys": "locale, campaign",
        }
    )

    assert (config.resend_cooldown_seconds, config.resend_max_per_window, config.resend_window_seconds) == (
        30,
        3,
        3600,
    )
    assert config.response_time_floor_ms == 0
    assert config.allowed_client_metadata_keys == ("campaign", "locale")


def test_existing_pool_clients_and_values_from_the_cli_as_strings() -> None:
    config = StackConfig.from_mapping({**EXISTING_CONTEXT, "reservedConcurrency": "none", "logRetentionDays": "90"})

    assert [c.client_id for c in config.app_clients] == ["webclient123", "mobileclient456"]
    assert config.app_clients[1].kms_key_arn is not None
    assert config.reserved_concurrency is None
    assert config.log_retention == logs.RetentionDays.THREE_MONTHS
    assert config.throttle_rate_limit == 15


ONE_CLIENT_ENV = {"APP_CLIENTS": json.dumps({"client1": "secret-id"})}
one_client = json.dumps([{"clientId": "abc", "secretArn": EXISTING_SECRET}])


@pytest.mark.parametrize(
    ("context", "named"),
    [
        ({"poolMode": "mine"}, "poolMode"),
        ({"poolMode": "existing"}, "appClients"),
        ({"appClients": one_client}, "appClients"),
        (
            {"poolMode": "existing", "appClients": json.dumps([{"clientId": "abc", "secretArn": "my-secret"}])},
            "secretArn",
        ),
        (
            {
                "poolMode": "existing",
                "appClients": json.dumps(
                    [{"clientId": "a", "secretArn": EXISTING_SECRET}, {"clientId": "b", "secretArn": EXISTING_SECRET}]
                ),
            },
            "defaultClientId",
        ),
        ({"poolMode": "existing", "appClients": one_client, "defaultClientId": "zzz"}, "defaultClientId"),
        ({"allowedOrigins": "*"}, "allowedOrigins"),
        ({"allowedOrigins": "null"}, "allowedOrigins: 'null' is the opaque origin"),
        ({"allowedOrigins": "https://app.example.com/signup"}, "allowedOrigins: 'https://app.example.com/signup'"),
        ({"throttleRateLimit": "50", "throttleBurstLimit": "10"}, "throttleBurstLimit"),
        ({"wafRateLimit": "5"}, "wafRateLimit"),
        ({"reservedConcurrency": "lots"}, "reservedConcurrency"),
        ({"apiGatewayCloudWatchRole": "maybe"}, "apiGatewayCloudWatchRole"),
        ({"alarmTopicArn": "ops-alarms"}, "alarmTopicArn"),
        ({"logRetentionDays": "45"}, "logRetentionDays"),
        ({"stageName": "v1/prod"}, "stageName"),
        ({"revealDeliveryDetails": "perhaps"}, "revealDeliveryDetails"),
        ({"resendMaxPerWindow": "0"}, "resendMaxPerWindow"),
        ({"resendCooldownSeconds": "-1"}, "resendCooldownSeconds"),
        ({"responseTimeFloorMs": "9000"}, "responseTimeFloorMs"),
        ({"allowedClientMetadataKeys": "k" * 65}, "allowedClientMetadataKeys"),
    ],
)
def test_names_the_wrong_key(context: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        StackConfig.from_mapping(context)


def test_hybrid_app_origins_are_accepted_as_the_function_reads_them() -> None:
    raw = "capacitor://localhost, ionic://localhost, https://App.example.com:443/"

    config = StackConfig.from_mapping({"allowedOrigins": raw})

    assert config.allowed_origins == ("capacitor://localhost", "ionic://localhost", "https://app.example.com")
    assert config.allowed_origins == Settings.from_env({**ONE_CLIENT_ENV, "ALLOWED_ORIGINS": raw}).allowed_origins


@pytest.mark.parametrize(
    "app_clients",
    [
        # What shell quoting makes of `-c appClients='[...]'` typed carelessly, and shapes that are not clients.
        "[{clientId: abc}]",
        "not json",
        json.dumps(["abc"]),
        json.dumps([{"clientId": 123, "secretArn": EXISTING_SECRET}]),
        json.dumps([{"clientId": "abc", "secretArn": EXISTING_SECRET, "kmsKeyArn": 7}]),
    ],
)
def test_app_clients_that_are_not_a_json_list_of_clients_name_the_key(app_clients: str) -> None:
    # Before: json.JSONDecodeError, AttributeError or TypeError escaped with a traceback from synth and preflight.
    with pytest.raises(ConfigError, match="appClients"):
        StackConfig.from_mapping({"poolMode": "existing", "appClients": app_clients})
