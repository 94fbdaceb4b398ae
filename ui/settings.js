// Reading comfort: theme, text size, typeface and column width, loaded and saved through get_settings and
// set_settings, and applied as data attributes on <html> that the style sheets read. Unknown values fall back to the defaults rather than breaking the layout.

import * as api from "./api.js";
import { state, on, emit, DEFAULT_SETTINGS } from "./state.js";
import { toastError } from "./toast.js";

const ALLOWED = {
  theme: ["system", "light", "dark"],
  text_size: ["small", "medium", "large", "x-large"],
  font: ["serif", "sans"],
  column_width: ["narrow", "medium", "wide"],
};

function pick(name) {
  const value = state.settings[name];
  return ALLOWED[name].includes(value) ? value : DEFAULT_SETTINGS[name];
}

function applySettings() {
  const root = document.documentElement;
  root.dataset.theme = pick("theme");
  root.dataset.textSize = pick("text_size");
  root.dataset.font = pick("font");
  root.dataset.column = pick("column_width");
}

export function watchSettings() {
  on("settings", applySettings);
  applySettings();
}

export async function loadSettings() {
  try {
    const saved = await api.getSettings();
    state.settings = { ...DEFAULT_SETTINGS, ...(saved ?? {}) };
  } catch (error) {
    toastError("Could not load your reading settings", error);
  }
  emit("settings");
}

export async function changeSettings(patch) {
  state.settings = { ...state.settings, ...patch };
  emit("settings");
  try {
    const saved = await api.setSettings({ ...state.settings });
    if (saved && typeof saved === "object") state.settings = { ...DEFAULT_SETTINGS, ...saved };
  } catch (error) {
    toastError("Could not save your reading settings", error);
  }
}
