// Folders and managing sources: a folder as a view with its unread count, folding (kept across a reload),
// and the commands of a source's and a folder's menu: rename, move to a folder, a source's own settings,
// unsubscribe, rename and merge a folder, remove a folder; all of it by keyboard too.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { foldersFixture, STORY } from "./fixtures.mjs";

const env = setup({ before, after });

/** The sidebar's sources as seen: a folder as [name], its sources indented under it, each with its count. */
const sidebar = (page) => page.evaluate(() =>
  [...document.querySelectorAll("#source-groups .source-button")]
    .filter((button) => button.offsetParent !== null)
    .map((button) => {
      const title = button.querySelector(".source-title").textContent;
      const count = button.querySelector(".source-count").textContent;
      const inside = button.closest(".folder-sources") ? "  " : "";
      const name = button.dataset.folder != null ? `[${title}]` : title;
      return `${inside}${name}${count ? ` ${count}` : ""}`;
    }));

/** The ids of the stories listed, in order. */
const listedIds = (page) => page.evaluate(() =>
  [...document.querySelectorAll("#list-canvas .entry-row")]
    .sort((a, b) => Number(a.getAttribute("aria-posinset")) - Number(b.getAttribute("aria-posinset")))
    .map((row) => Number(row.dataset.id)));

async function expectListed(page, ids) {
  await page.waitForFunction((want) => {
    const rows = [...document.querySelectorAll("#list-canvas .entry-row")]
      .sort((a, b) => Number(a.getAttribute("aria-posinset")) - Number(b.getAttribute("aria-posinset")));
    return JSON.stringify(rows.map((row) => Number(row.dataset.id))) === JSON.stringify(want);
  }, ids).catch(() => {});
  assert.deepEqual(await listedIds(page), ids);
}

/** foldersFixture's sources as the sidebar shows them. */
const FIXTURE_SIDEBAR = [
  "Rights Desk 3", "[Courts] 2", "  Press Freedom Monitor 1", "  Судебный вестник 1", "[Watch] 1", "  دیدبان آزادی مطبوعات 1",
];

const folderItem = (page, name) => page.locator(`.folder-item[data-folder="${name}"]`);
const folderButton = (page, name) => page.locator(`.folder-button[data-folder="${name}"]`);
const sourceItem = (page, id) => page.locator(`.source-item[data-source-id="${id}"]`);
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return {
    action: el?.dataset.action ?? null, source: el?.dataset.sourceId ?? null, folder: el?.dataset.folder ?? null,
    id: el?.id || null,
  };
});
const lastToast = (page) => page.locator(".toast-text").last().textContent();

/** Chooses `label` in the ⋯ menu of source `id`. */
async function sourceCommand(page, id, label) {
  const item = sourceItem(page, id);
  await item.hover();
  await item.locator(".source-more").click();
  const menu = page.locator("#source-menu");
  await menu.waitFor({ state: "visible" });
  await menu.locator(".menu-item", { hasText: label }).click();
  await menu.waitFor({ state: "hidden" });
}

async function folderCommand(page, name, label) {
  const row = folderItem(page, name).locator(":scope > .folder-row");
  await row.hover();
  await row.locator(".folder-more").click();
  const menu = page.locator("#folder-menu");
  await menu.waitFor({ state: "visible" });
  await menu.locator(".menu-item", { hasText: label }).click();
  await menu.waitFor({ state: "hidden" });
}

