// Sync progress from sync-progress events, failed sources, the offline notice; mark all read with undo.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { baseFixture, STORY } from "./fixtures.mjs";

const env = setup({ before, after });

const progress = (done, total, sourceId, extra = {}) => ({
  done, total, source_id: sourceId, url: `https://source-${sourceId}.example.org/feed.xml`,
  new: 0, updated: 0, unchanged: 0, error: null, ...extra,
});

test("refresh all shows '12 of 40'-style progress from events and updates the sources as they finish", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  assert.equal(await page.evaluate(() => window.__fake.listening("sync-progress")), 1);
  const text = page.locator("#sync-progress-text");
  assert.equal(await page.locator("#sync-progress").isVisible(), false);

  await page.locator("#refresh-all-button").click();
  assert.deepEqual((await app.waitForCalls("sync_now")).map((c) => c.args), [{}]);
  await page.locator("#sync-progress").waitFor({ state: "visible" });
  assert.equal(await text.textContent(), "0 of 4\u00a0sources");
  const sourcesCalls = (await app.calls("list_sources")).length;

  // A second refresh while one runs is not started.
  await page.locator("#entry-list").focus();
  await page.keyboard.press("r");
  await page.locator(".toast", { hasText: "A refresh is already running." }).waitFor();
  assert.equal((await app.calls("sync_now")).length, 1);

  // Source 1 finishes with two new stories: its count is re-read from the backend.
  await page.evaluate(() => {
    const db = window.__fake.db;
    for (const n of [1, 2]) {
      db.entries.push({ ...db.entries[0], id: 200 + n, title: `New story ${n}`, read: false, published: "2026-01-09T14:55:00Z" });
    }
  });
  await app.emit("sync-progress", progress(1, 4, 1, { new: 2 }));
  assert.equal(await text.textContent(), "1 of 4\u00a0sources");
  assert.equal(await page.locator("#sync-progress-bar").evaluate((p) => [p.value, p.max].join("/")), "1/4");
  await app.waitForCalls("list_sources", sourcesCalls + 1);
  await page.waitForFunction(() => document.querySelector('.source-button[data-source-id="1"] .source-count').textContent === "5");

  // Source 2 fails: it is marked at once, and the list stays usable meanwhile.
  await app.emit("sync-progress", progress(2, 4, 2, { error: { code: "http_404", message: "the feed is gone (404 Not Found)" } }));
  assert.equal(await text.textContent(), "2 of 4\u00a0sources");
  assert.equal(await page.locator('.source-item[data-source-id="2"] .source-error').getAttribute("title"),
    "Last refresh failed: the feed is gone (404 Not Found)");
  await app.row(STORY.appeal).click();
  await app.waitForCalls("set_read");

  await app.emit("sync-progress", progress(3, 4, 3, { unchanged: 1 }));
  await app.emit("sync-progress", progress(4, 4, 4, { error: { code: "http_503", message: "still down" } }));
  await page.locator("#sync-progress").waitFor({ state: "hidden" });
  await page.evaluate(() => window.__fake.finishSync({
    sources: 4, new: 2, updated: 0, unchanged: 1, failed: 2,
    errors: [
      { source_id: 2, url: "https://sud.example.org/feed.xml", code: "http_404", message: "the feed is gone (404 Not Found)" },
      { source_id: 4, url: "https://monitor.example.org/feed.xml", code: "http_503", message: "still down" },
    ],
  }));
  await page.waitForFunction(() => document.getElementById("sync-summary").textContent.includes("2 new"));
  assert.match(await page.locator("#sync-summary").textContent(), /^Refreshed at .+ · 2 new · 2 failed$/);
  // The list is not pulled from under the reader: new stories are offered instead.
  assert.equal(await page.locator("#new-stories").textContent(), "Show 2 new stories");
  await page.locator("#new-stories").click();
  await page.locator("#entry-201").waitFor();
  assert.equal(await page.locator("#offline-indicator").isVisible(), false);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("an offline notice shows when every source failed for want of a network, and goes when one succeeds", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  const offline = page.locator("#offline-indicator");
  assert.equal(await offline.isVisible(), false);
  const codes = ["dns", "timeout", "connect", "network"];
  for (let i = 0; i < 4; i += 1) {
    await app.emit("sync-progress", progress(i + 1, 4, i + 1, { error: { code: codes[i], message: `failed: ${codes[i]}` } }));
  }
  await offline.waitFor({ state: "visible" });
  assert.equal((await offline.textContent()).trim(), "Offline · last refreshed at\u00a015:40");
  assert.equal(await page.locator("#sync-summary").textContent(), "", "no count of failures while offline");
  assert.equal(await page.locator(".source-error:not([hidden])").count(), 0, "no red badges for them");

  // A feed that answered 404 is not "offline".
  await app.emit("sync-progress", progress(1, 1, 1, { error: { code: "http_404", message: "gone" } }));
  await offline.waitFor({ state: "hidden" });
  // Nor is a certificate that does not check out.
  await app.emit("sync-progress", progress(1, 1, 1, { error: { code: "tls", message: "certificate" } }));
  assert.equal(await offline.isVisible(), false);
  assert.equal(await page.locator('.source-item[data-source-id="1"] .source-error').isVisible(), true);
  await app.emit("sync-progress", progress(1, 1, 1, { error: { code: "connect", message: "refused" } }));
  await offline.waitFor({ state: "visible" });
  await app.emit("sync-progress", progress(1, 1, 1, { unchanged: 1 }));
  await offline.waitFor({ state: "hidden" });
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("mark all read marks the view read, and Undo restores exactly those stories", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await page.locator('.source-button[data-source-id="1"]').click();
  await app.waitForCalls("list_entries", 2);
  await page.locator(`#entry-${STORY.protest}`).waitFor();

  await page.locator("#mark-all-read-button").click();
  const [call] = await app.waitForCalls("mark_all_read");
  assert.deepEqual(call.args, { query: { sourceId: 1 } });
  await page.waitForFunction(() => document.querySelectorAll(".entry-row.is-unread").length === 0);
  const toast = page.locator(".toast", { hasText: "Marked 3 stories read." });
  await toast.waitFor();
  await page.waitForFunction(() => document.querySelector('.source-button[data-source-id="1"] .source-count').textContent === "");

  await toast.locator("button", { hasText: "Undo" }).click();
  const [undo] = await app.waitForCalls("set_read_many");
  assert.equal(undo.args.read, false);
  assert.deepEqual([...undo.args.ids].sort(), [STORY.appeal, STORY.markup, STORY.protest].sort());
  await page.waitForFunction(() => document.querySelectorAll(".entry-row.is-unread").length === 3);
  await page.waitForFunction(() => document.querySelector('.source-button[data-source-id="1"] .source-count').textContent === "3");
  assert.doesNotMatch(await app.row(STORY.asylum).getAttribute("class"), /is-unread/, "a story read before stays read");

  // The A key does the same in the All view.
  await page.keyboard.press("g");
  await page.keyboard.press("a");
  await app.waitForCalls("list_entries", 3);
  await page.locator(`#entry-${STORY.persian}`).waitFor();
  await page.keyboard.press("A");
  const calls = await app.waitForCalls("mark_all_read", 2);
  assert.deepEqual(calls[1].args, { query: {} });
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a refresh the backend passed over entirely says why instead of seeming to do nothing", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await page.locator("#refresh-all-button").click();
  await app.waitForCalls("sync_now");
  await page.evaluate(() =>
    window.__fake.finishSync({ sources: 0, new: 0, updated: 0, unchanged: 0, failed: 0, skipped: 4, errors: [] }));
  await page.locator(".toast", { hasText: "Nothing to refresh yet" }).waitFor();

  // A refresh that fetched something says nothing of the kind.
  await page.locator(".toast", { hasText: "Nothing to refresh yet" }).locator(".toast-close").click();
  assert.equal(await page.locator(".toast").count(), 0);
  await page.locator("#refresh-all-button").click();
  await page.waitForFunction(() => window.__fake.pendingSyncs() === 1);
  await page.evaluate(() =>
    window.__fake.finishSync({ sources: 3, new: 0, updated: 0, unchanged: 3, failed: 0, skipped: 1, errors: [] }));
  await page.locator("#sync-summary", { hasText: "Refreshed at" }).waitFor();
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50))));
  assert.equal(await page.locator(".toast").count(), 0);
});
