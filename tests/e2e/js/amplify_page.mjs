// The page script of tests/e2e/test_cognito_protocol_amplify.py: unmodified Amplify JS v6 (from npm, bundled by
// esbuild) whose only change is `userPoolEndpoint`. The test calls these functions through Playwright; each returns
// {output} or {error: {name, message}} as Amplify surfaced it.
import { Amplify, createAmplifyContext } from "aws-amplify";
import { confirmResetPassword, confirmSignUp, resendSignUpCode, resetPassword } from "aws-amplify/auth";

const cognitoConfig = (endpoint, clientId) => ({
  Auth: {
    Cognito: {
      // Amplify takes the Region from the pool id and never sends it: any well-formed id will do.
      userPoolId: "us-east-1_example",
      userPoolClientId: clientId,
      userPoolEndpoint: endpoint,
    },
  },
});

const settle = async (promise) => {
  try {
    return { output: await promise };
  } catch (error) {
    return { error: { name: error.name, message: error.message } };
  }
};

window.amplifyConfigure = (endpoint, clientId) => Amplify.configure(cognitoConfig(endpoint, clientId));
window.amplifyResend = (username) => settle(resendSignUpCode({ username }));
window.amplifyConfirm = (username, confirmationCode) => settle(confirmSignUp({ username, confirmationCode }));
// Per call (6.22.0+): a context of its own, whatever the global configuration says.
window.amplifyResendWithContext = (endpoint, clientId, username) =>
  settle(resendSignUpCode(createAmplifyContext(cognitoConfig(endpoint, clientId)), { username }));
// The password reset: ForgotPassword and ConfirmForgotPassword.
window.amplifyResetPassword = (username) => settle(resetPassword({ username }));
window.amplifyConfirmResetPassword = (username, confirmationCode, newPassword) =>
  settle(confirmResetPassword({ username, confirmationCode, newPassword }).then(() => "reset"));
