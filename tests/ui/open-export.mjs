// Opens an exported bookmarks page (an HTML file) in headless Chromium with the network cut off, and prints
// what a reader would get as one JSON document on stdout:
//
//   {title, images: [{src_prefix, naturalWidth, complete}], placeholders, articles, blocked_requests,
//    blocked_urls, scripts, csp}
//
// Every request that is neither file: nor data: is aborted and counted. The page's own CSP is bypassed, so
// the count is what the markup asks for, not what the CSP happens to stop; `csp` is the policy the page
// declares. `scripts` counts script elements, inline event handlers and javascript: URLs.
//
//   node tests/ui/open-export.mjs FILE [--screenshot PNG]
//
// Run by `tests/export.rs`. Needs Chromium (see harness.mjs: /usr/bin/chromium or CHROMIUM_PATH).

import path from "node:path";
import { pathToFileURL } from "node:url";
import { launchBrowser } from "./harness.mjs";

const args = process.argv.slice(2);
const file = args[0];
const shotAt = args.indexOf("--screenshot");
const screenshot = shotAt >= 0 ? args[shotAt + 1] : null;
if (!file || (shotAt >= 0 && !screenshot)) {
  console.error("usage: node tests/ui/open-export.mjs FILE [--screenshot PNG]");
  process.exit(2);
}

const browser = await launchBrowser();
try {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);

  const blocked = new Set();
  const isLocal = (url) => url.startsWith("file:") || url.startsWith("data:");
  // Requests that never reach the router (a websocket, say) are still seen here.
  page.on("request", (request) => {
    if (!isLocal(request.url())) blocked.add(request.url());
  });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    blocked.add(url);
    return route.abort("blockedbyclient");
  });

  await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: "load" });
  const report = await page.evaluate(async () => {
    const images = [...document.images];
    await Promise.all(images.map((img) => img.decode().catch(() => {})));
    const handlers = [...document.querySelectorAll("*")].filter((el) =>
      [...el.attributes].some((a) => a.name.toLowerCase().startsWith("on")),
    ).length;
    const jsUrls = [...document.querySelectorAll("[href], [src], [action], [formaction]")].filter((el) =>
      ["href", "src", "action", "formaction"].some((a) => /^\s*javascript:/i.test(el.getAttribute(a) ?? "")),
    ).length;
    return {
      title: document.title,
      images: images.map((img) => ({
        src_prefix: (img.getAttribute("src") ?? "").slice(0, 32),
        naturalWidth: img.naturalWidth,
        complete: img.complete,
      })),
      placeholders: document.querySelectorAll(".picture-missing").length,
      articles: document.querySelectorAll("main > article").length,
      scripts: document.querySelectorAll("script").length + handlers + jsUrls,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.getAttribute("content") ?? null,
    };
  });
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  report.blocked_requests = blocked.size;
  report.blocked_urls = [...blocked];
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  await browser.close();
}
