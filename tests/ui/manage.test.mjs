// Managing what is read: adding a source when an address offers several feeds, the Fetching settings
// (saved through set_sync_settings, refusals shown on their field), and importing and exporting subscriptions
// and bookmarks.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { baseFixture } from "./fixtures.mjs";

const env = setup({ before, after });
const NBSP = "\u00a0";

/** A site whose page announces three feeds; and one whose page announces one, at another address. */
const PAGES = {
  "https://press.example.org/": [
    { url: "https://press.example.org/feed/all.xml", title: "Press Watch — all stories" },
    { url: "https://press.example.org/feed/courts.xml", title: "Press Watch — courts" },
    { url: "https://press.example.org/comments.rss", title: null },
  ],
  "https://solo.example.org/": [{ url: "https://solo.example.org/rss", title: "Solo" }],
  "https://mixed.example.org/": [
    { url: "https://mixed.example.org/feed.xml", title: "Mixed" },
    { url: "https://rights.example.org/feed.xml", title: "Rights Desk (syndicated)" },
  ],
};

function manageFixture() {
  return { ...baseFixture(), pages: PAGES };
}

async function openAddDialog(page) {
  await page.locator("#add-source-button").click();
  await page.locator("#add-dialog").waitFor({ state: "visible" });
}

const activeId = (page) => page.evaluate(() => document.activeElement.id || document.activeElement.value);

