// The reference confirmation screen: username, code, "Confirm" and "Resend code", on top of resend-code.js.
// Each button has its own in-flight and cooldown state; every result is announced in the status region.
import {
  MESSAGES,
  codeAsSent,
  confirmSignUp,
  cooldownSeconds,
  messageFor,
  resendConfirmationCode,
} from "./resend-code.js";

const form = document.getElementById("confirm-form");
const username = document.getElementById("username");
const code = document.getElementById("code");
const status = document.getElementById("status");
const outbox = document.getElementById("outbox");
const outboxCode = document.getElementById("outbox-code");
const apiBase = form.dataset.apiBase || "";

function show(kind, text) {
  status.dataset.kind = kind;
  status.textContent = text;
}

// For the sentence a person reads: "30 seconds", "15 minutes" (rounded up: never promise less than the wait).
function formatWait(seconds) {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

// For the button's countdown, which changes every second: "45 s", "14:59".
function formatCountdown(seconds) {
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

// One button's state: busy while its request is in flight, cooling down after, done for good once confirmed.
function control(id) {
  const button = document.getElementById(id);
  const label = button.textContent;
  let timer = null;
  let busy = false;
  let done = false;
  const refresh = (text) => {
    button.textContent = text || label;
    button.disabled = busy || done || timer !== null;
  };
  return {
    button,
    get ready() {
      return !busy && !done && timer === null;
    },
    start() {
      busy = true;
      refresh();
    },
    finish(wait) {
      busy = false;
      clearInterval(timer);
      timer = null;
      if (wait <= 0) return refresh();
      let left = wait;
      const tick = () => {
        if (left <= 0) {
          clearInterval(timer);
          timer = null;
          return refresh();
        }
        refresh(`${label} (${formatCountdown(left)})`);
        left -= 1;
      };
      timer = setInterval(tick, 1000);
      tick();
    },
    end() {
      done = true;
      clearInterval(timer);
      timer = null;
      refresh();
    },
  };
}

const confirm = control("confirm");
const resend = control("resend");

// A button disabled while its request is in flight (or by its outcome) drops keyboard focus to <body>, where the
// next Tab starts over from the top of the page and a screen reader says nothing. Once the outcome is known, give
// focus back to the button when it is usable again, or else to `next`: the message (which says how long to wait) or
// the next control that helps. Focus the person moved elsewhere meanwhile is left alone.
function focusLost() {
  const focused = document.activeElement;
  return !focused || focused === document.body || focused.disabled;
}

function keepFocus(button, next) {
  if (focusLost()) (button.disabled ? next : button).focus();
}

function invalid(input, text) {
  show("invalid", text);
  input.setAttribute("aria-invalid", "true");
  input.focus();
}

function requireUsername() {
  const value = username.value.trim();
  if (!value) invalid(username, MESSAGES.invalid_request);
  else username.removeAttribute("aria-invalid");
  return value;
}

function withWait(result) {
  let text = messageFor(result);
  // Throttled, or a timeout after which the code may already be on its way: the server's Retry-After.
  const wait = result.retryAfterSeconds || 0;
  if ((result.kind === "throttled" || result.kind === "failed") && wait > 0) {
    text += ` You can try again in ${formatWait(wait)}.`;
  }
  return text;
}

// In local mode (make run) the server exposes the emulator's outbox: show the newest code for this user.
async function refreshOutbox(name) {
  try {
    const response = await fetch("/_local/outbox", { cache: "no-store" });
    if (!response.ok) return;
    const messages = await response.json();
    outbox.hidden = false;
    const newest = messages.find((m) => m.username === name);
    outboxCode.textContent = newest ? newest.code : "—";
  } catch {
    // Not local: nothing to show.
  }
}

async function onResend() {
  if (!resend.ready) return;
  const name = requireUsername();
  if (!name) return;
  resend.start();
  show("pending", "Sending…");
  const result = await resendConfirmationCode(apiBase, name);
  let text = withWait(result);
  if (result.kind === "sent" && result.codeDeliveryDetails) {
    text += ` Sent to ${result.codeDeliveryDetails.destination}.`;
  }
  show(result.kind, text);
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
  if (result.kind === "failed" && wait > 0 && !outbox.hidden) {
    const poll = setInterval(() => refreshOutbox(name), 2000);
    setTimeout(() => clearInterval(poll), wait * 1000);
  }
}

async function onConfirm(event) {
  event.preventDefault();
  if (!confirm.ready) return; // a second Enter or click while the first is in flight sends nothing
  const name = requireUsername();
  if (!name) return;
  // "123-456", "123–456", a pasted zero-width space: the client's rule (resend-code.js, docs/clients.md).
  const typed = codeAsSent(code.value);
  if (!typed) {
    invalid(code, "Please enter the code from your message.");
    return;
  }
  code.removeAttribute("aria-invalid");
  confirm.start();
  show("pending", "Confirming…");
  const result = await confirmSignUp(apiBase, name, typed);
  show(result.kind, withWait(result));
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
