"""The function's CloudWatch metrics (EMF): one definition read by observability.py, the alarms and the dashboard.

An alarm on a metric nobody emits stays in OK forever, so the stack never retypes these names: it imports them
from here, and a test checks them against the EMF lines a real invocation prints. Powertools adds the `service`
dimension (POWERTOOLS_SERVICE_NAME) to every metric, so alarms carry it too.
"""

NAMESPACE_SETTING = "POWERTOOLS_METRICS_NAMESPACE"
SERVICE_DIMENSION = "service"

# A code was sent (Cognito answered with CodeDeliveryDetails), by DeliveryMedium (EMAIL, SMS).
CODE_SENT = "CodeSent"
DELIVERY_MEDIUM = "DeliveryMedium"
# Cognito refused or failed, by ErrorCode (answered neutrally or as a problem: see each operation's outcome
# table, operations/).
COGNITO_ERROR = "CognitoError"
ERROR_CODE = "ErrorCode"
# One undimensioned count of Cognito failures the caller saw as a problem (429/5xx), for a single alarm.
COGNITO_FAILURE = "CognitoFailure"
# ConfirmSignUp accepted the code: the user is CONFIRMED.
SIGN_UP_CONFIRMED = "SignUpConfirmed"
# ConfirmSignUp refused, answered code_mismatch, code_expired or alias_exists, by Reason: Cognito's error code,
# with NotAuthorizedException split into AlreadyConfirmed and UserDisabled. The caller cannot tell an unknown,
# confirmed or disabled user from a wrong code; the operator can, here.
CONFIRMATION_REFUSED = "ConfirmationRefused"
# ForgotPassword sent a reset code (Cognito answered with CodeDeliveryDetails), by DeliveryMedium (EMAIL, SMS).
RESET_CODE_SENT = "ResetCodeSent"
# ForgotPassword sent nothing, answered neutrally (or as a problem, for a failure), by Reason: Cognito's error code,
# with NotAuthorizedException for a disabled user as UserDisabled and InvalidParameterException for an account with
# no verified address as NoVerifiedAddress. The caller cannot tell them from a sent code; the operator can, here.
RESET_CODE_NOT_SENT = "ResetCodeNotSent"
# ConfirmForgotPassword accepted the code and the new password: the password is reset.
PASSWORD_RESET = "PasswordReset"
# ConfirmForgotPassword refused, by Reason: Cognito's error code (NotAuthorizedException for a disabled user as
# UserDisabled). Answered code_mismatch (or invalid_password, for Cognito's own InvalidPasswordException).
PASSWORD_RESET_REFUSED = "PasswordResetRefused"
# One undimensioned count of per-account Cognito failures (attempt limit, delivery, the pool's triggers) that
# the caller was answered neutrally for (the outcome tables' account faults), for a single alarm.
COGNITO_FAILURE_ANSWERED_NEUTRALLY = "CognitoFailureAnsweredNeutrally"
# Secrets Manager could not give the app client's secret, by Reason.
SECRETS_MANAGER_ERROR = "SecretsManagerError"
# The request failed validation (or origin, route, method checks) before anything reached AWS, by Reason (the
# problem `code`).
REQUEST_REJECTED = "RequestRejected"
REASON = "Reason"
# Cognito refused the secret hash and the secret was read again (a rotation in progress).
SECRET_REFRESHED = "SecretRefreshed"
# The per-username limiter refused a request (answered 429 attempt_limit_exceeded), by Policy ("resend", "confirm",
# "forgot_password", "confirm_forgot_password").
LIMIT_REACHED = "LimitReached"
POLICY = "Policy"
# The limiter's DynamoDB table could not be used and the request went on unlimited (fail open); undimensioned,
# for one alarm (the reason is in the log line).
LIMITER_UNAVAILABLE = "LimiterUnavailable"
# An answer that reached Cognito took longer than RESPONSE_TIME_FLOOR_MS, so its timing was not hidden.
RESPONSE_TIME_FLOOR_EXCEEDED = "ResponseTimeFloorExceeded"
# Cognito refused for a reason of the pool's or app client's set-up or of the account's limits, not of the one
# request (the outcome tables' set-up column), answered neutrally or as a problem; undimensioned, so one alarm
# can take its share of all requests: when it rises, codes have stopped going out while callers still read the
# neutral 200.
COGNITO_SETUP_REFUSAL = "CognitoSetupRefusal"

# The client-secret rotation function (rotation_handler.py), under its own `service` (ROTATION_SERVICE_NAME):
# a step of a rotation failed (Secrets Manager retries it; the endpoint still works on the current secret), for
# one alarm; the step and AWS's error code are in the log line.
CLIENT_SECRET_ROTATION_FAILED = "ClientSecretRotationFailed"
# finishSecret completed: the app client has a new secret and the old one is revoked.
CLIENT_SECRET_ROTATED = "ClientSecretRotated"
