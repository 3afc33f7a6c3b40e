// The browser client of the endpoint's code screens: a sign-up's confirmation (resendConfirmationCode,
// confirmSignUp) and a forgotten password (forgotPassword, confirmForgotPassword), one function per route.
// Copy this file as it is: no build step, no dependencies, any modern browser (ES2020 module).
//
//   import { confirmSignUp, resendConfirmationCode, messageFor } from "./code-screens.js";
//   const api = "https://abc123.execute-api.eu-west-1.amazonaws.com/v1";
//   const result = await resendConfirmationCode(api, "a@b.com");   // forgotPassword answers the same four kinds
//   switch (result.kind) {
//     case "sent":      /* show result.message; result.codeDeliveryDetails?.destination when the server reveals it */
//     case "invalid":   /* fix the input: messageFor(result) and result.errors (field by field) */
//     case "throttled": /* wait result.retryAfterSeconds before the next try */
//     case "failed":    /* messageFor(result); if result.retryAfterSeconds, wait that long (after a timeout the
//                          code may already be on its way) */
//   }
//   Or simply: keep the button disabled for cooldownSeconds(result).
//   const confirmed = await confirmSignUp(api, "a@b.com", "123-456");  // the code as typed: see codeAsSent
//   switch (confirmed.kind) {
//     case "confirmed": /* the user can sign in now */
//     case "invalid":   /* confirmed.code: "code_mismatch" (a wrong or expired code, or an account already
//                          confirmed: offer to type it again, the resend and the sign-in), "code_expired" (older
//                          deployments only: offer the resend), ... */
//     case "throttled": /* wait confirmed.retryAfterSeconds */
//     case "failed":    /* messageFor(confirmed): after a timeout the account may already be confirmed */
//   }
//   const reset = await confirmForgotPassword(api, "a@b.com", "123 456", newPassword);
//   switch (reset.kind) {
//     case "reset":     /* the user can sign in with the new password now */
//     case "invalid":   /* reset.code: "invalid_password" (reset.errors: one per rule broken, field "password"),
//                          "code_mismatch" (a wrong or expired code, or a password used recently), ... */
//     case "throttled": /* wait reset.retryAfterSeconds */
//     case "failed":    /* messageFor(reset): after a timeout the password may already be reset */
//   }

/** Human messages for each stable error `code` the endpoint answers with. */
export const MESSAGES = Object.freeze({
  invalid_json: "Something went wrong sending the request. Please try again.",
  invalid_request: "Please enter the e-mail address or username you signed up with.",
  server_supplied_field: "This app sent something it should not. Please update the app.",
  code_mismatch: "That code is wrong or has expired: check the newest message, or ask for a new one. Already confirmed? Sign in.",
  code_expired: "That code has expired or a newer one was sent. Use “Resend code” to get a new one.",
  unknown_client_id: "This app is not set up for these codes. Please contact support.",
  origin_not_allowed: "This page is not allowed to send codes. Please contact support.",
  request_blocked: "This request was blocked. Please try again later.",
  not_found: "The code service could not be found. Please contact support.",
  method_not_allowed: "The code service could not be reached correctly. Please contact support.",
  alias_exists: "Another account already uses this e-mail address or phone number. Sign in to that account instead.",
  payload_too_large: "The request was too large.",
  unsupported_media_type: "Something went wrong sending the request. Please try again.",
  rate_limited: "Too many requests right now. Please wait a moment and try again.",
  attempt_limit_exceeded: "Too many attempts for this username. Please wait before trying again.",
  internal_error: "Something went wrong on our side. Please try again later.",
  upstream_error: "The account service had a problem. Please try again later.",
  upstream_unavailable: "The account service is unavailable. Please try again shortly.",
  upstream_timeout: "The account service took too long to answer. A code may already be on its way: check your inbox before asking again.",
  network_error: "Could not reach the server. Check your connection and try again.",
  invalid_password: "The new password does not meet the password rules.",
});

/**
 * The confirm route's own words where the resend's would mislead: after a timeout the account may already be
 * confirmed (docs/api.md), so the person should try signing in before sending the code again.
 */
export const CONFIRM_MESSAGES = Object.freeze({
  upstream_timeout: "The account service took too long to answer. Your account may already be confirmed: try signing in. If you cannot, enter the code again after the wait.",
});

/**
 * The reset route's own words where the shared ones would mislead. Its code_mismatch also answers a new password
 * the pool's password history refuses (Cognito checks it only for a real account with the right code, and the
 * endpoint answers it like a wrong code so as not to tell which accounts exist); after a timeout the password may
 * already be reset.
 */
