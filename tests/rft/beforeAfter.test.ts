// RFT before/after: which models are compared, what the figure says without them, and the metrics on a scripted pair.
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {createHash} from "node:crypto";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {parseConfig, type ModelConfig} from "../../loaders/config/index.ts";
import {SandboxPool} from "../../loaders/execution/index.ts";
import {rftBeforeAfterTable} from "../../loaders/figures/rft.ts";
import {beforeAfterMetrics, beforeAfterModels, runBeforeAfter} from "../../loaders/rft/beforeAfter.ts";
import {Store} from "../../loaders/store/index.ts";
import {loadExperiment, parseExperiment} from "../../loaders/trajectories/experiment.ts";
import {silentProgress} from "../../loaders/trajectories/progress.ts";
import {createScriptedBackend, fenced, userTexts, type ReplyScript} from "../helpers/scriptedBackend.ts";
import {tempDir} from "../helpers/tmp.ts";
import {MAX_CORRECT, MAX_WRONG, REV_CORRECT, REV_WRONG, SUM_CORRECT, SUM_WRONG, TRAIN_ROWS, writeProblems} from "./fixtures.ts";

const model = (over: Record<string, unknown>) => ({backend: "openai", baseURL: "http://127.0.0.1:9/v1", model: "m", ...over});

describe("choosing the base and fine-tuned models", () => {
  it("pairs the fine-tuned model with its baseModel, or with the only base", () => {
    const named = beforeAfterModels(parseConfig({models: [model({name: "a", role: "base"}), model({name: "b"}), model({name: "ft", role: "finetuned", baseModel: "b"})]}, "t"));
    expect("pair" in named && [named.pair.base.name, named.pair.finetuned.name]).toEqual(["b", "ft"]);
    const byRole = beforeAfterModels(parseConfig({models: [model({name: "a", role: "base"}), model({name: "ft", role: "finetuned"})]}, "t"));
    expect("pair" in byRole && byRole.pair.base.name).toBe("a");
  });

  it("says what is missing otherwise", () => {
    expect(beforeAfterModels(parseConfig({}, "t"))).toEqual({missing: 'no model with role: "finetuned" in reprompt.config.js'});
    expect(beforeAfterModels(parseConfig({models: [model({name: "ft", role: "finetuned"})]}, "t"))).toMatchObject({missing: expect.stringContaining('no model has role: "base"')});
  });

  it("the figure shows how to add the models instead of an empty chart when the config has none", async () => {
    const previous = process.env.REPROMPT_CONFIG;
    const dir = tempDir("reprompt-rft-cfg-");
    process.env.REPROMPT_CONFIG = join(dir, "empty.config.js");
    writeFileSync(process.env.REPROMPT_CONFIG, "export default {};\n");
    try {
      const table = await rftBeforeAfterTable("demo");
      expect(table.status).toBe("needs-models");
      if (table.status !== "needs-models") return;
      expect(table.configExample).toContain('role: "finetuned"');
      expect(table.command).toBe("npx reprompt figure rft-before-after");
      expect(table.paper.results.some((r) => r.value === 57.2)).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.REPROMPT_CONFIG;
      else process.env.REPROMPT_CONFIG = previous;
    }
  });

  it("the definition runs configured models, both prompting settings, multi-turn up to 3 turns", async () => {
    const e = await loadExperiment("rft-before-after");
    for (const p of Object.values(e.profiles)) {
      expect(p.models).toBe("configured");
      expect(p.strategies.map((s) => s.kind)).toEqual(["multi", "cot-retry"]);
      expect(p.strategies.every((s) => s.kind !== "single" && s.maxTurns === 3)).toBe(true);
    }
  });
});

describe("before/after metrics on a scripted base and fine-tuned model", () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    pool = await SandboxPool.start({lanes: 2, log: () => {}});
  });
  afterAll(() => pool?.close());
  const dir = tempDir("reprompt-rft-ba-");
  const path = writeProblems(dir, TRAIN_ROWS);
  const config = parseConfig({datasets: [{kind: "jsonl", name: "t", path}], models: [model({name: "base", role: "base"}), model({name: "tuned", role: "finetuned", baseModel: "base"})]}, "t");
  const experiment = parseExperiment(
    {name: "rft-ba-test", title: "t", figure: "rft-before-after", profiles: {p: {problems: {source: "t"}, models: "configured", strategies: [{kind: "multi", feedback: "binary", maxTurns: 3}, {kind: "cot-retry", feedback: "binary", maxTurns: 3}], samples: 6, nk: [[1, 3]]}}},
    "t"
  );
  /** The base model is right 1 time in 4 per turn; the tuned one reasons in prose and is right from turn 2 on. */
  const scriptFor = (tuned: boolean): ReplyScript => (messages, seed) => {
    const users = userTexts(messages);
    const first = users[0]!;
    const [right, wrong] = first.includes("Anna") ? [SUM_CORRECT, SUM_WRONG] : first.includes("referee") ? [MAX_CORRECT, MAX_WRONG] : [REV_CORRECT, REV_WRONG];
    const ok = tuned ? users.length >= 2 || seed % 2 === 0 : createHash("sha256").update(`${seed}:${users.length}`).digest()[0]! % 4 === 0;
    return fenced(ok ? right[seed % right.length]! : wrong, tuned ? "Reasoning first: the task asks for a single value; compute it directly and print it." : "Code:");
  };
  const backends = {base: createScriptedBackend(scriptFor(false), {id: "base"}), tuned: createScriptedBackend(scriptFor(true), {id: "tuned"})};

  it("measures pass n@k, diversity, prose share and per-turn self-correction per model and prompting", async () => {
    const found = beforeAfterModels(config);
    if (!("pair" in found)) throw new Error(found.missing);
    const store = Store.open({dir: join(dir, "store"), autoCompactAt: 0});
    try {
      const run = await runBeforeAfter(experiment, "p", found.pair, {store, config, progress: silentProgress, backendFor: async (m: ModelConfig) => backends[m.name as "base" | "tuned"]});
      const metrics = beforeAfterMetrics(run, [[1, 3]]);
      expect(metrics.passRows).toHaveLength(4);
      const pass = (role: string, prompting: string) => metrics.passRows.find((r) => r.role === role && r.prompting === prompting)!;
      expect(pass("fine-tuned", "multi-turn, no CoT").headline).toBe(true);
      expect(pass("base", "CoT-retry").headline).toBe(true);
      expect(pass("fine-tuned", "multi-turn, no CoT").mean!).toBeGreaterThan(pass("base", "multi-turn, no CoT").mean!);
      const tunedTurn2 = metrics.selfCorrection.find((r) => r.role === "fine-tuned" && r.prompting === "multi-turn, no CoT" && r.turn === 2)!;
      expect(tunedTurn2.rate).toBe(1);
      expect(tunedTurn2.reached).toBe(tunedTurn2.corrected);
      const prose = (role: string) => metrics.diversity.find((r) => r.role === role && r.prompting === "multi-turn, no CoT")!.nonCodeFraction!;
      expect(prose("fine-tuned")).toBeGreaterThan(prose("base"));
      expect(metrics.diversity.every((d) => d.distinctRate !== null && d.distinctRate > 0 && d.distinctRate <= 1)).toBe(true);
      expect(run.record.models.map((m) => m.name)).toEqual(["base", "tuned"]);
    } finally {
      store.close();
    }
  });
});
