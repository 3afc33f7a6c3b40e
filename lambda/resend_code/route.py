"""The endpoint's paths and size limit: plain constants read by the handler, the stack, the local server and the docs.

The route table itself (path, method, request model, operation id per route) is `routes.ROUTES`; it imports the
request models, which import MAX_BODY_BYTES from here, so the constants live apart from it.
"""

RESEND_CONFIRMATION_CODE_PATH = "/resend-confirmation-code"
CONFIRM_SIGN_UP_PATH = "/confirm-sign-up"
# Every route is a POST of a JSON body.
ROUTE_METHOD = "POST"
# The first route, under the name the code used before there were two.
ROUTE_PATH = RESEND_CONFIRMATION_CODE_PATH

# 8 KiB is far above a real request (a username, a little metadata and Cognito's encoded context data, a few KB)
# and small enough that the WAF body-size rule and the Lambda agree on one number.
MAX_BODY_BYTES = 8 * 1024
