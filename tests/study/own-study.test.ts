// A researcher's own study through the real CLI, with only reprompt.config.js edited: a user prompt, a user
// profile on a user JSONL file and a config experiment against a fake OpenAI server on 127.0.0.1 — dry run,
// run, re-run, figure, export, and a build of the "Your experiments" page that shows the user's model and prompt.
import {execFileSync} from "node:child_process";
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync} from "node:fs";
import type {Server} from "node:http";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {CHROMIUM, launchChromium} from "../e2e/browser.ts";
import {serveDirectory} from "../e2e/serve.ts";
import {startFakeOpenAI, type FakeChatBody, type FakeOpenAI} from "../helpers/fakeOpenAI.ts";
import {cliPath, finished, repoRoot} from "../helpers/node.ts";
import {tempDir} from "../helpers/tmp.ts";
import {spawn} from "node:child_process";

const PLAN_TEXT = "Plan the solution as exactly three bullet points. Do not write any code yet.";
const PLAN_REPLY = "- read the input\n- compute the answer\n- print it";
const SAMPLES = 3;
const STRATEGIES = ["single/none+none", "single/my-plan+none"];

interface DemoProblem {
  id: string;
  description: string;
  solutions: Array<{code: string}>;
}

const problems: DemoProblem[] = readFileSync(join(repoRoot, "data/demo/problems.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .slice(0, 2)
  .map((line) => JSON.parse(line) as DemoProblem)
  .map((p) => ({...p, id: `mine-${p.id}`}));

/** Reasoning calls get a plan; code calls get one of the problem's real submissions, chosen by the seed. */
function reply(body: FakeChatBody, _choice: number, seed: number): string {
  const last = body.messages?.at(-1)?.content ?? "";
  if (last.endsWith(PLAN_TEXT)) return PLAN_REPLY;
  const statement = body.messages?.[0]?.content ?? "";
  const problem = problems.find((p) => statement.includes(p.description.slice(0, 80)));
  if (!problem) return "I do not know this problem.";
  return "```python\n" + problem.solutions[seed % problem.solutions.length]!.code + "\n```";
}

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe("your own study through the CLI (only reprompt.config.js edited)", () => {
  const dir = tempDir("reprompt-own-study-");
  const store = join(dir, "store");
  const config = join(dir, "reprompt.config.js");
  let fake: FakeOpenAI;
  const env = () => ({...process.env, REPROMPT_CONFIG: config, REPROMPT_STORE: store, OBSERVABLE_TELEMETRY_DISABLE: "true"});
  const cli = async (args: string[], extraEnv: Record<string, string> = {}) => {
    const result = await finished(spawn(process.execPath, [cliPath(), ...args], {cwd: repoRoot, env: {...env(), ...extraEnv}, stdio: ["ignore", "pipe", "pipe"]}));
    if (result.code !== 0) throw new Error(`reprompt ${args.join(" ")} exited ${result.code}:\n${result.stderr}`);
    return result;
  };

  beforeAll(async () => {
    fake = await startFakeOpenAI({text: reply});
    writeFileSync(join(dir, "problems.jsonl"), problems.map((p) => JSON.stringify(p)).join("\n") + "\n");
    writeFileSync(join(dir, "package.json"), '{"type": "module"}\n');
    writeFileSync(
      config,
      `export default {
  datasets: [{kind: "jsonl", name: "mine", path: ${JSON.stringify(join(dir, "problems.jsonl"))}}],
  models: [{name: "my-model", label: "My fake coder", backend: "openai", baseURL: ${JSON.stringify(fake.baseURL)}, model: "fake-coder",
            supportsN: true, price: {inputPerMTok: 1, outputPerMTok: 2}},
           {name: "my-other", label: "My other coder", backend: "openai", baseURL: ${JSON.stringify(fake.baseURL)}, model: "fake-other", supportsN: true}],
  prompts: [{id: "my-plan", family: "reasoning", title: "Plan in three bullets", text: ${JSON.stringify(PLAN_TEXT)}}],
  profiles: {mine: {models: ["my-model"], dataset: "mine", samples: ${SAMPLES}, k: [1, ${SAMPLES}]},
             pair: {models: ["my-model", "my-other"], dataset: "mine", samples: ${SAMPLES}, k: [1, ${SAMPLES}]}},
  experiments: [{name: "my-cot", title: "My plan prompt vs none", description: "Does planning first help my model?", kind: "single",
                 strategies: ${JSON.stringify(STRATEGIES)}, baseline: "single/none+none"}]
};
`
    );
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("lists the user's prompt with source user, beside the study's", async () => {
    const rows = JSON.parse((await cli(["prompts", "--json"])).stdout) as Array<{id: string; source: string; text: string}>;
    expect(rows.find((r) => r.id === "my-plan")).toEqual({id: "my-plan", family: "reasoning", title: "Plan in three bullets", text: PLAN_TEXT, source: "user"});
    expect(rows.filter((r) => r.source === "user")).toHaveLength(1);
    expect(rows.find((r) => r.id === "self-reflection")?.source).toBe("study");
  });

  let estimate: Record<string, unknown>;
  it("dry run: one JSON object, nothing sent", async () => {
    estimate = JSON.parse((await cli(["run", "my-cot", "--profile", "mine", "--dry-run", "--json"])).stdout);
    expect(fake.chatRequests()).toHaveLength(0);
    expect(Object.keys(estimate).sort()).toEqual(
      ["experiment", "profile", "models", "dataset", "problems", "strategies", "samples", "requests", "completions", "already_stored", "estimated_prompt_tokens", "estimated_completion_tokens", "estimated_cost"].sort()
    );
    const trajectories = problems.length * SAMPLES * STRATEGIES.length;
    expect(estimate).toMatchObject({experiment: "my-cot", profile: "mine", models: ["my-model"], dataset: "mine", problems: problems.length, strategies: STRATEGIES, samples: SAMPLES, already_stored: 0});
    // none+none: one call per trajectory; my-plan+none: reasoning, then code (two).
    expect(estimate.completions).toBe(problems.length * SAMPLES * (1 + 2));
    // n-sampling: each (strategy, problem)'s first calls go as one request; the code calls after a plan go one by one.
    expect(estimate.requests).toBe(STRATEGIES.length * problems.length + problems.length * SAMPLES);
    expect(trajectories).toBe(12);
    const p = estimate.estimated_prompt_tokens as number;
    const c = estimate.estimated_completion_tokens as number;
    expect(p).toBeGreaterThan(0);
    expect(estimate.estimated_cost).toBeCloseTo((p * 1 + c * 2) / 1e6, 4);
  });

  let record: {counts: {created: number; reused: number; completionsRequested: number; requestsSent: number}; tokens: Array<{model: string; strategy: string; promptTokens: number; completionTokens: number; completionTokensShared: number; trajectories: number}>};
  it("run: prints the estimate first, stores the server's usage, ends with a summary table", async () => {
    const {stdout, stderr} = await cli(["run", "my-cot", "--profile", "mine", "--json"]);
    record = JSON.parse(stdout);
    expect(stderr.indexOf("plan my-cot / mine")).toBeGreaterThanOrEqual(0);
    expect(stderr.indexOf("plan my-cot / mine")).toBeLessThan(stderr.indexOf("summary my-cot / mine"));
    expect(stderr).toMatch(/my-model\s+single\/my-plan\+none\s+pass@1/);
    expect(record.counts).toMatchObject({created: 12, reused: 0});
    // Token totals equal what the fake billed: per request, prompt words × choices in, reply words out.
    const chat = fake.chatRequests();
    const billedIn = chat.reduce((n, r) => n + (r.body!.messages ?? []).reduce((m, x) => m + words(x.content), 0) * (r.body!.n ?? 1), 0);
    const billedOut = chat.reduce((n, r) => n + Array.from({length: r.body!.n ?? 1}, (_, i) => words(reply(r.body!, i, (r.body!.seed ?? 0) + i))).reduce((a, b) => a + b, 0), 0);
    expect(record.tokens.map((t) => t.strategy).sort()).toEqual([...STRATEGIES].sort());
    expect(record.tokens.every((t) => t.model === "my-model" && t.trajectories === problems.length * SAMPLES)).toBe(true);
    expect(record.tokens.reduce((n, t) => n + t.promptTokens, 0)).toBe(billedIn);
    // n-sample requests report one completion total, split evenly over their samples (rounded per strategy).
    expect(record.tokens.some((t) => t.completionTokensShared > 0)).toBe(true);
    expect(Math.abs(record.tokens.reduce((n, t) => n + t.completionTokens, 0) - billedOut)).toBeLessThanOrEqual(record.tokens.length);
    expect(record.counts.completionsRequested).toBe(estimate.completions);
    // Every prompt was answered in full, so the dry run's upper bound on requests is met exactly.
    expect(record.counts.requestsSent).toBe(chat.length);
    expect(chat.length).toBe(estimate.requests);
    expect(stderr).toMatch(new RegExp(`${chat.length} requests sent`));
  });

  it("re-run: no new request", async () => {
    const before = fake.chatRequests().length;
    const again = JSON.parse((await cli(["run", "my-cot", "--profile", "mine", "--json"])).stdout) as typeof record;
    expect(fake.chatRequests()).toHaveLength(before);
    expect(again.counts).toMatchObject({created: 0, reused: 12, completionsRequested: 0, requestsSent: 0});
    const dry = JSON.parse((await cli(["run", "my-cot", "--profile", "mine", "--dry-run", "--json"])).stdout);
    expect(dry).toMatchObject({already_stored: 12, requests: 0, completions: 0, estimated_cost: 0});
  });

  it("figure: refreshes the Your experiments data with the user's model and prompt", async () => {
    const cached = join(repoRoot, "src/.observablehq/cache/data/your-experiments.json");
    const saved = existsSync(cached) ? `${cached}.saved-${process.pid}` : null;
    if (saved) renameSync(cached, saved);
    try {
      const before = fake.chatRequests().length;
      await cli(["figure", "my-cot", "--profile", "mine"]);
      expect(fake.chatRequests()).toHaveLength(before);
      const data = JSON.parse(readFileSync(cached, "utf8"));
      const e = data.experiments.find((x: {name: string}) => x.name === "my-cot");
      expect(e.provenance.models.map((m: {label: string}) => m.label)).toEqual(["My fake coder"]);
      expect(e.strategies.find((s: {id: string}) => s.id === "single/my-plan+none").prompts[0]).toMatchObject({id: "my-plan", text: PLAN_TEXT, source: "user"});
      expect(e.cells.filter((c: {budget: string}) => c.budget === "pass@1").map((c: {strategy: string}) => c.strategy).sort()).toEqual([...STRATEGIES].sort());
      expect(e.cells.find((c: {strategy: string}) => c.strategy === "single/my-plan+none").difference.baseline).toBe("single/none+none");
      expect(e.tokens.every((t: {perSolve: {source: string}}) => t.perSolve.source === "usage")).toBe(true);
    } finally {
      rmSync(cached, {force: true});
      if (saved) renameSync(saved, cached);
    }
  });

  it("export: one row per trajectory (problems × samples × strategies), CSV and Parquet", async () => {
    const csv = join(dir, "trajectories.csv");
    const out = JSON.parse((await cli(["export", "--experiment", "my-cot", "--profile", "mine", "--what", "trajectories", "--format", "csv", "--out", csv, "--json"])).stdout);
    expect(out.rows).toBe(problems.length * SAMPLES * STRATEGIES.length);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    const header = lines[0]!.split(",");
    for (const column of ["model", "strategy", "problem_id", "sample", "turns", "all_passed", "prompt_tokens", "completion_tokens"]) expect(header).toContain(column);
    expect(lines).toHaveLength(1 + out.rows);
    const col = (name: string) => lines.slice(1).map((l) => l.split(",")[header.indexOf(name)]);
    expect(new Set(col("problem_id"))).toEqual(new Set(problems.map((p) => p.id)));
    expect(col("prompt_tokens").reduce((n, v) => n + Number(v), 0)).toBe(record.tokens.reduce((n, t) => n + t.promptTokens, 0));
    const metrics = JSON.parse((await cli(["export", "--experiment", "my-cot", "--profile", "mine", "--what", "metrics", "--format", "parquet", "--out", join(dir, "m.parquet"), "--json"])).stdout);
    expect(metrics.rows).toBe(STRATEGIES.length * 2); // pass@1 and pass@3 per strategy
  });

  it("two models in one profile: an unpriced one makes the cost unknown; both are estimated", async () => {
    const dry = JSON.parse((await cli(["run", "my-cot", "--profile", "pair", "--dry-run", "--json"])).stdout);
    expect(dry).toMatchObject({models: ["my-model", "my-other"], already_stored: problems.length * SAMPLES * STRATEGIES.length, estimated_cost: null});
    const pair = JSON.parse((await cli(["run", "my-cot", "--profile", "pair", "--json"])).stdout) as typeof record;
    expect(pair.counts).toMatchObject({created: problems.length * SAMPLES * STRATEGIES.length, reused: problems.length * SAMPLES * STRATEGIES.length});
    expect(new Set(pair.tokens.map((t) => t.model))).toEqual(new Set(["my-model", "my-other"]));
  });

  it("build: the Your experiments page shows the user's models side by side and the user's prompt", {timeout: 300_000}, async () => {
    // Only this page is built (a full build runs every study experiment under the profile): a site root with the
    // page, its components and its loader linked from src/, and Framework's npm cache seeded offline as in npm run build.
    const root = join(dir, "site");
    mkdirSync(join(root, "data"), {recursive: true});
    writeFileSync(join(root, "your-experiments.md"), readFileSync(join(repoRoot, "src/your-experiments.md")));
    symlinkSync(join(repoRoot, "src/components"), join(root, "components"));
    symlinkSync(join(repoRoot, "src/data/your-experiments.json.ts"), join(root, "data/your-experiments.json.ts"));
    const dist = join(dir, "dist");
    writeFileSync(
      join(dir, "site.config.js"),
      `export default {root: ${JSON.stringify(root)}, output: ${JSON.stringify(dist)}, pages: [{name: "Your experiments", path: "/your-experiments"}],
  duckdb: {extensions: {json: null, parquet: null}}, interpreters: {".ts": ["node", "--import", "tsx"]}};\n`
    );
    execFileSync(process.execPath, [join(repoRoot, "scripts/seed-npm-cache.mjs"), root], {cwd: repoRoot, stdio: "pipe"});
    const before = fake.chatRequests().length;
    execFileSync(join(repoRoot, "node_modules/.bin/observable"), ["build", "--config", join(dir, "site.config.js")], {cwd: repoRoot, stdio: "pipe", env: {...env(), REPROMPT_PROFILE: "pair"}});
    expect(fake.chatRequests()).toHaveLength(before);
    expect(existsSync(join(dist, "your-experiments.html"))).toBe(true);
    const dataFile = readdirSync(join(dist, "_file/data")).find((f) => f.startsWith("your-experiments."));
    const data = readFileSync(join(dist, "_file/data", dataFile!), "utf8");
    expect(data).toContain("My fake coder");
    expect(data).toContain("My other coder");
    expect(data).toContain(PLAN_TEXT);
    if (!existsSync(CHROMIUM)) return; // the data check above stands; the rendering needs a browser
    const {server, url} = await serveDirectory(dist);
    const context = await launchChromium();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${url}/your-experiments`, {waitUntil: "load"});
      await page.getByText("My plan prompt vs none").first().waitFor();
      await page.getByText("Strategies and their prompts").first().click();
      const text = await page.locator("main").innerText();
      expect(text).toContain("My fake coder");
      expect(text).toContain("Plan in three bullets");
      // One panel per model, side by side: both labels are facet headings of the same chart, on one row.
      const chart = page.locator("main .card svg").first();
      const facets = await chart.locator("[aria-label='fx-axis tick label'] text").allTextContents();
      expect(facets).toEqual(expect.arrayContaining(["My fake coder", "My other coder"]));
      expect(text).toContain(PLAN_TEXT);
      expect(await page.locator("main svg [aria-label=dot] circle").count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      server.close();
    }
  });
});
