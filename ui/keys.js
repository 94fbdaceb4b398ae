// Keyboard shortcuts as a table: `keys.on("j", next, "Next story")`, sequences as "g u".
// Keys are ignored while the reader types in a field or while a dialog is open.

const SEQUENCE_TIMEOUT_MS = 1500;

/** True when a key press belongs to what the reader is typing, not to the app. */
function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.closest("[contenteditable]:not([contenteditable='false'])")) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !["checkbox", "radio", "button", "submit", "reset", "range", "color"].includes(target.type);
  }
  return false;
}

function dialogOpen() {
  return document.querySelector("dialog[open]") !== null;
}

export function createKeys() {
  const bindings = [];
  let pending = [];
  let timer = null;

  function reset() {
    pending = [];
    clearTimeout(timer);
    timer = null;
  }

  function matches(sequence) {
    return bindings.filter(
      (b) => b.keys.length >= sequence.length && sequence.every((k, i) => b.keys[i] === k),
    );
  }

  function handle(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isTyping(event.target) || dialogOpen()) {
      reset();
      return;
    }
    const key = event.key;
    if (key === "Shift" || key === "Control" || key === "Alt" || key === "Meta") return;

    let candidates = matches([...pending, key]);
    if (candidates.length === 0 && pending.length > 0) {
      reset();
      candidates = matches([key]);
    }
    if (candidates.length === 0) {
      reset();
      return;
    }
    const sequence = [...pending, key];
    const exact = candidates.find((b) => b.keys.length === sequence.length);
    event.preventDefault();
    if (exact) {
      reset();
      exact.run(event);
      return;
    }
    pending = sequence;
    clearTimeout(timer);
    timer = setTimeout(reset, SEQUENCE_TIMEOUT_MS);
  }

  document.addEventListener("keydown", handle);

  return {
    /** Binds `combo` ("j", "?", "g u") to `run`; `description` is what the ? overlay shows. */
    on(combo, run, description) {
      bindings.push({ combo, keys: combo.split(" "), run, description });
      return this;
    },
    /** Bindings in the order they were declared, for the overlay; one row per description. */
    list() {
      const rows = [];
      for (const b of bindings) {
        const row = rows.find((r) => r.description === b.description);
        if (row) row.combos.push(b.combo);
        else rows.push({ description: b.description, combos: [b.combo] });
      }
      return rows;
    },
  };
}
