// The sources pane: the smart views, then the sources, those in a folder under the folder's own row. A folder
// is a view of its own (the stories of all its sources, with the sum of their unread counts) and folds away;
// which folders are folded is kept in localStorage. Each source has its site icon, its unread count and, when
// its last refresh failed, an error badge that says why (unless it failed for want of a network while the
// network is out of reach: the offline banner says that once, for all of them). Each source and each folder
// has a menu (its ⋯ button, a right click, Shift+F10 or the context-menu key on its row) whose commands open the
// dialogs of source-dialogs.js.
// Keys on a row: Up and Down move between the rows, Home and End to the first and last; Right unfolds a folder
// (then enters it), Left folds it (or goes from a source up to its folder); F2 renames; Delete (Backspace on a
// Mac's keyboard) asks to unsubscribe.

import {
  state, on, SMART_VIEWS, sameView, totalUnread, sourceById, sourceName, byName, isRealFailure, folderNames,
  sourcesInFolder, folderUnread,
} from "./state.js";
import * as actions from "./actions.js";
import { refresh } from "./sync-actions.js";
import { fullTime } from "./time.js";
import { plural } from "./format.js";
import { svgUse } from "./dom.js";
import { createMenu } from "./menu.js";
import { createSourceDialogs } from "./source-dialogs.js";

const VIEW_ICONS = { all: "#i-inbox", unread: "#i-dot", today: "#i-sun", bookmarks: "#i-star" };
const FULL_TEXT_LABELS = { off: "Off", auto: "Automatic", always: "Always" };
const COLLAPSED_KEY = "offprint.collapsed-folders";

/** Site icons that did not load, so a re-render does not ask again; cleared after each refresh. */
const brokenIcons = new Set();

/** The site's icon when the cache has it, else the feed glyph. */
function sourceIcon(source) {
  const url = source.icon_url;
  if (!url || brokenIcons.has(url)) return svgUse("#i-feed", "source-icon");
  const img = document.createElement("img");
  img.className = "source-icon source-favicon";
  img.alt = "";
  img.width = 16;
  img.height = 16;
  img.addEventListener("error", () => {
    brokenIcons.add(url);
    img.replaceWith(svgUse("#i-feed", "source-icon"));
  });
  img.src = url;
  return img;
}

/** The names of the folded folders, as last saved; a storage that cannot be read folds nothing. */
function loadCollapsed() {
  try {
    const names = JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? "[]");
    return new Set(Array.isArray(names) ? names.filter((n) => typeof n === "string") : []);
  } catch {
    return new Set();
  }
}

function saveCollapsed(names) {
  try {
    localStorage.setItem(COLLAPSED_KEY, JSON.stringify([...names]));
  } catch {
    // Storage is full or switched off: the folders open unfolded next time, nothing else is lost.
  }
}

/** A selector that finds `control` again after a re-render, or null when it has no `data-action`. */
function controlKey(control) {
  if (!control?.dataset.action) return null;
  let key = `[data-action="${control.dataset.action}"]`;
  if (control.dataset.sourceId) key += `[data-source-id="${control.dataset.sourceId}"]`;
  if (control.dataset.view) key += `[data-view="${control.dataset.view}"]`;
  if (control.dataset.folder != null) key += `[data-folder="${CSS.escape(control.dataset.folder)}"]`;
  return key;
}

