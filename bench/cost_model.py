"""Monthly cost of this stack and of the naive design, from the benchmark's measured figures and AWS list prices.

Prices: us-east-1 list prices (see docs/performance.md for the pages they come from). Every assumption is a
named constant here and is printed with the model, so a reader can change one and see the result move.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- AWS list prices, us-east-1 ---
LAMBDA_PER_MILLION_REQUESTS = 0.20
LAMBDA_ARM_PER_GB_SECOND = 0.0000133334
LAMBDA_X86_PER_GB_SECOND = 0.0000166667
REST_API_PER_MILLION = 3.50
WAF_PER_ACL_MONTH = 5.00
WAF_PER_RULE_MONTH = 1.00
WAF_PER_MILLION_REQUESTS = 0.60
SECRET_PER_MONTH = 0.40
SECRETS_PER_10K_CALLS = 0.05
LOGS_PER_GB = 0.50
CUSTOM_METRIC_PER_MONTH = 0.30
ALARM_METRIC_PER_MONTH = 0.10
XRAY_PER_MILLION_TRACES = 5.00
XRAY_FREE_TRACES = 100_000
# Cold-start remedies (arm64, us-east-1; https://aws.amazon.com/lambda/pricing/, "Provisioned Concurrency" and
# "SnapStart" sections). Provisioned concurrency bills every provisioned GB-s, and requests it serves at a lower
# duration price; SnapStart for Python bills the cached snapshot per GB-s while the version exists (3 hours at
# least) and each restore per GB.
PROVISIONED_ARM_PER_GB_SECOND = 0.0000033334
PROVISIONED_ARM_DURATION_PER_GB_SECOND = 0.0000077778
SNAPSTART_CACHE_PER_GB_SECOND = 0.0000015046
SNAPSTART_RESTORE_PER_GB = 0.0001397998

DASHBOARD_PER_MONTH = 3.00  # beyond the account's 3 free dashboards
KMS_KEY_PER_MONTH = 1.00
DYNAMODB_PER_MILLION_READS = 0.125  # on-demand read request units
DYNAMODB_PER_MILLION_WRITES = 0.625  # on-demand write request units
# API Gateway's detailed (per-method) metrics, billed as custom metrics: Count, 4XXError, 5XXError, Latency,
# IntegrationLatency, CacheHitCount, CacheMissCount for each method of the stage.
API_METRICS_PER_METHOD = 7

# Every resource type the stack can create, and the bill line that prices it ("free": no charge of its own, or
# billed through another line). tests/infra/test_cost_coverage.py fails when a synthesized template holds a type
# that is not here, so a resource added to the stack cannot be left out of the bill.
RESOURCE_PRICES: dict[str, str] = {
    "AWS::ApiGateway::RestApi": "API Gateway (REST)",
    "AWS::ApiGateway::Stage": "API detailed metrics",
    "AWS::ApiGateway::Method": "API detailed metrics",
    "AWS::ApiGateway::Account": "free",
    "AWS::ApiGateway::Deployment": "free",
    "AWS::ApiGateway::GatewayResponse": "free",
    "AWS::ApiGateway::Model": "free",
    "AWS::ApiGateway::RequestValidator": "free",
    "AWS::ApiGateway::Resource": "free",
    "AWS::CDK::Metadata": "free",
    "AWS::CloudWatch::Alarm": "Metrics and alarms",
    "AWS::CloudWatch::Dashboard": "Dashboard",
    "AWS::Cognito::UserPool": "free",  # Essentials: the first 10,000 monthly active users are free
    "AWS::Cognito::UserPoolClient": "free",
    "AWS::DynamoDB::Table": "DynamoDB (limiter)",
    "AWS::IAM::Policy": "free",
    "AWS::IAM::Role": "free",
    "AWS::KMS::Key": "KMS key",
    "AWS::Lambda::Alias": "free",  # provisioned concurrency on it: cold_start_remedy_cost
    "AWS::Lambda::Function": "Lambda duration",
    "AWS::Lambda::Permission": "free",
    "AWS::Lambda::Version": "free",  # a SnapStart snapshot of it: cold_start_remedy_cost
    "AWS::Logs::LogGroup": "CloudWatch Logs",
    "AWS::Logs::ResourcePolicy": "free",  # wafLogging's permission for log delivery
    # wafLogging (off by default): the configuration is free; its lines are vended logs in their log group, billed
    # by volume (about 1-2 KB a request), which the default bill leaves out.
    "AWS::WAFv2::LoggingConfiguration": "free",
    "AWS::SNS::Subscription": "free",  # e-mail notifications: the first 1,000 a month are free
    "AWS::SNS::Topic": "free",
    "AWS::SNS::TopicPolicy": "free",
    "AWS::SecretsManager::Secret": "Secrets Manager",
    # One rotation a month: four invocations of a small function and a dozen API calls, cents a year.
    "AWS::SecretsManager::RotationSchedule": "free",
    "AWS::WAFv2::WebACL": "WAF",
    "AWS::WAFv2::WebACLAssociation": "free",
    "AWS::XRay::SamplingRule": "X-Ray",
    "Custom::DescribeCognitoUserPoolClient": "free",  # one Lambda run per deploy
    "Custom::AWS": "free",  # an existing pool's password policy read (DescribeUserPool): one Lambda run per deploy
}


def unpriced(resource_types: set[str]) -> set[str]:
    """The resource types of a template that the cost model does not price (nor declare free)."""
    return resource_types - set(RESOURCE_PRICES)


# --- assumptions (stated in the output) ---
SECRETS_MANAGER_LATENCY_MS = 30.0  # GetSecretValue from inside a Region
COGNITO_LATENCY_MS = 120.0  # ResendConfirmationCode, which also queues the message
FULL_VCPU_MB = 1769  # Lambda gives one full vCPU at 1,769 MB and CPU in proportion below that
# INIT is widely observed to run with a full vCPU whatever the memory size (not an AWS-documented figure), so the
# measured cold start is billed as it is; warm CPU work is scaled by the memory size's share of a vCPU.
COLD_STARTS_PER_MONTH = 4_320  # at most one fresh environment every 10 minutes at this traffic shape
ENVIRONMENTS = 2  # warm environments, each reading the secret once per 300 s cache period
SECONDS_PER_MONTH = 30 * 24 * 3600
PLATFORM_LOG_BYTES = 350  # Lambda's START / END / REPORT lines per invocation
ACCESS_LOG_BYTES = 400  # one API Gateway JSON access-log line
WAF_RULES = 5
ACTIVE_METRIC_SERIES = 10  # CodeSent, a few CognitoError codes and RequestRejected reasons, ColdStart, ...
# Each alarm is billed per metric it watches: eighteen single-metric alarms (a failed client-secret rotation step,
# the Cognito door's quiet 5XX and the password-reset limits among them), Api5xx (two: the JSON API's and the door's
# API's 5XX), the set-up refusal share (two metrics) and the 4xx share (six with ALLOWED_ORIGINS set: CORS preflights
# are left out of it). tests/infra/test_stack.py counts them in the synthesized template of a deployment that
# serves browsers.
ALARM_METRICS = 28
TRACE_SAMPLING_RATE = 0.05  # the stack's X-Ray sampling rule: no reservoir, 5 % of requests
SECRETS = 2  # the app client's secret (the demo pool's, or one of yours) and the pseudonym key
RESPONSE_TIME_FLOOR_MS = 500  # the stack's default: answers that reached Cognito are billed at least this long
# Browsers send a CORS preflight (OPTIONS) before each POST, cached 10 minutes: billed by API Gateway and the WAF.
PREFLIGHTS_PER_REQUEST = 0.5
API_METHODS = 10  # four POST routes, the Cognito door's POST /, and their OPTIONS methods (allowedOrigins set)
KMS_REQUESTS_FREE = 20_000  # alarm notifications are few; the key's requests stay in KMS's free tier

VOLUMES = (100_000, 1_000_000, 10_000_000)
REMEDY_VOLUMES = (100_000, 1_000_000)
PROVISIONED, SNAPSTART = "provisioned concurrency 1 (-c provisionedConcurrency=1)", "SnapStart (-c snapStart=true)"
COLD_START_REMEDIES = (PROVISIONED, SNAPSTART)


@dataclass(frozen=True)
class Measured:
    """The benchmark's figures that the model needs, for one handler."""

    warm_valid_ms: float  # handler time per valid request on the bench machine, AWS calls excluded
    cold_ms: float  # import + first request on the bench machine
    log_bytes_per_request: float


