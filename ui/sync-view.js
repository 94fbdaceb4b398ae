// The sync status at the foot of the sources pane: "12 of 40 sources" while a refresh runs, a summary after
// ("Refreshed at 15:40 · 2 new · 1 failed"), and, while the network is out of reach, "Offline · last refreshed
// at 15:40" instead: failures for want of a network are no news then.

import { state, on, networkDown, isRealFailure } from "./state.js";
import * as api from "./api.js";
import { refresh, syncProgress } from "./sync-actions.js";
import { toastError } from "./toast.js";
import { relativeTime, clockTime, sinceText } from "./time.js";
import { plural } from "./format.js";

/** Shows `parts` joined by " · "; each part stays on one line, the footer may wrap only between them. */
function showParts(element, parts) {
  element.replaceChildren(...parts.flatMap((text, i) => {
    const part = document.createElement("span");
    part.className = "summary-part";
    part.textContent = text;
    return i ? [" · ", part] : [part];
  }));
}

/** The latest time any source was refreshed, or null. */
function lastRefreshed() {
  return state.sources.map((s) => s.last_ok_at).filter(Boolean).sort().at(-1) ?? null;
}

export function createSyncView() {
  const progress = document.getElementById("sync-progress");
  const bar = document.getElementById("sync-progress-bar");
  const text = document.getElementById("sync-progress-text");
  const summary = document.getElementById("sync-summary");
  const offline = document.getElementById("offline-indicator");
  const offlineText = document.getElementById("offline-indicator-text");
  const refreshAll = document.getElementById("refresh-all-button");

  function render() {
    const sync = state.sync;
    const down = networkDown();
    const failed = sync.failures.filter((code) => isRealFailure({ code })).length;
    progress.hidden = !sync.running;
    refreshAll.classList.toggle("is-spinning", sync.running);
    refreshAll.setAttribute("aria-busy", String(sync.running));
    if (sync.running) {
      bar.max = Math.max(1, sync.total);
      bar.value = Math.min(sync.done, sync.total);
      text.textContent = `${sync.done} of ${plural(sync.total, "source", "sources")}`;
      summary.textContent = failed ? `${plural(failed, "source", "sources")} failed so far` : "";
    } else if (down) {
      summary.textContent = "";
    } else if (sync.finished) {
      const parts = [`Refreshed at ${clockTime(sync.finished.at)}`];
      if (sync.fresh) parts.push(`${sync.fresh} new`);
      if (failed) parts.push(`${failed} failed`);
      showParts(summary, parts);
    } else {
      const latest = lastRefreshed();
      summary.textContent = latest ? `Updated ${relativeTime(latest)}` : "";
    }
    // While a refresh runs, its progress is the news; whether it reached the network shows when it ends.
    offline.hidden = !down || sync.running;
    if (!offline.hidden) {
      const latest = lastRefreshed();
      // The time stays with its "at": the words before it may wrap in the narrow footer.
      const since = latest ? `last refreshed ${sinceText(latest).replace(" ", "\u00a0")}` : null;
      showParts(offlineText, since ? ["Offline", since] : ["Offline"]);
    }
  }

  refreshAll.addEventListener("click", () => refresh());

  on("sync", render);
  on("sources", render);
  on("tick", render);
  on("network", render);
  render();

  api.onSyncProgress((payload) => syncProgress(payload)).catch((error) =>
    toastError("Sync progress will not be shown", error),
  );
}