test("an address that offers several feeds shows them to choose from; the one chosen by keyboard is subscribed in the folder", async () => {
  const app = await openApp(env.browser, env.server, manageFixture());
  const { page } = app;
  await openAddDialog(page);
  const dialog = page.locator("#add-dialog");
  assert.deepEqual(await page.locator("#folder-names option").evaluateAll((os) => os.map((o) => o.value)), ["Courts"],
    "existing folders are offered");

  await page.locator("#add-url").fill("https://press.example.org/");
  await page.locator("#add-folder").fill("Watchdogs");
  await page.locator("#add-url").press("Enter");
  const choice = page.locator("#add-choice");
  await choice.waitFor({ state: "visible" });
  assert.equal(await page.locator("#add-choice-legend").textContent(), "This address offers 3 feeds. Choose one:");
  assert.equal(await page.locator("#add-url").isVisible(), false, "the address gives way to the choice");
  assert.equal(await page.locator("#add-folder").inputValue(), "Watchdogs", "the folder stays");
  const radios = choice.getByRole("radio");
  assert.equal(await radios.count(), 3);
  assert.equal(await choice.getByRole("radio", { name: /Press Watch — all stories/ }).isChecked(), true, "the first is preselected");
  assert.deepEqual(await page.locator(".feed-option-title").allTextContents(),
    ["Press Watch — all stories", "Press Watch — courts", "https://press.example.org/comments.rss"]);
  assert.deepEqual(await page.locator(".feed-option-url").allTextContents(),
    ["https://press.example.org/feed/all.xml", "https://press.example.org/feed/courts.xml"], "an address beneath each title");
  assert.equal(await activeId(page), "https://press.example.org/feed/all.xml", "the focus is on the choice");
  assert.deepEqual(await page.locator("#add-dialog .dialog-buttons button:visible").allTextContents(), ["Back", "Subscribe"]);
  assert.deepEqual(await app.calls("add_source"), [], "nothing is subscribed before the choice");

  // Back to the address, which is kept; looking again offers the same choice.
  await page.getByRole("button", { name: "Back" }).click();
  await page.locator("#add-url").waitFor({ state: "visible" });
  assert.equal(await choice.isVisible(), false);
  assert.equal(await page.locator("#add-url").inputValue(), "https://press.example.org/");
  assert.equal(await activeId(page), "add-url");
  await page.keyboard.press("Enter");
  await choice.waitFor({ state: "visible" });

  await page.keyboard.press("ArrowDown");
  assert.equal(await choice.getByRole("radio", { name: /Press Watch — courts/ }).isChecked(), true);
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("find_feeds")).map((c) => c.args),
    [{ url: "https://press.example.org/" }, { url: "https://press.example.org/" }]);
  assert.deepEqual((await app.calls("add_source")).map((c) => c.args),
    [{ url: "https://press.example.org/feed/courts.xml", folder: "Watchdogs" }]);
  await page.locator('.source-button[data-source-id="1000"][aria-current="page"]').waitFor();
  assert.match(await page.locator(".toast").last().textContent(), /Subscribed to \u2068press\.example\.org\u2069\./);

  // Opened again, it starts from the address, and the new folder is offered.
  await openAddDialog(page);
  assert.equal(await choice.isVisible(), false);
  assert.equal(await page.locator("#add-url").isVisible(), true);
  assert.equal(await page.locator("#add-url").inputValue(), "");
  assert.deepEqual(await page.locator("#folder-names option").evaluateAll((os) => os.map((o) => o.value)), ["Courts", "Watchdogs"]);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("an address that leads to one feed subscribes to that feed without a choice", async () => {
  const app = await openApp(env.browser, env.server, manageFixture());
  const { page } = app;
  await openAddDialog(page);
  // Records whether the choice was ever shown, however briefly.
  await page.evaluate(() => {
    window.choiceShown = false;
    new MutationObserver(() => {
      if (!document.getElementById("add-choice").hidden) window.choiceShown = true;
    }).observe(document.getElementById("add-choice"), { attributes: true });
  });
  await page.locator("#add-url").fill("https://solo.example.org/");
  await page.locator("#add-submit").click();
  await page.locator("#add-dialog").waitFor({ state: "hidden" });
  assert.deepEqual((await app.calls("find_feeds")).map((c) => c.args), [{ url: "https://solo.example.org/" }]);
  assert.deepEqual((await app.calls("add_source")).map((c) => c.args), [{ url: "https://solo.example.org/rss" }],
    "the feed's own address, and no folder");
  assert.equal(await page.evaluate(() => window.choiceShown), false);
  await page.locator('.source-button[data-source-id="1000"][aria-current="page"]').waitFor();
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a failure shows in the dialog, which stays open: an address that is not a feed, a chosen feed already subscribed", async () => {
  const app = await openApp(env.browser, env.server, manageFixture());
  const { page } = app;
  await openAddDialog(page);
  const dialog = page.locator("#add-dialog");
  const error = page.locator("#add-error");

  await page.locator("#add-url").fill("https://news.example.org/not-a-feed.html");
  await page.keyboard.press("Enter");
  await error.waitFor({ state: "visible" });
  assert.equal(await error.textContent(),
    "Could not add this source: https://news.example.org/not-a-feed.html is not a feed: it is a web page that announces no feed");
  assert.equal(await dialog.isVisible(), true);
  assert.equal(await page.locator("#add-url").getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator("#add-url").getAttribute("aria-describedby"), "add-error");
  assert.equal(await activeId(page), "add-url");
  assert.equal(await page.locator("#add-submit").textContent(), "Add");
  assert.deepEqual(await app.calls("add_source"), []);

  // The choice of a feed already subscribed: said beside the choice, which stays.
  await page.locator("#add-url").fill("https://mixed.example.org/");
  await page.keyboard.press("Enter");
  await page.locator("#add-choice").waitFor({ state: "visible" });
  assert.equal(await error.isVisible(), false, "a new attempt clears the old message");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("add-error").textContent.includes("already subscribed"));
  assert.equal(await error.textContent(), "Could not add this source: already subscribed (source 1)");
  assert.equal(await dialog.isVisible(), true);
  assert.equal(await page.locator("#add-choice").isVisible(), true);
  assert.equal(await page.locator("#add-choice").getAttribute("aria-describedby"), "add-error");
  assert.equal(await activeId(page), "https://rights.example.org/feed.xml", "the focus stays on the choice");
  assert.equal(await page.locator("#add-submit").textContent(), "Subscribe");
  assert.deepEqual((await app.calls("add_source")).map((c) => c.args), [{ url: "https://rights.example.org/feed.xml" }]);
  assert.equal(await page.locator(".source-button[data-source-id]").count(), 4, "nothing was added");
  assert.deepEqual(app.problems, []);
  await app.close();
});