@dataclass(frozen=True)
class Design:
    """A deployment shape."""

    name: str
    memory_mb: int
    arm64: bool
    waf: bool
    tracing: bool
    alarms: bool
    access_logs: bool
    caches_secret: bool
    aws_calls_ms: float  # network time per request waiting on AWS


def cpu_scale(memory_mb: int) -> float:
    """How much slower CPU-bound work runs than on the bench machine's one full core."""
    return max(1.0, FULL_VCPU_MB / memory_mb)


def warm_latency_ms(design: Design, measured: Measured) -> float:
    """A warm request's duration in Lambda: the handler's CPU work at this memory size plus the wait on AWS."""
    return measured.warm_valid_ms * cpu_scale(design.memory_mb) + design.aws_calls_ms


def monthly_cost(design: Design, measured: Measured, requests: int) -> dict[str, float]:
    """Each line of the monthly bill, in US dollars."""
    gb = design.memory_mb / 1024
    per_gb_second = LAMBDA_ARM_PER_GB_SECOND if design.arm64 else LAMBDA_X86_PER_GB_SECOND
    # The response-time floor holds answers that reached Cognito: billed time is at least the floor.
    duration_s = max(warm_latency_ms(design, measured), RESPONSE_TIME_FLOOR_MS if design.alarms else 0) / 1000
    cold_starts = min(requests, COLD_STARTS_PER_MONTH)
    init_s = measured.cold_ms / 1000  # the INIT phase is billed too
    cache_bound = ENVIRONMENTS * SECONDS_PER_MONTH / 300
    secret_calls = min(requests, cache_bound) * (SECRETS if design.alarms else 1) if design.caches_secret else requests
    edge_requests = requests * (1 + PREFLIGHTS_PER_REQUEST) if design.waf else requests
    log_bytes = measured.log_bytes_per_request + PLATFORM_LOG_BYTES + (ACCESS_LOG_BYTES if design.access_logs else 0)
    traces = requests * TRACE_SAMPLING_RATE if design.tracing else 0
    bill = {
        "API Gateway (REST)": edge_requests / 1e6 * REST_API_PER_MILLION,
        "Lambda requests": requests / 1e6 * LAMBDA_PER_MILLION_REQUESTS,
        "Lambda duration": (requests * duration_s + cold_starts * init_s) * gb * per_gb_second,
        "Secrets Manager": SECRET_PER_MONTH * (SECRETS if design.alarms else 1)
        + secret_calls / 10_000 * SECRETS_PER_10K_CALLS,
        "CloudWatch Logs": requests * log_bytes / 1e9 * LOGS_PER_GB,
        "WAF": (WAF_PER_ACL_MONTH + WAF_RULES * WAF_PER_RULE_MONTH + edge_requests / 1e6 * WAF_PER_MILLION_REQUESTS)
        if design.waf
        else 0.0,
        "X-Ray": max(0.0, traces - XRAY_FREE_TRACES) / 1e6 * XRAY_PER_MILLION_TRACES,
        "Metrics and alarms": (ACTIVE_METRIC_SERIES * CUSTOM_METRIC_PER_MONTH + ALARM_METRICS * ALARM_METRIC_PER_MONTH)
        if design.alarms
        else 0.0,
        # The stack's own parts (the naive design has none of them).
        "API detailed metrics": API_METHODS * API_METRICS_PER_METHOD * CUSTOM_METRIC_PER_MONTH
        if design.alarms
        else 0.0,
        "Dashboard": DASHBOARD_PER_MONTH if design.alarms else 0.0,
        "KMS key": KMS_KEY_PER_MONTH if design.alarms else 0.0,
        # The limiter: one strongly consistent read and, when allowed, one write per request.
        "DynamoDB (limiter)": requests / 1e6 * (DYNAMODB_PER_MILLION_READS + DYNAMODB_PER_MILLION_WRITES)
        if design.alarms
        else 0.0,
    }
    return bill


