// The Storage section of the settings dialog: how long stories are kept and how much room pictures get
// (get_cache_settings / set_cache_settings, saved as settings-section.js says), how much the cache holds now
// (get_cache_info), and "Clean up now" (clean_cache). Each field's range is checked here first, in words; a
// range the backend names when it refuses a value takes the place of the one this file knows.

import * as api from "./api.js";
import { loadSources, reloadList, checkOpenEntry } from "./actions.js";
import { toast, toastError } from "./toast.js";
import { plural, bytes, number, withUnit } from "./format.js";
import { createSettingsSection } from "./settings-section.js";

/** The backend's ranges (settings.rs): days 0..=36500 (0 keeps for ever), room for pictures 16..=1048576 MB. */
const FIELDS = {
  keep_read_days: { label: "Keep read stories", min: 0, max: 36500, unit: "days", note: " (0 keeps them forever)" },
  keep_unread_days: { label: "Keep unread stories", min: 0, max: 36500, unit: "days", note: " (0 keeps them forever)" },
  image_budget_mb: { label: "Space for pictures", min: 16, max: 1048576, unit: "MB", note: "" },
};
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

/** "Between 16 and 1,048,576 MB." */
function rangeText(name, { min, max }, whole) {
  const { unit, note } = FIELDS[name];
  return `${whole ? "A whole number between" : "Between"} ${number(min)} and ${withUnit(max, unit)}${note}.`;
}

/** The range a refusal names ("… it is a number from 16 to 1048576"), else the one this file knows. */
function refusedRange(name, message) {
  const match = /from (\d+) to (\d+)/.exec(message);
  return match ? { min: Number(match[1]), max: Number(match[2]) } : { min: FIELDS[name].min, max: FIELDS[name].max };
}

/** A field of whole numbers in a range; a value the backend refused shows the range it gave. */
function numberField(name) {
  return {
    label: FIELDS[name].label,
    read(input, refusal) {
      const text = input.value.trim();
      const range = refusal ? refusedRange(name, refusal.message) : FIELDS[name];
      if (!WHOLE_NUMBER.test(text)) return { problem: rangeText(name, range, true) };
      const value = Number(text);
      if (value < range.min || value > range.max || value === refusal?.value) return { problem: rangeText(name, range, false) };
      return { value };
    },
    show(input, value) {
      input.value = String(value ?? "");
    },
  };
}

export function createStorageSettings() {
  const form = document.getElementById("storage-form");
  const usage = document.getElementById("storage-usage");
  const clean = document.getElementById("clean-cache-button");
  const section = createSettingsSection({
    form,
    fields: Object.fromEntries(Object.keys(FIELDS).map((name) => [name, numberField(name)])),
    what: "storage settings",
    status: document.getElementById("storage-status"),
    error: document.getElementById("storage-error"),
    get: api.getCacheSettings,
    set: api.setCacheSettings,
  });

  async function refreshUsage() {
    try {
      usage.textContent = usageText(await api.getCacheInfo());
    } catch (err) {
      usage.textContent = `Could not measure the cache: ${err.message}`;
    }
  }

  clean.addEventListener("click", async () => {
    clean.disabled = true;
    clean.textContent = "Cleaning up…";
    try {
      const report = await api.cleanCache();
      toast(cleanupText(report));
      if (report.purged_entries > 0) {
        await Promise.all([loadSources(), reloadList()]);
        // The story open in the reader may be one of those removed.
        await checkOpenEntry();
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
      usage.textContent = "Measuring the cache…";
      const usageDone = refreshUsage();
      await section.load();
      await usageDone;
    },
    flush: section.flush,
  };
}
