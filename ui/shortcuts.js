// The keyboard table. j/k open the next/previous story (opening marks it read); the arrow keys in the list
// only move the selection, and Enter opens it. See keys.js for when keys are ignored.

import * as actions from "./actions.js";
import { refresh } from "./sync-actions.js";

export function bindShortcuts(keys, ui) {
  const go = (kind) => () => actions.selectView({ kind });
  keys
    .on("j", () => actions.step(1, { open: true }), "Open the next story")
    .on("k", () => actions.step(-1, { open: true }), "Open the previous story")
    .on("n", () => actions.stepUnread(1), "Open the next unread story")
    .on("p", () => actions.stepUnread(-1), "Open the previous unread story")
    .on("m", () => actions.toggleRead(), "Mark the story read or unread")
    .on("b", () => actions.toggleBookmark(), "Bookmark the story, or remove its bookmark")
    .on("s", () => actions.toggleBookmark(), "Bookmark the story, or remove its bookmark")
    .on("o", () => actions.openOriginal(), "Open the original page in your browser")
    .on("r", () => refresh(), "Refresh all sources")
    .on("A", () => actions.markAllRead(), "Mark everything in this view read")
    .on("/", () => ui.focusSearch(), "Search")
    .on("g a", go("all"), "Go to All")
    .on("g u", go("unread"), "Go to Unread")
    .on("g t", go("today"), "Go to Today")
    .on("g b", go("bookmarks"), "Go to Bookmarks")
    .on("+", () => ui.addSource(), "Add a source")
    .on("?", () => ui.showShortcuts(), "Show these shortcuts (Escape closes)");
  return keys;
}
