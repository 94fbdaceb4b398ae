// The entry list: a virtualized listbox. Rows have one fixed height, so only the rows in view (plus a few)
// exist in the DOM however many pages are loaded; scrolling near the end loads the next page.
// Arrow keys move the selection without opening; a click or Enter opens the story (which marks it read).

import { state, on, indexOfEntry, viewTitle, sourceById, totalUnread, folderUnread, isRealFailure } from "./state.js";
import * as actions from "./actions.js";
import { relativeTime, fullTime } from "./time.js";

const OVERSCAN = 8;
const FIRST_LETTER = /\p{L}/u;
const RTL_SCRIPT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

/**
 * The direction of a title by its first letter, as dir="auto" decides it. A row takes its title's direction as a
 * whole (dot, source and date mirror too); dir="auto" on the row itself would be decided by the date instead.
 */
function textDirection(text) {
  const letter = (text ?? "").match(FIRST_LETTER)?.[0];
  if (!letter) return "auto";
  return RTL_SCRIPT.test(letter) ? "rtl" : "ltr";
}
const LOAD_AHEAD_ROWS = 15;

const EMPTY = {
  all: ["No stories yet", "Refresh to fetch the latest stories from your sources."],
  unread: ["All caught up", "There is nothing unread. New stories appear here after a refresh."],
  today: ["Nothing today yet", "Stories published since midnight appear here."],
  bookmarks: ["No bookmarks", "Press b or the Bookmark button on a story to keep it here for good."],
  source: ["No stories from this source", "Refresh it to fetch its latest stories."],
  folder: ["No stories in this folder", "Refresh to fetch the latest stories from its sources."],
};

