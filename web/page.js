// The reference page: a username field and a "Resend code" button on top of resend-code.js.
import { MESSAGES, cooldownSeconds, messageFor, resendConfirmationCode } from "./resend-code.js";

const form = document.getElementById("resend-form");
const input = document.getElementById("username");
const button = document.getElementById("resend");
const status = document.getElementById("status");
const outbox = document.getElementById("outbox");
const outboxCode = document.getElementById("outbox-code");
const LABEL = button.textContent;
let cooldownTimer = null;
let lastUsername = "";

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

function startCooldown(seconds) {
  clearInterval(cooldownTimer);
  let left = seconds;
  const tick = () => {
    if (left <= 0) {
      clearInterval(cooldownTimer);
      button.disabled = false;
      button.textContent = LABEL;
      button.removeAttribute("aria-describedby");
      return;
    }
    button.disabled = true;
    button.textContent = `${LABEL} (${formatCountdown(left)})`;
    // Locally, a code can land in the outbox after the answer (a timeout): keep the panel current meanwhile.
    if (!outbox.hidden && left % 5 === 0) refreshOutbox(lastUsername);
    left -= 1;
  };
  tick();
  cooldownTimer = setInterval(tick, 1000);
}

// In local mode (make run) the server exposes the emulator's outbox: show the newest code for this user.
async function refreshOutbox(username) {
  try {
    const response = await fetch("/_local/outbox", { cache: "no-store" });
    if (!response.ok) return;
    const messages = await response.json();
    outbox.hidden = false;
    const newest = messages.find((m) => m.username === username);
    outboxCode.textContent = newest ? newest.code : "—";
  } catch {
    // Not local: nothing to show.
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const username = input.value.trim();
  if (!username) {
    show("invalid", MESSAGES.invalid_request);
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  input.removeAttribute("aria-invalid");
  button.disabled = true;
  show("pending", "Sending…");
  const result = await resendConfirmationCode(form.dataset.apiBase || "", username);
  let text = messageFor(result);
  if (result.kind === "sent" && result.codeDeliveryDetails) {
    text += ` Sent to ${result.codeDeliveryDetails.destination}.`;
  }
  const wait = cooldownSeconds(result);
  if (result.kind !== "sent" && wait > 0) {
    text += ` You can try again in ${formatWait(wait)}.`;
  }
  show(result.kind, text);
  lastUsername = username;
  if (wait > 0) startCooldown(wait);
  else button.disabled = false;
  // After an error too: a timeout may still have sent a code.
  await refreshOutbox(username);
});

refreshOutbox("");
