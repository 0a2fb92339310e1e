// `npm run bench -- figures --trajectories N [--figure single-turn-grid|multi-vs-single] [--json]`: synthesizes N
// trajectory records of the study's shape through the store's write path, then times one figure's aggregation
// (open the store's SQL views, select the run's trajectories, aggregate, estimate) in a fresh process, after the
// store's one-time preparation (its first query after writing) has been timed on its own.
import {spawn} from "node:child_process";
import {createHash} from "node:crypto";
import {createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import {mulberry32} from "../loaders/metrics/index.ts";
import {queryStore, Store} from "../loaders/store/index.ts";
import type {RunRecord} from "../loaders/trajectories/run.ts";

const PROBLEMS = 165;
const REASONING = ["none", "step-by-step", "explain-io", "reflect", "weak-solution", "code-solution", "helper-docstring", "check-constraints", "self-planning"];
const INSTRUCTION = ["none", "use-helpers", "clean-code", "comment", "reflect", "step-by-step"];
const BATCH = 2000;

interface Plan {
  figure: "single-turn-grid" | "multi-vs-single";
  strategies: string[];
  samples: number;
  total: number;
}

function planFor(figure: Plan["figure"], total: number): Plan {
  const strategies =
    figure === "single-turn-grid"
      ? ["single/none+none", ...REASONING.slice(1, 9).flatMap((r) => INSTRUCTION.map((i) => `single/${r}+${i}`))]
      : ["single/none+none", "multi/binary/3"];
  // Whole cells only (every problem has every strategy's samples): at least `total` trajectories.
  const samples = Math.ceil(total / (strategies.length * PROBLEMS));
  return {figure, strategies, samples, total: samples * strategies.length * PROBLEMS};
}

const hex = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 32);

/** A Python program of realistic length (~0.6–1.4 KB) that differs from sample to sample. */
function program(random: () => number, i: number): string {
  const lines = ["import sys", "from collections import defaultdict", "", "def solve(data):", "    n = int(data[0])", "    values = list(map(int, data[1:n + 1]))"];
  const body = 12 + Math.floor(random() * 30);
  for (let l = 0; l < body; l++) lines.push(`    acc_${l % 7} = sum(v * ${1 + Math.floor(random() * 97)} for v in values if v % ${2 + (l % 5)} == ${l % 3})  # step ${l}`);
  lines.push("    return acc_0 % 1000000007", "", `print(solve(sys.stdin.read().split()))  # sample ${i}`);
  return lines.join("\n") + "\n";
}