export function createListView() {
  const list = document.getElementById("entry-list");
  const canvas = document.getElementById("list-canvas");
  const template = document.getElementById("entry-row-template");
  const empty = document.getElementById("list-empty");
  const newStories = document.getElementById("new-stories");
  const rendered = new Map();
  let rowHeight = 0;
  let painted = false;

  function measure() {
    rowHeight = parseFloat(getComputedStyle(list).getPropertyValue("--row-height")) || 84;
  }

  function createRow() {
    const row = template.content.firstElementChild.cloneNode(true);
    row.style.height = `${rowHeight}px`;
    return row;
  }

  /** The size of the set the rows belong to: unknown (-1) while more pages may follow. */
  function setSize() {
    return state.next ? "-1" : String(state.entries.length);
  }

  function fill(row, entry, index) {
    const title = entry.title || "(untitled)";
    const when = relativeTime(entry.published);
    row.id = `entry-${entry.id}`;
    row.dir = textDirection(title);
    row.dataset.id = String(entry.id);
    row.dataset.index = String(index);
    row.style.top = `${index * rowHeight}px`;
    row.classList.toggle("is-unread", !entry.read);
    row.classList.toggle("is-bookmarked", Boolean(entry.bookmarked));
    row.classList.toggle("is-open", entry.id === state.openId);
    row.setAttribute("aria-selected", String(entry.id === state.selectedId));
    row.setAttribute("aria-posinset", String(index + 1));
    row.setAttribute("aria-setsize", setSize());
    const label = [title, entry.source_title, entry.read ? "read" : "unread"];
    if (entry.bookmarked) label.push("bookmarked");
    if (when) label.push(when);
    row.setAttribute("aria-label", label.join(", "));
    row.querySelector(".entry-title").textContent = title;
    row.querySelector(".entry-source").textContent = entry.source_title;
    row.querySelector(".entry-summary").textContent = entry.summary;
    const date = row.querySelector(".entry-date");
    date.textContent = when;
    date.dateTime = entry.published;
    date.title = fullTime(entry.published);
  }

  /** `appended`: the list only gained rows at its end, so rows showing the same entry at the same place
   * are as they were but for the size of the set. */
  function render(appended = false) {
    const entries = state.entries;
    canvas.style.height = `${entries.length * rowHeight}px`;
    const top = list.scrollTop;
    const height = list.clientHeight || window.innerHeight;
    const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
    const last = Math.min(entries.length - 1, Math.ceil((top + height) / rowHeight) + OVERSCAN);
    const wanted = new Map();
    for (let i = first; i <= last; i += 1) wanted.set(entries[i].id, i);
    // Rows that scrolled out of view show the rows that scrolled in: a long scroll moves a few dozen rows
    // instead of building them again and throwing the old ones away.
    const spare = [];
    for (const [id, row] of rendered) {
      if (!wanted.has(id)) {
        spare.push(row);
        rendered.delete(id);
      }
    }
    for (const [id, i] of wanted) {
      let row = rendered.get(id);
      if (row && appended && row.dataset.index === String(i)) {
        row.setAttribute("aria-setsize", setSize());
        continue;
      }
      if (!row) {
        row = spare.pop();
        if (!row) {
          row = createRow();
          canvas.append(row);
        }
        rendered.set(id, row);
      }
      fill(row, entries[i], i);
    }
    for (const row of spare) row.remove();
    // Once: the first frame with rows has been painted (rAF runs before that paint, the timeout after it).
    // The app benchmark (tests/bench/app.rs) times the start up to this mark.
    if (!painted && rendered.size > 0) {
      painted = true;
      requestAnimationFrame(() => setTimeout(() => performance.mark("offprint:list-painted")));
    }
    const selected = state.selectedId != null && rendered.has(state.selectedId);
    if (selected) list.setAttribute("aria-activedescendant", `entry-${state.selectedId}`);
    else list.removeAttribute("aria-activedescendant");
    list.setAttribute("aria-busy", String(state.loading));
    renderEmpty();
    if (state.next && !state.loading && last >= entries.length - LOAD_AHEAD_ROWS) actions.loadMore();
  }

  function renderEmpty() {
    const isEmpty = state.listLoaded && state.entries.length === 0;
    empty.hidden = !isEmpty;
    list.hidden = isEmpty;
    if (!isEmpty) return;
    let [title, hint] = EMPTY[state.view.kind] ?? EMPTY.all;
    if (state.listError) {
      [title, hint] = ["Could not list the stories", state.listError.message];
    } else if (state.search.trim()) {
      [title, hint] = [`Nothing matches “${state.search.trim()}”`, "Try fewer or other words."];
    }
    document.getElementById("list-empty-title").textContent = title;
    document.getElementById("list-empty-hint").textContent = hint;
  }

  function renderHeader() {
    document.getElementById("view-title").textContent = viewTitle();
    const count = document.getElementById("view-count");
    const source = state.view.kind === "source" ? sourceById(state.view.sourceId) : null;
    let unread = source ? source.unread_count : totalUnread();
    if (state.view.kind === "folder") unread = folderUnread(state.view.folder);
    const counted = ["all", "unread", "source", "folder"].includes(state.view.kind);
    count.textContent = counted && unread > 0 ? `${unread} unread` : "";
    const banner = document.getElementById("view-error");
    const error = source?.last_error;
    banner.hidden = !error;
    if (error) {
      // Offline, a failure for want of a network is a calm line, not an alarm.
      const real = isRealFailure(error);
      banner.classList.toggle("is-calm", !real);
      banner.querySelector("use").setAttribute("href", real ? "#i-alert" : "#i-offline");
      document.getElementById("view-error-text").textContent = real
        ? `The last refresh of this source failed: ${error.message}`
        : "Not refreshed: offline.";
    }
  }

  function scrollToSelected() {
    const index = indexOfEntry(state.selectedId);
    if (index === -1) return;
    const top = index * rowHeight;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (top + rowHeight > list.scrollTop + list.clientHeight) list.scrollTop = top + rowHeight - list.clientHeight;
  }

  function renderNewStories() {
    const n = state.newSinceLoad;
    newStories.hidden = n <= 0 || state.entries.length === 0;
    newStories.textContent = n === 1 ? "Show 1 new story" : `Show ${n} new stories`;
  }

  list.addEventListener("click", (event) => {
    const row = event.target.closest(".entry-row");
    if (row) actions.openEntry(Number(row.dataset.id));
  });

  list.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const page = Math.max(1, Math.floor(list.clientHeight / rowHeight) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    if (event.key in moves) {
      event.preventDefault();
      const delta = moves[event.key];
      if (delta === -Infinity) actions.select(state.entries[0]?.id ?? null);
      else if (delta === Infinity) actions.select(state.entries.at(-1)?.id ?? null);
      else actions.step(delta, { open: false });
    } else if (event.key === "Enter" && state.selectedId != null) {
      event.preventDefault();
      actions.openEntry(state.selectedId);
    }
  });

  list.addEventListener("scroll", () => render(), { passive: true });
  window.addEventListener("resize", () => render());
  newStories.addEventListener("click", () => actions.reloadList());

  on("list-reset", () => {
    list.scrollTop = 0;
    for (const row of rendered.values()) row.remove();
    rendered.clear();
  });
  on("entries", (how) => {
    render(how === "appended");
    renderNewStories();
  });
  on("entry-changed", (id) => {
    const row = rendered.get(id);
    const index = indexOfEntry(id);
    if (row && index !== -1) fill(row, state.entries[index], index);
  });
  on("selection", () => {
    scrollToSelected();
    render();
  });
  on("reader", () => render());
  on("new-stories", renderNewStories);
  on("tick", () => render());
  on("view", renderHeader);
  on("sources", renderHeader);
  on("unread", renderHeader);
  on("network", renderHeader);

  measure();
  renderHeader();
  return { focus: () => list.focus() };
}
