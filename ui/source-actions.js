// Managing sources and folders: rename, move to a folder, a source's own settings, unsubscribe, and renaming or
// removing a whole folder. Each calls the backend through api.js, reloads the sources (folders and their counts
// come with them), puts the view and the list right, and says what happened. A refusal rejects with the
// ApiError, so the dialog that asked can show the backend's words beside the field they name.

import * as api from "./api.js";
import { state, emit, sourceById, sourceName, sourcesInFolder, viewExists } from "./state.js";
import { loadSources, reloadList, selectView, closeReader } from "./actions.js";
import { toast } from "./toast.js";
import { plural } from "./format.js";

/** Isolated, so a right-to-left name cannot carry the sentence around it to the other side. */
const isolate = (text) => `\u2068${text}\u2069`;

/**
 * After sources changed: a view whose source or folder is gone falls back to All; otherwise the list is read
 * again when what it shows may have changed.
 */
function settleView({ listChanged }) {
  if (!viewExists()) selectView({ kind: "all" });
  else if (listChanged) reloadList();
}

/** The open story goes with its sources unless it is bookmarked (bookmarks outlive unsubscribing). */
function closeStoryOf(sourceIds) {
  if (state.entry && sourceIds.has(state.entry.source_id) && !state.entry.bookmarked) closeReader();
}

/** The reader's own name for a source; an empty one brings back the feed's title. */
export async function renameSource(id, title) {
  const before = sourceById(id);
  const wanted = title.trim();
  await api.renameSource(id, wanted);
  await loadSources();
  const source = sourceById(id);
  if (!source) return;
  const name = sourceName(source);
  // The stories already listed carry their source's name; they take the new one without a reload.
  for (const entry of state.entries) if (entry.source_id === id) entry.source_title = name;
  emit("entries");
  if (state.entry?.source_id === id) {
    state.entry.source_title = name;
    emit("entry-changed", state.entry.id);
  }
  if (wanted) toast(`Renamed ${isolate(before ? sourceName(before) : name)} to ${isolate(name)}.`);
  else toast(`${isolate(name)} has its feed's own name again.`);
}

/** Puts a source in `folder` (a new name makes the folder), or in none with an empty name. */
export async function moveSource(id, folder) {
  const before = sourceById(id);
  const from = before?.folder ?? null;
  const to = folder.trim() || null;
  await api.moveSource(id, to);
  await loadSources();
  const shown = state.view.kind === "folder" && (state.view.folder === from || state.view.folder === to);
  settleView({ listChanged: shown });
  const name = isolate(sourceName(sourceById(id) ?? before));
  toast(to ? `Moved ${name} to ${isolate(to)}.` : `${name} is in no folder now.`);
}

/** `{refresh_interval, proxy, user_agent, notify}`, all at once; null follows the reader's settings. */
export async function setSourceSettings(id, settings) {
  await api.setSourceSettings(id, settings);
  await loadSources();
  const source = sourceById(id);
  if (source) toast(`Saved the settings of ${isolate(sourceName(source))}.`);
}

/** Unsubscribes: the source's stories go, its bookmarked ones stay readable under Bookmarks. */
export async function removeSource(id) {
  const source = sourceById(id);
  await api.removeSource(id);
  closeStoryOf(new Set([id]));
  await loadSources();
  settleView({ listChanged: true });
  if (source) toast(`Unsubscribed from ${isolate(sourceName(source))}.`);
}

/** Renames a folder; to the name of another folder, the two become one. */
export async function renameFolder(name, newName) {
  const to = newName.trim();
  const merging = to !== name && sourcesInFolder(to).length > 0;
  await api.renameFolder(name, to);
  emit("folder-renamed", { from: name, to });
  await loadSources();
  if (state.view.kind === "folder" && state.view.folder === name) {
    state.view = { kind: "folder", folder: to };
    emit("view");
  }
  // A merge brings the other folder's stories into the view; a plain rename leaves the list as it is.
  settleView({ listChanged: merging && state.view.kind === "folder" && state.view.folder === to });
  if (merging) toast(`Moved the sources of ${isolate(name)} into ${isolate(to)}.`);
  else toast(`Renamed the folder ${isolate(name)} to ${isolate(to)}.`);
}

/** Unsubscribes from every source of a folder; their bookmarked stories stay readable. */
export async function removeFolder(name) {
  const ids = new Set(sourcesInFolder(name).map((s) => s.id));
  await api.removeFolder(name);
  closeStoryOf(ids);
  await loadSources();
  settleView({ listChanged: true });
  toast(`Removed the folder ${isolate(name)} and unsubscribed from ${plural(ids.size, "source", "sources")}.`);
}