def break_even(stack: Design, stack_measured: Measured, naive: Design, naive_measured: Measured) -> int | None:
    """The smallest monthly volume (on a 1-2-5 grid) from which the stack costs less than the naive design."""
    for exponent in range(4, 10):
        for mantissa in (1, 2, 5):
            volume: int = mantissa * 10**exponent
            stack_total = sum(monthly_cost(stack, stack_measured, volume).values())
            naive_total = sum(monthly_cost(naive, naive_measured, volume).values())
            if stack_total < naive_total:
                return volume
    return None


def stack_design(memory_mb: int) -> Design:
    """This project as deployed (infra/): arm64, WAF, tracing, alarms, access logs, one AWS call per request."""
    return Design("this stack", memory_mb, True, True, True, True, True, True, COGNITO_LATENCY_MS)


NAIVE = Design("naive", 128, False, False, False, False, False, False, SECRETS_MANAGER_LATENCY_MS + COGNITO_LATENCY_MS)

ASSUMPTIONS = {
    "Secrets Manager call inside AWS (ms)": SECRETS_MANAGER_LATENCY_MS,
    "Cognito ResendConfirmationCode inside AWS (ms)": COGNITO_LATENCY_MS,
    "warm CPU scaled to the memory size's vCPU share (full vCPU at, MB)": FULL_VCPU_MB,
    "INIT (cold start) billed as measured, at a full vCPU": "unverified",
    "cold starts per month (at most)": COLD_STARTS_PER_MONTH,
    "warm environments reading the secret every 300 s": ENVIRONMENTS,
    "platform log bytes per invocation": PLATFORM_LOG_BYTES,
    "access-log bytes per request (stack only)": ACCESS_LOG_BYTES,
    "WAF rules": WAF_RULES,
    "active custom metric series": ACTIVE_METRIC_SERIES,
    "alarm metrics": ALARM_METRICS,
    "X-Ray sampling (stack only)": TRACE_SAMPLING_RATE,
}