function trajectory(plan: Plan, random: () => number, n: number, strategy: string, problem: number, index: number, ease: number) {
  const multi = strategy.startsWith("multi/");
  const turns = [];
  const maxTurns = multi ? 3 : 1;
  let passed = false;
  for (let turn = 1; turn <= maxTurns && !passed; turn++) {
    passed = random() < ease;
    const code = random() < 0.97 ? program(random, n) : null;
    const reply = 200 + Math.floor(random() * 800);
    turns.push({
      turn,
      requestKeys: [hex(`r${n}:${turn}`)],
      promptIds: turn === 1 ? strategy.replace(/^single\//, "").split("+") : ["feedback-binary", "retry-plain"],
      extraction: code ? "fenced-python" : "none",
      code,
      public: {executionKey: code ? hex(`e${n}:${turn}`) : null, verdict: passed ? "accepted" : code ? "wrong_answer" : "no_code", passed, failedTest: passed ? null : 0, testsRun: 2},
      ...(passed || turn === maxTurns ? {} : {feedback: {kind: "binary", text: "Your code is wrong on at least one public test. Fix it."}}),
      tokensIn: 400 + turn * 300,
      tokensOut: reply / 4,
      nonCodeChars: reply - (code?.length ?? 0) > 0 ? reply - (code?.length ?? 0) : Math.floor(reply / 5),
      totalChars: reply + (code?.length ?? 0)
    });
  }
  const allPassed = passed && random() < 0.7;
  const [reasoning, instruction] = strategy.startsWith("single/") ? strategy.slice(7).split("+") : [null, null];
  return {
    engine: "traj-1",
    strategyId: strategy,
    strategy: multi ? {kind: "multi", feedback: "binary", maxTurns: 3} : {kind: "single", reasoning: reasoning === "none" ? null : reasoning, instruction},
    problem: `codecontests/p${problem}`,
    problemKey: `problem-${problem}`,
    index,
    backend: "openai:http://127.0.0.1:8000/v1:meta-llama/Llama-3.1-8B-Instruct",
    model: "llama-8b",
    nullBaseline: false,
    sampling: {temperature: 1, topP: 0.95, topK: null, minP: null, maxTokens: 2048, seed: 0},
    turns,
    final: {turn: turns.length, publicPassed: passed, hiddenExecutionKey: passed ? hex(`h${n}`) : null, hiddenVerdict: passed ? (allPassed ? "accepted" : "wrong_answer") : null, hiddenFailedTest: null, allPassed},
    tokensIn: turns.reduce((s, t) => s + t.tokensIn, 0),
    tokensOut: turns.reduce((s, t) => s + t.tokensOut, 0)
  };
}

function runRecord(plan: Plan): RunRecord {
  return {
    experiment: plan.figure,
    figure: plan.figure,
    profile: "bench",
    engine: {trajectory: "traj-1", execution: "bench"},
    dataset: "codecontests-test",
    problemKeys: Array.from({length: PROBLEMS}, (_, p) => `problem-${p}`),
    models: [{name: "llama-8b", label: "Llama 3.1 8B", identity: "openai:bench", description: "synthetic", nullBaseline: false, sizeB: 8, role: null}],
    strategies: plan.strategies,
    samples: plan.samples,
    seed: 0,
    judge: {mode: "strict", timeFactor: 1} as RunRecord["judge"],
    k: [1, 10, 100],
    nk: [[1, 3], [10, 30], [33, 100], [100, 300]],
    trajectories: plan.total,
    sandbox: "synthetic",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:00.000Z",
    counts: {created: plan.total, reused: 0, completionsRequested: 0, completionsReused: 0, requestsSent: 0},
    skipped: {},
    faults: {},
    tokens: []
  };
}

/** Writes the plan's trajectories in plan order (strategy, problem, index) and the run's key list. */
async function synthesize(dir: string, plan: Plan): Promise<{write_s: number | null; bytes: number}> {
  const started = performance.now();
  const random = mulberry32(12345);
  const ease = Array.from({length: PROBLEMS}, () => (random() < 0.35 ? 0.02 : random() * 0.8));
  const store = Store.open({dir: join(dir, "store"), autoCompactAt: 0});
  const keys = createWriteStream(join(dir, "keys.txt"));
  let batch: Array<{key: string; data: unknown}> = [];
  let n = 0;
  try {
    for (const strategy of plan.strategies) {
      for (let p = 0; p < PROBLEMS; p++) {
        for (let i = 0; i < plan.samples; i++) {
          const key = hex(`trajectory:${plan.figure}:${strategy}:${p}:${i}`);
          batch.push({key, data: trajectory(plan, random, n, strategy, p, i, ease[p]!)});
          if (!keys.write(key + "\n")) await new Promise<void>((resolve) => keys.once("drain", () => resolve()));
          n++;
          if (batch.length === BATCH) {
            store.putWithKeys("trajectory", batch);
            batch = [];
          }
        }
      }
    }
    if (batch.length) store.putWithKeys("trajectory", batch);
  } finally {
    store.close();
    await new Promise<void>((resolve) => keys.end(() => resolve()));
  }
  const record = runRecord({...plan, total: n});
  writeFileSync(join(dir, "run.json"), JSON.stringify({record, figure: plan.figure}));
  return {write_s: (performance.now() - started) / 1000, bytes: duSync(join(dir, "store"))};
}

function duSync(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + duSync(join(path, name)), 0);
}

/** In a fresh process: the figure's whole data path from an opened store to its finished table. */
async function measure(dir: string): Promise<{aggregate_s: number; aggregate_rss_mb: number; cells: number}> {
  const {record, figure} = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as {record: RunRecord; figure: Plan["figure"]};
  const {loadRunTrajectories, openFigureQuery} = await import("../loaders/figures/runs.ts");
  const started = performance.now();
  // The key list as runExperiment hands it over (one string per trajectory), read line by line.
  const keys: string[] = [];
  for await (const line of createInterface({input: createReadStream(join(dir, "keys.txt"))})) if (line) keys.push(line);
  const {query, close} = await openFigureQuery(join(dir, "store"));
  let cells = 0;
  try {
    await loadRunTrajectories(query, "bench-run", keys);
    keys.length = 0;
    const run = {runKey: "bench-run", record, problems: new Map(), query};
    if (figure === "single-turn-grid") {
      const {singleTurnGridOf} = await import("../loaders/figures/singleTurnGrid.ts");
      const {sampleCounts} = await import("../loaders/figures/aggregate.ts");
      cells = singleTurnGridOf(run, await sampleCounts(run)).cells.length;
    } else {
      const {multiVsSingleOf} = await import("../loaders/figures/multiTurn.ts");
      cells = (await multiVsSingleOf(run)).rows.length;
    }
  } finally {
    close();
  }
  return {aggregate_s: (performance.now() - started) / 1000, aggregate_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024), cells};
}

