// Sources: adding one (and being told why not), the first-run screen, refreshing one source, site icons and
// each source's full-text mode.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { baseFixture, emptyFixture, offlineFixture, PICTURES } from "./fixtures.mjs";

const env = setup({ before, after });

test("Add source says in words why an address is not a feed, then subscribes a good one", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await page.locator("#add-source-button").click();
  const dialog = page.locator("#add-dialog");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => document.activeElement.id), "add-url");

  await page.keyboard.type("https://news.example.org/not-a-feed.html");
  await page.keyboard.press("Enter");
  const error = page.locator("#add-error");
  await error.waitFor({ state: "visible" });
  assert.equal(await error.textContent(),
    "Could not add this source: https://news.example.org/not-a-feed.html is not a feed: it is a web page that announces no feed");
  assert.equal(await dialog.isVisible(), true, "the dialog stays open to fix the address");
  assert.equal(await page.locator("#add-url").getAttribute("aria-invalid"), "true");

  await page.locator("#add-url").fill("https://rights.example.org/feed.xml");
  await page.locator("#add-submit").click();
  await page.waitForFunction(() => document.getElementById("add-error").textContent.includes("already subscribed"));
  assert.equal(await error.textContent(), "Could not add this source: already subscribed (source 1)");

  await page.locator("#add-url").fill("https://watch.example.org/feed.xml");
  await page.locator("#add-folder").fill("Watchdogs");
  await page.locator("#add-submit").click();
  await dialog.waitFor({ state: "hidden" });
  // The address is looked up first (find_feeds); one that leads to no feed is never subscribed to.
  assert.deepEqual((await app.calls("add_source")).map((c) => c.args), [
    { url: "https://rights.example.org/feed.xml" },
    { url: "https://watch.example.org/feed.xml", folder: "Watchdogs" },
  ]);
  const added = page.locator('.source-button[data-source-id="1000"]');
  await added.waitFor();
  assert.equal(await added.locator(".source-title").textContent(), "watch.example.org");
  assert.equal(await added.getAttribute("aria-current"), "page", "the new source is shown");
  assert.deepEqual(await page.locator(".folder-button .source-title").allTextContents(), ["Courts", "Watchdogs"]);
  assert.equal(await page.locator('.folder-item[data-folder="Watchdogs"] .source-item[data-source-id="1000"]').count(), 1);
  assert.match(await page.locator(".toast").last().textContent(), /Subscribed to \u2068watch\.example\.org\u2069\./);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("first run explains what to do and subscribes a suggestion only when its Add is pressed", async () => {
  const app = await openApp(env.browser, env.server, emptyFixture());
  const { page } = app;
  const welcome = page.locator("#welcome");
  assert.equal(await welcome.isVisible(), true);
  assert.equal(await page.locator("#welcome-title").textContent(), "Welcome to Offprint");
  assert.equal(await page.locator("#entry-list").isVisible(), false);
  assert.equal(await page.locator("#reader-pane").isVisible(), false);
  const urls = await page.locator(".suggestion-url").evaluateAll((inputs) => inputs.map((i) => i.value));
  assert.equal(urls.length, 4);
  for (const url of urls) assert.match(url, /^https:\/\/[a-z]+\.example\.org\/feed\.xml$/);
  assert.deepEqual(await app.calls("add_source"), [], "nothing is subscribed on its own");
  assert.deepEqual(await app.calls("list_entries"), [], "and nothing is listed yet");

  const second = page.locator(".suggestion").nth(1);
  await second.locator(".suggestion-url").fill("https://sud.example.org/rss/main.xml");
  await second.locator("button").click();
  await second.locator("button", { hasText: "Added" }).waitFor();
  assert.deepEqual((await app.calls("add_source")).map((c) => c.args), [{ url: "https://sud.example.org/rss/main.xml" }]);
  assert.equal(await page.locator(".source-item[data-source-id]").count(), 1);

  const third = page.locator(".suggestion").nth(2);
  await third.locator(".suggestion-url").fill("https://azadi.example.org/not-a-feed");
  await third.locator("button").click();
  await third.locator(".suggestion-error:not([hidden])").waitFor();
  assert.match(await third.locator(".suggestion-error").textContent(), /is not a feed: the response is an HTML page/);

  await page.locator("#welcome-done-button").click();
  await welcome.waitFor({ state: "hidden" });
  assert.deepEqual((await app.waitForCalls("list_entries")).map((c) => c.args), [{ query: { limit: 100 } }]);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a source's own refresh button refreshes just that source", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  const item = page.locator('.source-item[data-source-id="2"]');
  await item.hover();
  const refresh = item.locator(".source-refresh");
  assert.equal(await refresh.getAttribute("aria-label"), "Refresh Судебный вестник");
  await refresh.click();
  assert.deepEqual((await app.waitForCalls("sync_now")).map((c) => c.args), [{ sourceId: 2 }]);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a source shows its site icon when the cache has it, and the feed glyph when it does not", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  const icon = page.locator('.source-button[data-source-id="1"] .source-icon');
  assert.equal(await icon.evaluate((el) => el.tagName), "IMG");
  assert.equal(await icon.getAttribute("src"), PICTURES.rightsIcon);
  assert.equal(await icon.getAttribute("alt"), "");
  await page.waitForFunction(() => document.querySelector('.source-button[data-source-id="1"] img.source-icon')?.naturalWidth === 32);
  assert.deepEqual(await icon.boundingBox().then((b) => [b.width, b.height]), [16, 16]);

  // Source 2's icon is not in the cache: it falls back to the glyph, and later renders do not ask again.
  await page.locator('.source-button[data-source-id="2"] svg.source-icon').waitFor();
  assert.equal(await page.locator('.source-button[data-source-id="2"] img').count(), 0);
  await page.locator('.source-button[data-source-id="2"]').click();
  await page.locator('.source-button[data-source-id="2"][aria-current="page"] svg.source-icon').waitFor();
  assert.equal(await page.locator('.source-button[data-source-id="3"] svg.source-icon use').getAttribute("href"), "#i-feed");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a source's menu sets how it gets its full text, by mouse, keyboard or right click", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  const item = page.locator('.source-item[data-source-id="1"]');
  const more = item.locator(".source-more");
  const menu = page.locator("#source-menu");
  const checked = () => menu.locator('[aria-checked="true"] .menu-label').allTextContents();
  assert.equal(await more.getAttribute("aria-label"), "Options for Rights Desk");
  assert.match(await item.locator(".source-button").getAttribute("title"), /Full article: Always/);

  await item.hover();
  await more.click();
  await menu.waitFor({ state: "visible" });
  assert.equal(await menu.getAttribute("role"), "menu");
  assert.equal(await menu.getAttribute("aria-label"), "Options for Rights Desk");
  assert.deepEqual(await checked(), ["Always"]);
  assert.equal(await page.locator('.source-item[data-source-id="1"] .source-more').getAttribute("aria-expanded"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), "Rename…", "the focus is on the first item");
  // The full-text modes are a group of their own, named by its heading.
  const group = menu.locator('[role="group"]');
  assert.equal(await group.evaluate((g) => document.getElementById(g.getAttribute("aria-labelledby")).textContent), "Full article");
  assert.deepEqual(await group.locator('[role="menuitemradio"]').evaluateAll((items) => items.map((i) => i.dataset.mode)), ["off", "auto", "always"]);
  // The modes change what new stories get; the hints say so, and claim nothing of stories already saved.
  assert.deepEqual(await menu.locator(".menu-hint").allTextContents(), [
    "New stories: the feed's own text",
    "New stories: the full article when the feed gives only a summary",
    "New stories: always the full article",
  ]);
  // No tooltip of the ⋯ button (or around it) covers the menu's heading.
  assert.equal(await more.evaluate((el) => {
    for (let node = el; node instanceof Element; node = node.parentElement) if (node.hasAttribute("title")) return node.className;
    return null;
  }), null);

  // Keys inside the menu move through it (a letter to the next item it starts) and do not reach the app's
  // shortcuts.
  await page.keyboard.press("ArrowUp");
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), "Remove…", "up from the first wraps to the last");
  await page.keyboard.press("a");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.mode), "auto");
  await page.keyboard.press("j");
  assert.deepEqual(await app.calls("get_entry"), [], "j did not open a story");
  await page.keyboard.press("Enter");
  await menu.waitFor({ state: "hidden" });
  assert.deepEqual((await app.waitForCalls("set_full_text")).map((c) => c.args), [{ sourceId: 1, mode: "auto" }]);
  await page.waitForFunction(() => document.activeElement?.matches('.source-more[data-source-id="1"]'));
  assert.equal(await page.locator('.source-item[data-source-id="1"] .source-more').getAttribute("aria-expanded"), "false");
  await page.locator(".toast", { hasText: "will get the full article when the feed gives only a summary" }).waitFor();
  assert.equal(await page.locator(".toast-text").last().textContent(),
    "New stories from \u2068Rights Desk\u2069 will get the full article when the feed gives only a summary.");
  assert.match(await page.locator('.source-item[data-source-id="1"] .source-button').getAttribute("title"), /Full article: Automatic/);
  assert.equal(await page.evaluate(() => window.__fake.db.sources.find((s) => s.id === 1).full_text), "auto");

  // Escape closes it without changing anything and gives the focus back.
  await page.keyboard.press("Enter");
  await menu.waitFor({ state: "visible" });
  assert.deepEqual(await checked(), ["Automatic"]);
  await page.keyboard.press("Escape");
  await menu.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), "menu");

  // A right click on another source opens its menu at the pointer; a click chooses.
  await page.locator('.source-button[data-source-id="2"]').click({ button: "right" });
  await menu.waitFor({ state: "visible" });
  assert.equal(await menu.getAttribute("aria-label"), "Options for Судебный вестник");
  assert.deepEqual(await checked(), ["Automatic"]);
  await menu.locator(".menu-item", { hasText: "Off" }).click();
  await menu.waitFor({ state: "hidden" });
  assert.deepEqual((await app.waitForCalls("set_full_text", 2)).map((c) => c.args).at(-1), { sourceId: 2, mode: "off" });
  await page.locator(".toast-text", { hasText: "Судебный вестник" }).waitFor();
  assert.equal(await page.locator(".toast-text").last().textContent(),
    "New stories from \u2068Судебный вестник\u2069 will show the feed's own text.");

  // A click elsewhere closes it; a failure is told in words and the mode stays as it was.
  await page.evaluate(() => {
    window.__fake.failures.set_full_text = { code: "db", message: "the database is locked" };
  });
  await page.locator('.source-button[data-source-id="3"]').click({ button: "right" });
  await menu.waitFor({ state: "visible" });
  await page.locator("#reader-pane").click();
  await menu.waitFor({ state: "hidden" });
  await page.locator('.source-button[data-source-id="3"]').click({ button: "right" });
  await menu.locator(".menu-item", { hasText: "Always" }).click();
  await page.locator(".toast-error", { hasText: "the database is locked" }).waitFor();
  assert.doesNotMatch(await page.locator('.source-item[data-source-id="3"] .source-button').getAttribute("title"), /Always/);
  assert.deepEqual(app.problems, []);
  await app.close();
});
