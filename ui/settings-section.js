// A section of the settings dialog whose fields one command saves together (set_cache_settings,
// set_sync_settings). It is read afresh each time the dialog opens; a field saves when it changes, is left, or
// Enter is pressed, and once more as the dialog closes. A value the window can tell is wrong is marked on its
// own field, in words, until corrected, while the other fields are saved (the command takes them all, so the
// marked one is sent as it was last saved). A value the backend refuses (its message starts with the field's
// key) is marked the same way and not sent again. Closing the dialog keeps what was saved; a marked value is
// simply not kept.

/**
 * A backend message with the settings' own names in place of their keys: `proxy cannot be …` becomes
 * `“Proxy” cannot be …`. A key inside an address (`http://proxy.example`) is left alone.
 */
export function inWords(message, fields) {
  return Object.entries(fields).reduce(
    (text, [key, { label }]) => text.replace(new RegExp(`(?<![\\w./:-])${key}(?![\\w/:-])`, "g"), `“${label}”`),
    message,
  );
}

/**
 * `fields` maps each key of the command's settings to `{label, read(input, refusal), show(input, value)}`, the
 * input being the form's control named after the key. `read` gives `{value}` to send, or `{problem}` in words;
 * `refusal` (`{value, message}`) is what the backend last refused for that field, if anything. `what` names the
 * settings in messages ("storage settings"); `status` and `error` are the section's own lines.
 */
export function createSettingsSection({ form, fields, what, status, error, get, set }) {
  const names = Object.keys(fields);
  const inputs = Object.fromEntries(names.map((name) => [name, form.elements.namedItem(name)]));
  const fieldErrors = Object.fromEntries(names.map((name) => [name, document.getElementById(`${inputs[name].id}-error`)]));
  const hints = Object.fromEntries(names.map((name) => [name, inputs[name].getAttribute("aria-describedby")]));
  const isField = (target) => names.some((name) => inputs[name] === target);
  /** What the backend last confirmed; null until loaded. */
  let saved = null;
  /** Per field, the value the backend refused and why, so that value is not sent again. */
  let refused = {};
  let saving = null;

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  function showFieldError(name, message) {
    const input = inputs[name];
    const box = fieldErrors[name];
    if (box.textContent !== message) box.textContent = message;
    box.hidden = !message;
    const describedBy = [hints[name], message ? box.id : null].filter(Boolean).join(" ");
    if (describedBy) input.setAttribute("aria-describedby", describedBy);
    else input.removeAttribute("aria-describedby");
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-errormessage", box.id);
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-errormessage");
    }
  }

  /** `{value}` to send for `name`, or `{problem}` in words. */
  function read(name) {
    const refusal = refused[name];
    const result = fields[name].read(inputs[name], refusal);
    if (!result.problem && refusal && result.value === refusal.value) return { problem: inWords(refusal.message, fields) };
    return result;
  }

  function fill(settings) {
    saved = { ...settings };
    for (const name of names) fields[name].show(inputs[name], settings[name]);
  }

  async function save() {
    if (!saved) return;
    const values = {};
    const problems = {};
    for (const name of names) {
      const { value, problem = "" } = read(name);
      problems[name] = problem;
      showFieldError(name, problem);
      values[name] = problem ? saved[name] : value;
    }
    const marked = names.some((name) => problems[name]);
    if (names.every((name) => values[name] === saved[name])) {
      if (!marked) showError("");
      return;
    }
    status.textContent = "";
    let stored;
    try {
      stored = await set(values);
    } catch (err) {
      // A value this file let through and the backend did not: marked on its field; the others are saved.
      const name = err.code === "invalid_argument" ? names.find((n) => err.message.startsWith(`${n} `)) : null;
      if (name && values[name] !== saved[name]) {
        refused[name] = { value: values[name], message: err.message };
        return save();
      }
      showError(`Could not save the ${what}: ${inWords(err.message, fields)}`);
      return;
    }
    saved = { ...stored };
    // Saved fields show what was stored ("030" as "30"); a marked one keeps what was typed until corrected.
    for (const name of names) if (!problems[name]) fields[name].show(inputs[name], saved[name]);
    showError("");
    status.textContent = marked ? "Your other changes are saved." : "Saved.";
  }

  /** Saves once at a time; a change made while saving is saved after it. */
  function queueSave() {
    saving = (saving ?? Promise.resolve()).then(save).finally(() => {
      saving = null;
    });
    return saving;
  }

  form.addEventListener("change", (event) => {
    if (isField(event.target)) queueSave();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target instanceof HTMLInputElement && isField(event.target)) {
      event.preventDefault();
      queueSave();
    }
  });
  form.addEventListener("input", () => {
    status.textContent = "";
  });
  form.addEventListener("submit", (event) => event.preventDefault());

  return {
    /** Reads the settings afresh; called each time the dialog opens. */
    async load() {
      refused = {};
      showError("");
      for (const name of names) showFieldError(name, "");
      status.textContent = "";
      try {
        fill(await get());
      } catch (err) {
        saved = null;
        showError(`Could not read the ${what}: ${err.message}`);
      }
      for (const input of Object.values(inputs)) input.disabled = !saved;
    },
    /** Saves what was changed but not yet saved (the dialog is closing); a marked value is left unsaved. */
    flush: () => queueSave(),
  };
}
