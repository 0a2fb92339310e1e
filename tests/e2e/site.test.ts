// The browser test: build the site, serve dist/ on 127.0.0.1, open every page in headless Chromium, fail on any
// console error, failed request or Framework error cell, check every chart drew marks, save screenshots.
import {execFileSync} from "node:child_process";
import {existsSync, mkdirSync, readdirSync} from "node:fs";
import type {Server} from "node:http";
import {join} from "node:path";
import type {BrowserContext} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {repoRoot} from "../helpers/node.ts";
import {CHROMIUM, launchChromium} from "./browser.ts";
import {serveDirectory} from "./serve.ts";

const dist = join(repoRoot, "dist");
const screenshots = join(repoRoot, "artifacts", "screenshots");
const haveChromium = existsSync(CHROMIUM);

/** Pages = the HTML files of dist/ (every page Framework built), except its 404 page. */
function builtPages(): string[] {
  return readdirSync(dist, {recursive: true, encoding: "utf8"})
    .filter((f) => f.endsWith(".html") && f !== "404.html" && !f.startsWith("_"))
    .map((f) => "/" + f.replace(/\.html$/, "").replace(/(^|\/)index$/, "$1"))
    .sort();
}

describe.skipIf(!haveChromium)("the built site in a real browser", () => {
  let server: Server;
  let base: string;
  let context: BrowserContext;

  beforeAll(async () => {
    if (process.env.REPROMPT_E2E_SKIP_BUILD !== "1") {
      execFileSync("npm", ["run", "build"], {cwd: repoRoot, stdio: "inherit", env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"}});
    }
    mkdirSync(screenshots, {recursive: true});
    ({server, url: base} = await serveDirectory(dist));
    context = await launchChromium();
  });

  afterAll(async () => {
    await context?.close();
    server?.close();
  });

  it("built at least the home, paper and benchmarks pages", () => {
    expect(builtPages()).toEqual(expect.arrayContaining(["/", "/paper", "/benchmarks"]));
  });

  for (const path of ["/", "/paper", "/benchmarks"]) {
    it(`renders ${path} without errors, with marks in every chart`, async () => {
      await checkPage(context, base, path);
    });
  }

  it("lets a reader pick a problem and a trajectory in the explorer", async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    try {
      await page.goto(base + "/calibration", {waitUntil: "load"});
      const problem = page.locator("main form select").first();
      await problem.waitFor({timeout: 60_000});
      await page.waitForSelector("main .turn h3", {timeout: 60_000});
      const options = await problem.locator("option").allTextContents();
      expect(options.length).toBeGreaterThan(1);
      const before = await page.locator("main .turn pre").allTextContents();
      await problem.selectOption({index: options.length - 1});
      await page.waitForFunction((prev) => {
        const now = [...document.querySelectorAll("main .turn pre")].map((e) => e.textContent).join("\n");
        return now.length > 0 && now !== prev;
      }, before.join("\n"), {timeout: 30_000});
      const trajectory = page.locator("main form select").nth(1);
      const trajectories = await trajectory.locator("option").allTextContents();
      expect(trajectories.length).toBeGreaterThan(1);
      await trajectory.selectOption({index: trajectories.length - 1});
      await page.waitForSelector("main .turn h3", {timeout: 30_000});
      const headings = await page.locator("main .turn h3").allTextContents();
      expect(headings.length).toBeGreaterThan(0);
      expect(headings[0]).toMatch(/^Turn 1 of \d — public tests: \w+/);
      await page.screenshot({path: join(screenshots, "calibration-explorer-selected.png"), fullPage: true});
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("renders every other built page too", async () => {
    const others = builtPages().filter((p) => !["/", "/paper", "/benchmarks"].includes(p));
    for (const path of others) await checkPage(context, base, path);
  });
});

if (!haveChromium) {
  describe("the built site in a real browser", () => {
    it.skip(`needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`, () => {});
  });
}

async function checkPage(context: BrowserContext, base: string, path: string): Promise<void> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  try {
    await page.goto(base + path, {waitUntil: "load"});
    // Every card that holds a chart must end up with a drawn SVG; charts render once their data arrives.
    await page.waitForFunction(
      () => {
        const cards = [...document.querySelectorAll("main .card")];
        return cards.every((card) => card.querySelector("svg") || card.querySelector(".observablehq--error"));
      },
      null,
      {timeout: 60_000}
    );
    await page.waitForTimeout(500);
    const report = await page.evaluate(() => {
      const nonMarks = /axis|tick|grid|rule|tip|frame|label/;
      const charts = [...document.querySelectorAll("main .card")].map((card, i) => {
        const marks = [...card.querySelectorAll("svg g[aria-label]")].filter(
          (g) => !nonMarks.test(g.getAttribute("aria-label") ?? "") && g.childElementCount > 0
        );
        return {index: i, svgs: card.querySelectorAll("svg").length, markElements: marks.reduce((n, g) => n + g.childElementCount, 0)};
      });
      const errors = [...document.querySelectorAll(".observablehq--error")].map((e) => e.textContent ?? "");
      return {charts, errors, title: document.title};
    });
    for (const error of report.errors) problems.push(`Framework error cell: ${error}`);
    for (const chart of report.charts) {
      if (chart.markElements === 0) problems.push(`chart #${chart.index} drew no marks`);
    }
    const name = path === "/" ? "index" : path.slice(1).replaceAll("/", "_");
    await page.screenshot({path: join(screenshots, `${name}.png`), fullPage: true});
    expect(problems, `${path}:\n${problems.join("\n")}`).toEqual([]);
  } finally {
    await page.close();
  }
}
