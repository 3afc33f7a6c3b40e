"""The stack: the function, its API and WAF, the alarms, and either a demo user pool or the operator's own."""

from __future__ import annotations

from aws_cdk import Annotations, Aws, CfnOutput, CfnRule, CfnRuleAssertion, Fn, Stack, Tags, Token
from constructs import Construct

from code_screens.routes import CONFIRM_SIGN_UP
from code_screens.settings import DEFAULT_RESEND_LIMIT, LimitPolicy
from infra.api_construct import ResendApi
from infra.cognito_api import CognitoProtocolApi
from infra.config import (
    StackConfig,
    check_regions,
    check_rotation_targets,
    password_policy_pool,
    regional_references,
)
from infra.demo_pool import DEMO_PASSWORD_POLICY, DemoUserPool
from infra.function_construct import ClientSecretGrant, ResendFunction
from infra.monitoring import Monitoring
from infra.password_policy import PoolPasswordPolicy, policy_environment
from infra.rotation_construct import ClientSecretRotation, RotationTarget


class ResendConfirmationCodeStack(Stack):
    """POST /resend-confirmation-code and POST /confirm-sign-up on API Gateway (REST) → one Lambda → Cognito, with
    the secret in Secrets Manager."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StackConfig, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self._check_regions(config)
        check_rotation_targets(config)

        if config.pool_mode == "demo":
            pool = DemoUserPool(self, "DemoPool", log_retention=config.log_retention)
            clients = [ClientSecretGrant(pool.client.user_pool_client_id, pool.client_secret.secret_arn)]
            targets = [
                RotationTarget(
                    pool.client.user_pool_client_id, pool.user_pool.user_pool_id, pool.client_secret.secret_arn
                )
            ]
            password_policy = policy_environment(DEMO_PASSWORD_POLICY)
            CfnOutput(self, "UserPoolId", value=pool.user_pool.user_pool_id)
            CfnOutput(self, "AppClientId", value=pool.client.user_pool_client_id)
            CfnOutput(self, "AppClientSecretArn", value=pool.client_secret.secret_arn)
        else:
            clients = [ClientSecretGrant(c.client_id, c.secret_arn, c.kms_key_arn) for c in config.app_clients]
            # Each client that names its pool can be rotated (on demand at least); scheduled unless opted out.
            targets = [
                RotationTarget(
                    c.client_id,
                    c.user_pool_id,
                    c.secret_arn,
                    c.kms_key_arn,
                    config.rotate_existing_client_secrets,
                    rotate_on_deploy=False,
                )
                for c in config.app_clients
                if c.user_pool_id
            ]
            if any(target.scheduled for target in targets):
                # A rotation revokes the previous Cognito secret: whatever else holds it (a backend that signs in,
                # an app build) stops working then, unless it reads this same Secrets Manager secret.
                Annotations.of(self).add_warning_v2(
                    "resend:existingSecretsRotate",
                    f"the app clients' secrets rotate every {config.secret_rotation_days} days, and each rotation "
                    "revokes the previous Cognito secret: every other holder must read the Secrets Manager secret "
                    "(or deploy with -c rotateExistingClientSecrets=false); docs/operations.md, secret rotation",
                )
            password_policy = self._existing_password_policy(config)
        rotation = (
            ClientSecretRotation(
                self,
                "SecretRotation",
                targets=targets,
                schedule_days=config.secret_rotation_days,
                log_retention=config.log_retention,
                powertools_layer_version=config.powertools_layer_version,
            )
            if targets
            else None
        )

        function = ResendFunction(
            self,
            "Resend",
            clients=clients,
            default_client_id=config.default_client_id,
            allowed_origins=config.allowed_origins,
            reveal_delivery_details=config.reveal_delivery_details,
            usernames_are_uuids=config.usernames_are_uuids,
            forward_caller_ip=config.forward_caller_ip,
            memory_size=config.memory_size,
            reserved_concurrency=config.reserved_concurrency,
            log_retention=config.log_retention,
            powertools_layer_version=config.powertools_layer_version,
            resend_limit=LimitPolicy(
                DEFAULT_RESEND_LIMIT.name,
                cooldown_seconds=config.resend_cooldown_seconds,
                max_per_window=config.resend_max_per_window,
                max_per_username=config.resend_max_per_username,
                window_seconds=config.resend_window_seconds,
            ),
            response_time_floor_ms=config.response_time_floor_ms,
            allowed_client_metadata_keys=config.allowed_client_metadata_keys,
            provisioned_concurrency=config.provisioned_concurrency,
            snap_start=config.snap_start,
            password_policy_environment=password_policy,
        )
        api = ResendApi(
            self,
            "Edge",
            function=function.invocation_target,
            allowed_origins=config.allowed_origins,
            stage_name=config.stage_name,
            throttle_rate_limit=config.throttle_rate_limit,
            throttle_burst_limit=config.throttle_burst_limit,
            waf_rate_limit=config.waf_rate_limit,
            log_retention=config.log_retention,
            trace_sampling_rate=config.trace_sampling_rate,
            manage_account_cloudwatch_role=config.api_gateway_cloudwatch_role,
            waf_logging=config.waf_logging,
            account_recovery_rate_limit=config.account_recovery_rate_limit,
        )
        cognito_api = CognitoProtocolApi(
            self,
            "CognitoDoor",
            function=function.invocation_target,
            allowed_origins=config.allowed_origins,
            stage_name=config.stage_name,
            # POST / carries the password-reset operations too: its throttle is the recovery share (never above
            # the whole-API share it would otherwise get).
            throttle_rate=api.recovery_share.method_rate,
            throttle_burst=api.recovery_share.method_burst,
            web_acl_arn=api.web_acl.attr_arn,
            log_retention=config.log_retention,
            trace_sampling_rate=config.trace_sampling_rate,
            domain_name=config.cognito_domain_name,
            certificate_arn=config.cognito_certificate_arn,
        )
        Monitoring(
            self,
            "Monitoring",
            function=function.function,
            service_name=function.service_name,
            api=api.api,
            cognito_api=cognito_api.api,
            web_acl_name=api.web_acl_name,
            alarm_email=config.alarm_email,
            alarm_topic_arn=config.alarm_topic_arn,
            response_time_floor_ms=config.response_time_floor_ms,
            runbook_url=config.runbook_url,
            rotation_service_name=rotation.service_name if rotation else None,
        )
        if rotation is not None:
            CfnOutput(self, "ClientSecretRotationFunctionArn", value=rotation.function.function_arn)
        CfnOutput(self, "EndpointUrl", value=api.endpoint_url, description='POST a JSON {"username": ...} here')
        CfnOutput(
            self,
            "ConfirmSignUpUrl",
            value=api.url_for(CONFIRM_SIGN_UP.path),
            description='POST a JSON {"username": ..., "confirmationCode": ...} here',
        )
        # On every resource of the stack that takes tags (CDK knows each type's tag property, UserPoolTags
        # included) and on the stack itself; added last, but an aspect, so it reaches constructs made anywhere.
        for key, value in config.tags:
            Tags.of(self).add(key, value)

        CfnOutput(
            self,
            "CognitoEndpointUrl",
            value=f"https://{config.cognito_domain_name}/" if config.cognito_domain_name else cognito_api.url,
            description="Cognito's protocol (ResendConfirmationCode, ConfirmSignUp, ForgotPassword, "
            "ConfirmForgotPassword): the SDKs' endpoint",
        )
        if cognito_api.domain is not None:
            CfnOutput(
                self,
                "CognitoDomainTarget",
                value=cognito_api.domain.domain_name_alias_domain_name,
                description="Point the custom domain's DNS (CNAME or alias) here",
            )

    def _existing_password_policy(self, config: StackConfig) -> dict[str, str]:
        """The function's PASSWORD_* settings in existing-pool mode: the default client's pool, read at deploy time;
        without a userPoolId, none (the function checks Cognito's default policy) and a synth warning."""
        pool_id = password_policy_pool(config)
        if pool_id is None:
            Annotations.of(self).add_warning_v2(
                "resend:passwordPolicyUnknown",
                "the default app client names no userPoolId, so the stack cannot read the pool's password policy: "
                "the function checks Cognito's default policy (8 characters, every class), and a stricter pool's "
                "refusals answer invalid_password after Cognito (docs/operations.md, password policy)",
            )
            return {}
        if len({c.user_pool_id for c in config.app_clients}) > 1:
            Annotations.of(self).add_warning_v2(
                "resend:passwordPolicyOfOnePool",
                f"the app clients are in more than one pool: every new password is checked against {pool_id}'s "
                "password policy (the default client's pool)",
            )
        return PoolPasswordPolicy(
            self,
            "PasswordPolicy",
            user_pool_id=pool_id,
            revision=config.password_policy_revision,
            log_retention=config.log_retention,
        ).environment

    def _check_regions(self, config: StackConfig) -> None:
        # A secret or key from another Region synthesizes and deploys, then every request answers 500. Refuse it
        # at synth when the Region is known; otherwise CloudFormation refuses the deploy before creating anything.
        if not Token.is_unresolved(self.region):
            check_regions(config, self.region)
            return
        for index, (setting, region) in enumerate(regional_references(config)):
            CfnRule(
                self,
                f"RegionOf{index}",
                assertions=[
                    CfnRuleAssertion(
                        assert_=Fn.condition_equals(Aws.REGION, region),
                        assert_description=f"{setting} is in {region}: deploy the stack in {region}, or configure "
                        "a secret, key or topic of this Region",
                    )
                ],
            )
