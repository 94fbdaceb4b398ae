// What the reader can do, as functions on the state: each calls the backend through api.js, updates the
// state, and announces what changed. Renderers and the keyboard table call these; none of them touches the DOM.

import * as api from "./api.js";
import {
  state, emit, viewQuery, entryById, indexOfEntry, loadedIds, patchEntry, adjustUnread, currentEntry, sourceById,
  PAGE_SIZE,
} from "./state.js";
import { toast, toastError } from "./toast.js";

let listGeneration = 0;
let readerGeneration = 0;

// ---- sources --------------------------------------------------------------------------------------------

let sourcesInFlight = null;
let sourcesDirty = false;

/** Re-reads the sources and their counts; calls made while one is in flight coalesce into one more. */
export async function loadSources() {
  if (sourcesInFlight) {
    sourcesDirty = true;
    return sourcesInFlight;
  }
  sourcesInFlight = (async () => {
    do {
      sourcesDirty = false;
      try {
        state.sources = await api.listSources();
        state.sourcesLoaded = true;
        emit("sources");
      } catch (error) {
        toastError("Could not load your sources", error);
      }
    } while (sourcesDirty);
    sourcesInFlight = null;
  })();
  return sourcesInFlight;
}

/** Subscribes to a feed. Resolves to the new source; rejects with an ApiError whose message says why not. */
export async function addSource(url, folder) {
  const source = await api.addSource(url.trim(), folder?.trim() || null);
  await loadSources();
  return source;
}

/** What a mode changes: stories fetched from now on; those already saved stay as they are. */
const FULL_TEXT_NEWS = {
  off: "will show the feed's own text",
  auto: "will get the full article when the feed gives only a summary",
  always: "will always get the full article",
};

/** How a source's stories get their full text: "off", "auto" or "always". */
export async function setFullText(sourceId, mode) {
  const source = sourceById(sourceId);
  if (!source || source.full_text === mode) return;
  const before = source.full_text;
  source.full_text = mode;
  emit("sources");
  try {
    const updated = await api.setFullText(sourceId, mode);
    const now = sourceById(sourceId);
    if (now && updated && typeof updated === "object") Object.assign(now, updated);
    emit("sources");
    // Isolated, so a right-to-left name cannot carry the sentence to the other side.
    toast(`New stories from \u2068${source.title || source.url}\u2069 ${FULL_TEXT_NEWS[mode]}.`);
  } catch (error) {
    const now = sourceById(sourceId);
    if (now) now.full_text = before;
    emit("sources");
    toastError("Could not change how this source gets its full text", error);
  }
}

// ---- the entry list -------------------------------------------------------------------------------------

export function selectView(view) {
  state.welcome = false;
  state.view = view;
  closeReader();
  emit("view");
  reloadList();
}

export function leaveWelcome() {
  selectView({ kind: "all" });
}

export function setSearch(text) {
  if (text.trim() === state.search.trim()) return;
  state.search = text;
  reloadList();
}

/** Starts the current view again from its newest entry. */
export function reloadList() {
  listGeneration += 1;
  pageInFlight = null;
  Object.assign(state, {
    entries: [], next: null, listLoaded: false, listError: null, loading: false, selectedId: null, newSinceLoad: 0,
  });
  emit("list-reset");
  emit("entries");
  return loadMore();
}

let pageInFlight = null;

/** Appends the next page (keyset cursor) unless the view is exhausted; a call during a load joins that load. */
export function loadMore() {
  if (state.loading && pageInFlight) return pageInFlight;
  if (state.listLoaded && !state.next) return Promise.resolve();
  const generation = listGeneration;
  state.loading = true;
  pageInFlight = fetchPage(generation).finally(() => {
    if (generation === listGeneration) pageInFlight = null;
  });
  return pageInFlight;
}

