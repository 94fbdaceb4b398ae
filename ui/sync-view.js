// The sync status at the foot of the sources pane: "12 of 40 sources" while a refresh runs, a summary after,
// and an offline notice when every source last failed for want of a network.

import { state, on, isOffline } from "./state.js";
import * as api from "./api.js";
import { refresh, syncProgress } from "./sync-actions.js";
import { toastError } from "./toast.js";
import { relativeTime } from "./time.js";
import { plural } from "./format.js";

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

export function createSyncView() {
  const progress = document.getElementById("sync-progress");
  const bar = document.getElementById("sync-progress-bar");
  const text = document.getElementById("sync-progress-text");
  const summary = document.getElementById("sync-summary");
  const offline = document.getElementById("offline-indicator");
  const refreshAll = document.getElementById("refresh-all-button");

  function render() {
    const sync = state.sync;
    progress.hidden = !sync.running;
    refreshAll.classList.toggle("is-spinning", sync.running);
    refreshAll.setAttribute("aria-busy", String(sync.running));
    if (sync.running) {
      bar.max = Math.max(1, sync.total);
      bar.value = Math.min(sync.done, sync.total);
      text.textContent = `${sync.done} of ${plural(sync.total, "source", "sources")}`;
      summary.textContent = sync.failed ? `${plural(sync.failed, "source", "sources")} failed so far` : "";
    } else if (sync.finished?.report) {
      const { report, at } = sync.finished;
      const parts = [`Refreshed at ${timeOfDay.format(at)}`];
      if (report.new) parts.push(`${report.new} new`);
      if (report.failed) parts.push(`${report.failed} failed`);
      // Each part stays on one line; the footer may wrap only between them.
      summary.replaceChildren(...parts.flatMap((text, i) => {
        const part = document.createElement("span");
        part.className = "summary-part";
        part.textContent = text;
        return i ? [" · ", part] : [part];
      }));
    } else if (sync.sawEvents && sync.total > 0) {
      summary.textContent = sync.failed ? `Refreshed · ${sync.failed} failed` : "Refreshed";
    } else {
      const latest = state.sources.map((s) => s.last_ok_at).filter(Boolean).sort().at(-1);
      summary.textContent = latest ? `Updated ${relativeTime(latest)}` : "";
    }
    // The banner above the list says it already when the backend or the browser knows it is offline.
    offline.hidden = !isOffline() || state.network.offline;
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
