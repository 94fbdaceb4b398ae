// The dialogs of a source's and a folder's menus: rename (a source or a folder), move to a folder, and the
// confirmation before unsubscribing; a source's own settings are in source-settings-dialog.js. Native <dialog>s
// opened modally, like the app's others, so Escape closes them and the keyboard table stays quiet meanwhile. A
// refusal of the backend is shown in its own words in the dialog, which stays open to put it right.

import { sourceById, sourceName, byName, folderNames, sourcesInFolder } from "./state.js";
import * as manage from "./source-actions.js";
import { plural } from "./format.js";
import { modal, showError } from "./dialog-form.js";
import { createSourceSettingsDialog } from "./source-settings-dialog.js";

const isolate = (text) => `\u2068${text}\u2069`;

// ---- rename a source or a folder --------------------------------------------------------------------------

function createNameDialog() {
  const m = modal("name-dialog");
  const title = document.getElementById("name-dialog-title");
  const input = document.getElementById("name-input");
  const hint = document.getElementById("name-hint");
  const error = document.getElementById("name-error");
  const submit = document.getElementById("name-submit");
  /** `{unchanged, save(value), describe(value)}` of what is being renamed. */
  let subject = null;

  function describe() {
    const { text, label } = subject.describe(input.value.trim());
    hint.textContent = text;
    submit.textContent = label;
  }

  input.addEventListener("input", () => {
    if (!m.isBusy()) describe();
  });

  m.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (m.isBusy()) return;
    const value = input.value.trim();
    if (value === subject.unchanged) {
      m.close();
      return;
    }
    showError(error, "", input);
    const failure = await m.run(() => subject.save(value), { busyLabel: "Renaming…", value });
    if (failure) {
      showError(error, failure.message, input);
      input.focus();
    }
  });

  function open(heading, value, onClosed) {
    title.textContent = heading;
    input.value = value;
    showError(error, "", input);
    m.open({ label: "Rename", focus: input, onClosed });
    describe();
    input.select();
  }

  return {
    /** The reader's own name for a source; empty brings back the feed's title. */
    renameSource(id, onClosed) {
      const source = sourceById(id);
      if (!source) return;
      const feedTitle = source.feed_title || source.url;
      subject = {
        unchanged: source.title,
        save: (value) => manage.renameSource(id, value),
        describe: (value) => ({
          text: value
            ? `The feed calls itself “${isolate(feedTitle)}”. Leave the name empty to go back to that.`
            : `Empty: the feed's own title, “${isolate(feedTitle)}”.`,
          label: "Rename",
        }),
      };
      open("Rename source", sourceName(source), onClosed);
    },
    /** A folder's new name; the name of another folder merges the two. */
    renameFolder(name, onClosed) {
      subject = {
        unchanged: name,
        save: (value) => manage.renameFolder(name, value),
        describe: (value) => {
          if (value === name || !folderNames().includes(value)) {
            return { text: "To merge this folder into another, give it the other's name.", label: "Rename" };
          }
          const text = `There is a folder ${isolate(value)} already: its sources and these will be one folder.`;
          return { text, label: "Merge" };
        },
      };
      open("Rename folder", name, onClosed);
    },
  };
}

// ---- move a source to a folder ----------------------------------------------------------------------------

