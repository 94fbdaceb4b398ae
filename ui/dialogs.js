// The window's dialogs: add a source, settings (reading here; fetching, storage, and subscriptions and
// bookmarks from their own modules), and the keyboard shortcuts overlay.
// All are native <dialog>s opened modally, so Escape closes them and the keyboard table stays quiet meanwhile.

import * as api from "./api.js";
import { state, on, folderNames } from "./state.js";
import * as actions from "./actions.js";
import { toast } from "./toast.js";
import { changeSettings } from "./settings.js";
import { createStorageSettings } from "./storage-settings.js";
import { createFetchSettings } from "./fetch-settings.js";
import { createSubscriptionSettings } from "./subscriptions-settings.js";

/** One feed to choose, as a radio: its title (else its address), and its address smaller beneath. */
function feedOption(feed, checked) {
  const label = document.createElement("label");
  label.className = "feed-option";
  const radio = document.createElement("input");
  radio.type = "radio";
  radio.name = "feed";
  radio.value = feed.url;
  radio.checked = checked;
  const text = document.createElement("span");
  text.className = "feed-option-text";
  const title = document.createElement("span");
  title.className = "feed-option-title";
  title.dir = feed.title ? "auto" : "ltr";
  title.textContent = feed.title || feed.url;
  text.append(title);
  if (feed.title) {
    const address = document.createElement("span");
    address.className = "feed-option-url";
    address.dir = "ltr";
    address.textContent = feed.url;
    text.append(address);
  }
  label.append(radio, text);
  return label;
}

/**
 * Add a source in two steps: the address (of a feed, or of a site) is looked up with find_feeds; one feed is
 * subscribed at once, several are offered to choose from in the same dialog, with Back to the address.
 */
export function createAddDialog() {
  const dialog = document.getElementById("add-dialog");
  const form = document.getElementById("add-form");
  const url = document.getElementById("add-url");
  const urlField = url.closest(".field");
  const folder = document.getElementById("add-folder");
  const folderList = document.getElementById("folder-names");
  const choice = document.getElementById("add-choice");
  const choiceLegend = document.getElementById("add-choice-legend");
  const options = document.getElementById("add-options");
  const error = document.getElementById("add-error");
  const submit = document.getElementById("add-submit");
  const cancel = document.getElementById("add-cancel");
  const back = document.getElementById("add-back");
  /** Counts the dialog's openings and steps, so an answer that arrives after the reader moved on is dropped. */
  let attempt = 0;
  let busy = false;

  const choosing = () => !choice.hidden;
  const chosenRadio = () => options.querySelector("input[name=feed]:checked");

  /** Shows `message` (none when empty), tied to what it is about: the address, or the list of feeds. */
  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
    const about = choosing() ? choice : url;
    for (const el of [url, choice]) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    }
    if (message) {
      if (about === url) url.setAttribute("aria-invalid", "true");
      about.setAttribute("aria-describedby", "add-error");
    }
  }

  function setBusy(busyText) {
    busy = Boolean(busyText);
    submit.disabled = busy;
    submit.textContent = busyText || (choosing() ? "Subscribe" : "Add");
    form.setAttribute("aria-busy", String(busy));
  }

  function showAddress() {
    attempt += 1;
    choice.hidden = true;
    options.replaceChildren();
    urlField.hidden = false;
    back.hidden = true;
    cancel.hidden = false;
    showError("");
    setBusy("");
  }

  function showChoice(feeds) {
    choice.hidden = false;
    urlField.hidden = true;
    choiceLegend.textContent = `This address offers ${feeds.length} feeds. Choose one:`;
    options.replaceChildren(...feeds.map((feed, i) => feedOption(feed, i === 0)));
    back.hidden = false;
    cancel.hidden = true;
    showError("");
    setBusy("");
    chosenRadio().focus();
  }

  /** Existing folders, offered as the folder is typed. */
  function fillFolderNames() {
    folderList.replaceChildren(...folderNames().map((name) => Object.assign(document.createElement("option"), { value: name })));
  }

  async function subscribe(feedUrl) {
    const source = await actions.addSource(feedUrl, folder.value);
    dialog.close();
    // Isolated, so a right-to-left name cannot carry the full stop to the other side.
    toast(`Subscribed to \u2068${source.title || source.url}\u2069.`);
    actions.selectView({ kind: "source", sourceId: source.id });
  }

  /** The address step: look the address up; subscribe to its one feed, or offer its several. */
  async function findAndSubscribe(mine) {
    const address = url.value.trim();
    if (!address) {
      showError("Enter the address of a feed or of a site.");
      url.focus();
      return;
    }
    showError("");
    setBusy("Looking for feeds…");
    try {
      const feeds = await api.findFeeds(address);
      if (mine !== attempt) return;
      if (!feeds?.length) throw new Error("no feed was found at this address.");
      if (feeds.length > 1) {
        showChoice(feeds);
        return;
      }
      setBusy("Adding…");
      await subscribe(feeds[0].url);
    } catch (err) {
      if (mine !== attempt) return;
      showError(`Could not add this source: ${err.message}`);
      url.focus();
    } finally {
      if (mine === attempt && !choosing()) setBusy("");
    }
  }

  /** The choice step: subscribe to the feed chosen. */
  async function subscribeChosen(mine) {
    const radio = chosenRadio();
    showError("");
    setBusy("Subscribing…");
    try {
      await subscribe(radio.value);
    } catch (err) {
      if (mine !== attempt) return;
      showError(`Could not add this source: ${err.message}`);
      radio.focus();
    } finally {
      if (mine === attempt) setBusy("");
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    if (choosing()) subscribeChosen(attempt);
    else findAndSubscribe(attempt);
  });

  // Enter on a feed subscribes to it, as Enter in the address field adds.
  options.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.name === "feed") {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  back.addEventListener("click", () => {
    showAddress();
    url.focus();
    url.select();
  });
  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    attempt += 1;
  });

  return {
    open(prefill = "") {
      form.reset();
      showAddress();
      fillFolderNames();
      url.value = prefill;
      dialog.showModal();
      url.focus();
    },
  };
}

export function createSettingsDialog() {
  const dialog = document.getElementById("settings-dialog");
  const form = document.getElementById("settings-form");
  const fetching = createFetchSettings();
  const storage = createStorageSettings();
  const subscriptions = createSubscriptionSettings();

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
  dialog.addEventListener("close", () => {
    fetching.flush();
    storage.flush();
  });

  on("settings", sync);
  return {
    open() {
      sync();
      fetching.load();
      storage.load();
      subscriptions.reset();
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
