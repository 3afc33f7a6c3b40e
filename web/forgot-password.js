// The reference forgot-password screen: step 1 asks for a reset code, step 2 sets a new password with it, on top of
// code-screens.js (the client) and screen-parts.js (what it shares with the confirmation screen). Each button has
// its own in-flight and cooldown state; every result is announced in the status region.
import {
  MESSAGES,
  codeAsSent,
  confirmForgotPassword,
  cooldownSeconds,
  forgotPassword,
  passwordRulesBroken,
} from "./code-screens.js";
import { control, keepFocus, markInvalid, outboxPanel, pollOutbox, show, withWait } from "./screen-parts.js";

const requestForm = document.getElementById("request-form");
const resetForm = document.getElementById("reset-form");
const username = document.getElementById("username");
const resetUsername = document.getElementById("reset-username");
const code = document.getElementById("code");
const password = document.getElementById("new-password");
const showPassword = document.getElementById("show-password");
const rules = [...document.querySelectorAll("#password-policy li[data-rule]")];
const status = document.getElementById("status");
const outbox = document.getElementById("outbox");
const apiBase = requestForm.dataset.apiBase || "";
const refreshOutbox = outboxPanel(outbox, document.getElementById("outbox-code"), "ForgotPassword");

const send = control("send");
const reset = control("reset");

// The policy the page states (its list), for the hints: a rule the list leaves out is not required.
const stated = new Set(rules.map((rule) => rule.dataset.rule));
const policy = {
  minimumLength: Number(document.querySelector('[data-rule="password_too_short"]')?.dataset.minimumLength || 0),
  requireUppercase: stated.has("password_needs_uppercase"),
  requireLowercase: stated.has("password_needs_lowercase"),
  requireNumbers: stated.has("password_needs_number"),
  requireSymbols: stated.has("password_needs_symbol"),
};

// Each rule of the list says whether the password typed so far meets it: a tick for the eye, words for a screen
// reader (the list describes the field). Hints only: nothing is refused here that the server would accept.
for (const rule of rules) {
  const state = document.createElement("span");
  state.className = "visually-hidden";
  rule.append(state);
}

function showHints() {
  const broken = new Set(passwordRulesBroken(password.value, policy));
  for (const rule of rules) {
    const met = password.value !== "" && !broken.has(rule.dataset.rule);
    rule.dataset.met = String(met);
    rule.querySelector(".visually-hidden").textContent = met ? " (done)" : "";
  }
}

function requireUsername() {
  const value = username.value.trim();
  if (!value) markInvalid(status, username, MESSAGES.invalid_request);
  else username.removeAttribute("aria-invalid");
  return value;
}

async function onSend(event) {
  event.preventDefault();
  if (!send.ready) return; // a second Enter or click while the first is in flight sends nothing
  const name = requireUsername();
  if (!name) return;
  send.start();
  show(status, "pending", "Sending…");
  const result = await forgotPassword(apiBase, name);
  let text = withWait(result);
  if (result.kind === "sent" && result.codeDeliveryDetails) {
    text += ` Sent to ${result.codeDeliveryDetails.destination}.`;
  }
  show(status, result.kind, text);
  const wait = cooldownSeconds(result);
  send.finish(wait);
  if (result.kind === "sent") {
    // Step 2 is next; the send button is cooling down, so focus must not stay on it.
    code.focus();
  } else if (result.kind === "invalid") {
    markInvalid(status, username, text);
  } else {
    // Throttled, or failed with a wait: a code already received can still be typed in step 2, whose field the
    // message describes, so a screen reader reads why "Send reset code" is unavailable.
    keepFocus(send.button, code);
  }
  // After an error too: a timeout may still have sent a code, which can land in the outbox after the answer.
  await refreshOutbox(name);
  if (result.kind === "failed") pollOutbox(outbox, refreshOutbox, name, wait);
}

// The field a refusal names (the server's `errors[].field`), to put the cursor where the fix goes.
const FIELDS = { username, confirmationCode: code, password };

function invalidResetText(result) {
  if (result.code === "invalid_password" && result.errors.length > 0) {
    // One error per rule broken, in the server's words ("Password should contain a number").
    return `${result.message} ${result.errors.map((error) => `${error.message}.`).join(" ")}`;
  }
  return result.message;
}

async function onReset(event) {
  event.preventDefault();
  if (!reset.ready) return; // a second Enter or click while the first is in flight sends nothing
  const name = requireUsername();
  if (!name) return;
  // "123-456", "123–456", a pasted zero-width space: the client's rule (code-screens.js, docs/clients.md).
  const typed = codeAsSent(code.value);
  if (!typed) {
    markInvalid(status, code, "Please enter the code from your message.");
    return;
  }
  code.removeAttribute("aria-invalid");
  // Only an empty password is refused here: every pool's minimum length is 6 or more, so the server would refuse
  // it too. Every other rule is the server's to judge (invalid_password, which spends no attempt).
  if (password.value === "") {
    markInvalid(status, password, "Please enter a new password.");
    return;
  }
  password.removeAttribute("aria-invalid");
  hidePassword();
  resetUsername.value = name;
  reset.start();
  show(status, "pending", "Resetting your password…");
  const result = await confirmForgotPassword(apiBase, name, typed, password.value);
  if (result.kind === "reset") {
    show(status, result.kind, result.message);
    reset.end();
    send.end();
    for (const input of [username, code, password]) input.readOnly = true;
    showPassword.disabled = true;
    keepFocus(reset.button, status);
    return;
  }
  if (result.kind === "invalid") {
    show(status, "invalid", invalidResetText(result));
    reset.finish(0);
    const field = result.code === "code_mismatch" ? code : FIELDS[result.errors[0]?.field];
    if (field) {
      field.setAttribute("aria-invalid", "true");
      // The code is for retyping; a password is edited, so the cursor goes to its end.
      if (field === code) code.select();
      field.focus();
    } else {
      keepFocus(reset.button, status);
    }
    return;
  }
  // Throttled, or failed with a wait (a timeout may have reset the password: the message says to try signing in):
  // Reset counts down, so the message takes focus.
  show(status, result.kind, withWait(result));
  reset.finish(cooldownSeconds(result));
  keepFocus(reset.button, status);
}

function hidePassword() {
  password.type = "password";
  showPassword.setAttribute("aria-pressed", "false");
}

// A toggle button (aria-pressed) with a fixed name: "Show password", pressed or not.
showPassword.addEventListener("click", () => {
  if (password.type === "password") {
    password.type = "text";
    showPassword.setAttribute("aria-pressed", "true");
  } else {
    hidePassword();
  }
});

requestForm.addEventListener("submit", onSend);
resetForm.addEventListener("submit", onReset);
password.addEventListener("input", showHints);
username.addEventListener("change", () => refreshOutbox(username.value.trim()));
showHints();
refreshOutbox("");
