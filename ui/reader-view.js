// The reader: one story's header (as text) and its sanitized body, the window's only innerHTML.
// Every link in the body (embed cards included) goes to the system browser through open_link; the window
// never navigates. Missing pictures and embed cards are handled in reader-media.js, the choice between the full
// article and the feed's version in reader-version.js.

import { state, on } from "./state.js";
import * as actions from "./actions.js";
import { fullTime, relativeTime } from "./time.js";
import { toast } from "./toast.js";
import { watchPictures } from "./reader-media.js";
import { createVersionSwitch } from "./reader-version.js";

export function createReaderView() {
  const article = document.getElementById("article");
  const toolbar = document.getElementById("reader-toolbar");
  const scroller = document.getElementById("reader-scroll");
  const body = document.getElementById("article-body");
  const empty = document.getElementById("reader-empty");
  const readButton = document.getElementById("toggle-read-button");
  const bookmarkButton = document.getElementById("toggle-bookmark-button");
  const copyButton = document.getElementById("copy-link-button");
  const original = document.getElementById("open-original");
  let shownId = null;
  const sweepPictures = watchPictures(body);
  const versions = createVersionSwitch((html) => renderBody(html, state.entry));

  function showEmpty(title, hint) {
    article.hidden = true;
    toolbar.hidden = true;
    empty.hidden = false;
    document.getElementById("reader-empty-title").textContent = title;
    document.getElementById("reader-empty-hint").textContent = hint;
    shownId = null;
  }

  function render() {
    if (state.openId == null) {
      if (state.readerNote) showEmpty(state.readerNote, "Bookmarked stories are always kept. Choose another story from the list.");
      else showEmpty("No story selected", "Choose a story from the list, or press j to open the first one.");
      return;
    }
    if (state.readerError) {
      showEmpty("Could not open the story", state.readerError.message);
      return;
    }
    const entry = state.entry;
    if (!entry) {
      if (shownId !== state.openId) showEmpty("Opening…", "");
      return;
    }
    if (shownId === entry.id) {
      renderState(entry);
      return;
    }
    shownId = entry.id;
    empty.hidden = true;
    article.hidden = false;
    toolbar.hidden = false;
    if (entry.lang) article.lang = entry.lang;
    else article.removeAttribute("lang");
    // The whole story (header, byline, body) follows the story's direction; the UI around it stays as it is.
    article.dir = entry.dir === "rtl" || entry.dir === "ltr" ? entry.dir : "auto";

    document.getElementById("article-title").textContent = entry.title || "(untitled)";
    document.getElementById("article-author").textContent = entry.author ? entry.author : "";
    const date = document.getElementById("article-date");
    date.dateTime = entry.published;
    date.textContent = fullTime(entry.published);
    date.title = relativeTime(entry.published);

    body.dir = entry.dir === "rtl" || entry.dir === "ltr" ? entry.dir : "auto";
    renderBody(versions.reset(entry), entry);
    renderState(entry);
    scroller.scrollTop = 0;
  }

  function renderBody(html, entry) {
    if (html && html.trim()) {
      // The body was sanitized in Rust before it was stored (allow-list, no scripts, no handlers).
      body.innerHTML = html;
    } else {
      const p = document.createElement("p");
      p.className = "no-content";
      p.textContent = entry.summary || "This story has no text. Open the original to read it.";
      body.replaceChildren(p);
    }
    for (const img of body.querySelectorAll("img")) {
      img.loading = "lazy";
      img.decoding = "async";
    }
    sweepPictures();
  }

  /** What can change while the story is shown: its read and bookmark state, and its source's name. */
  function renderState(entry) {
    document.getElementById("article-source").textContent = entry.source_title;
    readButton.querySelector("span").textContent = entry.read ? "Mark unread" : "Mark read";
    readButton.querySelector("use").setAttribute("href", entry.read ? "#i-circle" : "#i-dot");
    readButton.classList.toggle("is-unread", !entry.read);
    bookmarkButton.setAttribute("aria-pressed", String(entry.bookmarked));
    bookmarkButton.querySelector("span").textContent = entry.bookmarked ? "Bookmarked" : "Bookmark";
    bookmarkButton.querySelector("use").setAttribute("href", entry.bookmarked ? "#i-star" : "#i-star-line");
    copyButton.disabled = !entry.url;
    original.hidden = !entry.url;
    if (entry.url) original.href = entry.url;
    else original.removeAttribute("href");
  }

  /** The absolute address a body link points to, resolved against the story's own URL. */
  function linkTarget(anchor) {
    const href = anchor.getAttribute("href").trim();
    try {
      return new URL(href, state.entry?.url || undefined).href;
    } catch {
      return null;
    }
  }

  function followLink(event) {
    const anchor = event.target.closest("a[href]");
    if (!anchor || !body.contains(anchor)) return;
    event.preventDefault();
    const href = anchor.getAttribute("href").trim();
    if (href.startsWith("#")) {
      const id = decodeURIComponent(href.slice(1));
      const target = id && (body.querySelector(`[id="${CSS.escape(id)}"]`) ?? body.querySelector(`[name="${CSS.escape(id)}"]`));
      target?.scrollIntoView({ block: "start" });
      return;
    }
    const url = linkTarget(anchor);
    if (url && /^(https?|mailto):/i.test(url)) actions.openLink(url);
    else toast("Offprint opens only web and e-mail links.", { error: true });
  }

  body.addEventListener("click", followLink);
  body.addEventListener("auxclick", (event) => {
    if (event.button === 1) followLink(event);
  });

  toolbar.addEventListener("click", (event) => {
    const control = event.target.closest("[data-action]");
    if (!control || !state.entry) return;
    event.preventDefault();
    const entry = state.entry;
    switch (control.dataset.action) {
      case "toggle-read": actions.toggleRead(entry); break;
      case "toggle-bookmark": actions.toggleBookmark(entry); break;
      case "copy-link": actions.copyLink(entry); break;
      case "open-original": actions.openOriginal(entry); break;
    }
  });

  on("reader", render);
  on("entry-changed", (id) => {
    if (state.entry && id === state.entry.id) renderState(state.entry);
  });

  render();
  return { focus: () => (article.hidden ? scroller : article).focus() };
}
