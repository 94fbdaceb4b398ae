// A source's own settings: refresh interval, proxy, User-Agent and notifications, saved all at once through
// set_source_settings. A refusal of the backend names its setting first ("proxy cannot be…"): it is shown in
// its words under that setting's field, and the dialog stays open.

import * as api from "./api.js";
import { sourceById, sourceName } from "./state.js";
import * as manage from "./source-actions.js";
import { clockTime, fullTime } from "./time.js";
import { plural } from "./format.js";
import { modal, showError } from "./dialog-form.js";

/** Which field a refusal of set_source_settings is about: its message starts with the setting's key. */
const REFUSAL = /^(refresh_interval|proxy|user_agent)\b/;

/** When the server asked to be left alone until: the time of day when that is today, else the date too. */
function waitUntil(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return date.toDateString() === new Date().toDateString() ? clockTime(date) : fullTime(iso);
}

export function createSourceSettingsDialog() {
  const m = modal("source-settings-dialog");
  const subject = document.getElementById("source-settings-subject");
  const retry = document.getElementById("source-retry-after");
  const refresh = document.getElementById("source-refresh");
  const refreshHint = document.getElementById("source-refresh-hint");
  const proxyMode = document.getElementById("source-proxy-mode");
  const proxyUrl = document.getElementById("source-proxy-url");
  const userAgent = document.getElementById("source-user-agent");
  const notify = document.getElementById("source-notify");
  const formError = document.getElementById("source-settings-error");
  const errors = {
    refresh_interval: document.getElementById("source-refresh-error"),
    proxy: document.getElementById("source-proxy-error"),
    user_agent: document.getElementById("source-user-agent-error"),
  };
  let sourceId = null;

  /** The control a setting's error belongs on. */
  function fieldOf(key) {
    if (key === "refresh_interval") return refresh;
    if (key === "user_agent") return userAgent;
    return proxyMode.value === "url" ? proxyUrl : proxyMode;
  }

  function clearProxyError() {
    showError(errors.proxy, "", proxyMode);
    showError(errors.proxy, "", proxyUrl);
  }

  function clearErrors() {
    showError(errors.refresh_interval, "", refresh);
    clearProxyError();
    showError(errors.user_agent, "", userAgent);
    showError(formError, "");
  }

  function showProxyUrl() {
    proxyUrl.hidden = proxyMode.value !== "url";
  }

  /**
   * The settings as typed, or `{key, message}` for what cannot even be sent: the backend takes whole minutes,
   * and an empty address would quietly mean the default proxy.
   */
  function read() {
    const minutes = refresh.value.trim();
    if (refresh.validity.badInput || (minutes && !Number.isSafeInteger(Number(minutes)))) {
      return { key: "refresh_interval", message: "Type a whole number of minutes, or leave it empty for the default." };
    }
    let proxy = null;
    if (proxyMode.value === "direct") proxy = "direct";
    if (proxyMode.value === "url") {
      proxy = proxyUrl.value.trim();
      if (!proxy) return { key: "proxy", message: "Type the address of the proxy, or choose another option." };
    }
    const settings = {
      refresh_interval: minutes ? Number(minutes) : null,
      proxy,
      user_agent: userAgent.value.trim() || null,
      notify: notify.checked,
    };
    return { settings };
  }

  function fail(key, message) {
    const field = fieldOf(key);
    showError(errors[key], message, field);
    field.focus();
  }

  proxyMode.addEventListener("change", () => {
    clearProxyError();
    showProxyUrl();
  });

  m.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (m.isBusy()) return;
    clearErrors();
    const typed = read();
    if (!typed.settings) {
      fail(typed.key, typed.message);
      return;
    }
    const save = () => manage.setSourceSettings(sourceId, typed.settings);
    const failure = await m.run(save, { busyLabel: "Saving…" });
    if (!failure) return;
    const key = REFUSAL.exec(failure.message)?.[1];
    if (key) fail(key, failure.message);
    else showError(formError, `Could not save the settings: ${failure.message}`);
  });

  /** What an empty interval means, from the reader's settings; the generic words stay if they cannot be read. */
  async function describeDefault() {
    refreshHint.textContent = "Empty: the default from Settings.";
    try {
      const { refresh_interval: minutes } = await api.getSyncSettings();
      if (!Number.isInteger(minutes)) return;
      refreshHint.textContent = minutes > 0
        ? `Empty: the default, every ${plural(minutes, "minute", "minutes")}.`
        : "Empty: the default, only when you refresh.";
    } catch {
      // The hint without the number is still true.
    }
  }

  return {
    open(id, onClosed) {
      const source = sourceById(id);
      if (!source) return;
      sourceId = id;
      subject.textContent = sourceName(source);
      const until = source.retry_after ? waitUntil(source.retry_after) : null;
      retry.hidden = !until;
      retry.textContent = until ? `The site asked Offprint to wait until ${until} before fetching it again.` : "";
      refresh.value = source.refresh_interval == null ? "" : String(source.refresh_interval);
      const proxy = source.proxy ?? null;
      proxyMode.value = proxy == null ? "default" : proxy === "direct" ? "direct" : "url";
      proxyUrl.value = proxy && proxy !== "direct" ? proxy : "";
      showProxyUrl();
      userAgent.value = source.user_agent ?? "";
      notify.checked = source.notify !== false;
      clearErrors();
      describeDefault();
      m.open({ label: "Save", focus: refresh, onClosed });
    },
  };
}
