// Screenshots of the main views for people to look at (target/ui-screenshots/), plus the layout facts behind
// them: three panes side by side, landmarks, skip links, nothing overflowing the window.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { setup, openApp, REPO } from "./harness.mjs";
import { baseFixture, emptyFixture, offlineFixture, STORY, OFFLINE_STORY } from "./fixtures.mjs";

const env = setup({ before, after });
const SHOTS = path.join(REPO, "target", "ui-screenshots");

async function shoot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name);
  await page.screenshot({ path: file });
  assert.ok((await stat(file)).size > 10_000, `${name} has content`);
}

const imagesLoaded = (page) =>
  page.waitForFunction(() => [...document.querySelectorAll("#article-body img")].every((i) => i.complete && i.naturalWidth > 0));

test("the main view: three panes with landmarks, skip links, and nothing overflowing", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await app.row(STORY.appeal).click();
  await page.waitForSelector("#article:not([hidden])");
  await imagesLoaded(page);

  const boxes = await page.evaluate(() =>
    ["nav", "main", "#reader-pane"].map((sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      return { sel, x: Math.round(r.x), width: Math.round(r.width), height: Math.round(r.height) };
    }));
  assert.ok(boxes[0].x === 0 && boxes[0].width >= 200, JSON.stringify(boxes));
  assert.ok(boxes[1].x >= boxes[0].width && boxes[1].width >= 280, JSON.stringify(boxes));
  assert.ok(boxes[2].x >= boxes[1].x + boxes[1].width && boxes[2].width >= 500, JSON.stringify(boxes));
  for (const box of boxes) assert.equal(box.height, 800, `${box.sel} fills the window`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 1280, "no horizontal overflow");
  assert.equal(await page.locator("nav").getAttribute("aria-label"), "Sources");
  assert.equal(await page.locator("#reader-pane").getAttribute("aria-label"), "Reader");
  assert.equal(await page.locator("article#article").count(), 1);
  assert.deepEqual(await page.locator(".skip-link").evaluateAll((a) => a.map((l) => l.getAttribute("href"))),
    ["#entry-list", "#article"]);

  // The skip link moves focus to the story without changing the address.
  const address = page.url();
  await page.locator('.skip-link[href="#article"]').focus();
  assert.equal(await page.locator('.skip-link[href="#article"]').evaluate((e) => e.getBoundingClientRect().top >= 0), true,
    "a focused skip link is on screen");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "article");
  assert.equal(page.url(), address);
  await app.row(STORY.appeal).click();

  await shoot(page, "main.png");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("dark theme, right-to-left story and the first-run screen render without errors", async () => {
  const fixture = baseFixture();
  fixture.settings.theme = "dark";
  let app = await openApp(env.browser, env.server, fixture);
  await app.row(STORY.persian).click();
  await app.page.waitForSelector("#article:not([hidden])");
  await shoot(app.page, "main-dark-rtl.png");
  await app.page.keyboard.press("?");
  await app.page.locator("#shortcuts-dialog").waitFor({ state: "visible" });
  await shoot(app.page, "shortcuts.png");
  assert.deepEqual(app.problems, []);
  await app.close();

  app = await openApp(env.browser, env.server, emptyFixture());
  await shoot(app.page, "first-run.png");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("offline capture in both themes: placeholders, embed cards, site icons, the banner, menu and storage", async () => {
  for (const theme of ["light", "dark"]) {
    const fixture = offlineFixture();
    fixture.settings.theme = theme;
    const app = await openApp(env.browser, env.server, fixture);
    const { page } = app;
    await app.emit("network-state", { offline: true, retry_in: 600, message: "could not resolve rights.example.org" });
    await app.row(OFFLINE_STORY.verdict).click();
    await page.waitForFunction(() => document.getElementById("article-title").textContent.startsWith("Verdict day"));
    await imagesLoaded(page);
    await page.locator('.source-button[data-source-id="1"] img.source-icon').evaluate((img) => img.decode());
    assert.equal(await page.locator("#article-body .picture-missing").count(), 3);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 1280, "no horizontal overflow");
    await shoot(page, `offline-${theme}.png`);

    // Further down: the missing picture without alt text and both embed cards.
    await page.locator("#article-body a.op-embed").last().scrollIntoViewIfNeeded();
    await shoot(page, `offline-embeds-${theme}.png`);

    await page.locator('.source-button[data-source-id="1"]').click({ button: "right", position: { x: 60, y: 12 } });
    await page.locator("#source-menu").waitFor({ state: "visible" });
    await shoot(page, `source-menu-${theme}.png`);
    await page.keyboard.press("Escape");

    await page.locator("#settings-button").click();
    await page.waitForFunction(() => document.getElementById("storage-usage").textContent.includes("stories"));
    await shoot(page, `settings-${theme}.png`);
    assert.deepEqual(app.problems, []);
    await app.close();
  }
});
