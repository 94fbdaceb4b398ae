// The offline banner: the backend's network-state events and the window's online/offline events; Try now;
// saved stories stay readable meanwhile.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { baseFixture, STORY, SOURCES } from "./fixtures.mjs";

const env = setup({ before, after });

const REPORT = { sources: 4, new: 0, updated: 0, unchanged: 4, failed: 0, errors: [] };

const progress = (done, total, sourceId, extra = {}) => ({
  done, total, source_id: sourceId, url: `https://source-${sourceId}.example.org/feed.xml`,
  new: 0, updated: 0, unchanged: 0, error: null, ...extra,
});

/** What the backend sends when a sync of all four sources finds no network: a failure each, then network-state. */
async function syncWithoutNetwork(app, retryIn) {
  const codes = ["dns", "connect", "timeout", "connect"];
  for (let i = 0; i < 4; i += 1) {
    await app.emit("sync-progress", progress(i + 1, 4, i + 1, {
      error: { code: codes[i], message: `cannot connect to source-${i + 1}.example.org: Connection refused` },
    }));
  }
  await app.emit("network-state", { offline: true, retry_in: retryIn, message: "cannot connect: Connection refused" });
}

/** The footer's words, the red badges shown, and the source tooltips' last lines. */
const calmness = (page) => page.evaluate(() => ({
  footer: document.getElementById("sync-status").innerText.replace(/\s+/g, " ").trim(),
  badges: [...document.querySelectorAll(".source-item")]
    .filter((li) => li.querySelector(".source-error") && !li.querySelector(".source-error").hidden)
    .map((li) => Number(li.dataset.sourceId)),
}));

