"""Which Cognito refusals count towards the set-up refusal alarm."""

import botocore.session

from resend_code.refusal_kinds import SETUP_REFUSALS, is_setup_refusal


def test_every_setup_refusal_is_an_error_cognito_can_give_for_the_call() -> None:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    errors = {shape.name for shape in model.operation_model("ResendConfirmationCode").error_shapes}

    assert errors >= SETUP_REFUSALS  # a typo here would make the alarm blind to that refusal


def test_refusals_about_the_one_request_are_not_setup_refusals() -> None:
    # Healthy traffic has unknown usernames and users at their own attempt limit.
    assert not is_setup_refusal("UserNotFoundException")
    assert not is_setup_refusal("LimitExceededException")
    assert not is_setup_refusal("InternalErrorException")  # Cognito's own fault: CognitoFailures covers it
    assert is_setup_refusal("InvalidParameterException")
    assert is_setup_refusal("UserLambdaValidationException")
