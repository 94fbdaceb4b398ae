// Listing, opening and acting on one story: the reader pane and its toolbar.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { baseFixture, STORY, SOURCES } from "./fixtures.mjs";

const env = setup({ before, after });

test("lists stories newest first with source, relative date, summary and read state", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  const [first] = await app.calls("list_entries");
  assert.deepEqual(first.args, { query: { limit: 100 } });

  const ids = await page.$$eval(".entry-row", (rows) => rows.map((r) => Number(r.dataset.id)));
  assert.deepEqual(ids, [108, 104, 101, 102, 103, 105, 106, 107]);

  const row = app.row(STORY.protest);
  assert.equal(await row.locator(".entry-title").textContent(), "Protest for press freedom draws thousands to the capital");
  assert.equal(await row.locator(".entry-source").textContent(), "Rights Desk");
  assert.equal(await row.locator(".entry-date").textContent(), "40 min ago");
  assert.match(await row.locator(".entry-summary").textContent(), /^Marchers carried photographs/);
  assert.equal(await app.row(STORY.appeal).locator(".entry-date").textContent(), "3 h ago");
  assert.equal(await app.row(STORY.asylum).locator(".entry-date").textContent(), "yesterday");

  assert.equal(await row.getAttribute("role"), "option");
  assert.equal(await row.getAttribute("aria-label"),
    "Protest for press freedom draws thousands to the capital, Rights Desk, unread, 40 min ago");
  assert.equal(await app.row(STORY.asylum).getAttribute("aria-label"),
    "Asylum seekers wait months for a first hearing, Rights Desk, read, bookmarked, yesterday");
  assert.equal(await page.locator("#entry-list").getAttribute("role"), "listbox");

  const weights = await page.$$eval(".entry-title", (els) => els.map((e) => getComputedStyle(e).fontWeight));
  assert.equal(weights[0], "700", "unread title is bold");
  assert.notEqual(await app.row(STORY.russian).locator(".entry-title").evaluate((e) => getComputedStyle(e).fontWeight), "700");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("opening a story renders its body and marks it read through set_read", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  const count = page.locator(`.source-button[data-source-id="${SOURCES.rights.id}"] .source-count`);
  assert.equal(await count.textContent(), "3");
  const unreadView = page.locator('.source-button[data-view="unread"] .source-count');
  const unreadBefore = Number(await unreadView.textContent());
  // The source's row, to see that reading changes its count in place rather than building the pane again.
  await page.evaluate((id) => { window.__sourceRow = document.querySelector(`li[data-source-id="${id}"]`); }, SOURCES.rights.id);

  await app.row(STORY.appeal).click();
  await page.waitForSelector("#article:not([hidden])");
  assert.equal(await page.locator("#article-title").textContent(), "Appeal court hears the case of a jailed newspaper editor");
  assert.equal(await page.locator("#article-source").textContent(), "Rights Desk");
  assert.equal(await page.locator("#article-author").textContent(), "Tomás Ferreira");
  assert.match(await page.locator("#article-body").textContent(), /The appeal court heard arguments on Thursday/);
  assert.equal(await page.locator("#article-body figure img").count(), 1);
  assert.deepEqual((await app.calls("get_entry")).map((c) => c.args), [{ id: STORY.appeal }]);

  const setRead = await app.waitForCalls("set_read");
  assert.deepEqual(setRead.map((c) => c.args), [{ id: STORY.appeal, read: true }]);
  await page.waitForFunction((id) => !document.getElementById(`entry-${id}`).classList.contains("is-unread"), STORY.appeal);
  assert.match(await app.row(STORY.appeal).getAttribute("aria-label"), /, read, /);
  assert.equal(await count.textContent(), "2");
  assert.equal(Number(await unreadView.textContent()), unreadBefore - 1);
  assert.equal(await page.evaluate(() => window.__sourceRow.isConnected), true, "the source pane was built again");
  assert.equal((await page.locator("#toggle-read-button").textContent()).trim(), "Mark unread");

  // Opening a story that is already read does not call set_read again.
  await app.row(STORY.russian).click();
  await page.waitForFunction(() => document.getElementById("article-title").textContent.startsWith("Суд"));
  assert.equal((await app.calls("set_read")).length, 1);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("bookmarks toggle with the button and with the b and s keys", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await app.row(STORY.protest).click();
  const button = page.locator("#toggle-bookmark-button");
  await page.waitForSelector("#article:not([hidden])");
  assert.equal(await button.getAttribute("aria-pressed"), "false");

  await button.click();
  await app.waitForCalls("set_bookmarked", 1);
  assert.equal(await button.getAttribute("aria-pressed"), "true");
  assert.equal((await button.textContent()).trim(), "Bookmarked");
  assert.match(await app.row(STORY.protest).getAttribute("class"), /is-bookmarked/);

  await page.keyboard.press("b");
  await app.waitForCalls("set_bookmarked", 2);
  assert.equal(await button.getAttribute("aria-pressed"), "false");

  await page.keyboard.press("s");
  const calls = await app.waitForCalls("set_bookmarked", 3);
  assert.deepEqual(calls.map((c) => c.args), [
    { id: STORY.protest, bookmarked: true },
    { id: STORY.protest, bookmarked: false },
    { id: STORY.protest, bookmarked: true },
  ]);
  assert.equal(await button.getAttribute("aria-pressed"), "true");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a link in the body goes to open_link and the window never navigates", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  const address = page.url();
  await app.row(STORY.appeal).click();
  await page.locator("#article-body a", { hasText: "full appeal brief" }).click();
  const calls = await app.waitForCalls("open_link");
  assert.deepEqual(calls.map((c) => c.args), [{ url: "https://rights.example.org/documents/appeal-brief.pdf" }]);

  await page.locator("#article-body a", { hasText: "our report" }).click({ button: "middle" });
  await page.locator("#open-original").click();
  assert.deepEqual((await app.waitForCalls("open_link", 3)).map((c) => c.args.url), [
    "https://rights.example.org/documents/appeal-brief.pdf",
    "https://rights.example.org/2025/11/first-hearing",
    "https://rights.example.org/2026/01/appeal-hearing",
  ]);
  assert.equal(page.url(), address);
  assert.equal(app.context.pages().length, 1, "no new window either");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("titles, summaries and source names are text, never markup", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  const title = app.row(STORY.markup).locator(".entry-title");
  assert.equal(await title.textContent(), "Title with <b>tags</b> & <img src=x onerror=alert(1)> stays text");
  assert.equal(await title.locator("b, img").count(), 0);
  assert.equal(await app.row(STORY.markup).locator(".entry-summary script").count(), 0);

  await app.row(STORY.markup).click();
  await page.waitForSelector("#article:not([hidden])");
  assert.equal(await page.locator("#article-title").textContent(), "Title with <b>tags</b> & <img src=x onerror=alert(1)> stays text");
  assert.equal(await page.locator("#article-title *").count(), 0);
  assert.equal(await page.locator("img[src=x]").count(), 0);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a Persian story reads right to left in its row, its title and its body", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  const row = app.row(STORY.persian);
  assert.equal(await row.getAttribute("dir"), "rtl");
  assert.equal(await row.locator(".entry-title").getAttribute("dir"), "auto");
  assert.equal(await row.locator(".entry-summary").getAttribute("dir"), "auto");
  assert.equal(await row.locator(".entry-title").evaluate((e) => getComputedStyle(e).direction), "rtl");
  assert.equal(await app.row(STORY.protest).getAttribute("dir"), "ltr");

  await row.click();
  await page.waitForSelector("#article:not([hidden])");
  const body = page.locator("#article-body");
  assert.equal(await body.getAttribute("dir"), "rtl");
  assert.equal(await body.evaluate((e) => getComputedStyle(e).direction), "rtl");
  assert.equal(await page.locator("#article").getAttribute("lang"), "fa");
  assert.equal(await page.locator("#article-title").getAttribute("dir"), "auto");
  assert.equal(await page.locator("#article-title").evaluate((e) => getComputedStyle(e).direction), "rtl");
  assert.match(await body.textContent(), /روزنامه‌نگاری جرم نیست/);

  // An English story opened after it is left to right again.
  await app.row(STORY.protest).click();
  await page.waitForFunction(() => document.getElementById("article-body").dir === "ltr");
  assert.equal(await body.evaluate((e) => getComputedStyle(e).direction), "ltr");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("copy link puts the story's address on the clipboard", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await app.context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await app.row(STORY.russian).click();
  await page.locator("#copy-link-button").click();
  await page.locator(".toast", { hasText: "Link copied." }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "https://sud.example.org/news/delo-otlozheno");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("copy link falls back to a selection copy when the clipboard API refuses", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await app.context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
  });
  await app.row(STORY.persian).click();
  await page.locator("#copy-link-button").click();
  await page.locator(".toast", { hasText: "Link copied." }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "https://azadi.example.org/news/appeal-upheld");
  assert.equal(await page.locator("textarea").count(), 0, "the helper is removed again");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a failing command shows its message in words", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await page.evaluate(() => {
    window.__fake.failures.set_bookmarked = { code: "db", message: "the database is locked" };
  });
  await app.row(STORY.protest).click();
  await page.locator("#toggle-bookmark-button").click();
  const toast = page.locator(".toast-error");
  await toast.waitFor();
  assert.match(await toast.textContent(), /Could not bookmark the story: the database is locked/);
  assert.doesNotMatch(await page.locator("body").textContent(), /\[object Object\]/);
  // The optimistic change is rolled back.
  assert.equal(await page.locator("#toggle-bookmark-button").getAttribute("aria-pressed"), "false");
  await app.close();
});

