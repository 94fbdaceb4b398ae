// Refreshing sources: "Refresh all", one source's refresh, and the sync-progress events (which also arrive for
// syncs the backend starts on its own schedule).

import * as api from "./api.js";
import { state, emit, sourceById } from "./state.js";
import { loadSources, reloadList } from "./actions.js";
import { toast, toastError } from "./toast.js";

/**
 * Refreshes one source, or all when `sourceId` is omitted; progress arrives through `syncProgress`. With `quiet`
 * (a refresh the window starts on its own), a refresh already running is no news.
 */
export async function refresh(sourceId, { quiet = false } = {}) {
  const name = sourceId == null ? null : sourceById(sourceId)?.title;
  if (state.sync.running) {
    if (!quiet) toast("A refresh is already running.");
    return;
  }
  state.sync.sawEvents = false;
  if (sourceId == null) Object.assign(state.sync, { running: true, done: 0, total: state.sources.length, failures: [] });
  emit("sync");
  let report;
  try {
    report = await api.syncNow(sourceId);
  } catch (error) {
    // Unless events of a sync the backend started on its own already drive the bar, there is nothing running.
    if (!state.sync.sawEvents) state.sync.running = false;
    emit("sync");
    if (error.code === "sync_running") {
      if (!quiet) toast("A refresh is already running.");
      return;
    }
    toastError(name ? `Could not refresh ${name}` : "Could not refresh", error);
    return;
  }
  syncFinished(report);
}

/** One `sync-progress` event: a source finished, with new entries or an error. */
export function syncProgress(p) {
  const sync = state.sync;
  if (!sync.sawEvents || p.done <= 1 || p.done < sync.done) Object.assign(sync, { failures: [], fresh: 0, finished: null });
  Object.assign(sync, { running: p.done < p.total, done: p.done, total: p.total, sawEvents: true });
  const source = sourceById(p.source_id);
  const now = new Date().toISOString();
  if (p.error) {
    sync.failures.push(p.error.code);
    if (source) source.last_error = { code: p.error.code, message: p.error.message, at: now };
  } else {
    sync.fresh += p.new || 0;
    if (source) Object.assign(source, { last_error: null, last_ok_at: now });
    reachedNetwork();
  }
  emit("sources");
  if (!p.error && (p.new > 0 || p.updated > 0)) {
    state.newSinceLoad += p.new || 0;
    loadSources();
  }
  // The last event ends a sync the backend started on its own (an automatic retry) as well.
  if (!sync.running) sync.finished = { at: new Date() };
  emit("sync");
  if (!sync.running) afterSync();
}

/** A source answered: failures for want of a network are old news from now on. */
function reachedNetwork() {
  if (!state.network.unreached) return;
  state.network.unreached = false;
  emit("network");
}

function syncFinished(report) {
  const sync = state.sync;
  const sawEvents = sync.sawEvents;
  // The report is the whole story; progress events may have been missed.
  const failures = Array.isArray(report?.errors) ? report.errors.map((e) => e.code) : sync.failures;
  Object.assign(sync, {
    running: false, failures, fresh: report?.new ?? sync.fresh, finished: { at: new Date() }, sawEvents: false,
  });
  if (report?.sources > 0 && report.failed < report.sources) reachedNetwork();
  // The backend passes over sources fetched a moment ago, and servers that asked to wait: say so when that was
  // all of them, rather than seem to have done nothing.
  if (report?.sources === 0 && report.skipped > 0) {
    toast("Nothing to refresh yet: every source was fetched a moment ago or asked Offprint to wait.");
  }
  emit("sync");
  loadSources();
  // Normally the progress events already told of the new stories; a backend that sent none is covered here.
  if (!sawEvents && report?.new > 0) {
    state.newSinceLoad = report.new;
    afterSync();
  }
}

/** New stories arrived: an empty list fills itself; otherwise the reader is offered them (see the list view). */
function afterSync() {
  if (state.newSinceLoad <= 0) return;
  if (state.entries.length === 0 && !state.loading) reloadList();
  else emit("new-stories");
}
