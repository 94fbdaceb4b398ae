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
    // A sync that found no network: every source failed for want of one (shown calmly), then the banner.
    for (const id of [1, 2, 3, 4]) {
      await app.emit("sync-progress", {
        done: id, total: 4, source_id: id, url: `https://source-${id}.example.org/feed.xml`, new: 0, updated: 0,
        unchanged: 0, error: { code: "dns", message: `could not resolve source-${id}.example.org` },
      });
    }
    await app.emit("network-state", { offline: true, retry_in: 600, message: "could not resolve rights.example.org" });
    // As the backend's store recorded it, for when the window reads the sources again.
    await page.evaluate(() => {
      for (const s of window.__fake.db.sources) s.last_error = { code: "dns", message: "could not resolve", at: new Date().toISOString() };
    });
    await app.row(OFFLINE_STORY.verdict).click();
    await page.waitForFunction(() => document.getElementById("article-title").textContent.startsWith("Verdict day"));
    await imagesLoaded(page);
    await page.locator('.source-button[data-source-id="1"] img.source-icon').evaluate((img) => img.decode());
    assert.equal(await page.locator("#article-body .picture-missing").count(), 4);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 1280, "no horizontal overflow");
    await shoot(page, `offline-${theme}.png`);

    // Further down: the missing picture without alt text, the seal and both embed cards.
    await page.locator("#article-body a.op-embed").last().scrollIntoViewIfNeeded();
    await shoot(page, `offline-embeds-${theme}.png`);

    await page.locator('.source-button[data-source-id="1"]').click({ button: "right", position: { x: 60, y: 12 } });
    await page.locator("#source-menu").waitFor({ state: "visible" });
    await shoot(page, `source-menu-${theme}.png`);
    await page.keyboard.press("Escape");

    await page.locator("#settings-button").click();
    await page.waitForFunction(() => document.getElementById("storage-usage").textContent.includes("stories"));
    await shoot(page, `settings-${theme}.png`);

    // A value out of range, marked on its field while another change is saved.
    await page.getByLabel("Space for pictures").fill("5");
    await page.getByLabel("Space for pictures").press("Tab");
    await page.getByLabel("Keep read stories").fill("30");
    await page.getByLabel("Keep read stories").press("Tab");
    await page.locator("#storage-status", { hasText: "Your other changes are saved." }).waitFor();
    await shoot(page, `settings-invalid-${theme}.png`);
    await page.keyboard.press("Escape");

    // A source's view while offline, and the reader after a cleanup removed its story.
    await page.locator('.source-button[data-source-id="2"]').click();
    await page.locator("#view-error").waitFor();
    await page.evaluate(() => {
      window.__fake.db.entries = window.__fake.db.entries.filter((e) => e.id !== 106);
    });
    await app.row(106).click();
    await page.waitForFunction(() => document.getElementById("reader-empty-title").textContent.includes("cleanup"));
    await shoot(page, `offline-source-${theme}.png`);
    assert.deepEqual(app.problems, []);
    await app.close();
  }
});
