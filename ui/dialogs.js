// The window's dialogs: add a source, settings (reading, and storage from storage-settings.js), and the
// keyboard shortcuts overlay.
// All are native <dialog>s opened modally, so Escape closes them and the keyboard table stays quiet meanwhile.

import { state, on } from "./state.js";
import * as actions from "./actions.js";
import { toast } from "./toast.js";
import { changeSettings } from "./settings.js";
import { createStorageSettings } from "./storage-settings.js";

export function createAddDialog() {
  const dialog = document.getElementById("add-dialog");
  const form = document.getElementById("add-form");
  const url = document.getElementById("add-url");
  const folder = document.getElementById("add-folder");
  const error = document.getElementById("add-error");
  const submit = document.getElementById("add-submit");

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
    if (message) {
      url.setAttribute("aria-invalid", "true");
      url.setAttribute("aria-describedby", "add-error");
    } else {
      url.removeAttribute("aria-invalid");
      url.removeAttribute("aria-describedby");
    }
  }

  function setBusy(busy) {
    submit.disabled = busy;
    submit.textContent = busy ? "Adding…" : "Add";
    form.setAttribute("aria-busy", String(busy));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const address = url.value.trim();
    if (!address) {
      showError("Enter the address of a feed or of a site.");
      url.focus();
      return;
    }
    showError("");
    setBusy(true);
    try {
      const source = await actions.addSource(address, folder.value);
      dialog.close();
      // Isolated, so a right-to-left name cannot carry the full stop to the other side.
      toast(`Subscribed to \u2068${source.title || source.url}\u2069.`);
      actions.selectView({ kind: "source", sourceId: source.id });
    } catch (err) {
      showError(`Could not add this source: ${err.message}`);
      url.focus();
    } finally {
      setBusy(false);
    }
  });

  document.getElementById("add-cancel").addEventListener("click", () => dialog.close());

  return {
    open(prefill = "") {
      form.reset();
      showError("");
      setBusy(false);
      url.value = prefill;
      dialog.showModal();
      url.focus();
    },
  };
}

export function createSettingsDialog() {
  const dialog = document.getElementById("settings-dialog");
  const form = document.getElementById("settings-form");
  const storage = createStorageSettings();

  function sync() {
    for (const input of form.querySelectorAll("input[type=radio]")) {
      input.checked = state.settings[input.name] === input.value;
    }
  }

  form.addEventListener("change", (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.type === "radio" && input.checked) {
      changeSettings({ [input.name]: input.value });
    }
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  document.getElementById("settings-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => storage.flush());

  on("settings", sync);
  return {
    open() {
      sync();
      storage.load();
      dialog.showModal();
      (form.querySelector("input:checked") ?? form.querySelector("input"))?.focus();
    },
  };
}

/** Shows `combo` ("g u", "?") as keys to press one after the other. */
function keysCell(combos) {
  const cell = document.createElement("td");
  combos.forEach((combo, i) => {
    if (i > 0) cell.append(" or ");
    combo.split(" ").forEach((key, j) => {
      if (j > 0) cell.append(" then ");
      const kbd = document.createElement("kbd");
      kbd.textContent = key;
      cell.append(kbd);
    });
  });
  return cell;
}

export function createShortcutsDialog(keys) {
  const dialog = document.getElementById("shortcuts-dialog");
  const tbody = document.querySelector("#shortcuts-table tbody");
  document.getElementById("shortcuts-close").addEventListener("click", () => dialog.close());

  return {
    open() {
      tbody.replaceChildren(
        ...keys.list().map(({ description, combos }) => {
          const row = document.createElement("tr");
          const what = document.createElement("td");
          what.textContent = description;
          row.append(keysCell(combos), what);
          return row;
        }),
      );
      dialog.showModal();
      document.getElementById("shortcuts-close").focus();
    },
  };
}