def cold_start_remedy_cost(remedy: str, design: Design, measured: Measured, requests: int) -> float:
    """What a cold-start remedy adds to the monthly bill (US$), against the same stack without it.

    PROVISIONED: one environment kept initialised all month; the requests it serves pay the provisioned duration
    price instead of the on-demand one, and no INIT is billed for them (all of them at this traffic: one
    environment serves about 6 requests a second at 0.15 s each). SNAPSTART: one published version's snapshot
    cached all month (the stack deletes superseded versions) and one restore per cold start, which replaces the
    INIT that would otherwise be billed. Raises ValueError for an unknown remedy.
    """
    gb = design.memory_mb / 1024
    cold_starts = min(requests, COLD_STARTS_PER_MONTH)
    init_cost = cold_starts * measured.cold_ms / 1000 * gb * LAMBDA_ARM_PER_GB_SECOND
    duration_gb_s = requests * warm_latency_ms(design, measured) / 1000 * gb
    if remedy == PROVISIONED:
        always_on = gb * SECONDS_PER_MONTH * PROVISIONED_ARM_PER_GB_SECOND
        duration_saving = duration_gb_s * (LAMBDA_ARM_PER_GB_SECOND - PROVISIONED_ARM_DURATION_PER_GB_SECOND)
        return always_on - duration_saving - init_cost
    if remedy == SNAPSTART:
        cache = gb * SECONDS_PER_MONTH * SNAPSTART_CACHE_PER_GB_SECOND
        restores = cold_starts * gb * SNAPSTART_RESTORE_PER_GB
        return cache + restores - init_cost
    raise ValueError(f"unknown cold-start remedy: {remedy}")
