// The "Subscriptions and bookmarks" section of the settings dialog: import an OPML file from another reader
// (import_opml), and save the sources as OPML (export_opml) or the bookmarks as a page, Markdown or JSON
// (export_bookmarks) in the Downloads folder. Each row says what happened on a line of its own; a failure is
// said beside it, and an import that fails changes nothing.

import * as api from "./api.js";
import { sourceById, sourceName } from "./state.js";
import { loadSources } from "./actions.js";
import { refresh } from "./sync-actions.js";
import { plural } from "./format.js";

/** "already subscribed (source 3)" names the source the reader knows instead of its number. */
function reasonText(reason) {
  const match = /^already subscribed \(source (\d+)\)$/.exec(reason);
  const source = match ? sourceById(Number(match[1])) : null;
  // Isolated, so a right-to-left name cannot carry the words around it to the other side.
  return source ? `already subscribed, as \u2068${sourceName(source)}\u2069` : reason;
}

function skippedItem({ url, title, reason }) {
  const li = document.createElement("li");
  const name = document.createElement("span");
  name.className = "skipped-name";
  name.dir = "auto";
  name.textContent = title || url;
  li.append(name);
  if (title) {
    const address = document.createElement("span");
    address.className = "skipped-url";
    address.dir = "ltr";
    address.textContent = url;
    li.append(address);
  }
  const why = document.createElement("span");
  why.className = "skipped-reason";
  why.textContent = reasonText(reason);
  li.append(why);
  return li;
}

/** "Added 3 sources." / "Added 3 sources; skipped 2." / "Added no sources; skipped 2." */
function summaryText({ added, skipped }) {
  const what = added.length === 0 ? "no sources" : plural(added.length, "source", "sources");
  return skipped.length === 0 ? `Added ${what}.` : `Added ${what}; skipped ${skipped.length}.`;
}

/** One row's outcome: a line that says what happened, and a line for a failure. */
function outcome(statusId, errorId) {
  const status = document.getElementById(statusId);
  const error = document.getElementById(errorId);
  return {
    clear() {
      status.replaceChildren();
      error.textContent = "";
      error.hidden = true;
    },
    say(...parts) {
      this.clear();
      status.append(...parts);
    },
    fail(message) {
      this.clear();
      error.textContent = message;
      error.hidden = false;
    },
    /** "Saved to /home/…/file.opml", the path selectable as a whole. */
    saved(path) {
      const where = document.createElement("span");
      where.className = "saved-path";
      where.dir = "ltr";
      where.textContent = path;
      this.say("Saved to ", where, ".");
    },
  };
}

/**
 * Runs `work` with `button` showing `busyText`; a press meanwhile does nothing. The button stays focusable
 * (aria-disabled, not disabled), so the keyboard's place in the dialog is not lost.
 */
async function busy(button, busyText, work) {
  if (button.getAttribute("aria-disabled") === "true") return;
  const text = button.textContent;
  button.setAttribute("aria-disabled", "true");
  button.textContent = busyText;
  try {
    return await work();
  } finally {
    button.removeAttribute("aria-disabled");
    button.textContent = text;
  }
}

export function createSubscriptionSettings() {
  const importButton = document.getElementById("import-opml-button");
  const file = document.getElementById("import-opml-file");
  const exportButton = document.getElementById("export-opml-button");
  const skipped = document.getElementById("import-skipped");
  const skippedList = document.getElementById("import-skipped-list");
  const format = document.getElementById("bookmarks-format");
  const bookmarksButton = document.getElementById("export-bookmarks-button");
  const opml = outcome("opml-status", "opml-error");
  const bookmarks = outcome("bookmarks-status", "bookmarks-error");

  function showSkipped(items) {
    skippedList.replaceChildren(...items.map(skippedItem));
    skipped.hidden = items.length === 0;
    skipped.open = false;
  }

  async function importFile(chosen) {
    showSkipped([]);
    opml.clear();
    let report;
    try {
      const bytes = new Uint8Array(await chosen.arrayBuffer());
      report = await api.importOpml(bytes);
    } catch (err) {
      opml.fail(`Could not import ${chosen.name}: ${err.message}`);
      return;
    }
    opml.say(summaryText(report));
    showSkipped(report.skipped);
    if (report.added.length === 0) return;
    await loadSources();
    // The new sources have no stories yet.
    refresh(undefined, { quiet: true });
  }

  importButton.addEventListener("click", () => {
    if (importButton.getAttribute("aria-disabled") !== "true") file.click();
  });
  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    // Emptied, so choosing the same file again is a change too.
    file.value = "";
    if (chosen) await busy(importButton, "Importing…", () => importFile(chosen));
  });

  exportButton.addEventListener("click", () => busy(exportButton, "Exporting…", async () => {
    showSkipped([]);
    try {
      opml.saved((await api.exportOpml()).path);
    } catch (err) {
      opml.fail(`Could not export your sources: ${err.message}`);
    }
  }));

  bookmarksButton.addEventListener("click", () => busy(bookmarksButton, "Exporting…", async () => {
    try {
      bookmarks.saved((await api.exportBookmarks(format.value)).path);
    } catch (err) {
      bookmarks.fail(`Could not export your bookmarks: ${err.message}`);
    }
  }));

  return {
    /** Forgets what was done the last time the dialog was open. */
    reset() {
      opml.clear();
      bookmarks.clear();
      showSkipped([]);
    },
  };
}
