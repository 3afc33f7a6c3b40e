"""Which Cognito refusals say the set-up is broken rather than something about the one request.

An unknown username or one user's own attempt limit is normal traffic. The errors below, by contrast, come from
the pool's e-mail/SMS or Lambda-trigger set-up, the app client's settings (a client that does not accept the
forwarded caller IP answers InvalidParameterException to every request), the secret, or the account's quotas:
when their share of requests rises, codes have stopped going out, even where callers still read the neutral 200.
InvalidParameterException is also Cognito's answer for an already-confirmed user, and NotAuthorizedException for
a disabled one; both are a small share of healthy traffic, which is why the alarm watches a share, not a count.
"""

from __future__ import annotations

SETUP_REFUSALS = frozenset(
    {
        "InvalidParameterException",
        "NotAuthorizedException",
        "TooManyRequestsException",
        "CodeDeliveryFailureException",
        "ForbiddenException",
        "ResourceNotFoundException",
        "InvalidEmailRoleAccessPolicyException",
        "InvalidSmsRoleAccessPolicyException",
        "InvalidSmsRoleTrustRelationshipException",
        "OperationNotEnabledException",
        "InvalidLambdaResponseException",
        "UnexpectedLambdaException",
        "UserLambdaValidationException",
    }
)


def is_setup_refusal(error_code: str) -> bool:
    """True when a Cognito error code points at the pool's, the client's or the account's set-up (see above)."""
    return error_code in SETUP_REFUSALS
