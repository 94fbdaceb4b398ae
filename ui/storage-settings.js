// The Storage section of the settings dialog: how long stories are kept and how much room pictures get
// (get_cache_settings / set_cache_settings), how much the cache holds now (get_cache_info), and "Clean up now"
// (clean_cache). A field saves when it is left or Enter is pressed. Each field's range is checked here first:
// a value out of range is marked on its own field, in words, until corrected, while the other fields are saved
// (set_cache_settings takes all three, so the marked one is sent as it was last saved). Closing the dialog
// keeps what was saved; a marked value is simply not kept.

import * as api from "./api.js";
import { loadSources, reloadList, checkOpenEntry } from "./actions.js";
import { toast, toastError } from "./toast.js";
import { plural, bytes, number, withUnit } from "./format.js";

/** The backend's ranges (settings.rs): days 0..=36500 (0 keeps for ever), room for pictures 16..=1048576 MB. */
const FIELDS = {
  keep_read_days: { label: "Keep read stories", min: 0, max: 36500, unit: "days", note: " (0 keeps them forever)" },
  keep_unread_days: { label: "Keep unread stories", min: 0, max: 36500, unit: "days", note: " (0 keeps them forever)" },
  image_budget_mb: { label: "Space for pictures", min: 16, max: 1048576, unit: "MB", note: "" },
};
const NAMES = Object.keys(FIELDS);
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

/** A backend message with the settings' own names in place of their keys. */
function inWords(message) {
  return NAMES.reduce((text, name) => text.replaceAll(name, `“${FIELDS[name].label}”`), message);
}

export function createStorageSettings() {
  const form = document.getElementById("storage-form");
  const inputs = Object.fromEntries(NAMES.map((name) => [name, form.elements.namedItem(name)]));
  const fieldErrors = Object.fromEntries(NAMES.map((name) => [name, document.getElementById(`${inputs[name].id}-error`)]));
  const hints = Object.fromEntries(NAMES.map((name) => [name, inputs[name].getAttribute("aria-describedby")]));
  const error = document.getElementById("storage-error");
  const status = document.getElementById("storage-status");
  const usage = document.getElementById("storage-usage");
  const clean = document.getElementById("clean-cache-button");
  /** What the backend last confirmed; null until loaded. */
  let saved = null;
  /** Per field, the value the backend refused and the range it gave, so that value is not sent again. */
  let refused = {};
  let saving = null;

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  function showFieldError(name, message) {
    const input = inputs[name];
    const box = fieldErrors[name];
    if (box.textContent !== message) box.textContent = message;
    box.hidden = !message;
    const describedBy = [hints[name], message ? box.id : null].filter(Boolean).join(" ");
    if (describedBy) input.setAttribute("aria-describedby", describedBy);
    else input.removeAttribute("aria-describedby");
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-errormessage", box.id);
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-errormessage");
    }
  }

  /** What is wrong with the value typed in `name`, in words, or "" when it may be saved. */
  function problemWith(name) {
    const text = inputs[name].value.trim();
    const range = refused[name] ?? FIELDS[name];
    if (!WHOLE_NUMBER.test(text)) return rangeText(name, range, true);
    const value = Number(text);
    if (value < range.min || value > range.max || value === refused[name]?.value) return rangeText(name, range, false);
    return "";
  }

  function fill(settings) {
    saved = { ...settings };
    for (const name of NAMES) inputs[name].value = String(settings[name] ?? "");
  }

  async function refreshUsage() {
    try {
      usage.textContent = usageText(await api.getCacheInfo());
    } catch (err) {
      usage.textContent = `Could not measure the cache: ${err.message}`;
    }
  }

  async function save() {
    if (!saved) return;
    const values = {};
    const problems = {};
    for (const name of NAMES) {
      problems[name] = problemWith(name);
      showFieldError(name, problems[name]);
      values[name] = problems[name] ? saved[name] : Number(inputs[name].value.trim());
    }
    const marked = NAMES.some((name) => problems[name]);
    if (NAMES.every((name) => values[name] === saved[name])) {
      if (!marked) showError("");
      return;
    }
    status.textContent = "";
    let stored;
    try {
      stored = await api.setCacheSettings(values);
    } catch (err) {
      // A value this file let through and the backend did not: marked on its field; the others are saved.
      const name = err.code === "invalid_argument" ? NAMES.find((n) => err.message.startsWith(n)) : null;
      if (name && values[name] !== saved[name]) {
        refused[name] = { value: values[name], ...refusedRange(name, err.message) };
        return save();
      }
      showError(`Could not save the storage settings: ${inWords(err.message)}`);
      return;
    }
    saved = { ...stored };
    // Saved fields show what was stored ("030" as "30"); a marked one keeps what was typed until corrected.
    for (const name of NAMES) if (!problems[name]) inputs[name].value = String(saved[name]);
    showError("");
    status.textContent = marked ? "Your other changes are saved." : "Saved.";
  }

  /** Saves once at a time; a change made while saving is saved after it. */
  function queueSave() {
    saving = (saving ?? Promise.resolve()).then(save).finally(() => {
      saving = null;
    });
    return saving;
  }

  form.addEventListener("change", (event) => {
    if (event.target.name in inputs) queueSave();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.name in inputs) {
      event.preventDefault();
      queueSave();
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
      refused = {};
      showError("");
      for (const name of NAMES) showFieldError(name, "");
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
    /** Saves what was typed but not yet saved (the dialog is closing); a marked value is left unsaved. */
    flush: () => queueSave(),
  };
}