// ---- settings: fetching ----------------------------------------------------------------------------------

const STORED = {
  refresh_interval: 45, concurrency: 4, proxy: "http://proxy.example:8080", user_agent: "Offprint-Test/1",
  full_text: "always", notifications: "off",
};

/** Opens the settings and waits until the Fetching section has read the settings. */
async function openFetching(page) {
  await page.locator("#settings-button").click();
  await page.locator("#settings-dialog").waitFor({ state: "visible" });
  await page.waitForFunction(() => !document.getElementById("concurrency").disabled && document.getElementById("concurrency").value);
}

/** The message shown on a field, or null when it is not marked. */
const fieldError = (input) => input.evaluate((el) => {
  if (el.getAttribute("aria-invalid") !== "true") return null;
  const box = document.getElementById(el.getAttribute("aria-errormessage"));
  return box && !box.hidden && el.getAttribute("aria-describedby").split(" ").includes(box.id) ? box.textContent : "(no message)";
});

function fetchingFields(page) {
  const section = page.getByRole("form", { name: "Fetching" });
  return {
    interval: section.getByLabel("Refresh automatically"),
    concurrency: section.getByLabel("Sources fetched at once"),
    fullText: section.getByLabel("Full text for new sources"),
    notifications: section.getByLabel("Desktop notifications of new stories"),
    proxy: section.getByLabel("Proxy", { exact: true }),
    userAgent: section.getByLabel("User-Agent", { exact: true }),
  };
}

