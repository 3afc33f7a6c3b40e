"""BASELINE ONLY, never used by the product: the ten-line handler commonly copied from blog posts.

It reads the secret from Secrets Manager on every request, validates nothing, and creates its clients at import.
The benchmark measures it beside the real handler to show what the project's design buys.
"""

import base64
import hashlib
import hmac
import json
import os

import boto3

secrets_manager = boto3.client("secretsmanager")
cognito = boto3.client("cognito-idp")


def lambda_handler(event, context):  # type: ignore[no-untyped-def]
    body = json.loads(event["body"])
    secret = json.loads(secrets_manager.get_secret_value(SecretId=os.environ["SECRET_ID"])["SecretString"])
    message = (body["username"] + secret["clientId"]).encode()
    digest = hmac.new(secret["clientSecret"].encode(), message, hashlib.sha256).digest()
    response = cognito.resend_confirmation_code(
        ClientId=secret["clientId"], Username=body["username"], SecretHash=base64.b64encode(digest).decode()
    )
    return {"statusCode": 200, "body": json.dumps(response["CodeDeliveryDetails"])}
