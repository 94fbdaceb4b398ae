// Reading comfort: theme, text size, typeface and column width, saved through set_settings.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { baseFixture, STORY } from "./fixtures.mjs";

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