test("a network-state event shows a calm offline banner with the retry time, and Try now refreshes", async () => {
  const app = await openApp(env.browser, env.server, baseFixture(), { clock: "install" });
  const { page } = app;
  assert.equal(await page.evaluate(() => window.__fake.listening("network-state")), 1);
  const banner = page.locator("#offline-banner");
  assert.equal(await banner.isVisible(), false);

  await app.emit("network-state", { offline: true, retry_in: 300, message: "could not resolve rights.example.org" });
  await banner.waitFor({ state: "visible" });
  assert.equal(await page.locator("#offline-banner-text").textContent(), "Offline — showing saved stories.");
  assert.equal(await page.locator("#offline-retry").textContent(), "Retrying in 5 min.");
  assert.equal(await banner.getAttribute("role"), "status");
  assert.equal(await banner.getAttribute("title"), "Last attempt: could not resolve rights.example.org");
  assert.equal(await page.locator("#offline-indicator-text").textContent(), "Offline · last refreshed at\u00a015:40");
  assert.equal(await page.locator(".toast-error").count(), 0);

  // The retry time counts down as the minutes pass.
  await page.clock.runFor(2 * 60 * 1000 + 1000);
  await page.waitForFunction(() => document.getElementById("offline-retry").textContent === "Retrying in 3 min.");

  // Saved stories stay readable.
  await app.row(STORY.appeal).click();
  await page.waitForFunction(() => document.getElementById("article-title").textContent.startsWith("Appeal court"));
  assert.match(await page.locator("#article-body").textContent(), /The appeal court heard arguments/);

  // Try now refreshes everything; while that runs the button waits.
  const tryNow = page.locator("#offline-retry-button");
  await tryNow.click();
  assert.deepEqual((await app.waitForCalls("sync_now")).map((c) => c.args), [{}]);
  await page.waitForFunction(() => document.getElementById("offline-retry-button").getAttribute("aria-disabled") === "true");
  assert.equal(await tryNow.textContent(), "Trying…");
  assert.equal(await tryNow.evaluate((b) => b === document.activeElement), true, "the focus stays on the button");
  await page.keyboard.press("Enter");
  assert.equal((await app.calls("sync_now")).length, 1, "pressed again while it runs: no second refresh");
  assert.equal(await page.locator(".toast", { hasText: "already running" }).count(), 0);

  // Still offline: a new retry time; then the network is back and the banner goes.
  await app.emit("network-state", { offline: true, retry_in: 45, message: null });
  await page.waitForFunction(() => document.getElementById("offline-retry").textContent === "Retrying within a minute.");
  await page.evaluate((report) => window.__fake.finishSync(report), REPORT);
  await page.waitForFunction(() => document.getElementById("offline-retry-button").getAttribute("aria-disabled") === "false");
  assert.equal(await tryNow.textContent(), "Try now");
  await app.emit("network-state", { offline: false, retry_in: null, message: null });
  await banner.waitFor({ state: "hidden" });
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("the window's offline and online events show and hide the banner; back online it refreshes once", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  const banner = page.locator("#offline-banner");

  await app.context.setOffline(true);
  await banner.waitFor({ state: "visible" });
  assert.equal(await page.locator("#offline-retry").textContent(), "", "no retry time the browser could know");
  await app.context.setOffline(false);
  await banner.waitFor({ state: "hidden" });
  assert.deepEqual((await app.waitForCalls("sync_now")).map((c) => c.args), [{}]);
  await page.evaluate((report) => window.__fake.finishSync(report), REPORT);
  await page.waitForFunction(() => !document.getElementById("refresh-all-button").classList.contains("is-spinning"));

  // Coming back online while a refresh runs starts no second one, and says nothing about it.
  await app.context.setOffline(true);
  await banner.waitFor({ state: "visible" });
  await page.locator("#offline-retry-button").click();
  await app.waitForCalls("sync_now", 2);
  await app.context.setOffline(false);
  await banner.waitFor({ state: "hidden" });
  assert.equal((await app.calls("sync_now")).length, 2);
  assert.equal(await page.locator(".toast", { hasText: "already running" }).count(), 0);
  await page.evaluate((report) => window.__fake.finishSync(report), REPORT);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("offline, failures for want of a network are calm; back online a real failure is red again", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  assert.deepEqual((await calmness(page)).badges, [SOURCES.monitor.id], "the monitor's 503 is shown as today");

  // The backend's automatic retry finds no network: every source fails, then the banner.
  await syncWithoutNetwork(app, 30);
  await page.locator("#offline-banner").waitFor({ state: "visible" });
  assert.deepEqual(await calmness(page), { footer: "Offline · last refreshed at 15:40", badges: [] });
  assert.match(await page.locator('.source-button[data-source-id="2"]').getAttribute("title"), /\nNot refreshed: offline/);
  assert.doesNotMatch(await page.locator('.source-button[data-source-id="2"]').getAttribute("title"), /failed/);
  assert.equal(await page.locator(".source-item.has-error").count(), 0);

  // A source's own view: a calm line, not a red box.
  await page.locator('.source-button[data-source-id="2"]').click();
  const line = page.locator("#view-error");
  await line.waitFor({ state: "visible" });
  assert.equal(await page.locator("#view-error-text").textContent(), "Not refreshed: offline.");
  assert.equal(await line.evaluate((el) => getComputedStyle(el).backgroundColor), "rgba(0, 0, 0, 0)");
  assert.equal(await line.locator("use").getAttribute("href"), "#i-offline");

  // Another automatic retry fails: the footer still says offline, not "Refreshed · 4 failed".
  await syncWithoutNetwork(app, 60);
  await page.waitForFunction(() => document.getElementById("offline-retry").textContent === "Retrying within a minute.");
  assert.deepEqual(await calmness(page), { footer: "Offline · last refreshed at 15:40", badges: [] });

  // The network is back: the next retry reaches three sources; the fourth answers 404, which is news.
  for (const id of [1, 2, 3]) await app.emit("sync-progress", progress(id, 4, id, { unchanged: 1 }));
  await app.emit("sync-progress", progress(4, 4, 4, { error: { code: "http_404", message: "the feed is gone (404 Not Found)" } }));
  await app.emit("network-state", { offline: false, retry_in: null, message: null });
  await page.locator("#offline-banner").waitFor({ state: "hidden" });
  assert.deepEqual(await calmness(page), { footer: "Refreshed at 16:00 · 1 failed", badges: [SOURCES.monitor.id] });
  assert.equal(await line.isVisible(), false, "source 2 is fine again");
  await page.locator('.source-button[data-source-id="4"]').click();
  await line.waitFor({ state: "visible" });
  assert.equal(await page.locator("#view-error-text").textContent(),
    "The last refresh of this source failed: the feed is gone (404 Not Found)");
  assert.equal(await line.locator("use").getAttribute("href"), "#i-alert");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("when the browser goes offline, network failures are calm until a refresh reaches a source again", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await app.context.setOffline(true);
  await page.locator("#offline-banner").waitFor({ state: "visible" });
  await app.emit("sync-progress", progress(1, 1, 2, { error: { code: "connect", message: "cannot connect: Connection refused" } }));
  assert.deepEqual(await calmness(page), { footer: "Offline · last refreshed at 15:40", badges: [SOURCES.monitor.id] });

  // Online again: the banner goes and the window refreshes; until that reaches a source, old failures stay calm.
  await app.context.setOffline(false);
  await page.locator("#offline-banner").waitFor({ state: "hidden" });
  await app.waitForCalls("sync_now");
  assert.deepEqual((await calmness(page)).badges, [SOURCES.monitor.id]);
  await app.emit("sync-progress", progress(1, 4, 1, { unchanged: 1 }));
  await app.emit("sync-progress", progress(2, 4, 3, { unchanged: 1 }));
  await app.emit("sync-progress", progress(3, 4, 4, { unchanged: 1 }));
  // The network is reached, so a source that still cannot be reached is a real failure of its own.
  await app.emit("sync-progress", progress(4, 4, 2, { error: { code: "connect", message: "cannot connect: Connection refused" } }));
  await page.evaluate(() => window.__fake.finishSync({
    sources: 4, new: 0, updated: 0, unchanged: 3, failed: 1,
    errors: [{ source_id: 2, url: "https://sud.example.org/feed.xml", code: "connect", message: "cannot connect: Connection refused" }],
  }));
  await page.waitForFunction(() => document.getElementById("sync-summary").textContent.startsWith("Refreshed at"));
  assert.deepEqual(await calmness(page), { footer: "Refreshed at 16:00 · 1 failed", badges: [2] });
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("Try now says Trying… until its sync_now settles, even when every source fails at once", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await app.emit("network-state", { offline: true, retry_in: 300, message: "cannot connect: Connection refused" });
  const tryNow = page.locator("#offline-retry-button");
  await tryNow.waitFor({ state: "visible" });
  const announced = () => page.locator("#offline-announce").textContent();
  assert.equal(await page.locator("#offline-announce").evaluate((el) => el.closest("[aria-live]") !== null), true);

  await tryNow.click();
  await app.waitForCalls("sync_now");
  assert.equal(await tryNow.textContent(), "Trying…");
  assert.equal(await tryNow.getAttribute("aria-disabled"), "true");
  assert.equal(await announced(), "Trying to reach the network…");

  // The sources fail one after the other, all at once, and the backend says it is still offline: the sync_now
  // has not answered yet, so the button still waits.
  await syncWithoutNetwork(app, 30);
  assert.equal(await tryNow.textContent(), "Trying…");
  assert.equal(await tryNow.getAttribute("aria-disabled"), "true");
  await page.keyboard.press("Enter");
  assert.equal((await app.calls("sync_now")).length, 1, "no second attempt while one runs");

  await page.evaluate(() => window.__fake.finishSync({
    sources: 4, new: 0, updated: 0, unchanged: 0, failed: 4,
    errors: [1, 2, 3, 4].map((id) => ({ source_id: id, url: `https://source-${id}.example.org/feed.xml`, code: "connect", message: "refused" })),
  }));
  await page.waitForFunction(() => document.getElementById("offline-retry-button").textContent === "Try now");
  assert.equal(await tryNow.getAttribute("aria-disabled"), "false");
  assert.equal(await announced(), "Still offline.");
  assert.equal(await page.locator("#offline-retry").textContent(), "Retrying within a minute.");
  assert.equal(await page.locator(".toast-error").count(), 0);
  assert.deepEqual(app.problems, []);
  await app.close();
});
