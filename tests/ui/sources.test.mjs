// Sources: adding one (and being told why not), the first-run screen, refreshing one source.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { baseFixture, emptyFixture } from "./fixtures.mjs";

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
    "Could not add this source: https://news.example.org/not-a-feed.html is not a feed: the response is an HTML page");
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
  assert.deepEqual((await app.calls("add_source")).map((c) => c.args), [
    { url: "https://news.example.org/not-a-feed.html" },
    { url: "https://rights.example.org/feed.xml" },
    { url: "https://watch.example.org/feed.xml", folder: "Watchdogs" },
  ]);
  const added = page.locator('.source-button[data-source-id="1000"]');
  await added.waitFor();
  assert.equal(await added.locator(".source-title").textContent(), "watch.example.org");
  assert.equal(await added.getAttribute("aria-current"), "page", "the new source is shown");
  assert.ok((await page.locator(".section-label").allTextContents()).includes("Watchdogs"));
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
