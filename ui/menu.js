// A popup menu (a source's or a folder's "⋯" button, or a right click, Shift+F10 or the context-menu key on its
// row), as WAI-ARIA's menu pattern has it: the first item gets the focus; arrow keys, Home and End move, a
// letter moves to the next item it starts; Enter or Space chooses; Escape or Tab closes it and puts the focus
// back where it was.

/**
 * `element` holds `.menu-item`s; `onChoose(key, item)` when one is chosen (after the menu closed), `onClose()`
 * whenever the menu closes.
 */
export function createMenu(element, { onChoose, onClose }) {
  const items = () => [...element.querySelectorAll(".menu-item")].filter((item) => !item.hidden);
  let current = null;

  function focusItem(index) {
    const all = items();
    const item = all[(index + all.length) % all.length];
    for (const other of all) other.tabIndex = other === item ? 0 : -1;
    item.focus();
  }

  /** The next item after `from` whose label starts with `letter`, round the end. */
  function itemStartingWith(letter, from) {
    const all = items();
    const label = (item) => (item.querySelector(".menu-label")?.textContent ?? "").trim().toLocaleLowerCase();
    for (let step = 1; step <= all.length; step += 1) {
      const index = (from + step) % all.length;
      if (label(all[index]).startsWith(letter)) return index;
    }
    return -1;
  }

  function place({ anchor, x, y }) {
    const width = element.offsetWidth;
    const height = element.offsetHeight;
    let left = x;
    let top = y;
    if (anchor) {
      const rect = anchor.getBoundingClientRect();
      left = rect.left;
      top = rect.bottom + 4;
      if (top + height > window.innerHeight - 8) top = rect.top - height - 4;
    }
    element.style.left = `${Math.max(8, Math.min(left, window.innerWidth - width - 8))}px`;
    element.style.top = `${Math.max(8, Math.min(top, window.innerHeight - height - 8))}px`;
  }

  function close({ restoreFocus = true } = {}) {
    if (!current) return;
    const { returnFocus } = current;
    current = null;
    element.hidden = true;
    document.removeEventListener("pointerdown", onOutside, true);
    window.removeEventListener("resize", onResize);
    onClose?.();
    if (restoreFocus) returnFocus?.();
  }

  function onOutside(event) {
    if (!element.contains(event.target)) close({ restoreFocus: false });
  }

  function onResize() {
    close({ restoreFocus: false });
  }

  element.addEventListener("click", (event) => {
    const item = event.target.closest(".menu-item");
    if (!item || !current) return;
    const { key } = current;
    close();
    onChoose(key, item);
  });

  element.addEventListener("keydown", (event) => {
    // The app's shortcuts stay quiet while the menu has the keyboard.
    event.stopPropagation();
    const index = items().indexOf(document.activeElement);
    switch (event.key) {
      case "ArrowDown": event.preventDefault(); focusItem(index + 1); break;
      case "ArrowUp": event.preventDefault(); focusItem(index - 1); break;
      case "Home": event.preventDefault(); focusItem(0); break;
      case "End": event.preventDefault(); focusItem(items().length - 1); break;
      case "Escape":
      case "Tab": event.preventDefault(); close(); break;
      default:
        if (event.key.length === 1 && event.key !== " " && !event.ctrlKey && !event.metaKey && !event.altKey) {
          const next = itemStartingWith(event.key.toLocaleLowerCase(), index);
          if (next !== -1) {
            event.preventDefault();
            focusItem(next);
          }
        }
    }
  });

  element.addEventListener("focusout", (event) => {
    if (current && event.relatedTarget && !element.contains(event.relatedTarget)) close({ restoreFocus: false });
  });

  return {
    /**
     * Opens the menu for `key` (what it acts on) below `at.anchor`, or at the point `at.x`, `at.y`, with the
     * focus on its first item; `returnFocus` is called when it closes by keyboard or by a choice.
     */
    open(key, at, returnFocus) {
      close({ restoreFocus: false });
      current = { key, returnFocus };
      element.hidden = false;
      place(at);
      document.addEventListener("pointerdown", onOutside, true);
      window.addEventListener("resize", onResize);
      focusItem(0);
    },
    /** What the open menu acts on, or null. */
    openFor: () => current?.key ?? null,
    close,
  };
}