async function fetchPage(generation) {
  try {
    const query = { ...viewQuery(), limit: PAGE_SIZE };
    if (state.next) query.before = state.next;
    const page = await api.listEntries(query);
    if (generation !== listGeneration) return;
    const known = loadedIds();
    const fresh = (page?.entries ?? []).filter((e) => !known.has(e.id));
    state.entries.push(...fresh);
    // Counted now, so that a row removed later (entryGone) shortens the list below what was counted and
    // the ids are taken again.
    loadedIds();
    // A page with nothing new would be asked for again and again: treat it as the end.
    state.next = fresh.length > 0 ? page?.next ?? null : null;
  } catch (error) {
    if (generation !== listGeneration) return;
    state.listError = error;
    state.next = null;
    if (state.entries.length > 0) toastError("Could not load more stories", error);
  } finally {
    if (generation === listGeneration) {
      state.loading = false;
      state.listLoaded = true;
      // Rows already listed are as they were: only rows after them, if any, are new.
      emit("entries", "appended");
    }
  }
}

export function select(id) {
  if (state.selectedId === id) return;
  state.selectedId = id;
  emit("selection");
}

/** Moves the selection by `delta` rows, loading the next page at the end; opens the row when `open`. */
export async function step(delta, { open }) {
  let index = indexOfEntry(state.selectedId ?? state.openId);
  if (index === -1) index = delta > 0 ? -1 : state.entries.length;
  let target = index + delta;
  if (target >= state.entries.length && state.next) {
    await loadMore();
  }
  target = Math.max(0, Math.min(state.entries.length - 1, target));
  const entry = state.entries[target];
  if (!entry) return;
  if (open) await openEntry(entry.id);
  else select(entry.id);
}

/** Opens the next (`direction` 1) or previous (-1) unread entry, loading further pages when needed. */
export async function stepUnread(direction) {
  let index = indexOfEntry(state.selectedId ?? state.openId);
  if (index === -1) index = direction > 0 ? -1 : state.entries.length;
  for (let pages = 0; pages < 20; pages += 1) {
    for (let i = index + direction; i >= 0 && i < state.entries.length; i += direction) {
      if (!state.entries[i].read) return openEntry(state.entries[i].id);
    }
    if (direction < 0 || !state.next) break;
    index = state.entries.length - 1;
    await loadMore();
  }
  toast(direction > 0 ? "No more unread stories below." : "No unread stories above.");
}

// ---- the reader -----------------------------------------------------------------------------------------

/** Empties the reader; `note` says why when it was not the reader's doing. */
export function closeReader(note = null) {
  readerGeneration += 1;
  Object.assign(state, { openId: null, entry: null, readerError: null, readerNote: note });
  emit("reader");
}

const GONE = "This story was removed by cleanup.";

/**
 * A command answered not_found for story `id`: a cleanup removed it. Its row goes, and if it was open the
 * reader says so calmly instead of showing a story that can no longer be read, bookmarked or marked.
 */
function entryGone(id) {
  const index = indexOfEntry(id);
  if (index !== -1) {
    state.entries.splice(index, 1);
    emit("entries");
  }
  if (state.selectedId === id) {
    state.selectedId = null;
    emit("selection");
  }
  if (state.openId === id) closeReader(GONE);
  else toast(GONE);
  loadSources();
}

/** After a cleanup: is the story in the reader still stored? */
export async function checkOpenEntry() {
  const id = state.openId;
  if (id == null) return;
  try {
    await api.getEntry(id);
  } catch (error) {
    // Any other failure says nothing about the story: it stays on screen.
    if (error.code === "not_found" && state.openId === id) entryGone(id);
  }
}

