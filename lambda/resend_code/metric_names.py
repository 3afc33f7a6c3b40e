"""The function's CloudWatch metrics (EMF): one definition read by the handler, the alarms and the dashboard.

An alarm on a metric nobody emits stays in OK forever, so the stack never retypes these names: it imports them
from here, and a test checks them against the EMF lines a real invocation prints. Powertools adds the `service`
dimension (POWERTOOLS_SERVICE_NAME) to every metric, so alarms carry it too.
"""

NAMESPACE_SETTING = "POWERTOOLS_METRICS_NAMESPACE"
SERVICE_DIMENSION = "service"

# A code was sent (Cognito answered with CodeDeliveryDetails), by DeliveryMedium (EMAIL, SMS).
CODE_SENT = "CodeSent"
DELIVERY_MEDIUM = "DeliveryMedium"
# Cognito refused or failed, by ErrorCode (answered neutrally or as a problem: see upstream_errors.py).
COGNITO_ERROR = "CognitoError"
ERROR_CODE = "ErrorCode"
# One undimensioned count of Cognito failures the caller saw as a problem (429/5xx), for a single alarm.
COGNITO_FAILURE = "CognitoFailure"
# Secrets Manager could not give the app client's secret, by Reason.
SECRETS_MANAGER_ERROR = "SecretsManagerError"
# The request failed validation (or origin, route, method checks) before anything reached AWS, by Reason (the
# problem `code`).
REQUEST_REJECTED = "RequestRejected"
REASON = "Reason"
# Cognito refused the secret hash and the secret was read again (a rotation in progress).
SECRET_REFRESHED = "SecretRefreshed"
# Cognito refused for a reason of the pool's or app client's set-up or of the account's limits, not of the one
# request (see refusal_kinds.py), answered neutrally or as a problem; undimensioned, so one alarm can take its
# share of all requests: when it rises, codes have stopped going out while callers still read the neutral 200.
COGNITO_SETUP_REFUSAL = "CognitoSetupRefusal"