export const RESET_MESSAGES = Object.freeze({
  code_mismatch: "That code is wrong or has expired: check the newest message, or ask for a new one. If the code is right, choose a password you have not used recently.",
  upstream_timeout: "The account service took too long to answer. Your password may already be reset: try signing in with the new one. If you cannot, try again after the wait.",
});

export const RESEND_ROUTE = "/resend-confirmation-code";
export const CONFIRM_ROUTE = "/confirm-sign-up";
export const FORGOT_PASSWORD_ROUTE = "/forgot-password";
export const CONFIRM_FORGOT_PASSWORD_ROUTE = "/confirm-forgot-password";
const DEFAULT_TIMEOUT_MS = 15000;
const DEFAULT_RETRY_AFTER_SECONDS = 60;

// POST a JSON body; the success document, or the problem turned into an "invalid", "throttled" or "failed" result.
async function post(baseUrl, route, body, options, messages = MESSAGES) {
  const fetchImpl = options.fetchImpl || fetch;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs || DEFAULT_TIMEOUT_MS);
  let response;
  try {
    response = await fetchImpl(baseUrl + route, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
  } catch (error) {
    return { problem: { kind: "failed", code: "network_error", message: MESSAGES.network_error, status: 0 } };
  } finally {
    clearTimeout(timer);
  }

  const document = await response.json().catch(() => ({}));
  if (response.ok) return { document };
  const code = typeof document.code === "string" ? document.code : "upstream_error";
  const message = messages[code] || MESSAGES[code] || MESSAGES.upstream_error;
  const retryAfter = retryAfterSecondsOf(response);
  if (response.status === 429 || response.status === 503) {
    const retryAfterSeconds = retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS;
    return { problem: { kind: "throttled", code, message, retryAfterSeconds } };
  }
  if ([400, 409, 413, 415].includes(response.status)) {
    const errors = Array.isArray(document.errors) ? document.errors : [];
    return { problem: { kind: "invalid", code, message, errors } };
  }
  // Any other answer may carry Retry-After too (a 504 after which the code may have been sent): honour it.
  return { problem: { kind: "failed", code, message, status: response.status, retryAfterSeconds: retryAfter ?? 0 } };
}

