// Test harness: serves ui/ on 127.0.0.1 (with the CSP from tauri.conf.json), drives it in headless Chromium
// with a fake window.__TAURI__, and records what the page complained about (errors, CSP violations).

import { createServer } from "node:http";
import { readFile, access } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { installFakeTauri } from "./fake-tauri.mjs";
import { NOW, TIMEZONE } from "./fixtures.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, "../..");
const UI_DIR = path.join(REPO, "ui");
const FIXTURE_DIR = path.join(HERE, "fixtures");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

async function appCsp() {
  const conf = JSON.parse(await readFile(path.join(REPO, "tauri.conf.json"), "utf8"));
  return conf.app?.security?.csp ?? "default-src 'self'; script-src 'self'; style-src 'self'";
}

/** Serves ui/ (and /__fixtures__/ from tests/ui/fixtures) on an ephemeral port of 127.0.0.1. */
export async function startServer() {
  const csp = await appCsp();
  const server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    const [root, rest] = pathname.startsWith("/__fixtures__/")
      ? [FIXTURE_DIR, pathname.slice("/__fixtures__/".length)]
      : [UI_DIR, pathname === "/" ? "index.html" : pathname.slice(1)];
    const file = path.resolve(root, rest);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "Content-Security-Policy": csp,
        "Cache-Control": "no-store",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/index.html`, close: () => new Promise((r) => server.close(r)) };
}

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/**
 * Headless Chromium. Playwright gives it a fresh temporary --user-data-dir of its own and deletes it on close
 * (it refuses the flag in `args`); every test then gets its own browser context.
 */
export async function launchBrowser() {
  try {
    await access(CHROMIUM);
  } catch {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/**
 * Opens the app in a new page of `browser` with the fake backend answering from `fixture`, the clock fixed at
 * NOW (or installed as a controllable fake clock with `clock: "install"`), and waits until the first load ended.
 */
/** `init`, when given, runs in the page before any of the app's scripts. */
export async function openApp(browser, server, fixture, { clock = "fixed", colorScheme = "light", init = null } = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: "en-GB",
    timezoneId: TIMEZONE,
    colorScheme,
  });
  const page = await context.newPage();
  // Fail fast: everything here is local, so a wait of more than a few seconds means the behaviour is missing.
  page.setDefaultTimeout(8000);
  if (clock === "install") await page.clock.install({ time: NOW });
  else await page.clock.setFixedTime(NOW);
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (msg) => {
    // Chromium has no offprint-img: scheme, so fixtures point pictures that are not in the cache at it: their
    // failed loads are the behaviour under test, not a problem.
    if (/^Failed to load resource/.test(msg.text()) && msg.location().url?.startsWith("offprint-img:")) return;
    if (msg.type() === "error" || msg.type() === "warning") problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.addInitScript(installFakeTauri, fixture);
  if (init) await page.addInitScript(init);
  await page.goto(server.url);
  await page.waitForSelector("html[data-ready=true]");
  return new App(context, page, problems);
}

export class App {
  constructor(context, page, problems) {
    this.context = context;
    this.page = page;
    this.problems = problems;
  }

  /** Every recorded `{cmd, args}`, or only those of `cmd`. */
  async calls(cmd) {
    const calls = await this.page.evaluate(() => window.__fake.calls);
    return cmd ? calls.filter((c) => c.cmd === cmd) : calls;
  }

  /** Waits until `cmd` has been called `count` times in all and returns its calls. */
  async waitForCalls(cmd, count = 1) {
    await this.page.waitForFunction(
      ([c, n]) => window.__fake.calls.filter((x) => x.cmd === c).length >= n,
      [cmd, count],
    );
    return this.calls(cmd);
  }

  async clearCalls() {
    await this.page.evaluate(() => window.__fake.calls.splice(0));
  }

  /** Delivers a Tauri event to the page's listeners. */
  emit(name, payload) {
    return this.page.evaluate(([n, p]) => window.__fake.emit(n, p), [name, payload]);
  }

  row(id) {
    return this.page.locator(`#entry-${id}`);
  }

  async close() {
    await this.context.close();
  }
}

/** One server and one browser for a test file. */
export function setup(hooks) {
  const env = {};
  hooks.before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  hooks.after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
