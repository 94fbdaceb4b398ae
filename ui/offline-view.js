// The offline banner above the story list: "Offline — showing saved stories.", when the next automatic retry
// comes, and Try now. It follows the backend's network-state events and the window's online/offline events;
// back online, the window refreshes once by itself. Nothing else changes while offline: every saved story
// stays readable.

import * as api from "./api.js";
import { state, on, emit } from "./state.js";
import { refresh } from "./sync-actions.js";
import { toastError } from "./toast.js";

const MINUTE = 60 * 1000;
/** Without a network an attempt fails at once: "Trying…" stays this long at least, so that it can be seen. */
const TRYING_AT_LEAST_MS = 800;

/**
 * `reached`: the backend reached the network again (its offline: false). The browser's online event alone
 * does not say so: until a refresh reaches a source, its failures stay old news (see state.network).
 */
function setNetwork(offline, { retryIn = null, message = null, reached = false } = {}) {
  state.network = {
    offline,
    retryAt: offline && typeof retryIn === "number" && retryIn > 0 ? Date.now() + retryIn * 1000 : null,
    message: offline && typeof message === "string" && message.trim() ? message.trim() : null,
    unreached: offline || (state.network.unreached && !reached),
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
  const announce = document.getElementById("offline-announce");
  let countdown = null;
  /** True from a click on Try now until its sync_now settled (and TRYING_AT_LEAST_MS passed). */
  let trying = false;

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
    const busy = trying || state.sync.running;
    // aria-disabled rather than disabled, so a keyboard press does not lose the focus while it runs.
    tryNow.setAttribute("aria-disabled", String(busy));
    tryNow.textContent = busy ? "Trying…" : "Try now";
  }

  tryNow.addEventListener("click", async () => {
    if (trying || state.sync.running) return;
    trying = true;
    announce.textContent = "Trying to reach the network…";
    render();
    const shown = new Promise((resolve) => setTimeout(resolve, TRYING_AT_LEAST_MS));
    await Promise.all([refresh(), shown]);
    trying = false;
    // The banner itself follows the network-state event the backend sends after the attempt.
    announce.textContent = state.network.offline ? "Still offline." : "";
    render();
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

  api.onNetworkState((p) => {
    const offline = Boolean(p?.offline);
    setNetwork(offline, { retryIn: p?.retry_in, message: p?.message, reached: !offline });
  }).catch((error) => toastError("The connection's state will not be shown", error));
}
