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

const NBSP = "\u00a0";

/** Opens the settings and waits until the Storage section has read the settings and the cache's size. */
async function openStorage(page) {
  await page.locator("#settings-button").click();
  await page.locator("#settings-dialog").waitFor({ state: "visible" });
  await page.waitForFunction(() => document.getElementById("storage-usage").textContent.includes("stories"));
}

/** The message shown on a field, or null when it is not marked. */
const fieldError = (input) => input.evaluate((el) => {
  if (el.getAttribute("aria-invalid") !== "true") return null;
  const box = document.getElementById(el.getAttribute("aria-errormessage"));
  return box && !box.hidden && el.getAttribute("aria-describedby").split(" ").includes(box.id) ? box.textContent : "(no message)";
});

test("the Storage section loads the cache settings and size, checks each field's range, and saves", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  await openStorage(page);
  const dialog = page.locator("#settings-dialog");
  const usage = page.locator("#storage-usage");
  // Numbers stay with their units: a line never ends between "8.1" and "MB".
  assert.equal(await usage.textContent(),
    `1,234${NBSP}stories (12${NBSP}bookmarked), 56${NBSP}pictures, 12.3${NBSP}MB of pictures; database 8.1${NBSP}MB`);
  const read = page.getByLabel("Keep read stories");
  const unread = page.getByLabel("Keep unread stories");
  const budget = page.getByLabel("Space for pictures");
  assert.deepEqual([await read.inputValue(), await unread.inputValue(), await budget.inputValue()], ["60", "180", "1024"]);
  assert.equal((await app.calls("get_cache_settings")).length, 1);
  assert.deepEqual([await fieldError(read), await fieldError(unread), await fieldError(budget)], [null, null, null]);

  // Too little room for pictures: said on that field, in words, and nothing is sent.
  await budget.fill("8");
  await budget.press("Enter");
  await page.locator("#image-budget-mb-error:not([hidden])").waitFor();
  assert.equal(await fieldError(budget), `Between 16 and 1,048,576${NBSP}MB.`);
  assert.equal(await dialog.isVisible(), true);
  assert.deepEqual(await app.calls("set_cache_settings"), []);

  // Not a whole number: said on that field; the other stays marked.
  await read.fill("");
  await read.press("Tab");
  await page.locator("#keep-read-days-error:not([hidden])").waitFor();
  assert.equal(await fieldError(read), `A whole number between 0 and 36,500${NBSP}days (0 keeps them forever).`);
  assert.equal(await fieldError(budget), `Between 16 and 1,048,576${NBSP}MB.`);
  assert.equal(await fieldError(unread), null);
  assert.deepEqual(await app.calls("set_cache_settings"), []);

  // Good values are saved (on leaving the field, or Enter), and the marks go.
  await read.fill("30");
  await budget.fill("2048");
  await budget.press("Enter");
  await page.locator("#storage-status", { hasText: "Saved." }).waitFor();
  assert.deepEqual((await app.calls("set_cache_settings")).at(-1).args,
    { settings: { keep_read_days: 30, keep_unread_days: 180, image_budget_mb: 2048 } });
  assert.deepEqual(await page.evaluate(() => window.__fake.db.cacheSettings),
    { keep_read_days: 30, keep_unread_days: 180, image_budget_mb: 2048 });
  assert.deepEqual([await fieldError(read), await fieldError(unread), await fieldError(budget)], [null, null, null]);
  assert.equal(await page.locator(".field-error:not([hidden])").count(), 0);

  // Forever is 0 days; a value typed and left by closing the dialog is saved too.
  await unread.fill("0");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  await page.waitForFunction(() => window.__fake.db.cacheSettings.keep_unread_days === 0);

  // Opened again, it shows what was saved.
  await page.locator("#settings-button").click();
  await page.waitForFunction(() => document.getElementById("keep-read-days").value === "30");
  assert.deepEqual([await read.inputValue(), await unread.inputValue(), await budget.inputValue()], ["30", "0", "2048"]);
  assert.equal(await page.locator("#storage-error").isVisible(), false);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a value out of range stays marked on its own field while the other changes are saved, and Done keeps them", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  await openStorage(page);
  const dialog = page.locator("#settings-dialog");
  const read = page.getByLabel("Keep read stories");
  const budget = page.getByLabel("Space for pictures");

  await budget.fill("5");
  await budget.press("Tab");
  await page.locator("#image-budget-mb-error:not([hidden])").waitFor();
  assert.equal(await fieldError(budget), `Between 16 and 1,048,576${NBSP}MB.`);
  assert.doesNotMatch(await dialog.textContent(), /image_budget_mb/, "no internal key names");

  // Another field changed: it is saved (the marked one is sent as last saved), and the mark stays where it was.
  await read.fill("30");
  await read.press("Tab");
  await page.locator("#storage-status", { hasText: "Your other changes are saved." }).waitFor();
  assert.deepEqual((await app.calls("set_cache_settings")).map((c) => c.args),
    [{ settings: { keep_read_days: 30, keep_unread_days: 180, image_budget_mb: 1024 } }]);
  assert.equal(await fieldError(read), null);
  assert.equal(await fieldError(budget), `Between 16 and 1,048,576${NBSP}MB.`);
  assert.equal(await budget.inputValue(), "5", "what was typed stays until corrected");
  assert.equal(await page.locator("#storage-error").isVisible(), false);

  // Done: the dialog closes quietly, the saved change stays, the marked value is not kept.
  await page.locator("#settings-close").click();
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual(await page.evaluate(() => window.__fake.db.cacheSettings),
    { keep_read_days: 30, keep_unread_days: 180, image_budget_mb: 1024 });
  assert.equal(await page.locator(".toast").count(), 0, "nothing alarming");
  await page.locator("#settings-button").click();
  await page.waitForFunction(() => document.getElementById("image-budget-mb").value === "1024");
  assert.equal(await read.inputValue(), "30");
  assert.equal(await fieldError(budget), null);
  assert.equal(await page.locator(".field-error:not([hidden])").count(), 0);
  assert.equal((await app.calls("set_cache_settings")).length, 1);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a value the backend still refuses is marked on its field in words, and the other changes are saved", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  // A backend whose pictures may take at most 1024 MB, against the window's 1,048,576.
  await page.evaluate(() => {
    window.__fake.failures.set_cache_settings = ({ settings }) => settings.image_budget_mb > 1024
      ? { code: "invalid_argument", message: `image_budget_mb cannot be ${settings.image_budget_mb}; it is a number from 16 to 1024` }
      : null;
  });
  await openStorage(page);
  const read = page.getByLabel("Keep read stories");
  const budget = page.getByLabel("Space for pictures");
  await budget.fill("2048");
  await budget.press("Enter");
  await page.locator("#image-budget-mb-error:not([hidden])").waitFor();
  assert.equal(await fieldError(budget), `Between 16 and 1,024${NBSP}MB.`);
  assert.doesNotMatch(await page.locator("#settings-dialog").textContent(), /image_budget_mb/);
  assert.deepEqual((await app.calls("set_cache_settings")).map((c) => c.args.settings.image_budget_mb), [2048]);

  // The refused value is not sent again; another change is saved beside it.
  await read.fill("45");
  await read.press("Enter");
  await page.locator("#storage-status", { hasText: "Your other changes are saved." }).waitFor();
  assert.deepEqual((await app.calls("set_cache_settings")).map((c) => c.args.settings),
    [{ keep_read_days: 60, keep_unread_days: 180, image_budget_mb: 2048 },
      { keep_read_days: 45, keep_unread_days: 180, image_budget_mb: 1024 }]);
  assert.deepEqual(await page.evaluate(() => window.__fake.db.cacheSettings),
    { keep_read_days: 45, keep_unread_days: 180, image_budget_mb: 1024 });
  assert.equal(await fieldError(budget), `Between 16 and 1,024${NBSP}MB.`);
  assert.equal(await fieldError(read), null);

  // A failure that is not about one value: said once for the section, in words.
  await page.evaluate(() => {
    window.__fake.failures.set_cache_settings = { code: "db", message: "the database is locked" };
  });
  await budget.fill("512");
  await budget.press("Enter");
  await page.locator("#storage-error:not([hidden])").waitFor();
  assert.equal(await page.locator("#storage-error").textContent(), "Could not save the storage settings: the database is locked");
  assert.equal(await fieldError(budget), null);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("Settings is a gear in the footer, and every section is reachable with the keyboard", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  await page.setViewportSize({ width: 1000, height: 560 });
  const button = page.getByRole("button", { name: "Settings", exact: true });
  assert.equal(await button.getAttribute("id"), "settings-button");
  assert.equal(await button.locator("use").getAttribute("href"), "#i-gear");
  assert.equal(await page.locator("#i-gear").count(), 1);

  await button.focus();
  await page.keyboard.press("Enter");
  await page.locator("#settings-dialog").waitFor({ state: "visible" });
  await page.waitForFunction(() => !document.getElementById("keep-read-days").disabled && !document.getElementById("concurrency").disabled);
  /** The focused control, and whether it is in view and clear of the Done button that stays at the bottom. */
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    const r = el.getBoundingClientRect();
    const done = document.querySelector("#settings-dialog > .dialog-buttons");
    const bottom = done.contains(el) ? window.innerHeight : done.getBoundingClientRect().top;
    return { id: el.id || el.name, inView: r.top >= 0 && r.bottom <= bottom };
  });
  const reached = [];
  const hidden = [];
  for (let i = 0; i < 30 && !reached.includes("settings-close"); i += 1) {
    await page.keyboard.press("Tab");
    const { id, inView } = await focused();
    reached.push(id);
    if (!inView) hidden.push(id);
  }
  assert.deepEqual(reached, [
    "text_size", "font", "column_width",
    "refresh-interval", "concurrency", "default-full-text", "notifications", "proxy", "user-agent",
    "keep-read-days", "keep-unread-days", "image-budget-mb", "clean-cache-button",
    "import-opml-button", "export-opml-button", "bookmarks-format", "export-bookmarks-button",
    "settings-close",
  ], `Tab order: ${reached.join(", ")}`);
  // Each one is brought into view in a window too short for the whole dialog, going down and coming back.
  assert.deepEqual(hidden, []);
  for (const id of ["export-bookmarks-button", "bookmarks-format", "export-opml-button", "import-opml-button", "clean-cache-button"]) {
    await page.keyboard.press("Shift+Tab");
    assert.deepEqual(await focused(), { id, inView: true });
  }
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("Clean up now reports what it removed and refreshes the cache's size", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  await page.locator("#settings-button").click();
  const usage = page.locator("#storage-usage");
  await page.waitForFunction(() => document.getElementById("storage-usage").textContent.startsWith("1,234\u00a0stories"));
  const listings = (await app.calls("list_entries")).length;

  await page.locator("#clean-cache-button").click();
  await page.locator(".toast", { hasText: "Removed 12 old stories and 3 pictures, freed 4.5 MB." }).waitFor();
  assert.equal((await app.calls("clean_cache")).length, 1);
  await page.waitForFunction(() => document.getElementById("storage-usage").textContent.startsWith("1,222\u00a0stories"));
  assert.equal(await usage.textContent(),
    `1,222${NBSP}stories (12${NBSP}bookmarked), 53${NBSP}pictures, 7.8${NBSP}MB of pictures; database 8.1${NBSP}MB`);
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

test("a cleanup that removes the story open in the reader empties the reader calmly and drops its row", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  // Three days old; opening it marks it read.
  await app.row(STORY.raid).click();
  await page.waitForFunction(() => document.getElementById("article-title").textContent.startsWith("Обыски"));
  await app.waitForCalls("set_read");

  await openStorage(page);
  await page.getByLabel("Keep read stories").fill("1");
  await page.getByLabel("Keep read stories").press("Enter");
  await page.waitForFunction(() => window.__fake.db.cacheSettings.keep_read_days === 1);
  await page.locator("#clean-cache-button").click();
  await page.locator(".toast", { hasText: "Removed 13 old stories and 3 pictures" }).waitFor();
  await page.keyboard.press("Escape");
  await page.locator("#settings-dialog").waitFor({ state: "hidden" });

  await page.locator("#reader-empty:not([hidden])").waitFor();
  assert.equal(await page.locator("#reader-empty-title").textContent(), "This story was removed by cleanup.");
  assert.equal(await page.locator("#article").isVisible(), false);
  assert.equal(await page.locator("#reader-toolbar").isVisible(), false);
  assert.equal(await app.row(STORY.raid).count(), 0, "its row is gone");
  assert.equal(await app.row(STORY.russian).count(), 1, "a story read within the day stays");
  assert.equal(await app.row(STORY.asylum).count(), 1, "a bookmarked story stays");

  // Nothing acts on the removed story any more.
  await page.locator("#entry-list").focus();
  await page.keyboard.press("b");
  await page.keyboard.press("m");
  assert.deepEqual(await app.calls("set_bookmarked"), []);
  assert.equal(await page.locator(".toast-error").count(), 0, "nothing alarming");
  assert.deepEqual(app.problems, []);
  await app.close();
});
