// The offline banner: the backend's network-state events and the window's online/offline events; Try now;
// saved stories stay readable meanwhile.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { baseFixture, STORY } from "./fixtures.mjs";

const env = setup({ before, after });

const REPORT = { sources: 4, new: 0, updated: 0, unchanged: 4, failed: 0, errors: [] };

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
  assert.equal(await page.locator("#offline-indicator").isVisible(), false, "said once, not twice");
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
