// Short messages at the bottom of the window: confirmations with an optional action (Undo), and errors in words.

const INFO_MS = 5000;
const ACTION_MS = 10000;
const ERROR_MS = 8000;

const region = () => document.getElementById("toasts");

/**
 * Shows `message`. `options.action` = { label, run } adds a button (e.g. Undo) that runs once and closes the
 * toast; `options.error` announces it assertively. Returns a function that closes the toast.
 */
export function toast(message, options = {}) {
  const el = document.createElement("div");
  el.className = options.error ? "toast toast-error" : "toast";
  if (options.error) el.setAttribute("role", "alert");

  const text = document.createElement("p");
  text.className = "toast-text";
  text.textContent = message;
  el.append(text);

  let timer = null;
  const close = () => {
    clearTimeout(timer);
    el.remove();
  };

  if (options.action) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "toast-action";
    button.textContent = options.action.label;
    button.addEventListener("click", () => {
      close();
      options.action.run();
    });
    el.append(button);
  }

  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "toast-close";
  dismiss.setAttribute("aria-label", "Dismiss");
  dismiss.textContent = "×";
  dismiss.addEventListener("click", close);
  el.append(dismiss);

  region().append(el);
  timer = setTimeout(close, options.timeout ?? (options.action ? ACTION_MS : options.error ? ERROR_MS : INFO_MS));
  return close;
}

/** An error from a command, shown in words with what was being attempted. */
export function toastError(what, error) {
  const message = error && typeof error.message === "string" && error.message ? error.message : String(error);
  return toast(what ? `${what}: ${message}` : message, { error: true });
}
