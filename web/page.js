// The reference confirmation screen: username, code, "Confirm" and "Resend code", on top of code-screens.js (the
// client) and screen-parts.js (what it shares with the forgot-password screen). Each button has its own in-flight
// and cooldown state; every result is announced in the status region.
import { codeAsSent, confirmSignUp, cooldownSeconds, MESSAGES, resendConfirmationCode } from "./code-screens.js";
import { control, focusLost, keepFocus, markInvalid, outboxPanel, pollOutbox, show, withWait } from "./screen-parts.js";

const form = document.getElementById("confirm-form");
const username = document.getElementById("username");
const code = document.getElementById("code");
const status = document.getElementById("status");
const outbox = document.getElementById("outbox");
const apiBase = form.dataset.apiBase || "";
const refreshOutbox = outboxPanel(outbox, document.getElementById("outbox-code"), "ConfirmSignUp");

const confirm = control("confirm");
const resend = control("resend");

function requireUsername() {
  const value = username.value.trim();
  if (!value) markInvalid(status, username, MESSAGES.invalid_request);
  else username.removeAttribute("aria-invalid");
  return value;
}

async function onResend() {
  if (!resend.ready) return;
  const name = requireUsername();
  if (!name) return;
  resend.start();
  show(status, "pending", "Sending…");
  const result = await resendConfirmationCode(apiBase, name);
  let text = withWait(result);
  if (result.kind === "sent" && result.codeDeliveryDetails) {
    text += ` Sent to ${result.codeDeliveryDetails.destination}.`;
  }
  show(status, result.kind, text);
  const wait = cooldownSeconds(result);
  resend.finish(wait);
  if (result.kind === "sent") {
    // The next step is typing the new code; the resend button is cooling down, so focus must not stay on it.
    code.focus();
  } else {
    // Throttled, or failed with a wait: the code field is where a code already received can still be typed, and
    // it is described by the message, so a screen reader reads why Resend is unavailable.
    keepFocus(resend.button, code);
  }
  // After an error too: a timeout may still have sent a code, which can land in the outbox after the answer.
  await refreshOutbox(name);
  if (result.kind === "failed") pollOutbox(outbox, refreshOutbox, name, wait);
}

async function onConfirm(event) {
  event.preventDefault();
  if (!confirm.ready) return; // a second Enter or click while the first is in flight sends nothing
  const name = requireUsername();
  if (!name) return;
  // "123-456", "123–456", a pasted zero-width space: the client's rule (code-screens.js, docs/clients.md).
  const typed = codeAsSent(code.value);
  if (!typed) {
    markInvalid(status, code, "Please enter the code from your message.");
    return;
  }
  code.removeAttribute("aria-invalid");
  confirm.start();
  show(status, "pending", "Confirming…");
  const result = await confirmSignUp(apiBase, name, typed);
  show(status, result.kind, withWait(result));
  if (result.kind === "confirmed") {
    confirm.end();
    resend.end();
    username.readOnly = true;
    code.readOnly = true;
    keepFocus(confirm.button, status);
    return;
  }
  // Throttled, or a timeout (504) after which the account may already be confirmed: the server's Retry-After,
  // which withWait has just promised in the message.
  confirm.finish(cooldownSeconds(result));
  if (result.code === "code_mismatch") {
    // Wrong, expired, replaced, or the account is already confirmed: the message says so and offers the resend
    // and the sign-in; the field is ready for the code to be typed again, "Resend code" two Tabs away.
    code.setAttribute("aria-invalid", "true");
    code.select();
    code.focus();
  } else if (result.code === "code_expired") {
    // From deployments that still tell an expired code apart: offer the resend, or, while it cools down, the
    // message that says so.
    if (resend.ready) resend.button.focus();
    else if (focusLost()) status.focus();
  } else {
    // Throttled, or failed with a wait (a timeout may have confirmed the account: the message says to try signing
    // in): Confirm counts down, so the message takes focus.
    keepFocus(confirm.button, status);
  }
}

form.addEventListener("submit", onConfirm);
resend.button.addEventListener("click", onResend);
username.addEventListener("change", () => refreshOutbox(username.value.trim()));
refreshOutbox("");
