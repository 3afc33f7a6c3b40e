"""The resend-confirmation-code endpoint: request contract, secret handling and the Cognito call."""