export function createSourcesView() {
  const pane = document.getElementById("sources-pane");
  const smart = document.getElementById("smart-views");
  const groups = document.getElementById("source-groups");
  const sourceTemplate = document.getElementById("source-row-template");
  const folderTemplate = document.getElementById("folder-row-template");
  const sourceMenuElement = document.getElementById("source-menu");
  const collapsed = loadCollapsed();
  const dialogs = createSourceDialogs();
  const sourceMenu = createMenu(sourceMenuElement, {
    onChoose: (id, item) => {
      if (item.dataset.mode) actions.setFullText(id, item.dataset.mode);
      else sourceCommand(item.dataset.command, id);
    },
    onClose: () => render(),
  });
  const folderMenu = createMenu(document.getElementById("folder-menu"), {
    onChoose: (name, item) => folderCommand(item.dataset.command, name),
    onClose: () => render(),
  });

  function countText(n) {
    return n > 0 ? String(n) : "";
  }

  function renderSmartViews() {
    const items = SMART_VIEWS.map((view) => {
      const li = document.createElement("li");
      li.className = "source-item";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "source-button";
      button.dataset.action = "view";
      button.dataset.view = view.kind;
      const label = document.createElement("span");
      label.className = "source-title";
      label.textContent = view.label;
      const count = document.createElement("span");
      count.className = "source-count";
      if (view.kind === "unread") count.textContent = countText(totalUnread());
      button.append(svgUse(VIEW_ICONS[view.kind], "source-icon"), label, count);
      if (sameView(state.view, view) && !state.welcome) button.setAttribute("aria-current", "page");
      li.append(button);
      return li;
    });
    smart.replaceChildren(...items);
  }

  function sourceRow(source) {
    const li = sourceTemplate.content.firstElementChild.cloneNode(true);
    li.dataset.sourceId = String(source.id);
    const button = li.querySelector(".source-button");
    button.dataset.sourceId = String(source.id);
    const name = sourceName(source);
    button.querySelector(".source-icon").replaceWith(sourceIcon(source));
    li.querySelector(".source-title").textContent = name;
    li.querySelector(".source-count").textContent = countText(source.unread_count);
    const active = state.view.kind === "source" && state.view.sourceId === source.id && !state.welcome;
    if (active) button.setAttribute("aria-current", "page");
    const tooltip = [name, source.url];
    if (FULL_TEXT_LABELS[source.full_text]) tooltip.push(`Full article: ${FULL_TEXT_LABELS[source.full_text]}`);
    const badge = li.querySelector(".source-error");
    if (source.last_error && !isRealFailure(source.last_error)) {
      tooltip.push(`Not refreshed: offline${source.last_error.at ? ` (last tried ${fullTime(source.last_error.at)})` : ""}`);
    } else if (source.last_error) {
      const reason = source.last_error.message || source.last_error.code;
      badge.hidden = false;
      badge.title = `Last refresh failed: ${reason}`;
      const text = document.createElement("span");
      text.className = "visually-hidden";
      text.textContent = `(last refresh failed: ${reason})`;
      badge.append(text);
      li.classList.add("has-error");
      tooltip.push(`Last refresh failed${source.last_error.at ? ` ${fullTime(source.last_error.at)}` : ""}: ${reason}`);
    }
    button.title = tooltip.join("\n");
    const refreshButton = li.querySelector(".source-refresh");
    refreshButton.dataset.sourceId = String(source.id);
    refreshButton.setAttribute("aria-label", `Refresh ${name}`);
    refreshButton.title = `Refresh ${name}`;
    const more = li.querySelector(".source-more");
    more.dataset.sourceId = String(source.id);
    // No tooltip: it would cover the menu's first item as the menu opens under the pointer.
    more.setAttribute("aria-label", `Options for ${name}`);
    more.setAttribute("aria-expanded", String(sourceMenu.openFor() === source.id));
    if (sourceMenu.openFor() === source.id) li.classList.add("has-menu");
    return li;
  }

  function folderRow(name, index) {
    const sources = sourcesInFolder(name).sort(byName);
    const li = folderTemplate.content.firstElementChild.cloneNode(true);
    li.dataset.folder = name;
    const row = li.querySelector(".folder-row");
    row.dataset.folder = name;
    const button = li.querySelector(".folder-button");
    button.dataset.folder = name;
    button.title = `${name}\n${plural(sources.length, "source", "sources")}`;
    li.querySelector(".source-title").textContent = name;
    li.querySelector(".source-count").textContent = countText(folderUnread(name));
    if (state.view.kind === "folder" && state.view.folder === name && !state.welcome) {
      button.setAttribute("aria-current", "page");
    }
    const folded = collapsed.has(name);
    const list = li.querySelector(".folder-sources");
    list.id = `folder-sources-${index}`;
    list.setAttribute("aria-label", name);
    list.hidden = folded;
    list.append(...sources.map(sourceRow));
    const toggle = li.querySelector(".folder-toggle");
    toggle.dataset.folder = name;
    toggle.setAttribute("aria-controls", list.id);
    toggle.setAttribute("aria-expanded", String(!folded));
    toggle.setAttribute("aria-label", `Sources in ${name}`);
    toggle.title = folded ? "Show its sources" : "Hide its sources";
    const more = li.querySelector(".folder-more");
    more.dataset.folder = name;
    more.setAttribute("aria-label", `Options for the folder ${name}`);
    more.setAttribute("aria-expanded", String(folderMenu.openFor() === name));
    if (folderMenu.openFor() === name) row.classList.add("has-menu");
    return li;
  }

  function renderSources() {
    const names = folderNames();
    if (state.sourcesLoaded) {
      // A folder that is gone (removed, emptied, renamed) forgets that it was folded.
      const before = collapsed.size;
      for (const name of collapsed) if (!names.includes(name)) collapsed.delete(name);
      if (collapsed.size !== before) saveCollapsed(collapsed);
    }
    const sections = [];
    if (state.sources.length) {
      const heading = document.createElement("h2");
      heading.className = "section-label";
      heading.textContent = "Sources";
      const ul = document.createElement("ul");
      ul.className = "source-list";
      ul.setAttribute("aria-label", "Sources");
      ul.append(
        ...state.sources.filter((s) => !s.folder).sort(byName).map(sourceRow),
        ...names.map((name, i) => folderRow(name, i)),
      );
      sections.push(heading, ul);
    }
    groups.replaceChildren(...sections);
    const datalist = document.getElementById("folder-names");
    datalist?.replaceChildren(...names.map((name) => Object.assign(document.createElement("option"), { value: name })));
  }

  /**
   * The unread counts alone, changed where they are shown: reading a story must not rebuild every row
   * (hundreds of sources, each with its icon).
   */
  function renderCounts() {
    const show = (element, n) => {
      const text = countText(n);
      if (element && element.textContent !== text) element.textContent = text;
    };
    show(smart.querySelector('[data-view="unread"] .source-count'), totalUnread());
    const byId = new Map(state.sources.map((source) => [source.id, source]));
    for (const li of groups.querySelectorAll("li.source-item[data-source-id]")) {
      show(li.querySelector(".source-count"), byId.get(Number(li.dataset.sourceId))?.unread_count ?? 0);
    }
    for (const li of groups.querySelectorAll("li.folder-item")) {
      show(li.querySelector(":scope > .folder-row .source-count"), folderUnread(li.dataset.folder));
    }
  }

  /** Re-renders both lists, keeping keyboard focus on the same control when it was inside them. */
  function render() {
    const focused = pane.contains(document.activeElement) ? document.activeElement : null;
    const key = controlKey(focused);
    renderSmartViews();
    renderSources();
    if (key && !pane.contains(document.activeElement)) pane.querySelector(key)?.focus();
  }

  // ---- focus, folding -------------------------------------------------------------------------------------

  /** The button of the view shown, else All: where the focus goes when the row it was on is gone. */
  function currentViewButton() {
    return pane.querySelector('.source-button[aria-current="page"]') ?? pane.querySelector(".source-button");
  }

  function setFolded(name, folded) {
    if (collapsed.has(name) === folded) return;
    if (folded) collapsed.add(name);
    else collapsed.delete(name);
    saveCollapsed(collapsed);
    const list = [...pane.querySelectorAll(".folder-item")].find((li) => li.dataset.folder === name);
    // The focus must not stay on a row that folds away: it goes to the folder.
    if (folded && list?.querySelector(".folder-sources").contains(document.activeElement)) {
      list.querySelector(".folder-button").focus();
    }
    render();
  }

  /** Focuses a source's control (`action`), unfolding its folder first; the shown view when it is gone. */
  function focusSource(id, action = "menu") {
    const folder = sourceById(id)?.folder;
    if (folder) setFolded(folder, false);
    (pane.querySelector(`[data-action="${action}"][data-source-id="${id}"]`) ?? currentViewButton())?.focus();
  }

  function focusFolder(name, action = "folder-menu") {
    const control = pane.querySelector(`[data-action="${action}"][data-folder="${CSS.escape(name)}"]`);
    (control ?? currentViewButton())?.focus();
  }

  // ---- menus and their commands ---------------------------------------------------------------------------

  function sourceCommand(command, id) {
    const back = () => focusSource(id);
    switch (command) {
      case "rename": dialogs.renameSource(id, back); break;
      case "move": dialogs.moveSource(id, back); break;
      case "settings": dialogs.sourceSettings(id, back); break;
      case "remove": dialogs.removeSource(id, back); break;
    }
  }

  function folderCommand(command, name) {
    switch (command) {
      case "rename-folder": dialogs.renameFolder(name, (renamed) => focusFolder(renamed ?? name)); break;
      case "remove-folder": dialogs.removeFolder(name, () => focusFolder(name)); break;
    }
  }

  /** Opens a source's menu; closing it puts the focus back on its ⋯ button, found afresh after re-renders. */
  function openSourceMenu(id, at) {
    const source = sourceById(id);
    if (!source) return;
    folderMenu.close({ restoreFocus: false });
    sourceMenuElement.setAttribute("aria-label", `Options for ${sourceName(source)}`);
    for (const item of sourceMenuElement.querySelectorAll("[data-mode]")) {
      item.setAttribute("aria-checked", String(item.dataset.mode === source.full_text));
    }
    sourceMenu.open(id, at, () => focusSource(id));
    render();
  }

  function openFolderMenu(name, at) {
    sourceMenu.close({ restoreFocus: false });
    document.getElementById("folder-menu").setAttribute("aria-label", `Options for the folder ${name}`);
    folderMenu.open(name, at, () => focusFolder(name));
    render();
  }

  /** The menu of the source or folder `row`; from the keyboard (no `at`) it opens under the row's ⋯ button. */
  function openRowMenu(row, at = null) {
    const more = row.querySelector(":scope > .source-tools .icon-button:last-child");
    if (row.dataset.sourceId) openSourceMenu(Number(row.dataset.sourceId), at ?? { anchor: more });
    else if (row.dataset.folder != null) openFolderMenu(row.dataset.folder, at ?? { anchor: more });
  }

  // ---- events -----------------------------------------------------------------------------------------------

  pane.addEventListener("click", (event) => {
    const control = event.target.closest("[data-action]");
    if (!control || !pane.contains(control)) return;
    const id = control.dataset.sourceId ? Number(control.dataset.sourceId) : null;
    const folder = control.dataset.folder;
    switch (control.dataset.action) {
      case "view": actions.selectView({ kind: control.dataset.view }); break;
      case "select": actions.selectView({ kind: "source", sourceId: id }); break;
      case "folder": actions.selectView({ kind: "folder", folder }); break;
      case "toggle-folder": setFolded(folder, !collapsed.has(folder)); break;
      case "refresh": refresh(id); break;
      case "menu": openSourceMenu(id, { anchor: control }); break;
      case "folder-menu": openFolderMenu(folder, { anchor: control }); break;
    }
  });

  pane.addEventListener("contextmenu", (event) => {
    const row = event.target.closest(".source-item[data-source-id], .folder-row");
    if (!row) return;
    event.preventDefault();
    // A context-menu key the keydown below did not see gives no pointer position: open under the ⋯ button.
    const byKeyboard = event.clientX === 0 && event.clientY === 0;
    openRowMenu(row, byKeyboard ? null : { x: event.clientX, y: event.clientY });
  });

  /** The row buttons that can be seen (not in a folded folder), in order. */
  function visibleRows() {
    return [...pane.querySelectorAll(".source-button")].filter((b) => b.offsetParent !== null);
  }

  /** A key on a row's button; true when it was one of the row keys. */
  function onRowKey(event, button) {
    const folder = button.dataset.folder;
    const id = button.dataset.sourceId ? Number(button.dataset.sourceId) : null;
    const rtl = getComputedStyle(pane).direction === "rtl";
    const key = { ArrowRight: rtl ? "out" : "in", ArrowLeft: rtl ? "in" : "out" }[event.key] ?? event.key;
    const rows = visibleRows();
    const at = rows.indexOf(button);
    const focusRow = (index) => rows[Math.max(0, Math.min(rows.length - 1, index))]?.focus();
    switch (key) {
      case "ArrowDown": focusRow(at + 1); break;
      case "ArrowUp": focusRow(at - 1); break;
      case "Home": focusRow(0); break;
      case "End": focusRow(rows.length - 1); break;
      case "in":
        if (folder == null) return false;
        if (collapsed.has(folder)) setFolded(folder, false);
        else focusRow(at + 1);
        break;
      case "out":
        if (folder != null && !collapsed.has(folder)) setFolded(folder, true);
        else if (id != null && sourceById(id)?.folder) focusFolder(sourceById(id).folder, "folder");
        else return false;
        break;
      case "F2":
        if (id != null) dialogs.renameSource(id, () => focusSource(id, "select"));
        else if (folder != null) dialogs.renameFolder(folder, (renamed) => focusFolder(renamed ?? folder, "folder"));
        else return false;
        break;
      case "Delete":
      case "Backspace":
        if (id != null) dialogs.removeSource(id, () => focusSource(id, "select"));
        else if (folder != null) dialogs.removeFolder(folder, () => focusFolder(folder, "folder"));
        else return false;
        break;
      default:
        return false;
    }
    return true;
  }

  pane.addEventListener("keydown", (event) => {
    const control = event.target instanceof Element ? event.target.closest("[data-action]") : null;
    const row = control?.closest(".source-item[data-source-id], .folder-row");
    if (!control || !pane.contains(control)) return;
    if (row && (event.key === "ContextMenu" || (event.key === "F10" && event.shiftKey))) {
      // Handled here, so the browser sends no contextmenu event of its own (with a made-up pointer position).
      event.preventDefault();
      openRowMenu(row);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
    if (control.classList.contains("source-button") && onRowKey(event, control)) event.preventDefault();
  });

  // A folded folder stays folded under its new name; merged into another, it takes that one's state.
  on("folder-renamed", ({ from, to }) => {
    if (!collapsed.delete(from)) return;
    if (!folderNames().includes(to)) collapsed.add(to);
    saveCollapsed(collapsed);
  });
  on("sync", () => {
    if (!state.sync.running) brokenIcons.clear();
  });
  // Built once `start` is called: the window paints its first stories before this pane's rows (hundreds of
  // sources, each with its icons, take a few hundred ms to build), and the list needs only the sources' data.
  let started = false;
  const whenStarted = (fn) => (detail) => started && fn(detail);
  on("sources", whenStarted(render));
  on("unread", whenStarted(renderCounts));
  on("view", whenStarted(render));
  on("network", whenStarted(render));
  return {
    start() {
      started = true;
      render();
    },
  };
}
