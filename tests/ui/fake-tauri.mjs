// A stand-in for the Rust side, installed as `window.__TAURI__` before the page loads (like Tauri's mockIPC).
// It answers the command contract from in-memory fixture data, checks argument shapes strictly (camelCase keys,
// nothing unknown), rejects with `{code, message}` like the real commands, and records every call.
//
// `installFakeTauri` runs inside the page (serialized by page.addInitScript), so it must not use anything from
// its module scope. Tests reach it through `window.__fake`.

export function installFakeTauri(fixture) {
  const db = {
    sources: fixture.sources.map((s) => ({ ...s })),
    entries: fixture.entries.map((e) => ({ ...e })),
    settings: { ...fixture.settings },
    cacheSettings: { keep_read_days: 60, keep_unread_days: 180, image_budget_mb: 1024, ...fixture.cacheSettings },
    cacheInfo: { entries: 0, bookmarked: 0, images: 0, image_bytes: 0, database_bytes: 0, ...fixture.cacheInfo },
    /**
     * What the next clean_cache reports beyond the listed entries it purges (by the retention rules, as the
     * backend does): stories and pictures the cache's size counts but the fixture does not list.
     */
    cleanup: { purged_entries: 0, evicted_images: 0, freed_bytes: 0, ...fixture.cleanup },
    syncSettings: {
      refresh_interval: 30, concurrency: 8, proxy: "", user_agent: "", full_text: "auto", notifications: "on",
      ...fixture.syncSettings,
    },
    /** What find_feeds answers for an address (a page offering several feeds); others are a feed themselves. */
    pages: { ...fixture.pages },
    /** Where the exports were saved, in order. */
    saved: [],
    nextSourceId: 1000,
  };
  const calls = [];
  const listeners = new Map();
  const pendingSyncs = [];

  const fail = (code, message) => {
    throw { code, message };
  };
  const at = (e) => Math.floor(Date.parse(e.published) / 1000);
  const older = (a, b) => at(a) < at(b) || (at(a) === at(b) && a.id < b.id);
  const summaryOf = (e) => {
    const {
      content_html: _c, lang: _l, dir: _d, full_text: _f, feed_html: _h, full_text_error: _x, images: _i, ...summary
    } = e;
    return summary;
  };
  // What get_entry adds to a stored entry when the fixture does not say: a story from its feed, no pictures.
  const detailOf = (e) => ({ full_text: false, feed_html: null, full_text_error: null, images: [], ...e });
  const sourceInfo = (s) => {
    const mine = db.entries.filter((e) => e.source_id === s.id);
    return {
      full_text: "auto", icon_url: null, feed_title: s.title, refresh_interval: null, proxy: null, user_agent: null,
      notify: true, retry_after: null, ...s,
      title: s.custom_title || s.title, unread_count: mine.filter((e) => !e.read).length, entry_count: mine.length,
    };
  };
  const folders = () => {
    const names = [...new Set(db.sources.map((s) => s.folder).filter((f) => f != null))];
    return names.sort((a, b) => a.localeCompare(b, undefined, { sensitivity: "base" })).map((name) => {
      const inside = db.sources.filter((s) => s.folder === name).map(sourceInfo);
      return { name, source_count: inside.length, unread_count: inside.reduce((n, s) => n + s.unread_count, 0) };
    });
  };
  const removeSource = (id) => {
    const s = source(id);
    db.entries = db.entries.filter((e) => e.source_id !== id || e.bookmarked);
    for (const e of db.entries.filter((e) => e.source_id === id)) {
      Object.assign(e, { source_id: null, source_title: `${s.custom_title || s.title} (removed)` });
    }
    db.sources = db.sources.filter((x) => x.id !== id);
  };
  // The checks of settings.rs, with its messages.
  const PROXY = /^(https?|socks5h?):\/\/[^/?#\s]+\/?$/;
  const checkProxy = (value, perSource) => {
    if (value === "" || value == null || (perSource && value === "direct") || PROXY.test(value)) return;
    const accepted = perSource ? "empty (the proxy setting), direct (no proxy), or a URL" : "empty, or a URL";
    fail("invalid_argument", `proxy cannot be ${JSON.stringify(value)}; it is ${accepted} such as socks5h://127.0.0.1:9050 or http://proxy.example:8080 (schemes: http, https, socks5, socks5h)`);
  };
  const checkUserAgent = (value) => {
    if (value == null || (value.length <= 512 && /^[\x20-\x7e]*$/.test(value))) return;
    fail("invalid_argument", `user_agent cannot be ${JSON.stringify(value)}; it is empty (Offprint's own) or up to 512 visible ASCII characters`);
  };
  const checkInterval = (value, orElse) => {
    if (Number.isInteger(value) && value >= 5 && value <= 10080) return;
    fail("invalid_argument", `refresh_interval cannot be ${JSON.stringify(value)}; it is a number of minutes from 5 to 10080, ${orElse}`);
  };
  const source = (id) => db.sources.find((s) => s.id === id) ?? fail("not_found", `no source with id ${id}`);
  const CACHE_LIMITS = {
    keep_read_days: [0, 36500], keep_unread_days: [0, 36500], image_budget_mb: [16, 1048576],
  };
  const entry = (id) => db.entries.find((e) => e.id === id) ?? fail("not_found", `no entry with id ${id}`);

  const QUERY_KEYS = ["sourceId", "folder", "unreadOnly", "bookmarkedOnly", "since", "search", "before", "limit"];
  function checkQuery(query) {
    if (!query || typeof query !== "object") fail("invalid_argument", "query is missing");
    for (const key of Object.keys(query)) {
      if (!QUERY_KEYS.includes(key)) fail("invalid_argument", `unknown query field ${key}`);
    }
    if (query.before != null && (typeof query.before.at !== "number" || typeof query.before.id !== "number")) {
      fail("invalid_argument", "before must be {at, id}");
    }
  }
  function matching(query) {
    checkQuery(query);
    const words = (query.search ?? "").toLowerCase().split(/\s+/).filter(Boolean);
    return db.entries
      .filter((e) => query.sourceId == null || e.source_id === query.sourceId)
      .filter((e) => query.folder == null || db.sources.some((s) => s.id === e.source_id && s.folder === query.folder))
      .filter((e) => !query.unreadOnly || !e.read)
      .filter((e) => !query.bookmarkedOnly || e.bookmarked)
      .filter((e) => query.since == null || at(e) >= query.since)
      .filter((e) => {
        const text = `${e.title} ${e.author ?? ""} ${e.summary} ${e.content_html}`.toLowerCase();
        return words.every((w) => text.includes(w));
      })
      .sort((a, b) => (older(a, b) ? 1 : -1));
  }

  const handlers = {
    list_sources: () => db.sources.map(sourceInfo),
    list_entries: ({ query }) => {
      let rows = matching(query);
      if (query.before) rows = rows.filter((e) => older(e, { published: new Date(query.before.at * 1000).toISOString(), id: query.before.id }));
      const limit = query.limit ?? 100;
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { entries: page.map(summaryOf), next: rows.length > limit ? { at: at(last), id: last.id } : null };
    },
    get_entry: ({ id }) => detailOf(entry(id)),
    set_read: ({ id, read }) => {
      entry(id).read = read;
      return null;
    },
    set_bookmarked: ({ id, bookmarked }) => {
      entry(id).bookmarked = bookmarked;
      return null;
    },
    set_read_many: ({ ids, read }) => {
      for (const id of ids) entry(id).read = read;
      return null;
    },
    mark_all_read: ({ query }) => {
      const changed = matching(query).filter((e) => !e.read);
      for (const e of changed) e.read = true;
      return { ids: changed.map((e) => e.id) };
    },
    add_source: ({ url, folder }) => {
      if (/not-a-feed/.test(url)) fail("not_a_feed", `${url} is not a feed: the response is an HTML page`);
      const existing = db.sources.find((s) => s.url === url);
      if (existing) fail("already_subscribed", `already subscribed (source ${existing.id})`);
      const source = {
        id: db.nextSourceId++, url, site_url: null, title: new URL(url).hostname, folder: folder ?? null,
        last_ok_at: new Date().toISOString(), last_error: null,
      };
      db.sources.push(source);
      return sourceInfo(source);
    },
    find_feeds: ({ url }) => {
      if (/not-a-feed/.test(url)) fail("not_a_feed", `${url} is not a feed: it is a web page that announces no feed`);
      return db.pages[url] ?? [{ url, title: new URL(url).hostname }];
    },
    remove_source: ({ sourceId }) => {
      removeSource(sourceId);
      return null;
    },
    rename_source: ({ sourceId, title }) => {
      const s = source(sourceId);
      s.custom_title = title && title.trim() ? title.trim() : null;
      return sourceInfo(s);
    },
    move_source: ({ sourceId, folder }) => {
      const s = source(sourceId);
      s.folder = folder && folder.trim() ? folder.trim() : null;
      return sourceInfo(s);
    },
    set_source_settings: ({ sourceId, settings }) => {
      const s = source(sourceId);
      const keys = ["refresh_interval", "proxy", "user_agent", "notify"];
      if (Object.keys(settings).sort().join() !== [...keys].sort().join()) {
        fail("invalid_argument", `settings must give exactly ${keys.join(", ")}`);
      }
      const blank = (v) => (v == null || v.trim() === "" ? null : v.trim());
      const checked = { ...settings, proxy: blank(settings.proxy), user_agent: blank(settings.user_agent) };
      if (checked.refresh_interval != null) checkInterval(checked.refresh_interval, "or empty for the refresh_interval setting");
      checkProxy(checked.proxy, true);
      checkUserAgent(checked.user_agent);
      if (typeof checked.notify !== "boolean") fail("invalid_argument", "notify is true or false");
      Object.assign(s, checked);
      return sourceInfo(s);
    },
    list_folders: () => folders(),
    rename_folder: ({ name, newName }) => {
      if (!newName.trim()) fail("invalid_argument", "a folder's name cannot be empty");
      const inside = db.sources.filter((s) => s.folder === name);
      if (!inside.length) fail("invalid_argument", `there is no folder named ${JSON.stringify(name)}`);
      for (const s of inside) s.folder = newName.trim();
      return null;
    },
    remove_folder: ({ name }) => {
      const inside = db.sources.filter((s) => s.folder === name);
      if (!inside.length) fail("invalid_argument", `there is no folder named ${JSON.stringify(name)}`);
      for (const s of inside) removeSource(s.id);
      return null;
    },
    import_opml: ({ bytes }) => {
      // Parsed as opml.rs does, in miniature: an <opml> with a <body>, one folder level, http(s) only.
      const text = new TextDecoder().decode(new Uint8Array(bytes));
      const doc = new DOMParser().parseFromString(text, "application/xml");
      if (doc.querySelector("parsererror") || doc.documentElement.nodeName !== "opml" || !doc.querySelector("body")) {
        fail("not_opml", "not an OPML file: it is not an outline list");
      }
      const report = { added: [], skipped: [] };
      for (const outline of doc.querySelectorAll("outline[xmlUrl]")) {
        const url = outline.getAttribute("xmlUrl").trim();
        const title = outline.getAttribute("title") || outline.getAttribute("text") || null;
        let top = outline;
        while (top.parentElement?.nodeName === "outline") top = top.parentElement;
        const folder = top === outline ? null : top.getAttribute("text") || top.getAttribute("title") || null;
        if (!/^https?:\/\//.test(url)) {
          report.skipped.push({ url, title, reason: "not an http(s) address" });
          continue;
        }
        const existing = db.sources.find((s) => s.url === url);
        if (existing) {
          report.skipped.push({ url, title, reason: `already subscribed (source ${existing.id})` });
          continue;
        }
        const s = { id: db.nextSourceId++, url, site_url: null, title: title ?? new URL(url).hostname, folder, last_ok_at: null, last_error: null };
        db.sources.push(s);
        report.added.push({ id: s.id, url, title: s.title, folder });
      }
      return report;
    },
    export_opml: () => {
      const path = "/home/reader/Downloads/offprint-subscriptions.opml";
      db.saved.push(path);
      return { path };
    },
    export_bookmarks: ({ format }) => {
      const ext = { html: "html", markdown: "md", json: "json" }[format] ?? fail("invalid_argument", `unknown export format ${JSON.stringify(format)}: use html, markdown (or md) or json`);
      const path = `/home/reader/Downloads/offprint-bookmarks-2026-01-09.${ext}`;
      db.saved.push(path);
      return { path };
    },
    get_sync_settings: () => ({ ...db.syncSettings }),
    set_sync_settings: ({ settings }) => {
      const keys = ["refresh_interval", "concurrency", "proxy", "user_agent", "full_text", "notifications"];
      if (Object.keys(settings).sort().join() !== [...keys].sort().join()) {
        fail("invalid_argument", `settings must give exactly ${keys.join(", ")}`);
      }
      if (settings.refresh_interval !== 0) checkInterval(settings.refresh_interval, "or 0 for only when asked");
      if (!Number.isInteger(settings.concurrency) || settings.concurrency < 1 || settings.concurrency > 32) {
        fail("invalid_argument", `concurrency cannot be ${JSON.stringify(settings.concurrency)}; it is a number from 1 to 32`);
      }
      checkProxy(settings.proxy.trim(), false);
      checkUserAgent(settings.user_agent.trim());
      if (!["auto", "off", "always"].includes(settings.full_text)) fail("invalid_argument", `full_text cannot be ${JSON.stringify(settings.full_text)}; it is one of: auto, off, always`);
      if (!["on", "off"].includes(settings.notifications)) fail("invalid_argument", `notifications cannot be ${JSON.stringify(settings.notifications)}; it is one of: on, off`);
      db.syncSettings = { ...settings, proxy: settings.proxy.trim(), user_agent: settings.user_agent.trim() };
      return { ...db.syncSettings };
    },
    sync_now: (args) => {
      if (pendingSyncs.length) fail("sync_running", "a sync is already running");
      return new Promise((resolve) => pendingSyncs.push({ args, resolve }));
    },
    open_link: ({ url }) => {
      if (!/^(https?|mailto):/i.test(url)) fail("invalid_argument", `refusing to open ${url}`);
      return null;
    },
    get_settings: () => ({ ...db.settings }),
    set_settings: ({ settings }) => {
      const allowed = {
        theme: ["system", "light", "dark"], text_size: ["small", "medium", "large", "x-large"],
        font: ["serif", "sans"], column_width: ["narrow", "medium", "wide"],
      };
      if (Object.keys(settings).sort().join() !== Object.keys(allowed).sort().join()) {
        fail("invalid_argument", "settings must give exactly theme, text_size, font and column_width");
      }
      for (const [key, value] of Object.entries(settings)) {
        if (!allowed[key].includes(value)) fail("invalid_argument", `${key} cannot be ${JSON.stringify(value)}`);
      }
      db.settings = { ...db.settings, ...settings };
      return { ...db.settings };
    },
    set_full_text: ({ sourceId, mode }) => {
      if (!["off", "auto", "always"].includes(mode)) fail("invalid_argument", `full text cannot be ${JSON.stringify(mode)}`);
      const s = source(sourceId);
      s.full_text = mode;
      return sourceInfo(s);
    },
    get_cache_info: () => ({ ...db.cacheInfo }),
    get_cache_settings: () => ({ ...db.cacheSettings }),
    set_cache_settings: ({ settings }) => {
      if (Object.keys(settings).sort().join() !== Object.keys(CACHE_LIMITS).sort().join()) {
        fail("invalid_argument", "settings must give exactly keep_read_days, keep_unread_days and image_budget_mb");
      }
      for (const [key, [min, max]] of Object.entries(CACHE_LIMITS)) {
        const value = settings[key];
        // The messages of settings.rs, and all or nothing is stored, as there.
        if (!Number.isInteger(value)) fail("invalid_argument", `${key} cannot be ${JSON.stringify(value)}; it is a whole number`);
        if (value < min || value > max) fail("invalid_argument", `${key} cannot be ${value}; it is a number from ${min} to ${max}`);
      }
      db.cacheSettings = { ...settings };
      return { ...db.cacheSettings };
    },
    clean_cache: () => {
      // Retention as store/retention.rs applies it: unbookmarked stories older than their limit (read and unread
      // apart, 0 days keeps for ever) go. The fake takes a story's published time for when it was first seen.
      const now = Date.now() / 1000;
      const cutoff = (days) => (days > 0 ? now - days * 24 * 60 * 60 : -Infinity);
      const { keep_read_days: readDays, keep_unread_days: unreadDays } = db.cacheSettings;
      const doomed = new Set(db.entries
        .filter((e) => !e.bookmarked && at(e) < cutoff(e.read ? readDays : unreadDays))
        .map((e) => e.id));
      db.entries = db.entries.filter((e) => !doomed.has(e.id));
      const report = { ...db.cleanup, purged_entries: db.cleanup.purged_entries + doomed.size };
      const info = db.cacheInfo;
      info.entries = Math.max(0, info.entries - report.purged_entries);
      info.images = Math.max(0, info.images - report.evicted_images);
      info.image_bytes = Math.max(0, info.image_bytes - report.freed_bytes);
      db.cleanup = { purged_entries: 0, evicted_images: 0, freed_bytes: 0 };
      return report;
    },
  };

  const ARGS = {
    list_sources: [], list_entries: ["query"], get_entry: ["id"], set_read: ["id", "read"],
    set_bookmarked: ["id", "bookmarked"], set_read_many: ["ids", "read"], mark_all_read: ["query"],
    add_source: ["url", "folder"], sync_now: ["sourceId"], open_link: ["url"], get_settings: [],
    set_settings: ["settings"], set_full_text: ["sourceId", "mode"], get_cache_info: [], get_cache_settings: [],
    set_cache_settings: ["settings"], clean_cache: [], find_feeds: ["url"], remove_source: ["sourceId"],
    rename_source: ["sourceId", "title"], move_source: ["sourceId", "folder"], set_source_settings: ["sourceId", "settings"],
    list_folders: [], rename_folder: ["name", "newName"], remove_folder: ["name"], import_opml: ["bytes"],
    export_opml: [], export_bookmarks: ["format"], get_sync_settings: [], set_sync_settings: ["settings"],
  };
  const REQUIRED = {
    list_entries: ["query"], get_entry: ["id"], set_read: ["id", "read"], set_bookmarked: ["id", "bookmarked"],
    set_read_many: ["ids", "read"], mark_all_read: ["query"], add_source: ["url"], open_link: ["url"],
    set_settings: ["settings"], set_full_text: ["sourceId", "mode"], set_cache_settings: ["settings"],
    find_feeds: ["url"], remove_source: ["sourceId"], rename_source: ["sourceId", "title"],
    move_source: ["sourceId", "folder"], set_source_settings: ["sourceId", "settings"], rename_folder: ["name", "newName"],
    remove_folder: ["name"], import_opml: ["bytes"], export_bookmarks: ["format"], set_sync_settings: ["settings"],
  };

  window.__fake = {
    db,
    calls,
    /**
     * Commands that fail with this `{code, message}` instead of answering: `failures.set_read = {...}`; or a
     * function of the arguments that gives the error, or null to answer as usual.
     */
    failures: {},
    emit(name, payload) {
      for (const handler of listeners.get(name) ?? []) handler({ event: name, id: 1, payload });
    },
    listening: (name) => (listeners.get(name) ?? []).length,
    pendingSyncs: () => pendingSyncs.length,
    /** Answers the oldest sync_now still running with `report`, recording each source's outcome as a sync does. */
    finishSync(report) {
      const { args, resolve } = pendingSyncs.shift();
      const now = new Date().toISOString();
      for (const s of db.sources) {
        if (args?.sourceId != null && s.id !== args.sourceId) continue;
        const error = (report?.errors ?? []).find((e) => e.source_id === s.id);
        if (error) s.last_error = { code: error.code, message: error.message, at: now };
        else Object.assign(s, { last_error: null, last_ok_at: now });
      }
      resolve(report);
    },
  };

  window.__TAURI__ = {
    core: {
      async invoke(cmd, args) {
        calls.push({ cmd, args: args === undefined ? undefined : JSON.parse(JSON.stringify(args)) });
        await Promise.resolve();
        if (!(cmd in handlers)) throw { code: "unknown_command", message: `command ${cmd} not found` };
        const given = args ?? {};
        for (const key of Object.keys(given)) {
          if (!ARGS[cmd].includes(key)) throw { code: "invalid_argument", message: `${cmd}: unexpected argument ${key}` };
        }
        for (const key of REQUIRED[cmd] ?? []) {
          if (given[key] === undefined) throw { code: "invalid_argument", message: `${cmd}: missing argument ${key}` };
        }
        const failure = window.__fake.failures[cmd];
        const error = typeof failure === "function" ? failure(given) : failure;
        if (error) throw error;
        const result = await handlers[cmd](given);
        return result === undefined ? null : JSON.parse(JSON.stringify(result));
      },
    },
    event: {
      async listen(name, handler) {
        if (!listeners.has(name)) listeners.set(name, []);
        listeners.get(name).push(handler);
        return () => listeners.set(name, listeners.get(name).filter((h) => h !== handler));
      },
    },
  };
}
