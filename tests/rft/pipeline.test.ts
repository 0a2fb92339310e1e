// The whole RFT build on tiny problems with a scripted model: counts per stage, chat-format export, no CoT prompt left,
// every kept program passes all its tests (re-judged here), the cap, decontamination, and a re-run that asks for nothing.
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {createHash} from "node:crypto";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {parseConfig} from "../../loaders/config/index.ts";
import {judgeOnProblem, SandboxPool} from "../../loaders/execution/index.ts";
import {extractCode, promptsOf} from "../../loaders/prompts/index.ts";
import {lexicalEmbedder} from "../../loaders/rft/embeddings.ts";
import {chatExampleSchema, writeRftExport} from "../../loaders/rft/export.ts";
import {buildRft, generatorModel, type RftBuild} from "../../loaders/rft/pipeline.ts";
import {Store} from "../../loaders/store/index.ts";
import {parseExperiment} from "../../loaders/trajectories/experiment.ts";
import {silentProgress} from "../../loaders/trajectories/progress.ts";
import {createScriptedBackend, fenced, userTexts, type ReplyScript} from "../helpers/scriptedBackend.ts";
import {tempDir} from "../helpers/tmp.ts";
import {EVAL_ROWS, MAX_CORRECT, MAX_WRONG, problemsOf, REV_CORRECT, REV_WRONG, SUM_CORRECT, SUM_WRONG, TRAIN_ROWS, writeProblems} from "./fixtures.ts";

let pool: SandboxPool;
beforeAll(async () => {
  pool = await SandboxPool.start({lanes: 2, log: () => {}});
});
afterAll(() => pool?.close());

const dir = tempDir("reprompt-rft-pipeline-");
const problemsPath = writeProblems(dir, TRAIN_ROWS);
const trainProblems = problemsOf(TRAIN_ROWS);
const config = parseConfig(
  {datasets: [{kind: "jsonl", name: "t", path: problemsPath}], models: [{name: "gen", backend: "openai", baseURL: "http://127.0.0.1:9/v1", model: "scripted-base", role: "base"}]},
  "test config"
);
const experiment = parseExperiment(
  {name: "rft-gen-test", title: "RFT generation test", figure: "rft-funnel", profiles: {p: {problems: {source: "t"}, models: "configured", strategies: [{kind: "cot-retry", feedback: "binary", maxTurns: 3}], samples: 10}}},
  "test definition"
);

function lucky(seed: number, turn: number, problem: string): boolean {
  return createHash("sha256").update(`${seed}:${turn}:${problem}`).digest()[0]! % 2 === 0;
}

/** Right or wrong code for the problem in the conversation; later turns reason in prose first (as a model would). */
const script: ReplyScript = (messages, seed) => {
  const users = userTexts(messages);
  const first = users[0]!;
  const [right, wrong, name] = first.includes("Anna") ? [SUM_CORRECT, SUM_WRONG, "sum"] : first.includes("referee") ? [MAX_CORRECT, MAX_WRONG, "max"] : [REV_CORRECT, REV_WRONG, "rev"];
  const turn = users.length;
  const code = lucky(seed, turn, name) ? right[seed % right.length]! : wrong;
  return fenced(code, turn === 1 ? "Here is my solution." : `Let me think again. The previous attempt failed; the key observation for turn ${turn} is in the statement.`);
};

