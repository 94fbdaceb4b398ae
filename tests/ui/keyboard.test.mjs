// The keyboard table: j/k/n/p/m/o, g-sequences, ?, and that keys are ignored while typing.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { baseFixture, STORY } from "./fixtures.mjs";

const env = setup({ before, after });

const openTitle = (page) => page.locator("#article-title").textContent();
const waitOpen = (page, id) =>
  page.waitForFunction((x) => document.getElementById(`entry-${x}`)?.classList.contains("is-open"), id);

test("j and k open the next and previous story, and opening marks it read", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await page.keyboard.press("j");
  await waitOpen(page, STORY.protest);
  await page.keyboard.press("j");
  await waitOpen(page, STORY.persian);
  await page.keyboard.press("j");
  await waitOpen(page, STORY.appeal);
  await page.keyboard.press("k");
  await waitOpen(page, STORY.persian);
  assert.match(await openTitle(page), /^دادگاه/);
  assert.deepEqual((await app.calls("get_entry")).map((c) => c.args.id), [108, 104, 101, 104]);
  assert.deepEqual((await app.waitForCalls("set_read", 3)).map((c) => c.args), [
    { id: 108, read: true }, { id: 104, read: true }, { id: 101, read: true },
  ]);
  assert.equal(await page.locator(".entry-row[aria-selected=true]").getAttribute("data-id"), String(STORY.persian));
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("arrow keys move the selection without opening or marking read; Enter opens", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await page.locator("#entry-list").focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  const selected = page.locator(".entry-row[aria-selected=true]");
  assert.equal(await selected.getAttribute("data-id"), String(STORY.persian));
  assert.equal(await page.locator("#entry-list").getAttribute("aria-activedescendant"), `entry-${STORY.persian}`);
  assert.equal((await app.calls("get_entry")).length, 0);
  assert.equal((await app.calls("set_read")).length, 0);
  assert.match(await selected.getAttribute("class"), /is-unread/);

  await page.keyboard.press("Enter");
  assert.deepEqual((await app.waitForCalls("set_read")).map((c) => c.args), [{ id: STORY.persian, read: true }]);
  assert.deepEqual((await app.calls("get_entry")).map((c) => c.args), [{ id: STORY.persian }]);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("n and p skip to the next and previous unread story", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await app.row(STORY.markup).click();
  await waitOpen(page, STORY.markup);
  // After 102 come 103 and 105 (read), then 106 (unread).
  await page.keyboard.press("n");
  await waitOpen(page, STORY.raid);
  await page.keyboard.press("p");
  // 102 was read by opening it, so the previous unread one is 101.
  await waitOpen(page, STORY.appeal);
  assert.deepEqual((await app.calls("get_entry")).map((c) => c.args.id), [102, 106, 101]);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("m toggles read, o opens the original, r refreshes all", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await page.keyboard.press("j");
  await app.waitForCalls("set_read", 1);
  await page.keyboard.press("m");
  await app.waitForCalls("set_read", 2);
  await page.waitForFunction((x) => document.getElementById(`entry-${x}`).classList.contains("is-unread"), STORY.protest);
  await page.keyboard.press("m");
  assert.deepEqual((await app.waitForCalls("set_read", 3)).map((c) => c.args), [
    { id: 108, read: true }, { id: 108, read: false }, { id: 108, read: true },
  ]);
  await page.keyboard.press("o");
  assert.deepEqual((await app.waitForCalls("open_link")).map((c) => c.args), [{ url: "https://rights.example.org/2026/01/protest" }]);
  await page.keyboard.press("r");
  assert.deepEqual((await app.waitForCalls("sync_now")).map((c) => c.args), [{}]);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("g u, g b, g t and g a switch views", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  const title = page.locator("#view-title");
  await page.keyboard.press("g");
  await page.keyboard.press("u");
  await page.waitForFunction(() => document.getElementById("view-title").textContent === "Unread");
  let last = (await app.waitForCalls("list_entries", 2)).at(-1);
  assert.deepEqual(last.args, { query: { unreadOnly: true, limit: 100 } });
  await page.waitForSelector(`#entry-${STORY.protest}`);
  assert.equal(await page.locator(`#entry-${STORY.russian}`).count(), 0, "read stories are not in Unread");
  assert.equal(await page.locator('.source-button[aria-current="page"]').getAttribute("data-view"), "unread");

  await page.keyboard.press("g");
  await page.keyboard.press("b");
  last = (await app.waitForCalls("list_entries", 3)).at(-1);
  assert.deepEqual(last.args, { query: { bookmarkedOnly: true, limit: 100 } });
  assert.equal(await title.textContent(), "Bookmarks");

  // Today starts at local midnight: 9 January 2026 00:00 in Berlin is 8 January 23:00 UTC.
  await page.keyboard.press("g");
  await page.keyboard.press("t");
  last = (await app.waitForCalls("list_entries", 4)).at(-1);
  assert.deepEqual(last.args, { query: { since: Date.parse("2026-01-08T23:00:00Z") / 1000, limit: 100 } });
  assert.equal(await title.textContent(), "Today");

  await page.keyboard.press("g");
  await page.keyboard.press("a");
  last = (await app.waitForCalls("list_entries", 5)).at(-1);
  assert.deepEqual(last.args, { query: { limit: 100 } });
  assert.equal(await title.textContent(), "All");

  // A lone u (no g before it) does nothing.
  await page.keyboard.press("u");
  assert.equal((await app.calls("list_entries")).length, 5);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("? shows the shortcuts overlay, Escape closes it, and keys are ignored while it is open", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await page.keyboard.press("?");
  const dialog = page.locator("#shortcuts-dialog");
  await dialog.waitFor({ state: "visible" });
  const rows = await dialog.locator("tbody tr").allTextContents();
  assert.ok(rows.some((r) => r.includes("j") && r.includes("Open the next story")));
  assert.ok(rows.some((r) => r.includes("g then u") && r.includes("Go to Unread")));
  assert.ok(rows.some((r) => r.includes("b or s") && r.includes("Bookmark")));
  assert.ok(rows.some((r) => r.includes("?") && r.includes("shortcuts")));

  await page.keyboard.press("j");
  assert.equal((await app.calls("get_entry")).length, 0);

  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  await page.keyboard.press("j");
  await app.waitForCalls("get_entry", 1);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("typing j in the search box searches and does not move through the list", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "search");
  await page.keyboard.type("jk");
  assert.equal(await page.locator("#search").inputValue(), "jk");
  assert.equal((await app.calls("get_entry")).length, 0);
  assert.equal(await page.locator(".entry-row[aria-selected=true]").count(), 0);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("every control is reachable with Tab and shows a visible focus ring", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await app.row(STORY.appeal).click();
  await page.locator("#entry-list").blur();
  const seen = [];
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press("Tab");
    seen.push(await page.evaluate(() => {
      const el = document.activeElement;
      if (el === document.body) return "body|true";
      const style = getComputedStyle(el);
      const ring = style.outlineStyle !== "none" || style.boxShadow !== "none";
      return `${el.id || el.dataset.action || el.className}|${ring}`;
    }));
  }
  const names = seen.map((s) => s.split("|")[0]);
  for (const id of [
    "add-source-button", "refresh-all-button", "search", "entry-list", "mark-all-read-button", "settings-button",
    "shortcuts-button", "toggle-read-button", "toggle-bookmark-button", "copy-link-button", "open-original",
  ]) {
    assert.ok(names.includes(id), `${id} is reachable with Tab (saw ${names.join(", ")})`);
  }
  assert.ok(names.includes("refresh"), "a source's refresh button is reachable");
  assert.deepEqual(seen.filter((s) => s.endsWith("|false")), [], "every focused control shows a ring");
  await app.close();
});
