// Offprint's window: builds each pane, binds the keyboard table and the toolbar buttons, then loads the
// settings, the sources and the first page of stories, which it paints before the sources pane.

import * as actions from "./actions.js";
import { state, emit } from "./state.js";
import { createKeys } from "./keys.js";
import { bindShortcuts } from "./shortcuts.js";
import { createListView } from "./list-view.js";
import { createReaderView } from "./reader-view.js";
import { createSourcesView } from "./sources-view.js";
import { createSyncView } from "./sync-view.js";
import { createOfflineView } from "./offline-view.js";
import { createAddDialog, createSettingsDialog, createShortcutsDialog } from "./dialogs.js";
import { createWelcome } from "./welcome.js";
import { watchSettings, loadSettings } from "./settings.js";

const SEARCH_DEBOUNCE_MS = 250;
/** How often relative times ("3 min ago") are brought up to date. */
const TICK_MS = 60 * 1000;
/** How long the sources pane waits for the list's first frame before it is built anyway. */
const FIRST_FRAME_MS = 500;

function wireSearch(listView) {
  const input = document.getElementById("search");
  let timer = null;
  const flush = () => {
    clearTimeout(timer);
    timer = null;
    actions.setSearch(input.value);
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(flush, SEARCH_DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      flush();
      listView.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (input.value) {
        input.value = "";
        flush();
      } else {
        listView.focus();
      }
    }
  });
  return () => {
    input.focus();
    input.select();
  };
}

/** The window shows the app and nothing else: links and dropped URLs never navigate it. */
function guardNavigation(addDialog) {
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("a[href]")) event.preventDefault();
  });
  document.addEventListener("dragover", (event) => event.preventDefault());
  document.addEventListener("drop", (event) => {
    event.preventDefault();
    const dropped = event.dataTransfer?.getData("text/uri-list") || event.dataTransfer?.getData("text/plain") || "";
    const url = dropped.split(/\r?\n/).find((line) => /^https?:\/\//i.test(line.trim()));
    if (url) addDialog.open(url.trim());
  });
}

function wireSkipLinks(listView, readerView) {
  for (const link of document.querySelectorAll("[data-skip]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      if (link.dataset.skip === "entry-list") listView.focus();
      else readerView.focus();
    });
  }
}

async function start() {
  watchSettings();
  const listView = createListView();
  const readerView = createReaderView();
  const sourcesView = createSourcesView();
  createSyncView();
  createOfflineView();
  const addDialog = createAddDialog();
  const settingsDialog = createSettingsDialog();
  const keys = createKeys();
  const shortcutsDialog = createShortcutsDialog(keys);
  const focusSearch = wireSearch(listView);
  bindShortcuts(keys, {
    focusSearch,
    addSource: () => addDialog.open(),
    showShortcuts: () => shortcutsDialog.open(),
  });
  createWelcome({ openAddDialog: () => addDialog.open() });
  guardNavigation(addDialog);
  wireSkipLinks(listView, readerView);

  document.getElementById("add-source-button").addEventListener("click", () => addDialog.open());
  document.getElementById("settings-button").addEventListener("click", () => settingsDialog.open());
  document.getElementById("shortcuts-button").addEventListener("click", () => shortcutsDialog.open());
  document.getElementById("mark-all-read-button").addEventListener("click", () => actions.markAllRead());

  await Promise.all([loadSettings(), actions.loadSources()]);
  try {
    if (state.sourcesLoaded && state.sources.length === 0) {
      state.welcome = true;
      emit("view");
    } else {
      await actions.reloadList();
      // The stories first: the sources pane is built once their first frame is on screen (or soon, in a
      // window not shown, which paints no frame).
      const painted = new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
      await Promise.race([painted, new Promise((resolve) => setTimeout(resolve, FIRST_FRAME_MS))]);
    }
  } finally {
    // Whatever happened to the list, the sources are there to pick from, and the window is running.
    sourcesView.start();
    setInterval(() => emit("tick"), TICK_MS);
    document.documentElement.dataset.ready = "true";
  }
}

start();