/** Retry-After in seconds (RFC 9110: delay-seconds or an HTTP date), or null when absent or unreadable. */
function retryAfterSecondsOf(response) {
  const value = (response.headers.get("Retry-After") || "").trim();
  if (/^\d+$/.test(value)) return Number.parseInt(value, 10);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function optionalFields(options) {
  const body = {};
  if (options.clientId) body.clientId = options.clientId;
  if (options.clientMetadata) body.clientMetadata = options.clientMetadata;
  return body;
}

/**
 * @param {string} baseUrl  the API's base URL ("" for the same origin), without the route
 * @param {string} username the username or e-mail address the user signed up with
 * @param {{clientId?: string, clientMetadata?: Record<string,string>, timeoutMs?: number, fetchImpl?: typeof fetch}} [options]
 * @returns {Promise<{kind:"sent", message:string, codeDeliveryDetails?:object}
 *   | {kind:"invalid", code:string, message:string, errors:Array<{field:string,code:string,message:string}>}
 *   | {kind:"throttled", code:string, message:string, retryAfterSeconds:number}
 *   | {kind:"failed", code:string, message:string, status:number, retryAfterSeconds:number}>}
 */
export async function resendConfirmationCode(baseUrl, username, options = {}) {
  // A keyboard's trailing space or a pasted tab or line break: no Cognito username holds whitespace, so removing
  // it around the value changes no valid one (the server does the same). Case and normalization stay as typed.
  const body = { username: String(username).trim(), ...optionalFields(options) };
  const { document, problem } = await post(baseUrl, RESEND_ROUTE, body, options);
  if (problem) return problem;
  return { kind: "sent", message: document.message, codeDeliveryDetails: document.codeDeliveryDetails };
}

// What people type and paste around the six digits: "123 456", "123-456", "123–456" from a message's typography, a
// zero-width space, soft hyphen or word joiner a mail client or a web page slipped in. Unicode White_Space, every
// dash (category Pd) and every invisible format character (category Cf) are dropped.
const DROPPED_FROM_CODES = /[\p{White_Space}\p{Pd}\p{Cf}]/gu;
const DECIMAL_DIGIT = /\p{Nd}/u;

// Unicode encodes each script's decimal digits as a run of ten, zero first (a stability guarantee): a digit's value
// is its distance from the start of its run, modulo ten where runs of ten follow one another (mathematical digits).
function asciiDigit(digit) {
  const point = digit.codePointAt(0);
  let start = point;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
  return String((point - start) % 10);
}

/**
 * A confirmation code as people type and paste it, made into what Cognito sent: whitespace, dashes (Unicode
 * category Pd) and invisible format characters (category Cf) dropped, digits of any script (full-width,
 * Arabic-Indic, ...) made ASCII. Anything else stays as typed, and the server refuses it (400) before Cognito.
 * The same rule as the Swift and Kotlin clients (docs/clients.md).
 * @param {string} typed
 * @returns {string}
 */
export function codeAsSent(typed) {
  return String(typed)
    .replace(DROPPED_FROM_CODES, "")
    .replace(new RegExp(DECIMAL_DIGIT.source, "gu"), asciiDigit);
}

/**
 * @param {string} baseUrl          the API's base URL ("" for the same origin), without the route
 * @param {string} username         the username or e-mail address the user signed up with
 * @param {string} confirmationCode the code as typed: sent as codeAsSent(confirmationCode)
 * @param {{clientId?: string, clientMetadata?: Record<string,string>, forceAliasCreation?: boolean,
 *          timeoutMs?: number, fetchImpl?: typeof fetch}} [options]
 * @returns {Promise<{kind:"confirmed", message:string}
 *   | {kind:"invalid", code:string, message:string, errors:Array<{field:string,code:string,message:string}>}
 *   | {kind:"throttled", code:string, message:string, retryAfterSeconds:number}
 *   | {kind:"failed", code:string, message:string, status:number, retryAfterSeconds:number}>}
 *   An unknown or already-confirmed account answers "invalid" with code "code_mismatch", like a wrong code; so
 *   will an expired or replaced code once the server stops answering "code_expired".
 */
export async function confirmSignUp(baseUrl, username, confirmationCode, options = {}) {
  const body = { username: String(username).trim(), confirmationCode: codeAsSent(confirmationCode), ...optionalFields(options) };
  if (typeof options.forceAliasCreation === "boolean") body.forceAliasCreation = options.forceAliasCreation;
  const { document, problem } = await post(baseUrl, CONFIRM_ROUTE, body, options, CONFIRM_MESSAGES);
  if (problem) return problem;
  return { kind: "confirmed", message: document.message };
}

/**
 * Ask for a code to reset a forgotten password. The answer is the same whether or not the account exists, can
 * receive a code, or made Cognito fail (no account enumeration), so "sent" means only that the request was taken.
 * @param {string} baseUrl  the API's base URL ("" for the same origin), without the route
 * @param {string} username the username or e-mail address the user signed up with
 * @param {{clientId?: string, clientMetadata?: Record<string,string>, timeoutMs?: number, fetchImpl?: typeof fetch}} [options]
 * @returns {Promise<{kind:"sent", message:string, codeDeliveryDetails?:object}
 *   | {kind:"invalid", code:string, message:string, errors:Array<{field:string,code:string,message:string}>}
 *   | {kind:"throttled", code:string, message:string, retryAfterSeconds:number}
 *   | {kind:"failed", code:string, message:string, status:number, retryAfterSeconds:number}>}
 */
export async function forgotPassword(baseUrl, username, options = {}) {
  const body = { username: String(username).trim(), ...optionalFields(options) };
  const { document, problem } = await post(baseUrl, FORGOT_PASSWORD_ROUTE, body, options);
  if (problem) return problem;
  return { kind: "sent", message: document.message, codeDeliveryDetails: document.codeDeliveryDetails };
}

/**
 * Set a new password with the code forgotPassword sent. The password is sent exactly as typed: never trimmed or
 * normalized (the server and Cognito compare it as it is).
 * @param {string} baseUrl          the API's base URL ("" for the same origin), without the route
 * @param {string} username         the username or e-mail address the user signed up with
 * @param {string} confirmationCode the code as typed: sent as codeAsSent(confirmationCode)
 * @param {string} password         the new password
 * @param {{clientId?: string, clientMetadata?: Record<string,string>, timeoutMs?: number, fetchImpl?: typeof fetch}} [options]
 * @returns {Promise<{kind:"reset", message:string}
 *   | {kind:"invalid", code:string, message:string, errors:Array<{field:string,code:string,message:string}>}
 *   | {kind:"throttled", code:string, message:string, retryAfterSeconds:number}
 *   | {kind:"failed", code:string, message:string, status:number, retryAfterSeconds:number}>}
 *   "invalid" with code "invalid_password" lists each rule of the pool's policy the password breaks in `errors`
 *   (field "password"; none when Cognito itself refused it). An unknown, disabled or unconfirmed account, a wrong,
 *   expired or replaced code, Cognito's attempt limits and a recently used password all answer "invalid" with
 *   code "code_mismatch", alike.
 */
export async function confirmForgotPassword(baseUrl, username, confirmationCode, password, options = {}) {
  const body = {
    username: String(username).trim(),
    confirmationCode: codeAsSent(confirmationCode),
    password: String(password),
    ...optionalFields(options),
  };
  const { document, problem } = await post(baseUrl, CONFIRM_FORGOT_PASSWORD_ROUTE, body, options, RESET_MESSAGES);
  if (problem) return problem;
  return { kind: "reset", message: document.message };
}

/**
 * Cognito's default password policy, which the endpoint's PASSWORD_* settings default to: what a page states when
 * it is not told the pool's own.
 */
export const DEFAULT_PASSWORD_POLICY = Object.freeze({
  minimumLength: 8,
  requireUppercase: true,
  requireLowercase: true,
  requireNumbers: true,
  requireSymbols: true,
});

// The characters the endpoint counts for each class, as Cognito's password policy documents them (Amazon Cognito
// Developer Guide, "Adding user pool password requirements"): Basic Latin letters, ASCII digits, and its list of
// special characters. A space is not counted as a symbol (the guide's pages disagree on it, so the server counts
// only what Cognito surely counts), and whitespace at either end is any of Python's str.isspace(), as the server's.
const UPPERCASE = /[A-Z]/;
const LOWERCASE = /[a-z]/;
const NUMBER = /[0-9]/;
const SYMBOL = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\-]/;
const WHITESPACE = "[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const SURROUNDING_WHITESPACE = new RegExp(`^${WHITESPACE}|${WHITESPACE}$`);

