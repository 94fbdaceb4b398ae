// The menu of one source (its "⋯" button, or a right click or the context-menu key on its row): how its
// stories get their full text. A menu of radio items: arrow keys, Home and End move, Enter or Space chooses,
// Escape or Tab closes it and puts the focus back on the source.

/** `onChoose(sourceId, mode)` when an item is chosen; `onClose()` whenever the menu closes. */
export function createSourceMenu({ onChoose, onClose }) {
  const menu = document.getElementById("source-menu");
  const items = [...menu.querySelectorAll(".menu-item")];
  let current = null;

  function focusItem(index) {
    const item = items[(index + items.length) % items.length];
    for (const other of items) other.tabIndex = other === item ? 0 : -1;
    item.focus();
  }

  function place({ anchor, x, y }) {
    const width = menu.offsetWidth;
    const height = menu.offsetHeight;
    let left = x;
    let top = y;
    if (anchor) {
      const rect = anchor.getBoundingClientRect();
      left = rect.left;
      top = rect.bottom + 4;
      if (top + height > window.innerHeight - 8) top = rect.top - height - 4;
    }
    menu.style.left = `${Math.max(8, Math.min(left, window.innerWidth - width - 8))}px`;
    menu.style.top = `${Math.max(8, Math.min(top, window.innerHeight - height - 8))}px`;
  }

  function close({ restoreFocus = true } = {}) {
    if (!current) return;
    const { returnFocus } = current;
    current = null;
    menu.hidden = true;
    document.removeEventListener("pointerdown", onOutside, true);
    window.removeEventListener("resize", onResize);
    onClose?.();
    if (restoreFocus) returnFocus?.();
  }

  function onOutside(event) {
    if (!menu.contains(event.target)) close({ restoreFocus: false });
  }

  function onResize() {
    close({ restoreFocus: false });
  }

  menu.addEventListener("click", (event) => {
    const item = event.target.closest(".menu-item");
    if (!item || !current) return;
    const { sourceId } = current;
    close();
    onChoose(sourceId, item.dataset.mode);
  });

  menu.addEventListener("keydown", (event) => {
    // The app's shortcuts stay quiet while the menu has the keyboard.
    event.stopPropagation();
    const index = items.indexOf(document.activeElement);
    switch (event.key) {
      case "ArrowDown": event.preventDefault(); focusItem(index + 1); break;
      case "ArrowUp": event.preventDefault(); focusItem(index - 1); break;
      case "Home": event.preventDefault(); focusItem(0); break;
      case "End": event.preventDefault(); focusItem(items.length - 1); break;
      case "Escape":
      case "Tab": event.preventDefault(); close(); break;
    }
  });

  menu.addEventListener("focusout", (event) => {
    if (current && event.relatedTarget && !menu.contains(event.relatedTarget)) close({ restoreFocus: false });
  });

  return {
    /**
     * Opens the menu for `source` below `at.anchor`, or at the point `at.x`, `at.y`; `returnFocus` is called
     * when the menu closes by keyboard or by a choice.
     */
    open(source, at, returnFocus) {
      close({ restoreFocus: false });
      current = { sourceId: source.id, returnFocus };
      menu.setAttribute("aria-label", `Full article for ${source.title || source.url}`);
      for (const item of items) item.setAttribute("aria-checked", String(item.dataset.mode === source.full_text));
      menu.hidden = false;
      place(at);
      document.addEventListener("pointerdown", onOutside, true);
      window.addEventListener("resize", onResize);
      const checked = items.findIndex((item) => item.dataset.mode === source.full_text);
      focusItem(Math.max(0, checked));
    },
    /** The id of the source whose menu is open, or null. */
    openFor: () => current?.sourceId ?? null,
    close,
  };
}
