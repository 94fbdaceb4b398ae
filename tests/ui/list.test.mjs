// The entry list: debounced search, keyset paging with a bounded DOM, empty views.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { baseFixture, bulkFixture, STORY } from "./fixtures.mjs";

const env = setup({ before, after });

/** Scrolls the list to its end, which asks for the next page. */
const scrollToEnd = (list) => list.evaluate((el) => { el.scrollTop = el.scrollHeight; });

/** How many stories the list holds once no page is loading (its canvas is one row height per story). */
async function storiesListed(page) {
  await page.waitForFunction(() => document.getElementById("entry-list").getAttribute("aria-busy") === "false");
  return page.evaluate(() => parseFloat(document.getElementById("list-canvas").style.height) / 98);
}

test("the first stories are on screen before the sources pane is built", async () => {
  // Which of the two first has rows added to the document, in the order the additions were made.
  const watch = () => {
    window.__firstRows = [];
    const kinds = [["stories", "#list-canvas [data-id]"], ["sources", "#source-groups li"]];
    new MutationObserver((records) => {
      for (const node of records.flatMap((record) => [...record.addedNodes])) {
        for (const [name, selector] of kinds) {
          const rows = node.matches?.(selector) || node.querySelector?.(selector);
          if (rows && !window.__firstRows.includes(name)) window.__firstRows.push(name);
        }
      }
    }).observe(document, { subtree: true, childList: true });
  };
  const app = await openApp(env.browser, env.server, baseFixture(), { init: watch });
  const { page } = app;
  assert.deepEqual(await page.evaluate(() => window.__firstRows), ["stories", "sources"]);
  assert.ok((await page.locator("#source-groups li[data-source-id]").count()) > 0, "the sources pane is built");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("search runs as you type, once, with the final text after the typing pauses", async () => {
  const app = await openApp(env.browser, env.server, baseFixture(), { clock: "install" });
  const { page } = app;
  await app.clearCalls();
  await page.locator("#search").click();
  for (const letter of "protest") {
    await page.keyboard.type(letter);
    await page.clock.runFor(100);
  }
  assert.deepEqual(await app.calls("list_entries"), [], "nothing is searched while typing goes on");

  await page.clock.runFor(300);
  const calls = await app.waitForCalls("list_entries");
  assert.deepEqual(calls.map((c) => c.args), [{ query: { search: "protest", limit: 100 } }]);
  await page.waitForFunction(() => document.querySelectorAll(".entry-row").length === 1);
  assert.equal(await page.locator(".entry-row").getAttribute("data-id"), String(STORY.protest));

  // A search with no match says so in words.
  await page.keyboard.type("ers from mars");
  await page.clock.runFor(300);
  await page.locator("#list-empty:not([hidden])").waitFor();
  assert.equal(await page.locator("#list-empty-title").textContent(), "Nothing matches “protesters from mars”");

  // Escape clears the search at once and lists everything again.
  await page.keyboard.press("Escape");
  const last = (await app.waitForCalls("list_entries", 3)).at(-1);
  assert.deepEqual(last.args, { query: { limit: 100 } });
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("stories load 100 at a time with the cursor, and only the rows in view exist", async () => {
  const app = await openApp(env.browser, env.server, bulkFixture(250));
  const { page } = app;
  const list = page.locator("#entry-list");
  let calls = await app.calls("list_entries");
  assert.equal(calls.length, 1);
  const rows = await page.locator(".entry-row").count();
  assert.ok(rows > 0 && rows < 40, `only the rows in view are built (${rows})`);

  const firstNext = await page.evaluate(async () => {
    const page = await window.__TAURI__.core.invoke("list_entries", { query: { limit: 100 } });
    window.__fake.calls.pop();
    return page.next;
  });
  await scrollToEnd(list);
  calls = await app.waitForCalls("list_entries", 2);
  assert.deepEqual(calls[1].args, { query: { limit: 100, before: firstNext } });

  await page.waitForFunction(() => document.getElementById("list-canvas").style.height === `${200 * 98}px`);
  await scrollToEnd(list);
  calls = await app.waitForCalls("list_entries", 3);
  // 8 stories of the base fixture, then the archive from 1000 down: the second page ends at 1191.
  assert.equal(calls[2].args.query.before.id, 1191);
  await page.waitForFunction(() => document.getElementById("list-canvas").style.height === `${258 * 98}px`);

  await scrollToEnd(list);
  const lastRow = page.locator(".entry-row", { hasText: "Archive story 250" });
  await lastRow.waitFor();
  assert.equal(await lastRow.getAttribute("aria-setsize"), "258");
  assert.equal(await lastRow.getAttribute("aria-posinset"), "258");
  assert.ok((await page.locator(".entry-row").count()) < 40, "still only the rows in view");
  assert.equal((await app.calls("list_entries")).length, 3, "nothing more is asked once next is null");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a story edited to an older date is listed once when a later page brings it again", async () => {
  const app = await openApp(env.browser, env.server, bulkFixture(250));
  const { page } = app;
  const list = page.locator("#entry-list");
  // The first page is on screen; its first archive story now says it is older than every other.
  await page.evaluate(() => {
    window.__fake.db.entries.find((e) => e.title === "Archive story 1").published = "2001-01-01T00:00:00Z";
  });
  for (const pages of [2, 3]) {
    await scrollToEnd(list);
    await app.waitForCalls("list_entries", pages);
  }
  assert.equal(await storiesListed(page), 258, "the edited story among them once");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a row removed by cleanup leaves no story uncounted against listing one twice", async () => {
  const app = await openApp(env.browser, env.server, bulkFixture(250));
  const { page } = app;
  const list = page.locator("#entry-list");
  await scrollToEnd(list);
  await app.waitForCalls("list_entries", 2);
  assert.equal(await storiesListed(page), 200);
  // Back in the first page, a story there turns out to be gone when opened: its row goes.
  await list.evaluate((el) => { el.scrollTop = 90 * 98; });
  const gone = 1087;
  await page.evaluate((id) => {
    window.__fake.db.entries = window.__fake.db.entries.filter((e) => e.id !== id);
  }, gone);
  await app.row(gone).click();
  await page.waitForFunction((id) => !document.getElementById(`entry-${id}`), gone);
  // The first story of the second page, now a row earlier, is edited to the oldest date: the last page
  // brings it again.
  await page.evaluate(() => {
    window.__fake.db.entries.find((e) => e.id === 1092).published = "2001-01-01T00:00:00Z";
  });
  await scrollToEnd(list);
  await app.waitForCalls("list_entries", 3);
  assert.equal(await storiesListed(page), 257, "258 stories but the one gone, the edited one once");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a page arriving leaves the rows on screen as they are", async () => {
  const app = await openApp(env.browser, env.server, bulkFixture(250));
  const { page } = app;
  const list = page.locator("#entry-list");
  // The next page is held until the test lets it through.
  await page.evaluate(() => {
    const invoke = window.__TAURI__.core.invoke;
    window.__TAURI__.core.invoke = async (cmd, args) => {
      if (cmd === "list_entries" && args?.query?.before) await new Promise((release) => { window.__release = release; });
      return invoke(cmd, args);
    };
  });
  await scrollToEnd(list);
  await page.waitForFunction(() => typeof window.__release === "function");
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const shown = await page.evaluate(() => {
    window.__retitled = 0;
    const observer = new MutationObserver((records) => { window.__retitled += records.length; });
    // The rows already on screen; the page brings more below them, which are new.
    const rows = document.querySelectorAll(".entry-row");
    for (const row of rows) observer.observe(row, { subtree: true, childList: true, characterData: true });
    return rows.length;
  });
  assert.ok(shown > 0);
  await page.evaluate(() => window.__release());
  assert.equal(await storiesListed(page), 200);
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  assert.equal(await page.evaluate(() => window.__retitled), 0, "no row on screen was written again");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("j at the end of a page loads the next one and keeps going", async () => {
  const app = await openApp(env.browser, env.server, bulkFixture(250));
  const { page } = app;
  // Select the last loaded row without opening it.
  await page.locator("#entry-list").focus();
  await page.keyboard.press("End");
  const selected = page.locator(".entry-row[aria-selected=true]");
  await selected.waitFor();
  const lastLoaded = Number(await selected.getAttribute("data-id"));
  assert.equal(lastLoaded, 1091, "the last row of the first page");
  await page.keyboard.press("j");
  await page.waitForFunction((id) => {
    const open = document.querySelector(".entry-row.is-open");
    return open && Number(open.dataset.id) === id + 1;
  }, lastLoaded);
  assert.ok((await app.calls("list_entries")).length >= 2);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("an empty view explains itself", async () => {
  const fixture = baseFixture();
  for (const e of fixture.entries) e.bookmarked = false;
  const app = await openApp(env.browser, env.server, fixture);
  const { page } = app;
  await page.locator('.source-button[data-view="bookmarks"]').click();
  await page.locator("#list-empty:not([hidden])").waitFor();
  assert.equal(await page.locator("#list-empty-title").textContent(), "No bookmarks");
  assert.match(await page.locator("#list-empty-hint").textContent(), /Press b/);
  assert.equal(await page.locator("#view-title").textContent(), "Bookmarks");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a source whose last refresh failed shows a badge and the reason", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  const monitor = page.locator('.source-item[data-source-id="4"]');
  const badge = monitor.locator(".source-error");
  assert.equal(await badge.isVisible(), true);
  assert.equal(await badge.getAttribute("title"), "Last refresh failed: the server answered 503 Service Unavailable");
  assert.equal((await badge.textContent()).trim(), "(last refresh failed: the server answered 503 Service Unavailable)");
  assert.equal(await page.locator('.source-item[data-source-id="1"] .source-error').isVisible(), false);

  await monitor.locator(".source-button").click();
  assert.deepEqual((await app.waitForCalls("list_entries", 2)).at(-1).args, { query: { sourceId: 4, limit: 100 } });
  await page.locator("#view-error:not([hidden])").waitFor();
  assert.equal(await page.locator("#view-error-text").textContent(),
    "The last refresh of this source failed: the server answered 503 Service Unavailable");
  assert.equal(await page.locator("#view-title").textContent(), "Press Freedom Monitor");
  assert.deepEqual(app.problems, []);
  await app.close();
});
