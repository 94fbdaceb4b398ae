// Offline capture in the reader: pictures that are not in the cache, embed cards, and the choice between the
// full article and the feed's own version.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setup, openApp } from "./harness.mjs";
import { offlineFixture, OFFLINE_STORY, PICTURES, EMBED, STORY } from "./fixtures.mjs";

const env = setup({ before, after });

async function openVerdict(app) {
  await app.row(OFFLINE_STORY.verdict).click();
  await app.page.waitForFunction(() => document.getElementById("article-title").textContent.startsWith("Verdict day"));
}

/** Waits until no picture in the body is still loading or broken: the failed ones have been replaced. */
const picturesSettled = (page) =>
  page.waitForFunction(() =>
    [...document.querySelectorAll("#article-body img")].every((img) => img.complete && img.naturalWidth > 0));

test("a picture missing from the cache becomes a placeholder with its alt text, and its caption stays", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  await openVerdict(app);
  await picturesSettled(page);
  const body = page.locator("#article-body");

  const boxes = body.locator(".picture-missing:not(.is-small)");
  assert.deepEqual(await boxes.locator(".picture-missing-text").allTextContents(),
    ["Families holding portraits of the editor on the court steps", "Picture not saved"]);
  const figure = body.locator("figure").first();
  assert.equal(await figure.locator("img").count(), 0, "the broken picture is gone");
  assert.equal(await figure.locator(".picture-missing").count(), 1);
  assert.equal(await figure.locator("figcaption").textContent(), "Families on the court steps on Friday morning.");
  assert.equal(await body.locator(`img[src^="offprint-img:"]`).count(), 0, "no broken-image icon anywhere");

  // A box the reader can see, with a glyph from the page's own sprite (nothing fetched).
  const box = await boxes.first().evaluate((el) => {
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return { border: style.borderTopStyle, height: rect.height, glyph: el.querySelector("svg use")?.getAttribute("href") };
  });
  assert.equal(box.border, "solid");
  assert.ok(box.height >= 60, `the placeholder is a box (${box.height}px high)`);
  assert.equal(box.glyph, "#i-picture");
  assert.match(await boxes.first().textContent(), /Picture not saved: Families holding portraits/,
    "screen readers hear that the picture is missing");

  // A picture the size of a letter gets only the glyph, in the line of text.
  const small = body.locator(".picture-missing.is-small");
  assert.equal(await small.count(), 1);
  assert.equal(await small.evaluate((el) => el.closest("p").textContent.includes("the judges arrived")), true);
  assert.ok((await small.boundingBox()).height < 40);

  // A picture narrower than the column (a 64×64 seal) gets a box of its own size, not one as wide as the column.
  const seal = body.locator(".picture-missing.is-sized");
  assert.equal(await seal.count(), 1);
  const sealBox = await seal.boundingBox();
  assert.deepEqual([Math.round(sealBox.width), Math.round(sealBox.height)], [64, 64]);
  assert.equal(await seal.getAttribute("title"), "Picture not saved: Seal of the appeal court");
  assert.equal(await seal.textContent(), "Seal of the appeal court", "screen readers hear its alt text");
  assert.equal(await seal.evaluate((el) => el.closest("p").textContent.includes("the court's seal")), true);
  const column = await body.boundingBox();
  assert.ok(column.width > 300, `the column is wider than the seal (${column.width}px)`);

  // The picture that is in the cache stays as it is.
  const photo = body.locator(`img[src="${PICTURES.pressRoom}"]`);
  assert.equal(await photo.count(), 1);
  assert.equal(await photo.evaluate((img) => img.naturalWidth), 640);
  assert.equal(await photo.getAttribute("alt"), "The press room of the appeal court");
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("embed cards show thumbnail, provider and title, and open the original through open_link", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  const address = page.url();
  await openVerdict(app);
  await picturesSettled(page);
  const cards = page.locator("#article-body a.op-embed");
  assert.equal(await cards.count(), 2);

  const youtube = cards.nth(0);
  assert.equal(await youtube.locator(".op-embed-provider").textContent(), "YouTube");
  assert.equal(await youtube.locator(".op-embed-title").textContent(), "The verdict, explained in three minutes");
  assert.equal(await youtube.locator("img.op-embed-thumb").evaluate((img) => img.naturalWidth), 480);
  const layout = await youtube.evaluate((card) => {
    const thumb = card.querySelector(".op-embed-thumb").getBoundingClientRect();
    const title = card.querySelector(".op-embed-title").getBoundingClientRect();
    const play = getComputedStyle(card, "::before");
    return { thumbAboveTitle: thumb.bottom <= title.top, play: play.content, playRadius: play.borderRadius };
  });
  assert.deepEqual(layout, { thumbAboveTitle: true, play: '""', playRadius: "50%" }, "a play mark over the thumbnail");

  // The Vimeo thumbnail is not in the cache: the card drops it and still shows provider and title.
  const vimeo = cards.nth(1);
  assert.equal(await vimeo.locator("img").count(), 0);
  assert.equal(await vimeo.locator(".picture-missing").count(), 0, "no placeholder inside a card");
  assert.equal(await vimeo.locator(".op-embed-provider").textContent(), "Vimeo");
  assert.equal(await vimeo.locator(".op-embed-title").textContent(), "Interview with the defence team");
  const slim = await vimeo.boundingBox();
  assert.ok(slim.height < 100, `a card without thumbnail is a slim row (${slim.height}px)`);

  // Clicking the thumbnail, clicking the title, Enter on the focused card, and a plain link: all open_link.
  await youtube.locator("img").click();
  await vimeo.locator(".op-embed-title").click();
  await vimeo.focus();
  await page.keyboard.press("Enter");
  await page.locator("#article-body a", { hasText: "first hearing" }).click();
  const calls = await app.waitForCalls("open_link", 4);
  assert.deepEqual(calls.map((c) => c.args), [
    { url: EMBED.youtube }, { url: EMBED.vimeo }, { url: EMBED.vimeo },
    { url: "https://rights.example.org/2025/11/first-hearing" },
  ]);
  assert.equal(page.url(), address, "the window never navigates");
  assert.equal(app.context.pages().length, 1);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("a story with its full text offers the feed's version, and every story opens on the full article", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  await openVerdict(app);
  const body = page.locator("#article-body");
  const group = page.locator("#version-switch");
  const full = group.locator('input[value="full"]');
  const feed = group.locator('input[value="feed"]');
  assert.equal(await group.isVisible(), true);
  assert.equal(await full.isChecked(), true);
  assert.match(await body.textContent(), /Reporters and families gathered outside the appeal court/);

  await group.locator("label", { hasText: "Feed version" }).click();
  await page.waitForFunction(() => document.getElementById("article-body").textContent.startsWith("The court is expected"));
  assert.equal(await body.textContent(), "The court is expected to rule on the editor's appeal this afternoon. Read the full story on our site.");
  assert.equal(await body.locator("a.op-embed, .picture-missing").count(), 0);

  // The keyboard moves between the two like any radio group.
  assert.equal(await feed.evaluate((input) => input === document.activeElement), true);
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(() => document.getElementById("article-body").textContent.startsWith("Reporters and families"));
  assert.equal(await full.isChecked(), true);
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.getElementById("article-body").textContent.startsWith("The court is expected"));

  // Another story has no switch; back on this one, it is the full article again.
  await app.row(STORY.protest).click();
  await page.waitForFunction(() => document.getElementById("article-title").textContent.startsWith("Protest"));
  assert.equal(await group.isVisible(), false);
  assert.equal(await page.locator("#version-note").isVisible(), false);
  await openVerdict(app);
  assert.equal(await full.isChecked(), true);
  assert.match(await body.textContent(), /^Reporters and families gathered/);
  assert.deepEqual(app.problems, []);
  await app.close();
});