async function prepareInChild(dir: string): Promise<number> {
  return ((await inChild(dir, "--prepare")) as {prepare_s: number}).prepare_s;
}

function measureInChild(dir: string): Promise<{aggregate_s: number; aggregate_rss_mb: number; cells: number}> {
  return inChild(dir, "--measure") as Promise<{aggregate_s: number; aggregate_rss_mb: number; cells: number}>;
}

function inChild(dir: string, what: "--prepare" | "--measure"): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), what, dir], {stdio: ["ignore", "pipe", "inherit"]});
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(`figure measurement exited with ${code}`))));
  });
}

export async function benchFigures(log: (line: string) => void, argv: string[] = []): Promise<unknown> {
  const {values} = parseArgs({
    args: argv,
    options: {trajectories: {type: "string", default: "100000"}, figure: {type: "string", default: "single-turn-grid"}, json: {type: "boolean", default: false}, keep: {type: "string"}},
    strict: true
  });
  const total = Number(values.trajectories);
  if (!Number.isInteger(total) || total < 1) throw new Error(`--trajectories must be a positive integer, got ${values.trajectories}`);
  if (values.figure !== "single-turn-grid" && values.figure !== "multi-vs-single") throw new Error(`--figure must be single-turn-grid or multi-vs-single, got ${values.figure}`);
  const plan = planFor(values.figure, total);
  const dir = values.keep ?? mkdtempSync(join(tmpdir(), "reprompt-bench-figures-"));
  try {
    if (!values.json) log(`synthesizing ${plan.total} trajectories (${plan.strategies.length} strategies × ${PROBLEMS} problems × ≤ ${plan.samples} samples) in ${dir}`);
    // --keep DIR keeps the synthesized store; a later run with the same DIR measures it again without rewriting.
    const reuse = values.keep !== undefined && existsSync(join(dir, "run.json"));
    if (reuse && (JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as {record: RunRecord}).record.trajectories !== plan.total) throw new Error(`${dir} holds another size; use a new --keep directory`);
    const written = reuse ? {write_s: null, bytes: duSync(join(dir, "store"))} : await synthesize(dir, plan);
    // The store's one-time work after writing (sealing, Parquet for sealed packs) happens at its first query;
    // it is timed on its own, so aggregate_s is what every later figure build pays.
    const prepare_s = await prepareInChild(dir);
    if (!values.json) log(`${reuse ? "reusing" : "wrote"} ${(written.bytes / 2 ** 20).toFixed(0)} MiB${written.write_s === null ? "" : ` in ${written.write_s.toFixed(1)} s`}; measuring ${plan.figure} in a fresh process`);
    const measured = await measureInChild(dir);
    const result = {trajectories: plan.total, figure: plan.figure, bytes: written.bytes, write_s: written.write_s === null ? null : round(written.write_s), prepare_s: round(prepare_s), aggregate_s: round(measured.aggregate_s), aggregate_rss_mb: measured.aggregate_rss_mb, cells: measured.cells};
    log(values.json ? JSON.stringify(result) : `${plan.figure} over ${plan.total} trajectories: ${result.aggregate_s} s, peak RSS ${result.aggregate_rss_mb} MB (goal ≤ 60 s, ≤ 2048 MB at 1.6M)`);
    return result;
  } finally {
    if (!values.keep) rmSync(dir, {recursive: true, force: true});
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--measure") {
  const out = await measure(process.argv[3]!);
  process.stdout.write(JSON.stringify(out) + "\n");
}
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--prepare") {
  const started = performance.now();
  (await queryStore(join(process.argv[3]!, "store"))).close();
  process.stdout.write(JSON.stringify({prepare_s: (performance.now() - started) / 1000}) + "\n");
}
