#!/usr/bin/env python3
"""The CDK app: `cdk synth` / `cdk deploy` run this (cdk.json). It needs no AWS credentials and no Docker."""

import sys
from pathlib import Path

# The request model and route live with the function's code; the stack reads them from there (one source).
sys.path.insert(0, str(Path(__file__).resolve().parent / "lambda"))

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from infra.config import StackConfig
from infra.stack import ResendConfirmationCodeStack

app = cdk.App()
ResendConfirmationCodeStack(
    app,
    app.node.try_get_context("stackName") or "ResendConfirmationCode",
    config=StackConfig.from_context(app.node),
    description="Server-side Cognito ResendConfirmationCode for app clients with a secret",
)
cdk.Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
app.synth()
