#!/usr/bin/env python3
"""The CDK app: `cdk synth` / `cdk deploy` run this (cdk.json). It needs no AWS credentials and no Docker."""

import sys
from pathlib import Path

# The request model and route live with the function's code; the stack reads them from there (one source).
sys.path.insert(0, str(Path(__file__).resolve().parent / "lambda"))

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from infra.config import ConfigError, StackConfig
from infra.stack import ResendConfirmationCodeStack

app = cdk.App()
try:
    config = StackConfig.from_context(app.node)
except ConfigError as error:
    # One line naming the context key, not a Python traceback, is what `cdk synth` should print.
    sys.exit(f"Invalid CDK context: {error}")
ResendConfirmationCodeStack(
    app,
    app.node.try_get_context("stackName") or "ResendConfirmationCode",
    config=config,
    description="Server-side Cognito ResendConfirmationCode for app clients with a secret",
)
cdk.Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
app.synth()