test("a folder is a view: only its sources' stories, their summed unread count, its name atop the list", async () => {
  const app = await openApp(env.browser, env.server, foldersFixture());
  const { page } = app;
  assert.deepEqual(await sidebar(page), FIXTURE_SIDEBAR);

  await folderButton(page, "Courts").click();
  await expectListed(page, [STORY.russian, STORY.raid, STORY.monitor]);
  assert.deepEqual((await app.calls("list_entries")).at(-1).args, { query: { folder: "Courts", limit: 100 } });
  assert.equal(await page.locator("#view-title").textContent(), "Courts");
  assert.equal(await page.locator("#view-count").textContent(), "2 unread");
  assert.equal(await folderButton(page, "Courts").getAttribute("aria-current"), "page");
  assert.equal(await page.locator('[aria-current="page"]').count(), 1, "only the folder is the current view");

  // Reading one of its stories takes it off the folder's count, and the header's, at once.
  await app.row(STORY.raid).click();
  await app.waitForCalls("set_read");
  await page.waitForFunction(() => document.getElementById("view-count").textContent === "1 unread");
  assert.equal(await folderItem(page, "Courts").locator(":scope > .folder-row .source-count").textContent(), "1");

  // Mark all read acts on the folder only.
  await page.locator("#mark-all-read-button").click();
  assert.deepEqual((await app.waitForCalls("mark_all_read")).map((c) => c.args), [{ query: { folder: "Courts" } }]);
  await page.waitForFunction(() => document.getElementById("view-count").textContent === "");
  assert.deepEqual(await sidebar(page), [
    "Rights Desk 3", "[Courts]", "  Press Freedom Monitor", "  Судебный вестник", "[Watch] 1", "  دیدبان آزادی مطبوعات 1",
  ]);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("folding a folder hides its sources, and stays as it was after a reload", async () => {
  const app = await openApp(env.browser, env.server, foldersFixture());
  const { page } = app;
  const toggle = folderItem(page, "Courts").locator(".folder-toggle");
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  assert.equal(await toggle.getAttribute("aria-label"), "Sources in Courts");
  const controls = await toggle.getAttribute("aria-controls");
  assert.equal(await page.locator(`#${controls}`).getAttribute("aria-label"), "Courts");

  await toggle.click();
  assert.equal(await folderItem(page, "Courts").locator(".folder-toggle").getAttribute("aria-expanded"), "false");
  assert.deepEqual(await sidebar(page), ["Rights Desk 3", "[Courts] 2", "[Watch] 1", "  دیدبان آزادی مطبوعات 1"]);
  assert.equal(await sourceItem(page, 2).isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), "toggle-folder", "the focus stays on the toggle");

  await page.reload();
  await page.waitForSelector("html[data-ready=true]");
  assert.deepEqual(await sidebar(page), ["Rights Desk 3", "[Courts] 2", "[Watch] 1", "  دیدبان آزادی مطبوعات 1"]);
  assert.equal(await folderItem(page, "Courts").locator(".folder-toggle").getAttribute("aria-expanded"), "false");

  // Unfolded by keyboard, and that is kept too.
  await folderButton(page, "Courts").focus();
  await page.keyboard.press("ArrowRight");
  assert.equal(await folderItem(page, "Courts").locator(".folder-toggle").getAttribute("aria-expanded"), "true");
  assert.deepEqual((await focused(page)).folder, "Courts");
  await page.reload();
  await page.waitForSelector("html[data-ready=true]");
  assert.deepEqual(await sidebar(page), FIXTURE_SIDEBAR);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("renaming a source shows the feed's own title, renames it everywhere, and an empty name brings that back", async () => {
  const app = await openApp(env.browser, env.server, foldersFixture());
  const { page } = app;
  const dialog = page.locator("#name-dialog");
  await sourceCommand(page, 1, "Rename…");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await page.locator("#name-dialog-title").textContent(), "Rename source");
  assert.equal(await page.locator("#name-input").inputValue(), "Rights Desk");
  assert.equal(await page.evaluate(() => document.activeElement.id), "name-input");
  assert.equal(await page.locator("#name-hint").textContent(),
    "The feed calls itself “\u2068Rights Desk\u2069”. Leave the name empty to go back to that.");

  // A refusal is shown in the dialog, which stays open.
  await page.evaluate(() => {
    window.__fake.failures.rename_source = { code: "db", message: "the database is locked" };
  });
  await page.locator("#name-input").fill("Human Rights Desk");
  await page.keyboard.press("Enter");
  await page.locator("#name-error").waitFor({ state: "visible" });
  assert.equal(await page.locator("#name-error").textContent(), "the database is locked");
  assert.equal(await page.locator("#name-input").getAttribute("aria-invalid"), "true");
  assert.equal(await dialog.isVisible(), true);

  await page.evaluate(() => {
    window.__fake.failures.rename_source = null;
  });
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("rename_source")).map((c) => c.args), [
    { sourceId: 1, title: "Human Rights Desk" }, { sourceId: 1, title: "Human Rights Desk" },
  ]);
  assert.equal(await sourceItem(page, 1).locator(".source-title").textContent(), "Human Rights Desk");
  assert.equal(await app.row(STORY.protest).locator(".entry-source").textContent(), "Human Rights Desk",
    "the stories listed carry the new name");
  assert.equal(await lastToast(page), "Renamed \u2068Rights Desk\u2069 to \u2068Human Rights Desk\u2069.");
  assert.deepEqual(await focused(page), { action: "menu", source: "1", folder: null, id: null }, "the focus is back on its ⋯");

  // Cleared, it has the feed's title again.
  await page.keyboard.press("Enter");
  await page.locator("#source-menu").waitFor({ state: "visible" });
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await page.locator("#name-input").inputValue(), "Human Rights Desk");
  await page.locator("#name-input").fill("");
  assert.equal(await page.locator("#name-hint").textContent(), "Empty: the feed's own title, “\u2068Rights Desk\u2069”.");
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("rename_source")).at(-1).args, { sourceId: 1, title: null });
  assert.equal(await sourceItem(page, 1).locator(".source-title").textContent(), "Rights Desk");
  assert.equal(await app.row(STORY.protest).locator(".entry-source").textContent(), "Rights Desk");
  assert.equal(await lastToast(page), "\u2068Rights Desk\u2069 has its feed's own name again.");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("moving a source into a new folder and then an existing one regroups the sidebar and its counts", async () => {
  const app = await openApp(env.browser, env.server, foldersFixture());
  const { page } = app;
  const dialog = page.locator("#move-dialog");
  await sourceCommand(page, 1, "Move to folder…");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await page.locator("#move-subject").textContent(), "Folder for \u2068Rights Desk\u2069");
  const choices = await page.locator("#move-folders .folder-choice").allTextContents();
  assert.deepEqual(choices, ["No foldercurrent", "Courts", "Watch"]);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.folder), "", "the focus is on where it is now");

  // "New folder" with no name says so, and moves nothing.
  await page.locator("#move-new").check();
  await page.locator("#move-submit").click();
  assert.equal(await page.locator("#move-error").textContent(), "Type a name for the new folder, or choose one above.");
  assert.equal(await page.evaluate(() => document.activeElement.id), "move-new-name");
  assert.deepEqual(await app.calls("move_source"), []);

  await page.keyboard.type("Press");
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("move_source")).map((c) => c.args), [{ sourceId: 1, folder: "Press" }]);
  assert.deepEqual(await sidebar(page), [
    "[Courts] 2", "  Press Freedom Monitor 1", "  Судебный вестник 1", "[Press] 3", "  Rights Desk 3",
    "[Watch] 1", "  دیدبان آزادی مطبوعات 1",
  ]);
  assert.equal(await lastToast(page), "Moved \u2068Rights Desk\u2069 to \u2068Press\u2069.");

  // Into an existing folder while that folder is the view: the list takes in its stories.
  await folderButton(page, "Courts").click();
  await expectListed(page, [STORY.russian, STORY.raid, STORY.monitor]);
  await sourceCommand(page, 1, "Move to folder…");
  await dialog.waitFor({ state: "visible" });
  assert.deepEqual(await page.locator("#move-folders .folder-choice").allTextContents(),
    ["No folder", "Courts", "Presscurrent", "Watch"]);
  await page.locator("#move-folders .folder-choice", { hasText: "Courts" }).click();
  await page.locator("#move-submit").click();
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("move_source")).at(-1).args, { sourceId: 1, folder: "Courts" });
  assert.deepEqual(await sidebar(page), [
    "[Courts] 5", "  Press Freedom Monitor 1", "  Rights Desk 3", "  Судебный вестник 1", "[Watch] 1", "  دیدبان آزادی مطبوعات 1",
  ]);
  assert.equal(await page.locator("#view-count").textContent(), "5 unread");
  await expectListed(page, [STORY.protest, STORY.appeal, STORY.markup, STORY.russian, STORY.asylum, STORY.raid, STORY.monitor]);

  // And out of every folder.
  await sourceCommand(page, 1, "Move to folder…");
  await page.locator("#move-folders .folder-choice", { hasText: "No folder" }).click();
  await page.locator("#move-submit").click();
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("move_source")).at(-1).args, { sourceId: 1, folder: null });
  assert.equal((await sidebar(page))[0], "Rights Desk 3");
  assert.equal(await lastToast(page), "\u2068Rights Desk\u2069 is in no folder now.");
  await expectListed(page, [STORY.russian, STORY.raid, STORY.monitor]);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a source's own settings show what is set, and are saved all at once as typed", async () => {
  const app = await openApp(env.browser, env.server, foldersFixture());
  const { page } = app;
  const dialog = page.locator("#source-settings-dialog");
  await sourceCommand(page, 4, "Settings…");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await page.locator("#source-settings-subject").textContent(), "Press Freedom Monitor");
  // RETRY_AFTER is 17:30 UTC, 18:30 in Berlin.
  assert.equal(await page.locator("#source-retry-after").textContent(),
    "The site asked Offprint to wait until 18:30 before fetching it again.");
  assert.equal(await page.locator("#source-refresh").inputValue(), "60");
  assert.equal(await page.locator("#source-proxy-mode").inputValue(), "url");
  assert.equal(await page.locator("#source-proxy-url").inputValue(), "socks5h://127.0.0.1:9050");
  assert.equal(await page.locator("#source-proxy-url").isVisible(), true);
  assert.equal(await page.locator("#source-user-agent").inputValue(), "Mozilla/5.0 (compatible; Monitor)");
  assert.equal(await page.locator("#source-notify").isChecked(), false);
  assert.equal(await page.evaluate(() => document.activeElement.id), "source-refresh");
  await page.waitForFunction(() => document.getElementById("source-refresh-hint").textContent.includes("30"));
  assert.equal(await page.locator("#source-refresh-hint").textContent(), "Empty: the default, every 30\u00a0minutes.");

  await page.locator("#source-refresh").fill("15");
  await page.locator("#source-proxy-mode").selectOption("direct");
  assert.equal(await page.locator("#source-proxy-url").isVisible(), false, "no address without a proxy of its own");
  await page.locator("#source-user-agent").fill("");
  await page.locator("#source-notify").check();
  await page.locator("#source-settings-submit").click();
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("set_source_settings")).map((c) => c.args), [
    { sourceId: 4, settings: { refresh_interval: 15, proxy: "direct", user_agent: null, notify: true } },
  ]);
  assert.equal(await lastToast(page), "Saved the settings of \u2068Press Freedom Monitor\u2069.");

  // Opened again, it shows what was stored.
  await sourceCommand(page, 4, "Settings…");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await page.locator("#source-refresh").inputValue(), "15");
  assert.equal(await page.locator("#source-proxy-mode").inputValue(), "direct");
  assert.equal(await page.locator("#source-user-agent").inputValue(), "");
  assert.equal(await page.locator("#source-notify").isChecked(), true);
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.equal((await app.calls("set_source_settings")).length, 1, "Escape saves nothing");

  // A source that follows the defaults in everything: all of them null, and no word of waiting.
  await sourceCommand(page, 2, "Settings…");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await page.locator("#source-retry-after").isVisible(), false);
  assert.equal(await page.locator("#source-refresh").inputValue(), "");
  assert.equal(await page.locator("#source-proxy-mode").inputValue(), "default");
  await page.locator("#source-proxy-mode").selectOption("url");
  await page.locator("#source-proxy-url").fill("http://proxy.example:8080");
  await page.locator("#source-settings-submit").click();
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("set_source_settings")).at(-1).args,
    { sourceId: 2, settings: { refresh_interval: null, proxy: "http://proxy.example:8080", user_agent: null, notify: true } });
  assert.equal(await page.evaluate(() => window.__fake.db.sources.find((s) => s.id === 2).proxy), "http://proxy.example:8080");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("an invalid refresh interval, proxy or User-Agent is refused in the backend's words beside its field", async () => {
  const app = await openApp(env.browser, env.server, foldersFixture());
  const { page } = app;
  const dialog = page.locator("#source-settings-dialog");
  const refresh = page.locator("#source-refresh");
  const proxyUrl = page.locator("#source-proxy-url");
  await sourceCommand(page, 4, "Settings…");
  await dialog.waitFor({ state: "visible" });

  await refresh.fill("2");
  await page.locator("#source-settings-submit").click();
  const refreshError = page.locator("#source-refresh-error");
  await refreshError.waitFor({ state: "visible" });
  assert.equal(await refreshError.textContent(),
    "refresh_interval cannot be 2; it is a number of minutes from 5 to 10080, or empty for the refresh_interval setting");
  assert.equal(await refresh.getAttribute("aria-invalid"), "true");
  assert.match(await refresh.getAttribute("aria-describedby"), /\bsource-refresh-error\b/);
  assert.equal(await page.evaluate(() => document.activeElement.id), "source-refresh");
  assert.equal(await dialog.isVisible(), true, "the dialog stays open");

  await refresh.fill("20");
  await proxyUrl.fill("ftp://proxy.example");
  await page.locator("#source-settings-submit").click();
  const proxyError = page.locator("#source-proxy-error");
  await proxyError.waitFor({ state: "visible" });
  assert.equal(await proxyError.textContent(),
    'proxy cannot be "ftp://proxy.example"; it is empty (the proxy setting), direct (no proxy), or a URL such as ' +
    "socks5h://127.0.0.1:9050 or http://proxy.example:8080 (schemes: http, https, socks5, socks5h)");
  assert.equal(await refreshError.isVisible(), false, "the interval is fine now");
  assert.equal(await refresh.getAttribute("aria-invalid"), null);
  assert.equal(await proxyUrl.getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.id), "source-proxy-url");

  await proxyUrl.fill("socks5://127.0.0.1:1080");
  await page.locator("#source-user-agent").fill("Offprint ☕");
  await page.locator("#source-settings-submit").click();
  const uaError = page.locator("#source-user-agent-error");
  await uaError.waitFor({ state: "visible" });
  assert.match(await uaError.textContent(), /^user_agent cannot be "Offprint ☕"; it is empty/);
  assert.equal(await proxyError.isVisible(), false);
  assert.equal(await page.evaluate(() => window.__fake.db.sources.find((s) => s.id === 4).refresh_interval), 60,
    "nothing was stored while a value was refused");

  await page.locator("#source-user-agent").fill("Offprint");
  await page.locator("#source-settings-submit").click();
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("set_source_settings")).map((c) => c.args.settings), [
    { refresh_interval: 2, proxy: "socks5h://127.0.0.1:9050", user_agent: "Mozilla/5.0 (compatible; Monitor)", notify: false },
    { refresh_interval: 20, proxy: "ftp://proxy.example", user_agent: "Mozilla/5.0 (compatible; Monitor)", notify: false },
    { refresh_interval: 20, proxy: "socks5://127.0.0.1:1080", user_agent: "Offprint ☕", notify: false },
    { refresh_interval: 20, proxy: "socks5://127.0.0.1:1080", user_agent: "Offprint", notify: false },
  ]);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("unsubscribing asks first: Cancel keeps the source; confirmed, it goes and its bookmarked story stays", async () => {
  const app = await openApp(env.browser, env.server, foldersFixture());
  const { page } = app;
  const dialog = page.locator("#confirm-dialog");
  await sourceItem(page, 1).locator(".source-button").click();
  await expectListed(page, [STORY.protest, STORY.appeal, STORY.markup, STORY.asylum]);

  await sourceCommand(page, 1, "Remove…");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await dialog.getAttribute("role"), "alertdialog");
  assert.equal(await page.locator("#confirm-title").textContent(), "Unsubscribe from \u2068Rights Desk\u2069?");
  assert.deepEqual(await page.locator("#confirm-text p").allTextContents(), [
    "Offprint stops fetching it, and its stories are removed from this computer.",
    "Bookmarked stories stay: you can still read them under Bookmarks.",
  ]);
  assert.equal(await page.evaluate(() => document.activeElement.id), "confirm-cancel", "Cancel is the default");
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual(await app.calls("remove_source"), []);
  assert.equal(await sourceItem(page, 1).count(), 1);
  assert.deepEqual(await focused(page), { action: "menu", source: "1", folder: null, id: null });

  // A failure is told in the dialog, which stays open to try again.
  await page.evaluate(() => {
    window.__fake.failures.remove_source = { code: "db", message: "the database is locked" };
  });
  await sourceCommand(page, 1, "Remove…");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await page.locator("#confirm-submit").textContent(), "Unsubscribe");
  await page.locator("#confirm-submit").click();
  await page.locator("#confirm-error").waitFor({ state: "visible" });
  assert.equal(await page.locator("#confirm-error").textContent(), "Could not unsubscribe: the database is locked");
  assert.equal(await page.evaluate(() => document.activeElement.id), "confirm-submit");
  assert.equal(await sourceItem(page, 1).count(), 1);

  await page.evaluate(() => {
    window.__fake.failures.remove_source = null;
  });
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("remove_source")).map((c) => c.args), [{ sourceId: 1 }, { sourceId: 1 }]);
  assert.equal(await sourceItem(page, 1).count(), 0);
  assert.equal(await page.locator("#view-title").textContent(), "All", "its view is gone: All is shown");
  assert.equal(await page.locator('.source-button[data-view="all"]').getAttribute("aria-current"), "page");
  await expectListed(page, [STORY.persian, STORY.russian, STORY.asylum, STORY.raid, STORY.monitor]);
  assert.equal(await lastToast(page), "Unsubscribed from \u2068Rights Desk\u2069.");
  assert.equal(await page.locator('.source-button[data-view="unread"] .source-count').textContent(), "3");

  await page.keyboard.press("g");
  await page.keyboard.press("b");
  await page.waitForFunction(() => document.getElementById("view-title").textContent === "Bookmarks");
  await expectListed(page, [STORY.asylum]);
  await app.row(STORY.asylum).click();
  await page.waitForFunction(() => document.getElementById("article-title").textContent.startsWith("Asylum seekers"));
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("renaming a folder keeps it folded and shown; the name of another folder merges the two", async () => {
  const app = await openApp(env.browser, env.server, foldersFixture());
  const { page } = app;
  const dialog = page.locator("#name-dialog");
  await folderButton(page, "Courts").click();
  await expectListed(page, [STORY.russian, STORY.raid, STORY.monitor]);
  await folderItem(page, "Courts").locator(".folder-toggle").click();

  await folderCommand(page, "Courts", "Rename folder…");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await page.locator("#name-dialog-title").textContent(), "Rename folder");
  assert.equal(await page.locator("#name-input").inputValue(), "Courts");
  assert.equal(await page.locator("#name-hint").textContent(), "To merge this folder into another, give it the other's name.");
  await page.locator("#name-input").fill("Court reporting");
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("rename_folder")).map((c) => c.args), [{ name: "Courts", newName: "Court reporting" }]);
  assert.deepEqual(await sidebar(page), ["Rights Desk 3", "[Court reporting] 2", "[Watch] 1", "  دیدبان آزادی مطبوعات 1"]);
  assert.equal(await page.locator("#view-title").textContent(), "Court reporting", "the view follows the new name");
  assert.equal(await folderButton(page, "Court reporting").getAttribute("aria-current"), "page");
  assert.equal(await lastToast(page), "Renamed the folder \u2068Courts\u2069 to \u2068Court reporting\u2069.");
  assert.deepEqual(await focused(page), { action: "folder-menu", source: null, folder: "Court reporting", id: null });

  // Watch, renamed to that name, merges into it.
  await folderCommand(page, "Watch", "Rename folder…");
  await dialog.waitFor({ state: "visible" });
  await page.locator("#name-input").fill("Court reporting");
  assert.equal(await page.locator("#name-hint").textContent(),
    "There is a folder \u2068Court reporting\u2069 already: its sources and these will be one folder.");
  assert.equal(await page.locator("#name-submit").textContent(), "Merge");
  await page.locator("#name-submit").click();
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("rename_folder")).at(-1).args, { name: "Watch", newName: "Court reporting" });
  assert.deepEqual(await sidebar(page), ["Rights Desk 3", "[Court reporting] 3"], "one folder, still folded, with both counts");
  assert.equal(await lastToast(page), "Moved the sources of \u2068Watch\u2069 into \u2068Court reporting\u2069.");
  await expectListed(page, [STORY.persian, STORY.russian, STORY.raid, STORY.monitor]);

  // An empty name is refused in the backend's words.
  await folderCommand(page, "Court reporting", "Rename folder…");
  await page.locator("#name-input").fill(" ");
  await page.keyboard.press("Enter");
  await page.locator("#name-error").waitFor({ state: "visible" });
  assert.equal(await page.locator("#name-error").textContent(), "a folder's name cannot be empty");
  assert.equal(await dialog.isVisible(), true);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("removing a folder asks first, says how many sources go, and keeps their bookmarked stories", async () => {
  const fixture = foldersFixture();
  fixture.entries.find((e) => e.id === STORY.raid).bookmarked = true;
  const app = await openApp(env.browser, env.server, fixture);
  const { page } = app;
  const dialog = page.locator("#confirm-dialog");
  await folderButton(page, "Courts").click();
  await expectListed(page, [STORY.russian, STORY.raid, STORY.monitor]);

  await folderCommand(page, "Courts", "Remove folder…");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await page.locator("#confirm-title").textContent(), "Remove the folder \u2068Courts\u2069?");
  assert.equal(await page.locator("#confirm-text p").first().textContent(), "This unsubscribes from its 2\u00a0sources:");
  assert.deepEqual(await page.locator("#confirm-text li").allTextContents(),
    ["Press Freedom Monitor", "Судебный вестник"], "by name, as in the sidebar");
  assert.match(await page.locator("#confirm-text").textContent(), /Bookmarked stories stay/);
  assert.equal(await page.evaluate(() => document.activeElement.id), "confirm-cancel");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual(await app.calls("remove_folder"), []);

  await folderCommand(page, "Courts", "Remove folder…");
  await dialog.waitFor({ state: "visible" });
  assert.equal(await page.locator("#confirm-submit").textContent(), "Remove folder");
  await page.locator("#confirm-submit").click();
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("remove_folder")).map((c) => c.args), [{ name: "Courts" }]);
  assert.deepEqual(await sidebar(page), ["Rights Desk 3", "[Watch] 1", "  دیدبان آزادی مطبوعات 1"]);
  assert.equal(await page.locator("#view-title").textContent(), "All");
  assert.equal(await lastToast(page), "Removed the folder \u2068Courts\u2069 and unsubscribed from 2\u00a0sources.");
  await page.keyboard.press("g");
  await page.keyboard.press("b");
  await expectListed(page, [STORY.asylum, STORY.raid]);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("the sidebar by keyboard: rows by arrows, folding by Left and Right, menus by Shift+F10 and the menu key", async () => {
  const app = await openApp(env.browser, env.server, foldersFixture());
  const { page } = app;
  await page.locator('.source-button[data-view="all"]').focus();
  // All, Unread, Today, Bookmarks, Rights Desk, then the folder Courts.
  for (let i = 0; i < 5; i += 1) await page.keyboard.press("ArrowDown");
  assert.deepEqual(await focused(page), { action: "folder", source: null, folder: "Courts", id: null });
  await page.keyboard.press("ArrowLeft");
  assert.equal(await folderItem(page, "Courts").locator(".folder-toggle").getAttribute("aria-expanded"), "false");
  await page.keyboard.press("ArrowDown");
  assert.deepEqual(await focused(page), { action: "folder", source: null, folder: "Watch", id: null }, "its sources are skipped");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.deepEqual(await focused(page), { action: "select", source: "4", folder: null, id: null }, "Right enters the folder");
  await page.keyboard.press("ArrowLeft");
  assert.deepEqual(await focused(page), { action: "folder", source: null, folder: "Courts", id: null }, "Left goes up to it");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("view-title").textContent === "Courts");
  await page.keyboard.press("End");
  assert.deepEqual(await focused(page), { action: "select", source: "3", folder: null, id: null });
  await page.keyboard.press("Home");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.view), "all");

  // Shift+F10 on a source opens its menu under its ⋯, with the focus on the first item; Move by keyboard.
  await sourceItem(page, 1).locator(".source-button").focus();
  await page.keyboard.press("Shift+F10");
  const menu = page.locator("#source-menu");
  await menu.waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), "Rename…");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.locator("#move-dialog").waitFor({ state: "visible" });
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.folder), "Courts");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "move-new-name");
  await page.keyboard.press("Enter");
  await page.locator("#move-dialog").waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("move_source")).map((c) => c.args), [{ sourceId: 1, folder: "Courts" }]);
  assert.deepEqual(await focused(page), { action: "menu", source: "1", folder: null, id: null }, "the focus follows the source");

  // The context-menu key on a folder opens its menu; Escape gives the focus back to its ⋯.
  await folderButton(page, "Watch").focus();
  await page.keyboard.press("ContextMenu");
  const folderMenu = page.locator("#folder-menu");
  await folderMenu.waitFor({ state: "visible" });
  assert.equal(await folderMenu.getAttribute("aria-label"), "Options for the folder Watch");
  assert.equal(await folderItem(page, "Watch").locator(".folder-more").getAttribute("aria-expanded"), "true");
  await page.keyboard.press("End");
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), "Remove folder…");
  await page.keyboard.press("Escape");
  await folderMenu.waitFor({ state: "hidden" });
  assert.deepEqual(await focused(page), { action: "folder-menu", source: null, folder: "Watch", id: null });

  // F2 renames, Delete asks to unsubscribe; both give the focus back to the row.
  await sourceItem(page, 2).locator(".source-button").focus();
  await page.keyboard.press("F2");
  await page.locator("#name-dialog").waitFor({ state: "visible" });
  assert.equal(await page.locator("#name-input").inputValue(), "Судебный вестник");
  await page.keyboard.press("Escape");
  await page.locator("#name-dialog").waitFor({ state: "hidden" });
  assert.deepEqual(await focused(page), { action: "select", source: "2", folder: null, id: null });
  await page.keyboard.press("Delete");
  await page.locator("#confirm-dialog").waitFor({ state: "visible" });
  assert.equal(await page.locator("#confirm-title").textContent(), "Unsubscribe from \u2068Судебный вестник\u2069?");
  await page.keyboard.press("Escape");
  await page.locator("#confirm-dialog").waitFor({ state: "hidden" });
  assert.deepEqual(await app.calls("remove_source"), []);
  assert.deepEqual(await app.calls("rename_source"), []);
  assert.deepEqual(await app.calls("get_entry"), [], "no shortcut fired on the way");
  assert.deepEqual(app.problems, []);
  await app.close();
});
