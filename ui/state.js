// What the window shows, in one place, and a tiny publish/subscribe so each pane re-renders only its part.
// Topics: "sources", "view", "list-reset", "entries", "entry-changed" (id), "selection", "reader", "sync",
// "new-stories", "settings", "network", "folder-renamed" ({from, to}), and "tick" (once a minute, for relative
// times).

import { localMidnight } from "./time.js";

export const PAGE_SIZE = 100;

/**
 * Failure codes that mean "no network", as opposed to a broken or moved feed (the backend's own list, see
 * `found_no_network`). A TLS failure is not among them: it is the site's certificate, or someone in between.
 */
const NETWORK_CODES = new Set(["dns", "connect", "timeout", "network"]);

export const DEFAULT_SETTINGS = Object.freeze({
  theme: "system",
  text_size: "medium",
  font: "serif",
  column_width: "medium",
});

export const state = {
  sources: [],
  sourcesLoaded: false,
  /** First-run screen: shown while there are no sources, until the reader moves on. */
  welcome: false,
  /** { kind: "all" | "unread" | "today" | "bookmarks" | "source" | "folder", sourceId?: number, folder?: string } */
  view: { kind: "all" },
  search: "",
  entries: [],
  next: null,
  /** True once the first page of the current view arrived. */
  listLoaded: false,
  loading: false,
  listError: null,
  /** Row the list's selection (keyboard focus) is on; may differ from the open entry. */
  selectedId: null,
  /** Entry shown in the reader, and its detail once loaded. */
  openId: null,
  entry: null,
  readerError: null,
  /** Why the reader was emptied, when it was not the reader's doing (a cleanup removed the story). */
  readerNote: null,
  /**
   * `failures`: the codes of the sources that failed in the sync running or last run; `fresh`: its new stories;
   * `finished`: `{at}` when it ended (from its report or its last progress event).
   */
  sync: { running: false, done: 0, total: 0, failures: [], fresh: 0, finished: null, sawEvents: false },
  newSinceLoad: 0,
  settings: { ...DEFAULT_SETTINGS },
  /**
   * Offline as the backend (network-state events) or the browser (offline events) last said; `retryAt` in ms.
   * `unreached` stays true from going offline until a refresh reaches a source again, so that the failures
   * of the time without a network are not shown as news while the window is back online but not yet refreshed.
   */
  network: { offline: false, retryAt: null, message: null, unreached: false },
};

const listeners = new Map();

export function on(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, []);
  listeners.get(topic).push(fn);
}

export function emit(topic, detail) {
  for (const fn of listeners.get(topic) ?? []) fn(detail);
}

export const SMART_VIEWS = [
  { kind: "all", label: "All" },
  { kind: "unread", label: "Unread" },
  { kind: "today", label: "Today" },
  { kind: "bookmarks", label: "Bookmarks" },
];

export function sameView(a, b) {
  if (a.kind !== b.kind) return false;
  if (a.kind === "source") return a.sourceId === b.sourceId;
  if (a.kind === "folder") return a.folder === b.folder;
  return true;
}

export function sourceById(id) {
  return state.sources.find((s) => s.id === id) ?? null;
}

/** A source as the reader calls it: their own name, else the feed's, else its address. */
export function sourceName(source) {
  return source.title || source.url;
}

/** Orders sources by their names, ignoring case and accents. */
export function byName(a, b) {
  return sourceName(a).localeCompare(sourceName(b), undefined, { sensitivity: "base" });
}

/** The folders the sources name, by name; a folder exists while a source is in it. */
export function folderNames() {
  const names = new Set(state.sources.map((s) => s.folder).filter(Boolean));
  return [...names].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: "base" }));
}

export function sourcesInFolder(name) {
  return state.sources.filter((s) => s.folder === name);
}

/** Unread stories of a folder: the sum of its sources' counts, so it follows every read and unread at once. */
export function folderUnread(name) {
  return sourcesInFolder(name).reduce((sum, s) => sum + (s.unread_count || 0), 0);
}

export function viewTitle(view = state.view) {
  if (view.kind === "source") return sourceById(view.sourceId)?.title || "Source";
  if (view.kind === "folder") return view.folder;
  return SMART_VIEWS.find((v) => v.kind === view.kind)?.label ?? "All";
}

/** Whether the view still has something to show: its source or folder may have gone. */
export function viewExists(view = state.view) {
  if (view.kind === "source") return sourceById(view.sourceId) !== null;
  if (view.kind === "folder") return sourcesInFolder(view.folder).length > 0;
  return true;
}

/** The `list_entries` filter for the current view and search, without cursor or limit. */
export function viewQuery(view = state.view, search = state.search) {
  const query = {};
  if (view.kind === "unread") query.unreadOnly = true;
  if (view.kind === "bookmarks") query.bookmarkedOnly = true;
  if (view.kind === "today") query.since = localMidnight();
  if (view.kind === "source") query.sourceId = view.sourceId;
  if (view.kind === "folder") query.folder = view.folder;
  const text = search.trim();
  if (text) query.search = text;
  return query;
}

/** The ids of `state.entries`, kept beside it: extended as pages are appended, rebuilt when the list was
 * replaced or lost a row. Building it again for every page cost a frame its time on a long list. */
let loaded = { entries: null, length: 0, ids: new Set() };
export function loadedIds() {
  const entries = state.entries;
  if (loaded.entries !== entries || entries.length < loaded.length) loaded = { entries, length: 0, ids: new Set() };
  for (let i = loaded.length; i < entries.length; i += 1) loaded.ids.add(entries[i].id);
  loaded.length = entries.length;
  return loaded.ids;
}

export function indexOfEntry(id) {
  return state.entries.findIndex((e) => e.id === id);
}

export function entryById(id) {
  return state.entries.find((e) => e.id === id) ?? (state.entry?.id === id ? state.entry : null);
}

/** The entry commands like m, b and o act on: the open one, else the selected row. */
export function currentEntry() {
  const id = state.openId ?? state.selectedId;
  return id == null ? null : entryById(id);
}

/** Applies a change of read/bookmark state to the list row and the open entry alike. */
export function patchEntry(id, patch) {
  const row = state.entries.find((e) => e.id === id);
  if (row) Object.assign(row, patch);
  if (state.entry?.id === id) Object.assign(state.entry, patch);
  emit("entry-changed", id);
}

export function adjustUnread(sourceId, delta) {
  const source = sourceById(sourceId);
  if (!source) return;
  source.unread_count = Math.max(0, source.unread_count + delta);
  emit("unread");
}

export function totalUnread() {
  return state.sources.reduce((sum, s) => sum + (s.unread_count || 0), 0);
}

export function isNetworkError(error) {
  return Boolean(error) && NETWORK_CODES.has(error.code);
}

/** Offline when every source's last attempt failed for want of a network. */
export function isOffline() {
  return state.sources.length > 0 && state.sources.every((s) => isNetworkError(s.last_error));
}

/** The network is out of reach: the backend or the browser says so, or every source failed for want of it. */
export function networkDown() {
  return state.network.offline || state.network.unreached || isOffline();
}

/**
 * Whether a failure (`{code}`) is news: a network failure while the network is down is only what the offline
 * banner already says, and is shown calmly; a broken feed (404, not a feed, TLS, parse…) always is.
 */
export function isRealFailure(error) {
  return Boolean(error) && !(isNetworkError(error) && networkDown());
}
