// One call of the AWS SDK for JavaScript v3 (unmodified, from npm) against an endpoint, for
// tests/e2e/test_cognito_protocol_js_sdk.py: `node sdk_call.mjs <endpoint> <Command> '<input JSON>'`.
// Prints {"output": ...} or {"error": {"name", "status", "attempts"}} as one JSON line. The code-screen
// operations are unsigned and the SDK sends them without credentials; placeholder ones are given only so that the
// signed operations (Admin*, ListUsers) reach the endpoint at all, as they would from an app holding real keys.
import * as sdk from "@aws-sdk/client-cognito-identity-provider";

const [endpoint, command, input] = process.argv.slice(2);
const client = new sdk.CognitoIdentityProviderClient({
  region: "us-east-1",
  endpoint,
  maxAttempts: 3,
  credentials: { accessKeyId: "placeholder", secretAccessKey: "placeholder" },
});
try {
  const output = await client.send(new sdk[`${command}Command`](JSON.parse(input)));
  delete output.$metadata;
  console.log(JSON.stringify({ output }));
} catch (error) {
  const metadata = error.$metadata ?? {};
  console.log(
    JSON.stringify({
      error: { name: error.name, status: metadata.httpStatusCode, attempts: metadata.attempts, message: error.message },
    }),
  );
}