/**
 * The rules of `policy` a new password breaks, by the server's field error codes (password_too_short,
 * password_needs_uppercase, password_needs_lowercase, password_needs_number, password_needs_symbol,
 * password_surrounding_whitespace), in the server's order. For hints as the person types: it counts characters as
 * the server does (tests/unit/test_client_snippets.py holds the two to the same answers), so it never names a rule
 * the server would not; the server has the last word (its 400 invalid_password lists the rules it found broken).
 * @param {string} password
 * @param {{minimumLength:number, requireUppercase:boolean, requireLowercase:boolean, requireNumbers:boolean,
 *          requireSymbols:boolean}} [policy]
 * @returns {string[]}
 */
export function passwordRulesBroken(password, policy = DEFAULT_PASSWORD_POLICY) {
  const text = String(password);
  const broken = [];
  // Characters as Cognito counts them: code points, not UTF-16 units (an emoji is one).
  if ([...text].length < policy.minimumLength) broken.push("password_too_short");
  if (policy.requireUppercase && !UPPERCASE.test(text)) broken.push("password_needs_uppercase");
  if (policy.requireLowercase && !LOWERCASE.test(text)) broken.push("password_needs_lowercase");
  if (policy.requireNumbers && !NUMBER.test(text)) broken.push("password_needs_number");
  if (policy.requireSymbols && !SYMBOL.test(text)) broken.push("password_needs_symbol");
  if (SURROUNDING_WHITESPACE.test(text)) broken.push("password_surrounding_whitespace");
  return broken;
}

/** The message to show a person for any result. */
export function messageFor(result) {
  if (result.kind === "sent" || result.kind === "confirmed" || result.kind === "reset") return result.message;
  return result.message || MESSAGES.upstream_error;
}

/**
 * Seconds to keep the button disabled after a result: the server's Retry-After whenever it gave one (throttled,
 * or a timeout after which the code may already be on its way), the server's default per-username cooldown (60 s)
 * after a send (so neither a double click nor an early retry meets a 429), none after a mistake the person can fix.
 */
export function cooldownSeconds(result, afterSendSeconds = 60) {
  if (result.kind === "throttled") return result.retryAfterSeconds;
  if (result.kind === "sent") return afterSendSeconds;
  if (result.kind === "failed") return result.retryAfterSeconds || 0;
  return 0;
}