function createMoveDialog() {
  const m = modal("move-dialog");
  const subject = document.getElementById("move-subject");
  const list = document.getElementById("move-folders");
  const newChoice = document.getElementById("move-new");
  const newName = document.getElementById("move-new-name");
  const error = document.getElementById("move-error");
  let sourceId = null;

  /** One radio: a folder by `name`, or no folder with null. */
  function choice(name, current) {
    const label = document.createElement("label");
    label.className = "folder-choice";
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "move-folder";
    radio.dataset.folder = name ?? "";
    radio.checked = name === current;
    const text = document.createElement("span");
    text.className = "folder-choice-name";
    text.dir = "auto";
    text.textContent = name ?? "No folder";
    label.append(radio, text);
    if (name === current) {
      const note = document.createElement("span");
      note.className = "folder-choice-note";
      note.textContent = "current";
      label.append(note);
    }
    return label;
  }

  // Typing a name chooses "New folder"; choosing another folder leaves the name typed, unused.
  newName.addEventListener("input", () => {
    if (newName.value.trim()) newChoice.checked = true;
    showError(error, "", newName);
  });

  m.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (m.isBusy()) return;
    const source = sourceById(sourceId);
    if (!source) {
      m.close();
      return;
    }
    let folder;
    if (newChoice.checked) {
      folder = newName.value.trim();
      if (!folder) {
        showError(error, "Type a name for the new folder, or choose one above.", newName);
        newName.focus();
        return;
      }
    } else {
      folder = list.querySelector("input:checked")?.dataset.folder ?? (source.folder ?? "");
    }
    if (folder === (source.folder ?? "")) {
      m.close();
      return;
    }
    showError(error, "", newName);
    const move = () => manage.moveSource(sourceId, folder);
    const failure = await m.run(move, { busyLabel: "Moving…", value: folder });
    if (failure) showError(error, `Could not move it: ${failure.message}`);
  });

  return {
    open(id, onClosed) {
      const source = sourceById(id);
      if (!source) return;
      sourceId = id;
      const current = source.folder ?? null;
      subject.textContent = `Folder for ${isolate(sourceName(source))}`;
      list.replaceChildren(choice(null, current), ...folderNames().map((name) => choice(name, current)));
      newChoice.checked = false;
      newName.value = "";
      showError(error, "", newName);
      m.open({ label: "Move", focus: list.querySelector("input:checked") ?? list.querySelector("input"), onClosed });
    },
  };
}

// ---- unsubscribe -----------------------------------------------------------------------------------------

const KEPT = "Bookmarked stories stay: you can still read them under Bookmarks.";

function createConfirmDialog() {
  const m = modal("confirm-dialog");
  const title = document.getElementById("confirm-title");
  const text = document.getElementById("confirm-text");
  const error = document.getElementById("confirm-error");
  const cancel = document.getElementById("confirm-cancel");
  /** What the confirming button does, and what a failure of it is called. */
  let asked = null;

  m.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (m.isBusy()) return;
    showError(error, "");
    const failure = await m.run(asked.run, { busyLabel: "Removing…", value: true });
    if (failure) showError(error, `${asked.failed}: ${failure.message}`);
  });

  const element = (tag, words) => Object.assign(document.createElement(tag), { textContent: words, dir: "auto" });

  /** Asks `heading`; `body` are its nodes; `label` is the button that does `run`. Cancel has the focus. */
  function ask({ heading, body, label, run, failed, onClosed }) {
    title.textContent = heading;
    text.replaceChildren(...body);
    showError(error, "");
    asked = { run, failed };
    m.open({ label, focus: cancel, onClosed });
  }

  return {
    removeSource(id, onClosed) {
      const source = sourceById(id);
      if (!source) return;
      ask({
        heading: `Unsubscribe from ${isolate(sourceName(source))}?`,
        body: [
          element("p", "Offprint stops fetching it, and its stories are removed from this computer."),
          element("p", KEPT),
        ],
        label: "Unsubscribe",
        run: () => manage.removeSource(id),
        failed: "Could not unsubscribe",
        onClosed,
      });
    },
    removeFolder(name, onClosed) {
      const sources = sourcesInFolder(name).sort(byName);
      if (!sources.length) return;
      const list = document.createElement("ul");
      list.append(...sources.map((s) => element("li", sourceName(s))));
      ask({
        heading: `Remove the folder ${isolate(name)}?`,
        body: [
          element("p", `This unsubscribes from its ${plural(sources.length, "source", "sources")}:`),
          list,
          element("p", `Their stories are removed from this computer. ${KEPT}`),
        ],
        label: "Remove folder",
        run: () => manage.removeFolder(name),
        failed: "Could not remove the folder",
        onClosed,
      });
    },
  };
}

/** The dialogs, each opened by a command of a menu; `onClosed(saved)` puts the focus back once one closes. */
export function createSourceDialogs() {
  const names = createNameDialog();
  const move = createMoveDialog();
  const settings = createSourceSettingsDialog();
  const confirm = createConfirmDialog();
  return {
    renameSource: names.renameSource,
    renameFolder: names.renameFolder,
    moveSource: move.open,
    sourceSettings: settings.open,
    removeSource: confirm.removeSource,
    removeFolder: confirm.removeFolder,
  };
}
