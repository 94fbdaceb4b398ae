// The parts the dialogs of source-dialogs.js and source-settings-dialog.js share: a modal <dialog> around a
// form that is busy while its request is out, and errors shown beside the field they are about.

/** Shows `message` in `error` (hidden when empty) and marks `field`, if given, invalid and described by it. */
export function showError(error, message, field = null) {
  error.textContent = message;
  error.hidden = !message;
  if (!field) return;
  const others = (field.getAttribute("aria-describedby") ?? "").split(/\s+/).filter((id) => id && id !== error.id);
  const described = message ? [...others, error.id] : others;
  if (message) field.setAttribute("aria-invalid", "true");
  else field.removeAttribute("aria-invalid");
  if (described.length) field.setAttribute("aria-describedby", described.join(" "));
  else field.removeAttribute("aria-describedby");
}

/**
 * A modal dialog around the form inside it. Cancel and Escape close it, except while its request is out. The
 * `onClosed` of the last `open` runs once it has closed, with what was saved (or null when nothing was): the
 * caller puts the focus back on a control that still exists after the sources were re-rendered.
 */
export function modal(id) {
  const dialog = document.getElementById(id);
  const form = dialog.querySelector("form");
  const submit = form.querySelector("[type=submit]");
  let busy = false;
  let onClosed = null;
  let saved = null;

  function setBusy(now, label) {
    busy = now;
    submit.disabled = now;
    submit.textContent = label;
    if (now) form.setAttribute("aria-busy", "true");
    else form.removeAttribute("aria-busy");
  }

  dialog.addEventListener("cancel", (event) => {
    if (busy) event.preventDefault();
  });
  form.querySelector("[data-action=cancel]").addEventListener("click", () => {
    if (!busy) dialog.close();
  });
  dialog.addEventListener("close", () => {
    const then = onClosed;
    onClosed = null;
    then?.(saved);
  });

  return {
    dialog,
    form,
    isBusy: () => busy,
    /** Shows the dialog with `label` on its submit button and the focus on `focus`. */
    open({ label, focus, onClosed: then }) {
      setBusy(false, label);
      saved = null;
      onClosed = then ?? null;
      dialog.showModal();
      focus.focus();
    },
    /**
     * Runs `work` with the dialog busy; when it succeeds, closes the dialog (saved: `value`) and resolves to
     * null, else resolves to the error to show.
     */
    async run(work, { busyLabel, value = null }) {
      const label = submit.textContent;
      setBusy(true, busyLabel);
      try {
        await work();
      } catch (error) {
        setBusy(false, label);
        // Disabled while busy, the button lost the focus: it gets it back unless the caller puts it on a field.
        if (!dialog.contains(document.activeElement) || document.activeElement === dialog) submit.focus();
        return error;
      }
      setBusy(false, label);
      saved = value;
      dialog.close();
      return null;
    },
    /** Closes the dialog as if nothing needed saving. */
    close() {
      dialog.close();
    },
  };
}