test("when the full text could not be fetched, a quiet note says so and the feed's text is shown", async () => {
  const app = await openApp(env.browser, env.server, offlineFixture());
  const { page } = app;
  await app.row(OFFLINE_STORY.blocked).click();
  const note = page.locator("#version-note");
  await note.waitFor();
  assert.equal(await note.textContent(), "The feed's version: the full article could not be saved.");
  assert.equal(await note.getAttribute("title"), "The article page answered 403 Forbidden", "the words, not the code");
  assert.equal(await note.getAttribute("role"), null, "a note, not an alert");
  assert.equal(await page.locator("#version-switch").isVisible(), false);
  assert.equal(await page.locator("#article-body").textContent(), "Foreign reporters were refused accreditation for the hearing.");
  assert.equal(await page.locator(".toast").count(), 0, "nothing alarming");

  // The backend's coming form, the message alone, is shown as it is.
  await page.evaluate((id) => {
    window.__fake.db.entries.find((e) => e.id === id).full_text_error = "the article page took too long to answer";
  }, OFFLINE_STORY.blocked);
  await app.row(STORY.protest).click();
  await page.waitForFunction(() => document.getElementById("article-title").textContent.startsWith("Protest"));
  await app.row(OFFLINE_STORY.blocked).click();
  await page.waitForFunction(() => document.getElementById("version-note").title.includes("too long"));
  assert.equal(await note.getAttribute("title"), "The article page took too long to answer");
  assert.deepEqual(app.problems, []);
  await app.close();
});