test("bookmarking a story a cleanup already removed empties the reader with a calm note, not an error", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await app.row(STORY.appeal).click();
  await page.waitForFunction(() => document.getElementById("article-title").textContent.startsWith("Appeal court"));
  await app.waitForCalls("set_read");
  // The background cleanup after a sync removes it meanwhile.
  await page.evaluate((id) => {
    window.__fake.db.entries = window.__fake.db.entries.filter((e) => e.id !== id);
  }, STORY.appeal);

  await page.locator("#toggle-bookmark-button").click();
  await app.waitForCalls("set_bookmarked");
  await page.locator("#reader-empty:not([hidden])").waitFor();
  assert.equal(await page.locator("#reader-empty-title").textContent(), "This story was removed by cleanup.");
  assert.equal(await app.row(STORY.appeal).count(), 0);
  assert.equal(await page.locator(".toast-error").count(), 0);

  // Opening a story that is gone says the same.
  await page.evaluate((id) => {
    window.__fake.db.entries = window.__fake.db.entries.filter((e) => e.id !== id);
  }, STORY.markup);
  await app.row(STORY.markup).click();
  await page.waitForFunction((id) => !document.getElementById(`entry-${id}`), STORY.markup);
  assert.equal(await page.locator("#reader-empty-title").textContent(), "This story was removed by cleanup.");
  assert.equal(await page.locator(".toast-error").count(), 0);
  assert.deepEqual(app.problems, []);
  await app.close();
});
