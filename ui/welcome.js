// First run: no sources yet. Explains what to do and offers a few suggestions as editable addresses;
// nothing is subscribed until the reader presses Add on one.

import { state, on } from "./state.js";
import * as actions from "./actions.js";

const SUGGESTIONS = [
  { name: "Rights Desk", about: "Human-rights news, several short stories a day", url: "https://rights.example.org/feed.xml" },
  { name: "Судебный вестник", about: "Court reporting, in Russian", url: "https://sud.example.org/feed.xml" },
  { name: "دیدبان آزادی مطبوعات", about: "Press-freedom watch, in Persian", url: "https://azadi.example.org/feed.xml" },
  { name: "Asylum Notes", about: "Asylum cases explained", url: "https://asylum.example.org/feed.xml" },
];

export function createWelcome({ openAddDialog }) {
  const app = document.getElementById("app");
  const welcome = document.getElementById("welcome");
  const list = document.getElementById("suggestions");
  const template = document.getElementById("suggestion-template");

  list.replaceChildren(
    ...SUGGESTIONS.map((s) => {
      const li = template.content.firstElementChild.cloneNode(true);
      li.querySelector(".suggestion-name").textContent = s.name;
      li.querySelector(".suggestion-about").textContent = s.about;
      const input = li.querySelector(".suggestion-url");
      input.value = s.url;
      input.setAttribute("aria-label", `Address of ${s.name}`);
      li.querySelector("button").setAttribute("aria-label", `Add ${s.name}`);
      return li;
    }),
  );

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-action=add-suggestion]");
    if (!button) return;
    const item = button.closest(".suggestion");
    const input = item.querySelector(".suggestion-url");
    const error = item.querySelector(".suggestion-error");
    error.hidden = true;
    button.disabled = true;
    button.textContent = "Adding…";
    try {
      await actions.addSource(input.value);
      button.textContent = "Added";
      input.readOnly = true;
      item.classList.add("is-added");
    } catch (err) {
      button.disabled = false;
      button.textContent = "Add";
      error.textContent = `Could not add it: ${err.message}`;
      error.hidden = false;
    }
  });

  document.getElementById("welcome-add-button").addEventListener("click", () => openAddDialog());
  document.getElementById("welcome-done-button").addEventListener("click", () => actions.leaveWelcome());

  function render() {
    welcome.hidden = !state.welcome;
    app.classList.toggle("is-welcome", state.welcome);
    document.getElementById("welcome-done-button").hidden = state.sources.length === 0;
  }

  on("sources", render);
  on("view", render);
  render();
}