describe("rft build on a scripted model", () => {
  const backend = createScriptedBackend(script, {id: "rft-test"});
  const store = Store.open({dir: join(dir, "store"), autoCompactAt: 0});
  afterAll(() => store.close());
  const options = {
    profile: "demo",
    embeddings: lexicalEmbedder(),
    store,
    config,
    pool,
    progress: silentProgress,
    backendFor: async () => backend,
    experiment,
    evalProblems: problemsOf(EVAL_ROWS),
    profileOverrides: {generation: {experiment: "rft-gen-test", profile: "p"}, maxPerProblem: 2}
  };
  let build: RftBuild;
  let files: Record<string, string>;

  beforeAll(async () => {
    build = await buildRft(options);
    files = writeRftExport(join(dir, "out"), build);
  });

  it("generates with the model marked base and counts every stage", () => {
    expect(generatorModel(config)).toBe("gen");
    expect(build.card.generation.models.map((m) => m.name)).toEqual(["gen"]);
    const stages = build.card.stages.map((s) => `${s.stage}/${s.split}`);
    expect(stages).toEqual([
      "generated/all",
      "passed all tests/all",
      "split/single-turn",
      "split/multi-turn",
      "near-dedup/single-turn",
      "near-dedup/multi-turn",
      "CoT prompts stripped/single-turn",
      "CoT prompts stripped/multi-turn",
      "decontaminated/single-turn",
      "decontaminated/multi-turn"
    ]);
    const get = (stage: string, split: string) => build.card.stages.find((s) => s.stage === stage && s.split === split)!;
    expect(get("generated", "all").trajectories).toBe(30);
    expect(get("split", "single-turn").trajectories + get("split", "multi-turn").trajectories).toBe(get("passed all tests", "all").trajectories);
    expect(get("CoT prompts stripped", "multi-turn").tokens).toBeLessThan(get("near-dedup", "multi-turn").tokens);
    expect(get("decontaminated", "multi-turn").trajectories).toBe(build.train.length);
    expect(get("decontaminated", "single-turn").trajectories).toBe(build.singleTurn.length);
    expect(build.card.strip.leftovers).toBe(0);
  });

  it("writes train.jsonl in the chat-messages format (zod), multi-turn only, single-turn beside it", () => {
    const lines = (file: string) => readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const train = lines(files.train!);
    const single = lines(files.singleTurn!);
    expect(train.length).toBeGreaterThan(0);
    expect(single.length).toBeGreaterThan(0);
    for (const row of [...train, ...single]) expect(chatExampleSchema.safeParse(row).success).toBe(true);
    expect(train.every((r) => r.split === "multi-turn" && r.turns >= 2 && r.messages.length === 2 * r.turns)).toBe(true);
    expect(single.every((r) => r.split === "single-turn" && r.turns === 1 && r.messages.length === 2)).toBe(true);
    const card = JSON.parse(readFileSync(files.dataCard!, "utf8"));
    expect(card.decontamination.embedder.paperEquivalent).toBe(false);
    expect(card.seeds).toEqual({generation: 0, minhash: 42, cap: 0});
    const yaml = readFileSync(files.trainerConfig!, "utf8");
    expect(yaml).toContain("model_name_or_path: scripted-base");
    for (const line of ["learning_rate: 0.000002", "max_steps: 545", "max_length: 8192", "gradient_accumulation_steps: 64", "warmup_steps: 10", "min_lr_rate: 0.1", "lr_scheduler_type: cosine_with_min_lr"]) {
      expect(yaml).toContain(line);
    }
  });

  it("leaves no reasoning or retry prompt text of the catalog in any user turn", () => {
    const texts = [...promptsOf("reasoning"), ...promptsOf("retry")].map((p) => p.text);
    for (const example of [...build.train, ...build.singleTurn]) {
      for (const m of example.messages.filter((m) => m.role === "user")) for (const t of texts) expect(m.content).not.toContain(t);
    }
    expect(build.train.some((e) => e.stripped_prompts.includes("cot-retry-plan"))).toBe(true);
    expect(build.train.flatMap((e) => e.messages).some((m) => m.role === "assistant" && m.content.startsWith("Let me think again"))).toBe(true);
  });

  it("keeps only trajectories whose final program passes all its tests (re-judged), at most the cap per problem", async () => {
    for (const example of [...build.train, ...build.singleTurn]) {
      const problem = trainProblems.find((p) => `${p.dataset}/${p.id}` === example.problem)!;
      const code = extractCode(example.messages.at(-1)!.content).code!;
      expect((await judgeOnProblem(pool, problem, code)).verdict).toBe("accepted");
    }
    for (const rows of [build.train, build.singleTurn]) {
      const perProblem = new Map<string, number>();
      for (const r of rows) perProblem.set(r.problem, (perProblem.get(r.problem) ?? 0) + 1);
      expect(Math.max(...perProblem.values())).toBeLessThanOrEqual(2);
    }
  });

  it("removes the problem whose paraphrase is in the evaluation set, and only that one", () => {
    const d = build.card.decontamination;
    expect(d.pairs.map((p) => [p.train, p.eval, p.decision])).toEqual([
      ["rft-test/rft-max", "rft-eval/eval-min", "kept: cross-testing did not confirm"],
      ["rft-test/rft-sum", "rft-eval/eval-savings", "removed: confirmed by cross-testing"]
    ]);
    expect([...build.train, ...build.singleTurn].some((e) => e.problem === "rft-test/rft-sum")).toBe(false);
    expect(d.removedEntries["single-turn"] + d.removedEntries["multi-turn"]).toBeGreaterThan(0);
  });

  it("re-runs from the store: no completion asked again, the same data out", async () => {
    const calls = backend.calls();
    const again = await buildRft(options);
    expect(backend.calls()).toBe(calls);
    expect(again.train.map((e) => e.id)).toEqual(build.train.map((e) => e.id));
    expect(again.card.stages).toEqual(build.card.stages);
    expect(backend.repeated()).toEqual([]);
  });
});
