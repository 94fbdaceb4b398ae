// The Fetching section of the settings dialog: how often sources refresh on their own, how many are fetched
// at once, full text for sources added from now on, desktop notifications, the proxy and the User-Agent
// (get_sync_settings / set_sync_settings, saved as settings-section.js says). The proxy and the User-Agent
// are checked by the backend alone, whose refusal is shown on the field in words.

import * as api from "./api.js";
import { createSettingsSection } from "./settings-section.js";

/** Minutes between automatic refreshes, as offered; 0 refreshes only when asked. */
const INTERVALS = [
  [15, "Every 15 minutes"],
  [30, "Every 30 minutes"],
  [60, "Every hour"],
  [180, "Every 3 hours"],
  [720, "Every 12 hours"],
  [0, "Only when I refresh"],
];
const CONCURRENCY = { min: 1, max: 32 };
const WHOLE_NUMBER = /^\d+$/;

function option(value, text) {
  const el = document.createElement("option");
  el.value = String(value);
  el.textContent = text;
  return el;
}

/** The offered intervals, and the stored one among them where it is not ("Every 45 minutes"). */
function intervalOptions(minutes) {
  const options = INTERVALS.map(([value, text]) => option(value, text));
  if (Number.isInteger(minutes) && !INTERVALS.some(([value]) => value === minutes)) {
    const custom = option(minutes, minutes === 1 ? "Every minute" : `Every ${minutes} minutes`);
    const at = INTERVALS.findIndex(([value]) => value === 0 || value > minutes);
    options.splice(at, 0, custom);
  }
  return options;
}

const textField = (label) => ({
  label,
  read: (input) => ({ value: input.value.trim() }),
  show(input, value) {
    input.value = value ?? "";
  },
});

const FIELDS = {
  refresh_interval: {
    label: "Refresh automatically",
    read: (select) => ({ value: Number(select.value) }),
    show(select, minutes) {
      select.replaceChildren(...intervalOptions(minutes));
      select.value = String(minutes);
    },
  },
  concurrency: {
    label: "Sources fetched at once",
    read(input) {
      const text = input.value.trim();
      const value = Number(text);
      if (!WHOLE_NUMBER.test(text) || value < CONCURRENCY.min || value > CONCURRENCY.max) {
        return { problem: `A whole number between ${CONCURRENCY.min} and ${CONCURRENCY.max}.` };
      }
      return { value };
    },
    show(input, value) {
      input.value = String(value ?? "");
    },
  },
  full_text: {
    label: "Full text for new sources",
    read: (select) => ({ value: select.value }),
    show(select, mode) {
      select.value = mode;
    },
  },
  notifications: {
    label: "Desktop notifications of new stories",
    read: (checkbox) => ({ value: checkbox.checked ? "on" : "off" }),
    show(checkbox, value) {
      checkbox.checked = value === "on";
    },
  },
  proxy: textField("Proxy"),
  user_agent: textField("User-Agent"),
};

export function createFetchSettings() {
  return createSettingsSection({
    form: document.getElementById("fetch-form"),
    fields: FIELDS,
    what: "fetching settings",
    status: document.getElementById("fetch-status"),
    error: document.getElementById("fetch-error"),
    get: api.getSyncSettings,
    set: api.setSyncSettings,
  });
}
