// What the reference page's two screens (page.js: confirm a sign-up; forgot-password.js: reset a password) share:
// the status message, a button's in-flight and cooldown states, where keyboard focus goes when an outcome disables
// the button that had it, and the local outbox panel.
import { messageFor } from "./code-screens.js";

/** Announce a result in the status region (role="status", aria-live="polite"); `kind` picks its colour. */
export function show(status, kind, text) {
  status.dataset.kind = kind;
  status.textContent = text;
}

/** For the sentence a person reads: "30 seconds", "15 minutes" (rounded up: never promise less than the wait). */
export function formatWait(seconds) {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/** For the button's countdown, which changes every second: "45 s", "14:59". */
export function formatCountdown(seconds) {
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** One button's state: busy while its request is in flight, cooling down after, done for good once it succeeded. */
export function control(id) {
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

// A button disabled while its request is in flight (or by its outcome) drops keyboard focus to <body>, where the
// next Tab starts over from the top of the page and a screen reader says nothing. Once the outcome is known, give
// focus back to the button when it is usable again, or else to `next`: the message (which says how long to wait) or
// the next control that helps. Focus the person moved elsewhere meanwhile is left alone.
export function focusLost() {
  const focused = document.activeElement;
  return !focused || focused === document.body || focused.disabled;
}

export function keepFocus(button, next) {
  if (focusLost()) (button.disabled ? next : button).focus();
}

/** Say what is wrong with a field, mark it for assistive technology, and put the cursor in it. */
export function markInvalid(status, input, text) {
  show(status, "invalid", text);
  input.setAttribute("aria-invalid", "true");
  input.focus();
}

/** A result's message, with the server's Retry-After in words when it asks the person to wait. */
export function withWait(result) {
  let text = messageFor(result);
  // Throttled, or a timeout after which the code may already be on its way: the server's Retry-After.
  const wait = result.retryAfterSeconds || 0;
  if ((result.kind === "throttled" || result.kind === "failed") && wait > 0) {
    text += ` You can try again in ${formatWait(wait)}.`;
  }
  return text;
}

/**
 * In local mode (make run) the server exposes the emulator's outbox: the panel shows the newest code of `purpose`
 * ("ConfirmSignUp" or "ForgotPassword") sent to a username. Returns refresh(username); elsewhere the panel stays
 * hidden.
 */
export function outboxPanel(panel, codeElement, purpose) {
  return async function refresh(username) {
    try {
      const response = await fetch("/_local/outbox", { cache: "no-store" });
      if (!response.ok) return;
      const messages = await response.json();
      panel.hidden = false;
      const newest = messages.find((m) => m.username === username && m.purpose === purpose);
      codeElement.textContent = newest ? newest.code : "—";
    } catch {
      // Not local: nothing to show.
    }
  };
}

/**
 * After a failure that may still have sent a code (a timeout with Retry-After), keep the outbox panel fresh for
 * the wait, as the code can land after the answer.
 */
export function pollOutbox(panel, refresh, username, waitSeconds) {
  if (waitSeconds <= 0 || panel.hidden) return;
  const poll = setInterval(() => refresh(username), 2000);
  setTimeout(() => clearInterval(poll), waitSeconds * 1000);
}
