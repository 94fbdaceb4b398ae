// Reading comfort (theme, text size, typeface and column width, saved through set_settings) and storage
// (how long stories are kept, room for pictures, the cache's size, cleaning up).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { baseFixture, offlineFixture, STORY } from "./fixtures.mjs";

const env = setup({ before, after });

const rootData = (page) => page.evaluate(() => ({ ...document.documentElement.dataset }));

test("changing a reading setting applies it at once and saves all settings", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await app.row(STORY.appeal).click();
  await page.waitForSelector("#article:not([hidden])");
  const bodySize = () => page.locator("#article").evaluate((e) => getComputedStyle(e).fontSize);
  const before = await bodySize();

  await page.locator("#settings-button").click();
  const dialog = page.locator("#settings-dialog");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await dialog.locator('input[name="theme"][value="light"]').isChecked(), true);

  await dialog.locator("label", { hasText: "Dark" }).click();
  await dialog.locator("label", { hasText: "Larger" }).click();
  await dialog.locator("label", { hasText: "Sans" }).click();
  await dialog.locator("label", { hasText: "Wide" }).click();
  const calls = await app.waitForCalls("set_settings", 4);
  assert.deepEqual(calls.map((c) => c.args), [
    { settings: { theme: "dark", text_size: "medium", font: "serif", column_width: "medium" } },
    { settings: { theme: "dark", text_size: "x-large", font: "serif", column_width: "medium" } },
    { settings: { theme: "dark", text_size: "x-large", font: "sans", column_width: "medium" } },
    { settings: { theme: "dark", text_size: "x-large", font: "sans", column_width: "wide" } },
  ]);
  assert.deepEqual(await rootData(page), { theme: "dark", textSize: "x-large", font: "sans", column: "wide", ready: "true" });
  assert.notEqual(await bodySize(), before);
  assert.equal(await bodySize(), "23px");
  const background = await page.locator("#reader-pane").evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(background, "rgb(25, 25, 27)", "the dark theme is applied");

  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual(await page.evaluate(() => window.__fake.db.settings),
    { theme: "dark", text_size: "x-large", font: "sans", column_width: "wide" });
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("saved settings are applied when the window opens; system follows the desktop's scheme", async () => {
  const fixture = baseFixture();
  fixture.settings = { theme: "system", text_size: "small", font: "sans", column_width: "narrow" };
  const app = await openApp(env.browser, env.server, fixture, { colorScheme: "dark" });
  const { page } = app;
  assert.deepEqual(await rootData(page), { theme: "system", textSize: "small", font: "sans", column: "narrow", ready: "true" });
  assert.equal(await page.locator("#reader-pane").evaluate((e) => getComputedStyle(e).backgroundColor), "rgb(25, 25, 27)");
  await page.emulateMedia({ colorScheme: "light" });
  assert.equal(await page.locator("#reader-pane").evaluate((e) => getComputedStyle(e).backgroundColor), "rgb(255, 255, 255)");
  assert.deepEqual(await app.calls("set_settings"), [], "reading settings is not writing them");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("the Storage section loads the cache settings and size, saves a change and says why a value is refused", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  await page.locator("#settings-button").click();
  const dialog = page.locator("#settings-dialog");
  await dialog.waitFor({ state: "visible" });
  const usage = page.locator("#storage-usage");
  await page.waitForFunction(() => document.getElementById("storage-usage").textContent.includes("stories"));
  assert.equal(await usage.textContent(), "1,234 stories (12 bookmarked), 56 pictures, 12.3 MB of pictures; database 8.1 MB");
  const read = page.getByLabel("Keep read stories");
  const unread = page.getByLabel("Keep unread stories");
  const budget = page.getByLabel("Space for pictures");
  assert.deepEqual([await read.inputValue(), await unread.inputValue(), await budget.inputValue()], ["60", "180", "1024"]);
  assert.equal((await app.calls("get_cache_settings")).length, 1);
  const error = page.locator("#storage-error");
  assert.equal(await error.isVisible(), false);

  // Too little room for pictures: the backend refuses, and its message is shown beside the fields.
  await budget.fill("8");
  await budget.press("Enter");
  await error.waitFor({ state: "visible" });
  assert.equal(await error.textContent(), "image_budget_mb must be a whole number from 16 to 1048576, not 8");
  assert.equal(await budget.getAttribute("aria-invalid"), "true");
  assert.equal(await dialog.isVisible(), true);
  assert.deepEqual((await app.calls("set_cache_settings")).map((c) => c.args),
    [{ settings: { keep_read_days: 60, keep_unread_days: 180, image_budget_mb: 8 } }]);

  // Not a whole number: said at once, nothing is sent.
  await read.fill("");
  await read.press("Tab");
  await page.waitForFunction(() => document.getElementById("storage-error").textContent.startsWith("Enter a whole number of days"));
  assert.equal(await read.getAttribute("aria-invalid"), "true");
  assert.equal(await budget.getAttribute("aria-invalid"), null);
  assert.equal((await app.calls("set_cache_settings")).length, 1);

  // Good values are saved (on leaving the field, or Enter), and the error goes.
  await read.fill("30");
  await budget.fill("2048");
  await budget.press("Enter");
  await error.waitFor({ state: "hidden" });
  await page.locator("#storage-status", { hasText: "Saved." }).waitFor();
  assert.deepEqual((await app.calls("set_cache_settings")).at(-1).args,
    { settings: { keep_read_days: 30, keep_unread_days: 180, image_budget_mb: 2048 } });
  assert.deepEqual(await page.evaluate(() => window.__fake.db.cacheSettings),
    { keep_read_days: 30, keep_unread_days: 180, image_budget_mb: 2048 });
  assert.equal(await budget.getAttribute("aria-invalid"), null);

  // Forever is 0 days; a value typed and left by closing the dialog is saved too.
  await unread.fill("0");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  await page.waitForFunction(() => window.__fake.db.cacheSettings.keep_unread_days === 0);

  // Opened again, it shows what was saved.
  await page.locator("#settings-button").click();
  await page.waitForFunction(() => document.getElementById("keep-read-days").value === "30");
  assert.deepEqual([await read.inputValue(), await unread.inputValue(), await budget.inputValue()], ["30", "0", "2048"]);
  assert.equal(await error.isVisible(), false);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("Clean up now reports what it removed and refreshes the cache's size", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  await page.locator("#settings-button").click();
  const usage = page.locator("#storage-usage");
  await page.waitForFunction(() => document.getElementById("storage-usage").textContent.startsWith("1,234 stories"));
  const listings = (await app.calls("list_entries")).length;

  await page.locator("#clean-cache-button").click();
  await page.locator(".toast", { hasText: "Removed 12 old stories and 3 pictures, freed 4.5 MB." }).waitFor();
  assert.equal((await app.calls("clean_cache")).length, 1);
  await page.waitForFunction(() => document.getElementById("storage-usage").textContent.startsWith("1,222 stories"));
  assert.equal(await usage.textContent(), "1,222 stories (12 bookmarked), 53 pictures, 7.8 MB of pictures; database 8.1 MB");
  assert.equal(await page.locator("#clean-cache-button").isEnabled(), true);
  // Stories were removed: the list is read again.
  await app.waitForCalls("list_entries", listings + 1);

  await page.locator("#clean-cache-button").click();
  await page.locator(".toast", { hasText: "Nothing to clean up" }).waitFor();

  await page.evaluate(() => {
    window.__fake.failures.clean_cache = { code: "db", message: "the disk is full" };
  });
  await page.locator("#clean-cache-button").click();
  await page.locator(".toast-error", { hasText: "Could not clean up: the disk is full" }).waitFor();
  assert.deepEqual(app.problems, []);
  await app.close();
});
