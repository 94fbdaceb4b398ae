// The sources pane: the smart views, then every source (grouped by folder) with its site icon, its unread
// count and, when its last refresh failed, an error badge that says why (unless it failed for want of a
// network while the network is out of reach: the offline banner says that once, for all of them). Each source
// has a refresh button and a menu (source-menu.js) for how its stories get their full text.

import { state, on, SMART_VIEWS, sameView, totalUnread, sourceById, isRealFailure } from "./state.js";
import * as actions from "./actions.js";
import { refresh } from "./sync-actions.js";
import { fullTime } from "./time.js";
import { svgUse } from "./dom.js";
import { createSourceMenu } from "./source-menu.js";

const VIEW_ICONS = { all: "#i-inbox", unread: "#i-dot", today: "#i-sun", bookmarks: "#i-star" };
const FULL_TEXT_LABELS = { off: "Off", auto: "Automatic", always: "Always" };

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

function byTitle(a, b) {
  return a.title.localeCompare(b.title, undefined, { sensitivity: "base" });
}

export function createSourcesView() {
  const pane = document.getElementById("sources-pane");
  const smart = document.getElementById("smart-views");
  const groups = document.getElementById("source-groups");
  const template = document.getElementById("source-row-template");
  const menu = createSourceMenu({
    onChoose: (id, mode) => actions.setFullText(id, mode),
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
    const li = template.content.firstElementChild.cloneNode(true);
    li.dataset.sourceId = String(source.id);
    const button = li.querySelector(".source-button");
    button.dataset.sourceId = String(source.id);
    const name = source.title || source.url;
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
    const refresh = li.querySelector(".source-refresh");
    refresh.dataset.sourceId = String(source.id);
    refresh.setAttribute("aria-label", `Refresh ${name}`);
    refresh.title = `Refresh ${name}`;
    const more = li.querySelector(".source-more");
    more.dataset.sourceId = String(source.id);
    // No tooltip: it would cover the menu's heading as the menu opens under the pointer.
    more.setAttribute("aria-label", `Options for ${name}`);
    more.setAttribute("aria-expanded", String(menu.openFor() === source.id));
    if (menu.openFor() === source.id) li.classList.add("has-menu");
    return li;
  }

  function renderSources() {
    const unfiled = state.sources.filter((s) => !s.folder).sort(byTitle);
    const folders = new Map();
    for (const s of state.sources.filter((s) => s.folder)) {
      if (!folders.has(s.folder)) folders.set(s.folder, []);
      folders.get(s.folder).push(s);
    }
    const sections = [];
    const section = (name, sources) => {
      const heading = document.createElement("h2");
      heading.className = "section-label";
      heading.textContent = name;
      heading.dir = "auto";
      const ul = document.createElement("ul");
      ul.className = "source-list";
      ul.setAttribute("aria-label", name);
      ul.append(...sources.map(sourceRow));
      sections.push(heading, ul);
    };
    if (unfiled.length) section("Sources", unfiled);
    for (const name of [...folders.keys()].sort((a, b) => a.localeCompare(b))) {
      section(name, folders.get(name).sort(byTitle));
    }
    groups.replaceChildren(...sections);
    const names = document.getElementById("folder-names");
    names.replaceChildren(...[...folders.keys()].map((name) => Object.assign(document.createElement("option"), { value: name })));
  }

  /** Re-renders both lists, keeping keyboard focus on the same control when it was inside them. */
  function render() {
    const focused = pane.contains(document.activeElement) ? document.activeElement : null;
    const key = focused?.dataset.action
      ? `[data-action="${focused.dataset.action}"]` +
        (focused.dataset.sourceId ? `[data-source-id="${focused.dataset.sourceId}"]` : "") +
        (focused.dataset.view ? `[data-view="${focused.dataset.view}"]` : "")
      : null;
    renderSmartViews();
    renderSources();
    if (key && !pane.contains(document.activeElement)) pane.querySelector(key)?.focus();
  }

  /** Opens a source's menu; closing it puts the focus back on its ⋯ button, found afresh after re-renders. */
  function openMenu(id, at) {
    const source = sourceById(id);
    if (!source) return;
    menu.open(source, at, () => pane.querySelector(`[data-action="menu"][data-source-id="${id}"]`)?.focus());
    render();
  }

  pane.addEventListener("click", (event) => {
    const control = event.target.closest("[data-action]");
    if (!control || !pane.contains(control)) return;
    const id = control.dataset.sourceId ? Number(control.dataset.sourceId) : null;
    switch (control.dataset.action) {
      case "view": actions.selectView({ kind: control.dataset.view }); break;
      case "select": actions.selectView({ kind: "source", sourceId: id }); break;
      case "refresh": refresh(id); break;
      case "menu": openMenu(id, { anchor: control }); break;
    }
  });

  pane.addEventListener("contextmenu", (event) => {
    const item = event.target.closest(".source-item[data-source-id]");
    if (!item) return;
    event.preventDefault();
    const id = Number(item.dataset.sourceId);
    // The context-menu key gives no pointer position: the menu then opens under the row's ⋯ button.
    const byKeyboard = event.clientX === 0 && event.clientY === 0;
    openMenu(id, byKeyboard ? { anchor: item.querySelector(".source-more") } : { x: event.clientX, y: event.clientY });
  });

  on("sync", () => {
    if (!state.sync.running) brokenIcons.clear();
  });
  on("sources", render);
  on("view", render);
  on("network", render);
  render();
}
