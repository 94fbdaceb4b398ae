// The Storage section of the settings dialog: how long stories are kept and how much room pictures get
// (get_cache_settings / set_cache_settings), how much the cache holds now (get_cache_info), and "Clean up now"
// (clean_cache). A field saves when it is left or Enter is pressed; the backend judges the ranges, and its
// message is shown beside the fields.

import * as api from "./api.js";
import { loadSources, reloadList } from "./actions.js";
import { toast, toastError } from "./toast.js";
import { plural, bytes } from "./format.js";

const FIELDS = ["keep_read_days", "keep_unread_days", "image_budget_mb"];
const WHOLE_NUMBER = /^\d+$/;

/** "1,234 stories (12 bookmarked), 56 pictures, 12.3 MB of pictures; database 8.1 MB" */
function usageText(info) {
  const stories = plural(info.entries, "story", "stories");
  const kept = info.bookmarked > 0 ? ` (${plural(info.bookmarked, "bookmarked", "bookmarked")})` : "";
  return `${stories}${kept}, ${plural(info.images, "picture", "pictures")}, ${bytes(info.image_bytes)} of pictures; ` +
    `database ${bytes(info.database_bytes)}`;
}

/** "Removed 12 old stories and 3 pictures, freed 4.5 MB" */
function cleanupText(report) {
  if (!report.purged_entries && !report.evicted_images) return "Nothing to clean up: everything kept is within your limits.";
  const removed = [];
  if (report.purged_entries) removed.push(plural(report.purged_entries, "old story", "old stories"));
  if (report.evicted_images) removed.push(plural(report.evicted_images, "picture", "pictures"));
  return `Removed ${removed.join(" and ")}, freed ${bytes(report.freed_bytes)}.`;
}

export function createStorageSettings() {
  const form = document.getElementById("storage-form");
  const inputs = Object.fromEntries(FIELDS.map((name) => [name, form.elements.namedItem(name)]));
  const error = document.getElementById("storage-error");
  const status = document.getElementById("storage-status");
  const usage = document.getElementById("storage-usage");
  const clean = document.getElementById("clean-cache-button");
  /** What the backend last confirmed; null until loaded. */
  let saved = null;
  /** The values the backend last refused, so leaving the field again does not ask again. */
  let refused = null;
  let saving = null;

  function showError(message, field) {
    error.textContent = message;
    error.hidden = !message;
    for (const [name, input] of Object.entries(inputs)) {
      if (message && name === field) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-errormessage", "storage-error");
      } else {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-errormessage");
      }
    }
  }

  function fill(settings) {
    saved = { ...settings };
    for (const name of FIELDS) inputs[name].value = String(settings[name] ?? "");
  }

  async function refreshUsage() {
    try {
      usage.textContent = usageText(await api.getCacheInfo());
    } catch (err) {
      usage.textContent = `Could not measure the cache: ${err.message}`;
    }
  }

  async function save(field) {
    if (!saved) return;
    const values = {};
    for (const name of FIELDS) {
      const text = inputs[name].value.trim();
      if (!WHOLE_NUMBER.test(text)) {
        showError(name === "image_budget_mb" ? "Enter the space for pictures as a whole number of MB." :
          "Enter a whole number of days (0 keeps stories forever).", name);
        return;
      }
      values[name] = Number(text);
    }
    const same = (other) => other !== null && FIELDS.every((name) => values[name] === other[name]);
    if (same(saved)) {
      showError("");
      return;
    }
    if (same(refused)) return;
    status.textContent = "";
    try {
      fill(await api.setCacheSettings(values));
      refused = null;
      showError("");
      status.textContent = "Saved.";
    } catch (err) {
      // Refused values are not sent again until changed; a passing failure (a locked database) may be retried.
      refused = err.code === "invalid_argument" ? values : null;
      const what = err.code === "invalid_argument" ? err.message : `Could not save: ${err.message}`;
      showError(what, field);
    }
  }

  /** Saves once at a time; a change made while saving is saved after it. */
  function queueSave(field) {
    saving = (saving ?? Promise.resolve()).then(() => save(field)).finally(() => {
      saving = null;
    });
    return saving;
  }

  form.addEventListener("change", (event) => {
    if (event.target.name in inputs) queueSave(event.target.name);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.name in inputs) {
      event.preventDefault();
      queueSave(event.target.name);
    }
  });
  form.addEventListener("input", () => {
    status.textContent = "";
  });
  form.addEventListener("submit", (event) => event.preventDefault());

  clean.addEventListener("click", async () => {
    clean.disabled = true;
    clean.textContent = "Cleaning up…";
    try {
      const report = await api.cleanCache();
      toast(cleanupText(report));
      if (report.purged_entries > 0) {
        loadSources();
        reloadList();
      }
    } catch (err) {
      toastError("Could not clean up", err);
    } finally {
      clean.disabled = false;
      clean.textContent = "Clean up now";
    }
    await refreshUsage();
  });

  return {
    /** Reads the settings and the cache's size afresh; called each time the dialog opens. */
    async load() {
      refused = null;
      showError("");
      status.textContent = "";
      usage.textContent = "Measuring the cache…";
      const usageDone = refreshUsage();
      try {
        fill(await api.getCacheSettings());
      } catch (err) {
        saved = null;
        showError(`Could not read the storage settings: ${err.message}`);
      }
      for (const input of Object.values(inputs)) input.disabled = !saved;
      await usageDone;
    },
    /** Saves what was typed but not yet saved (the dialog is closing). */
    flush: () => queueSave(null),
  };
}