/** Shows an entry in the reader; opening it is what marks it read. */
export async function openEntry(id) {
  const generation = ++readerGeneration;
  Object.assign(state, { selectedId: id, openId: id, entry: null, readerError: null, readerNote: null });
  emit("selection");
  emit("reader");
  let detail;
  try {
    detail = await api.getEntry(id);
  } catch (error) {
    if (generation !== readerGeneration) return;
    if (error.code === "not_found") {
      entryGone(id);
      return;
    }
    state.readerError = error;
    emit("reader");
    return;
  }
  if (generation !== readerGeneration) return;
  const row = state.entries.find((e) => e.id === id);
  state.entry = row ? { ...detail, read: row.read, bookmarked: row.bookmarked } : detail;
  emit("reader");
  if (!state.entry.read) await setRead(id, true);
}

export async function setRead(id, read) {
  const entry = entryById(id);
  if (!entry || entry.read === read) return;
  patchEntry(id, { read });
  if (entry.source_id != null) adjustUnread(entry.source_id, read ? -1 : 1);
  try {
    await api.setRead(id, read);
  } catch (error) {
    patchEntry(id, { read: !read });
    if (entry.source_id != null) adjustUnread(entry.source_id, read ? 1 : -1);
    if (error.code === "not_found") {
      entryGone(id);
      return;
    }
    toastError(read ? "Could not mark the story read" : "Could not mark the story unread", error);
  }
}

export async function setBookmarked(id, bookmarked) {
  const entry = entryById(id);
  if (!entry || entry.bookmarked === bookmarked) return;
  patchEntry(id, { bookmarked });
  try {
    await api.setBookmarked(id, bookmarked);
  } catch (error) {
    patchEntry(id, { bookmarked: !bookmarked });
    if (error.code === "not_found") {
      entryGone(id);
      return;
    }
    toastError(bookmarked ? "Could not bookmark the story" : "Could not remove the bookmark", error);
  }
}

export function toggleRead(entry = currentEntry()) {
  if (entry) return setRead(entry.id, !entry.read);
}

export function toggleBookmark(entry = currentEntry()) {
  if (entry) return setBookmarked(entry.id, !entry.bookmarked);
}

/** Hands a link to the system browser; the window itself never navigates. */
export async function openLink(url) {
  try {
    await api.openLink(url);
  } catch (error) {
    toastError("Could not open the link", error);
  }
}

export function openOriginal(entry = currentEntry()) {
  if (!entry) return;
  if (!entry.url) {
    toast("This story has no link to an original page.");
    return;
  }
  return openLink(entry.url);
}

export async function copyLink(entry = currentEntry()) {
  if (!entry?.url) {
    toast("This story has no link to copy.");
    return;
  }
  try {
    await navigator.clipboard.writeText(entry.url);
  } catch {
    if (!copyWithSelection(entry.url)) {
      toast("Could not copy the link.", { error: true });
      return;
    }
  }
  toast("Link copied.");
}

/** The clipboard fallback for webviews without the async clipboard API. */
function copyWithSelection(text) {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "clipboard-helper";
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

// ---- many at once -----------------------------------------------------------------------------------------

function applyRead(ids, read) {
  const set = new Set(ids);
  for (const entry of state.entries) if (set.has(entry.id)) entry.read = read;
  if (state.entry && set.has(state.entry.id)) state.entry.read = read;
  emit("entries");
  if (state.openId != null) emit("entry-changed", state.openId);
}

export async function markAllRead() {
  let ids;
  try {
    ids = await api.markAllRead(viewQuery());
  } catch (error) {
    toastError("Could not mark the stories read", error);
    return;
  }
  if (ids.length === 0) {
    toast("Nothing here is unread.");
    return;
  }
  applyRead(ids, true);
  loadSources();
  const what = ids.length === 1 ? "1 story" : `${ids.length} stories`;
  toast(`Marked ${what} read.`, { action: { label: "Undo", run: () => undoMarkAllRead(ids) } });
}

async function undoMarkAllRead(ids) {
  try {
    await api.setReadMany(ids, false);
  } catch (error) {
    toastError("Could not undo", error);
    return;
  }
  applyRead(ids, false);
  loadSources();
}
