// The one gateway to the Rust side: the only file that knows command and event names and calls
// `window.__TAURI__`. Every failure leaves here as an ApiError with a `code` and a readable `message`.

export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

/** Turns whatever a command rejected with into an ApiError whose message is words, never "[object Object]". */
function toApiError(raw) {
  if (raw instanceof ApiError) return raw;
  if (raw && typeof raw === "object") {
    const code = typeof raw.code === "string" && raw.code ? raw.code : "unknown";
    let message = typeof raw.message === "string" ? raw.message.trim() : "";
    if (!message && typeof raw.error === "string") message = raw.error;
    if (!message) message = code === "unknown" ? "Something went wrong." : `Something went wrong (${code}).`;
    return new ApiError(code, message);
  }
  if (typeof raw === "string" && raw.trim()) return new ApiError("unknown", raw.trim());
  return new ApiError("unknown", "Something went wrong.");
}

function tauri() {
  const t = window.__TAURI__;
  if (!t || !t.core || typeof t.core.invoke !== "function") {
    throw new ApiError("no_backend", "Offprint's window is running without its backend.");
  }
  return t;
}

async function call(command, args) {
  try {
    return await tauri().core.invoke(command, args);
  } catch (raw) {
    throw toApiError(raw);
  }
}

/** Keeps only the filter keys the backend knows, so a stray field never reaches it. */
function cleanQuery(query) {
  const out = {};
  for (const key of ["sourceId", "folder", "unreadOnly", "bookmarkedOnly", "since", "search", "before", "limit"]) {
    if (query[key] !== undefined && query[key] !== null && query[key] !== false && query[key] !== "") {
      out[key] = query[key];
    }
  }
  return out;
}

export const listSources = () => call("list_sources");

/** Newest first; `next` is the cursor for the page after this one, or null at the end. */
export const listEntries = (query) => call("list_entries", { query: cleanQuery(query) });

export const getEntry = (id) => call("get_entry", { id });

export const setRead = (id, read) => call("set_read", { id, read });

export const setBookmarked = (id, bookmarked) => call("set_bookmarked", { id, bookmarked });

export const setReadMany = (ids, read) => call("set_read_many", { ids, read });

/** Resolves to the ids it changed, for undo. The cursor and limit of `query` are not sent. */
export async function markAllRead(query) {
  const { before: _before, limit: _limit, ...rest } = query;
  const result = await call("mark_all_read", { query: cleanQuery(rest) });
  return Array.isArray(result?.ids) ? result.ids : [];
}

export function addSource(url, folder) {
  const args = { url };
  if (folder) args.folder = folder;
  return call("add_source", args);
}

/** The feeds an address leads to, to choose from before subscribing: `[{url, title}]` (one when it is a feed). */
export const findFeeds = (url) => call("find_feeds", { url });

/** Unsubscribes; bookmarked stories stay readable. */
export const removeSource = (sourceId) => call("remove_source", { sourceId });

/** The reader's own name for a source; an empty title brings back the feed's. Resolves to the source. */
export const renameSource = (sourceId, title) => call("rename_source", { sourceId, title: title || null });

/** Puts a source in `folder` (a new name makes a folder), or in none with null. Resolves to the source. */
export const moveSource = (sourceId, folder) => call("move_source", { sourceId, folder: folder || null });

/**
 * A source's own `{refresh_interval (minutes or null), proxy ("direct", a URL or null), user_agent (or null),
 * notify}`; null follows the reader's settings. Resolves to the source.
 */
export const setSourceSettings = (sourceId, settings) => call("set_source_settings", { sourceId, settings });

/** `[{name, source_count, unread_count}]`, by name. */
export const listFolders = () => call("list_folders");

/** Renames a folder; to an existing folder's name, the two merge. */
export const renameFolder = (name, newName) => call("rename_folder", { name, newName });

/** Unsubscribes from every source of a folder; bookmarked stories stay readable. */
export const removeFolder = (name) => call("remove_folder", { name });

/** Subscribes to the feeds of an OPML file, given as its bytes: resolves to `{added, skipped}`. */
export const importOpml = (bytes) => call("import_opml", { bytes: Array.from(bytes) });

/** Saves the sources as OPML in the Downloads folder: resolves to `{path}`. */
export const exportOpml = () => call("export_opml");

/** Saves the bookmarks as "html", "markdown" or "json" in the Downloads folder: resolves to `{path}`. */
export const exportBookmarks = (format) => call("export_bookmarks", { format });

/** `{refresh_interval, concurrency, proxy, user_agent, full_text, notifications}` */
export const getSyncSettings = () => call("get_sync_settings");

export const setSyncSettings = (settings) => call("set_sync_settings", { settings });

/** Refreshes one source, or every source when `sourceId` is omitted. */
export const syncNow = (sourceId) => call("sync_now", sourceId == null ? {} : { sourceId });

export const openLink = (url) => call("open_link", { url });

export const getSettings = () => call("get_settings");

export const setSettings = (settings) => call("set_settings", { settings });

/** `mode` is "off", "auto" or "always"; resolves to the updated source. */
export const setFullText = (sourceId, mode) => call("set_full_text", { sourceId, mode });

/** `{entries, bookmarked, images, image_bytes, database_bytes}` */
export const getCacheInfo = () => call("get_cache_info");

/** `{keep_read_days, keep_unread_days, image_budget_mb}`; 0 days keeps stories forever. */
export const getCacheSettings = () => call("get_cache_settings");

export const setCacheSettings = (settings) => call("set_cache_settings", { settings });

/** `{purged_entries, evicted_images, freed_bytes}` */
export const cleanCache = () => call("clean_cache");

/** Calls `cb(payload)` for every event `name`; resolves to an unlisten function. */
async function listen(name, cb) {
  const t = tauri();
  if (!t.event || typeof t.event.listen !== "function") return () => {};
  try {
    return await t.event.listen(name, (event) => cb(event.payload));
  } catch (raw) {
    throw toApiError(raw);
  }
}

/** A source finished refreshing: `{done, total, source_id, url, new, updated, unchanged, error}`. */
export const onSyncProgress = (cb) => listen("sync-progress", cb);

/** A sync could not reach the network, or reached it again: `{offline, retry_in, message}`. */
export const onNetworkState = (cb) => listen("network-state", cb);
