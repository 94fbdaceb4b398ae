// The offline banner above the story list: "Offline — showing saved stories.", when the next automatic retry
// comes, and Try now. It follows the backend's network-state events and the window's online/offline events;
// back online, the window refreshes once by itself. Nothing else changes while offline: every saved story
// stays readable.

import * as api from "./api.js";
import { state, on, emit } from "./state.js";
import { refresh } from "./sync-actions.js";
import { toastError } from "./toast.js";

const MINUTE = 60 * 1000;

function setNetwork(offline, { retryIn = null, message = null } = {}) {
  state.network = {
    offline,
    retryAt: offline && typeof retryIn === "number" && retryIn > 0 ? Date.now() + retryIn * 1000 : null,
    message: offline && typeof message === "string" && message.trim() ? message.trim() : null,
  };
  emit("network");
}

/** Whole minutes (rounded up) until the backend's next attempt, or 0 when none is ahead. */
function minutesLeft(retryAt) {
  return retryAt == null ? 0 : Math.max(0, Math.ceil((retryAt - Date.now()) / MINUTE));
}

function retryText(minutes) {
  if (minutes === 0) return "";
  return minutes === 1 ? "Retrying within a minute." : `Retrying in ${minutes} min.`;
}

export function createOfflineView() {
  const banner = document.getElementById("offline-banner");
  const retry = document.getElementById("offline-retry");
  const tryNow = document.getElementById("offline-retry-button");
  let countdown = null;

  function render() {
    const { offline, retryAt, message } = state.network;
    clearTimeout(countdown);
    banner.hidden = !offline;
    if (!offline) return;
    const minutes = minutesLeft(retryAt);
    retry.textContent = retryText(minutes);
    // Shown again the moment the minute figure changes.
    if (minutes > 0) countdown = setTimeout(render, retryAt - Date.now() - (minutes - 1) * MINUTE + 1);
    banner.title = message ? `Last attempt: ${message}` : "";
    // aria-disabled rather than disabled, so a keyboard press does not lose the focus while it runs.
    tryNow.setAttribute("aria-disabled", String(state.sync.running));
    tryNow.textContent = state.sync.running ? "Trying…" : "Try now";
  }

  tryNow.addEventListener("click", () => {
    if (!state.sync.running) refresh();
  });

  // The browser knows less than the backend: a retry time it already gave stays.
  window.addEventListener("offline", () => {
    if (!state.network.offline) setNetwork(true);
  });
  window.addEventListener("online", () => {
    setNetwork(false);
    if (!state.sync.running) refresh(undefined, { quiet: true });
  });

  on("network", render);
  on("sync", render);
  if (navigator.onLine === false) setNetwork(true);
  render();

  api.onNetworkState((p) => setNetwork(Boolean(p?.offline), { retryIn: p?.retry_in, message: p?.message }))
    .catch((error) => toastError("The connection's state will not be shown", error));
}