test("the Fetching section shows the stored settings and saves each change with all of them", async () => {
  const app = await openApp(env.browser, env.server, { ...baseFixture(), syncSettings: STORED });
  const { page } = app;
  await openFetching(page);
  const f = fetchingFields(page);
  assert.equal(await f.interval.inputValue(), "45");
  assert.deepEqual(await f.interval.locator("option").allTextContents(), [
    "Every 15 minutes", "Every 30 minutes", "Every 45 minutes", "Every hour", "Every 3 hours", "Every 12 hours",
    "Only when I refresh",
  ], "a stored interval that is not offered is shown among those that are");
  assert.equal(await f.concurrency.inputValue(), "4");
  assert.equal(await f.fullText.inputValue(), "always");
  assert.equal(await f.notifications.isChecked(), false);
  assert.equal(await f.proxy.inputValue(), "http://proxy.example:8080");
  assert.equal(await f.proxy.getAttribute("placeholder"), "socks5h://127.0.0.1:9050");
  assert.match(await page.locator(`#${await f.proxy.getAttribute("aria-describedby")}`).textContent(),
    /^Every request goes through it: feeds, article pages and pictures\. Empty: the system's proxy settings\.$/);
  assert.equal(await f.userAgent.inputValue(), "Offprint-Test/1");
  assert.equal(await f.userAgent.getAttribute("placeholder"), "Offprint's own");
  assert.deepEqual(await app.calls("set_sync_settings"), [], "reading is not writing");

  const saved = async (count) => {
    await app.waitForCalls("set_sync_settings", count);
    await page.locator("#fetch-status", { hasText: "Saved." }).waitFor();
  };
  await f.interval.selectOption({ label: "Every hour" });
  await saved(1);
  // Too many at once: said on the field, and not sent.
  await f.concurrency.fill("40");
  await f.concurrency.press("Tab");
  await page.locator("#concurrency-error:not([hidden])").waitFor();
  assert.equal(await fieldError(f.concurrency), "A whole number between 1 and 32.");
  assert.equal((await app.calls("set_sync_settings")).length, 1);
  await f.concurrency.fill("12");
  await f.concurrency.press("Tab");
  await saved(2);
  assert.equal(await fieldError(f.concurrency), null);
  await f.proxy.fill("  socks5h://127.0.0.1:9050 ");
  await f.proxy.press("Enter");
  await saved(3);
  await f.userAgent.fill("");
  await f.userAgent.press("Tab");
  await saved(4);
  await f.notifications.check();
  await saved(5);
  await f.fullText.selectOption({ label: "Off" });
  await saved(6);

  const base = { ...STORED, refresh_interval: 60 };
  assert.deepEqual((await app.calls("set_sync_settings")).map((c) => c.args.settings), [
    base,
    { ...base, concurrency: 12 },
    { ...base, concurrency: 12, proxy: "socks5h://127.0.0.1:9050" },
    { ...base, concurrency: 12, proxy: "socks5h://127.0.0.1:9050", user_agent: "" },
    { ...base, concurrency: 12, proxy: "socks5h://127.0.0.1:9050", user_agent: "", notifications: "on" },
    { ...base, concurrency: 12, proxy: "socks5h://127.0.0.1:9050", user_agent: "", notifications: "on", full_text: "off" },
  ]);
  const expected = {
    refresh_interval: 60, concurrency: 12, proxy: "socks5h://127.0.0.1:9050", user_agent: "", full_text: "off", notifications: "on",
  };
  assert.deepEqual(await page.evaluate(() => window.__fake.db.syncSettings), expected);
  assert.equal(await f.proxy.inputValue(), "socks5h://127.0.0.1:9050", "a saved field shows what was stored");

  // Opened again, it shows what was saved; the interval no longer offered is gone.
  await page.keyboard.press("Escape");
  await page.locator("#settings-dialog").waitFor({ state: "hidden" });
  await openFetching(page);
  assert.deepEqual(
    [await f.interval.inputValue(), await f.concurrency.inputValue(), await f.fullText.inputValue(),
      await f.notifications.isChecked(), await f.proxy.inputValue(), await f.userAgent.inputValue()],
    ["60", "12", "off", true, "socks5h://127.0.0.1:9050", ""]);
  assert.equal(await f.interval.locator("option", { hasText: "45" }).count(), 0);
  assert.equal((await app.calls("set_sync_settings")).length, 6, "closing with nothing changed saves nothing");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a proxy the backend refuses is marked on its field in its words, keeps what was typed, and nothing is saved", async () => {
  const app = await openApp(env.browser, env.server, { ...baseFixture(), syncSettings: STORED });
  const { page } = app;
  await openFetching(page);
  const f = fetchingFields(page);
  await f.proxy.fill("localhost:9050");
  await f.proxy.press("Enter");
  await page.locator("#proxy-error:not([hidden])").waitFor();
  assert.equal(await fieldError(f.proxy),
    "“Proxy” cannot be \"localhost:9050\"; it is empty, or a URL such as socks5h://127.0.0.1:9050 or " +
    "http://proxy.example:8080 (schemes: http, https, socks5, socks5h)");
  assert.equal(await page.locator("#proxy-error").evaluate((box) => box.closest(".text-field").querySelector("input").id), "proxy",
    "the message sits with the proxy field");
  assert.equal(await f.proxy.inputValue(), "localhost:9050", "what was typed stays");
  assert.deepEqual((await app.calls("set_sync_settings")).map((c) => c.args.settings.proxy), ["localhost:9050"]);
  assert.deepEqual(await page.evaluate(() => window.__fake.db.syncSettings), STORED, "nothing is saved");
  assert.equal(await page.locator("#fetch-status").textContent(), "");
  assert.equal(await page.locator("#fetch-error").isVisible(), false);
  assert.equal(await page.locator("#settings-dialog .field-error:not([hidden])").count(), 1);

  // The refused value is not sent again, on Enter or on closing.
  await f.proxy.press("Enter");
  await page.keyboard.press("Escape");
  await page.locator("#settings-dialog").waitFor({ state: "hidden" });
  assert.equal((await app.calls("set_sync_settings")).length, 1);
  assert.deepEqual(await page.evaluate(() => window.__fake.db.syncSettings), STORED);
  await openFetching(page);
  assert.equal(await f.proxy.inputValue(), "http://proxy.example:8080");
  assert.equal(await fieldError(f.proxy), null);
  assert.deepEqual(app.problems, []);
  await app.close();
});

// ---- subscriptions and bookmarks -------------------------------------------------------------------------

/** From another reader: a folder with a folder inside, a feed already subscribed, and an ftp address. */
const OPML = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Subscriptions from another reader</title></head>
  <body>
    <outline text="Watchdogs" title="Watchdogs">
      <outline text="Regional">
        <outline type="rss" text="Court Watch" title="Court Watch" xmlUrl="https://courtwatch.example.org/feed.xml"/>
      </outline>
      <outline type="rss" text="Media Monitor" xmlUrl="https://mediamonitor.example.org/rss"/>
    </outline>
    <outline type="rss" text="Rights Desk" title="Rights Desk" xmlUrl="https://rights.example.org/feed.xml"/>
    <outline type="rss" text="Old archive" xmlUrl="ftp://archive.example.org/feed.xml"/>
    <outline type="rss" text="Open Letters" xmlUrl="https://letters.example.org/atom.xml"/>
  </body>
</opml>
`;

async function openTransfer(page) {
  await page.locator("#settings-button").click();
  await page.locator("#settings-dialog").waitFor({ state: "visible" });
}

test("importing OPML adds its sources in their folders, says what was skipped and why, and refreshes", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await openTransfer(page);
  const button = page.getByRole("button", { name: "Import OPML…" });
  await button.focus();
  const choosing = page.waitForEvent("filechooser");
  // A round trip, so the browser intercepts the file chooser before the key is pressed.
  await page.evaluate(() => null);
  await page.keyboard.press("Enter");
  const chooser = await choosing;
  assert.equal(await chooser.element().getAttribute("accept"), ".opml,.xml,text/x-opml,application/xml");
  await chooser.setFiles({ name: "subscriptions.opml", mimeType: "text/x-opml", buffer: Buffer.from(OPML) });

  const status = page.locator("#opml-status");
  await status.filter({ hasText: "Added" }).waitFor();
  assert.equal(await status.textContent(), `Added 3${NBSP}sources; skipped 2.`);
  const sent = (await app.calls("import_opml"))[0].args.bytes;
  assert.equal(Buffer.from(sent).toString("utf8"), OPML, "the file's bytes, as they are");
  assert.equal(await button.textContent(), "Import OPML…");
  assert.equal(await activeId(page), "import-opml-button", "the keyboard stays where it was");

  const skipped = page.locator("#import-skipped");
  assert.equal(await skipped.isVisible(), true);
  assert.equal(await skipped.evaluate((d) => d.open), false, "the reasons are one click away");
  await skipped.locator("summary").click();
  assert.deepEqual(await skipped.locator("li").evaluateAll((items) => items.map((li) => [...li.children].map((c) => c.textContent))), [
    ["Rights Desk", "https://rights.example.org/feed.xml", "already subscribed, as \u2068Rights Desk\u2069"],
    ["Old archive", "ftp://archive.example.org/feed.xml", "not an http(s) address"],
  ]);

  // The sidebar has the new sources, the nested one in the top folder; a refresh of everything started.
  await page.waitForFunction(() => ["Court Watch", "Media Monitor", "Open Letters", "Watchdogs"]
    .every((name) => document.getElementById("sources-pane").textContent.includes(name)));
  await page.locator("#sources-pane").getByText("Open Letters", { exact: true }).waitFor();
  assert.deepEqual(await page.evaluate(() => window.__fake.db.sources.filter((s) => s.id >= 1000).map((s) => [s.title, s.folder])),
    [["Court Watch", "Watchdogs"], ["Media Monitor", "Watchdogs"], ["Open Letters", null]]);
  assert.deepEqual((await app.waitForCalls("sync_now")).map((c) => c.args), [{}]);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a file that is not OPML (a feed) is refused in words and nothing changes", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await openTransfer(page);
  const listings = (await app.calls("list_sources")).length;
  // Well-formed XML, so the fake backend's parser does not make an error page with an inline style.
  const feed = '<?xml version="1.0"?><rss version="2.0"><channel><title>Rights Desk</title></channel></rss>';
  await page.setInputFiles("#import-opml-file", { name: "feed.xml", mimeType: "application/xml", buffer: Buffer.from(feed) });
  const error = page.locator("#opml-error");
  await error.waitFor({ state: "visible" });
  assert.equal(await error.textContent(), "Could not import feed.xml: not an OPML file: it is not an outline list");
  assert.equal(await error.getAttribute("role"), "alert");
  assert.equal((await app.calls("import_opml")).length, 1);
  assert.equal(await page.locator("#opml-status").textContent(), "");
  assert.equal(await page.locator("#import-skipped").isVisible(), false);
  assert.equal(await page.evaluate(() => window.__fake.db.sources.length), 4);
  assert.equal((await app.calls("list_sources")).length, listings);
  assert.deepEqual(await app.calls("sync_now"), []);
  assert.equal(await page.locator(".source-button[data-source-id]").count(), 4);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("exporting the sources and the bookmarks says where each file was saved", async () => {
  const app = await openApp(env.browser, env.server, baseFixture());
  const { page } = app;
  await openTransfer(page);

  await page.getByRole("button", { name: "Export OPML" }).click();
  const opml = page.locator("#opml-status");
  await opml.filter({ hasText: "Saved to" }).waitFor();
  assert.equal(await opml.textContent(), "Saved to /home/reader/Downloads/offprint-subscriptions.opml.");
  assert.equal(await opml.locator(".saved-path").textContent(), "/home/reader/Downloads/offprint-subscriptions.opml");
  assert.equal(await opml.locator(".saved-path").evaluate((el) => getComputedStyle(el).userSelect), "all",
    "one click selects the whole path");
  assert.equal((await app.calls("export_opml")).length, 1);

  const format = page.getByLabel("Bookmarks as");
  assert.deepEqual(await format.locator("option").allTextContents(), ["HTML page with pictures", "Markdown", "JSON"]);
  assert.equal(await format.inputValue(), "html");
  const bookmarks = page.locator("#bookmarks-status");
  const exportBookmarks = page.getByRole("button", { name: "Export bookmarks" });
  await exportBookmarks.click();
  await bookmarks.filter({ hasText: ".html" }).waitFor();
  await format.selectOption({ label: "Markdown" });
  await exportBookmarks.click();
  await bookmarks.filter({ hasText: ".md" }).waitFor();
  assert.equal(await bookmarks.textContent(), "Saved to /home/reader/Downloads/offprint-bookmarks-2026-01-09.md.");
  assert.deepEqual((await app.calls("export_bookmarks")).map((c) => c.args), [{ format: "html" }, { format: "markdown" }]);
  assert.deepEqual(await page.evaluate(() => window.__fake.db.saved), [
    "/home/reader/Downloads/offprint-subscriptions.opml",
    "/home/reader/Downloads/offprint-bookmarks-2026-01-09.html",
    "/home/reader/Downloads/offprint-bookmarks-2026-01-09.md",
  ]);

  // A failure is said beside the button, in words.
  await page.evaluate(() => {
    window.__fake.failures.export_bookmarks = { code: "io", message: "the Downloads folder is not writable" };
  });
  await format.selectOption("json");
  await exportBookmarks.click();
  await page.locator("#bookmarks-error:not([hidden])").waitFor();
  assert.equal(await page.locator("#bookmarks-error").textContent(), "Could not export your bookmarks: the Downloads folder is not writable");
  assert.equal(await bookmarks.textContent(), "");
  assert.deepEqual((await app.calls("export_bookmarks")).at(-1).args, { format: "json" });

  // Opened again, the dialog starts afresh.
  await page.keyboard.press("Escape");
  await openTransfer(page);
  assert.equal(await opml.textContent(), "");
  assert.equal(await page.locator("#bookmarks-error").isVisible(), false);
  assert.deepEqual(app.problems, []);
  await app.close();
});
