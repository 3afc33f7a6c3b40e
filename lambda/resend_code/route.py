"""The endpoint's route and size limit: one definition read by the handler, the stack, the local server and the docs."""

ROUTE_PATH = "/resend-confirmation-code"
ROUTE_METHOD = "POST"

# 8 KiB is far above a real request (a username, a little metadata and Cognito's encoded context data, a few KB)
# and small enough that the WAF body-size rule and the Lambda agree on one number.
MAX_BODY_BYTES = 8 * 1024
