// runExperiment resumes: a second run does nothing, a changed strategy adds only its own trajectories,
// and the human baseline draws independent submissions per strategy.
import {createHash} from "node:crypto";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createBackend, type ModelBackend} from "../../loaders/backends/index.ts";
import {parseConfig, type ModelConfig, type RepromptConfig} from "../../loaders/config/index.ts";
import {SandboxPool} from "../../loaders/execution/index.ts";
import {Store} from "../../loaders/store/index.ts";
import type {RequestRecord} from "../../loaders/trajectories/completions.ts";
import {parseExperiment, type ExperimentInput} from "../../loaders/trajectories/experiment.ts";
import {silentProgress} from "../../loaders/trajectories/progress.ts";
import {runExperiment, type RunRecord, type RunSummary} from "../../loaders/trajectories/run.ts";
import type {TrajectoryRecord} from "../../loaders/trajectories/trajectory.ts";
import {startFakeOpenAI, type FakeOpenAI} from "../helpers/fakeOpenAI.ts";
import {createScriptedBackend, fenced, userTexts, type ReplyScript} from "../helpers/scriptedBackend.ts";
import {tempDir} from "../helpers/tmp.ts";
import {MAX_CORRECT, MAX_WRONG, maxRow, SUM_CORRECT, SUM_WRONG, sumRow, writeProblems} from "./fixtures.ts";

let pool: SandboxPool;
beforeAll(async () => {
  pool = await SandboxPool.start({lanes: 2, log: () => {}});
});
afterAll(() => pool?.close());

const dir = tempDir("reprompt-resume-");
const problemsPath = writeProblems(dir, [sumRow(), maxRow()]);
const stores: Store[] = [];
afterAll(() => stores.forEach((s) => s.close()));

function openStore(name: string): Store {
  const store = Store.open({dir: join(dir, name), autoCompactAt: 0});
  stores.push(store);
  return store;
}

function configWith(models: unknown[]): RepromptConfig {
  return parseConfig({datasets: [{kind: "jsonl", name: "t", path: problemsPath}], models}, "test config");
}

function experiment(profile: Record<string, unknown>) {
  const input: ExperimentInput = {name: "resume-test", title: "Resume test", figure: "test", profiles: {p: {problems: {source: "t"}, ...profile} as never}};
  return parseExperiment(input, "resume test definition");
}

/** Whether the seed's answer at this turn is right: depends on seed and turn, so trajectories differ. */
function luckyAt(seed: number, turn: number): boolean {
  return createHash("sha256").update(`${seed}:${turn}`).digest()[0]! % 3 === 0;
}

/** Right or wrong code for whichever problem the conversation is about. */
const script: ReplyScript = (messages, seed) => {
  const users = userTexts(messages);
  const isSum = users[0]!.includes("TASK-SUM");
  const right = luckyAt(seed, users.length);
  const code = isSum ? (right ? SUM_CORRECT : SUM_WRONG) : right ? MAX_CORRECT : MAX_WRONG;
  return fenced(code, `Attempt at turn ${users.length}.`);
};

function trajectories(store: Store, keys: string[]): TrajectoryRecord[] {
  return keys.map((key) => {
    const t = store.get<TrajectoryRecord>("trajectory", key);
    if (!t) throw new Error(`trajectory ${key} missing`);
    return t;
  });
}

describe("resuming an experiment", () => {
  const scripted = createScriptedBackend(script, {id: "resume", concurrency: 4});
  const config = configWith([{name: "m", backend: "openai", baseURL: "http://127.0.0.1:9/v1", model: "scripted-model"}]);
  const backendFor = async (model: ModelConfig): Promise<ModelBackend> => (model.name === "m" ? scripted : createBackend(model));
  const single = {kind: "single"};
  const multiBinary = {kind: "multi", feedback: "binary", maxTurns: 3};
  const multiFailed = {kind: "multi", feedback: "failed", maxTurns: 3};
  let store: Store;
  let first: RunSummary;

  it("a first run creates every trajectory, asking for no completion twice", async () => {
    store = openStore("resume");
    first = await runExperiment(experiment({models: ["m"], strategies: [single, multiBinary], samples: 4, seed: 7}), {profile: "p", store, pool, config, backendFor, progress: silentProgress});
    expect(first.record.trajectories).toBe(16);
    expect(first.record.counts).toMatchObject({created: 16, reused: 0});
    expect(first.record.counts.completionsRequested).toBe(scripted.calls());
    expect(scripted.repeated()).toEqual([]);
    const ts = trajectories(store, first.trajectoryKeys);
    // The script makes trajectories differ: some multi-turn ones need more than one turn, some pass.
    expect(ts.some((t) => t.turns.length > 1)).toBe(true);
    expect(ts.some((t) => t.final.allPassed)).toBe(true);
    expect(ts.some((t) => !t.final.allPassed)).toBe(true);
    expect(store.get<RunRecord>("run", first.runKey)).toEqual(first.record);
  });

  it("a second run makes no model call and re-runs no trajectory", async () => {
    const before = scripted.calls();
    const trajectoriesBefore = store.count("trajectory");
    const again = await runExperiment(experiment({models: ["m"], strategies: [single, multiBinary], samples: 4, seed: 7}), {profile: "p", store, pool, config, backendFor, progress: silentProgress});
    expect(scripted.calls()).toBe(before);
    expect(again.record.counts).toEqual({created: 0, reused: 16, completionsRequested: 0, completionsReused: 0, requestsSent: 0});
    expect(again.trajectoryKeys).toEqual(first.trajectoryKeys);
    expect(again.runKey).toBe(first.runKey);
    expect(store.count("trajectory")).toBe(trajectoriesBefore);
  });

  it("changing one strategy adds only that strategy's trajectories", async () => {
    const requestsBefore = scripted.requests.length;
    const changed = await runExperiment(experiment({models: ["m"], strategies: [single, multiFailed], samples: 4, seed: 7}), {profile: "p", store, pool, config, backendFor, progress: silentProgress});
    expect(changed.record.counts.created).toBe(8);
    expect(changed.record.counts.reused).toBe(8);
    // Plan order: strategy, then problem, then index. The single-turn half is the first run's.
    expect(changed.trajectoryKeys.slice(0, 8)).toEqual(first.trajectoryKeys.slice(0, 8));
    expect(changed.trajectoryKeys.slice(8).some((k) => first.trajectoryKeys.includes(k))).toBe(false);
    expect(store.count("trajectory")).toBe(24);
    const fresh = trajectories(store, changed.trajectoryKeys.slice(8));
    expect(new Set(fresh.map((t) => t.strategyId))).toEqual(new Set(["multi/failed/3/none+none"]));
    // Turn 1 of multi/failed asks exactly what turn 1 of multi/binary asked: it comes from the store. Only
    // feedback turns (≥ 2 user messages) reached the backend, and nothing was asked twice over all runs.
    const newRequests = scripted.requests.slice(requestsBefore);
    expect(newRequests.every((r) => userTexts(r.messages).length >= 2)).toBe(true);
    expect(newRequests.every((r) => userTexts(r.messages).at(-1)!.startsWith("Your code was run on the public tests. These tests did not pass"))).toBe(true);
    expect(changed.record.counts.completionsRequested).toBe(newRequests.reduce((n, r) => n + r.n, 0));
    expect(changed.record.counts.completionsReused).toBeGreaterThan(0);
    expect(scripted.repeated()).toEqual([]);
    // Same turn-1 program → same turn-1 outcome as the binary twin of each sample.
    const binaryTwins = trajectories(store, first.trajectoryKeys.slice(8));
    fresh.forEach((t, i) => expect(t.turns[0]!.requestKeys).toEqual(binaryTwins[i]!.turns[0]!.requestKeys));
  });
});

describe("the human baseline", () => {
  it("draws independent submissions for each strategy", async () => {
    const store = openStore("human");
    const config = configWith([]);
    const summary = await runExperiment(
      experiment({problems: {source: "t", ids: ["sum-two"]}, models: ["human"], strategies: [{kind: "single"}, {kind: "single", instruction: "comment-lines"}], samples: 30}),
      {profile: "p", store, pool, config, progress: silentProgress}
    );
    expect(summary.record.models[0]).toMatchObject({name: "human", nullBaseline: true});
    const ts = trajectories(store, summary.trajectoryKeys);
    expect(ts).toHaveLength(60);
    const a = ts.slice(0, 30);
    const b = ts.slice(30);
    expect(new Set(a.map((t) => t.strategyId)).size).toBe(1);
    expect(a[0]!.strategyId).not.toBe(b[0]!.strategyId);
    const picks = (xs: TrajectoryRecord[]) => xs.map((t) => store.get<RequestRecord>("request", t.turns[0]!.requestKeys[0]!)!.completion.meta!.submission);
    const outcomes = (xs: TrajectoryRecord[]) => xs.map((t) => t.final.allPassed);
    expect(picks(a)).not.toEqual(picks(b));
    expect(outcomes(a)).not.toEqual(outcomes(b));
    // Both strategies see correct and incorrect submissions (3 of each in the pool).
    for (const xs of [a, b]) {
      expect(outcomes(xs)).toContain(true);
      expect(outcomes(xs)).toContain(false);
      expect(new Set(picks(xs)).size).toBeGreaterThanOrEqual(4);
    }
    expect(ts.every((t) => t.nullBaseline)).toBe(true);
  });
});

describe("token accounting across a resume", () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    // Replies of different lengths per seed: the server's completion_tokens total is split over n choices.
    fake = await startFakeOpenAI({latencyMs: 5, text: (_body, _choice, seed) => fenced(SUM_CORRECT, "word ".repeat(1 + seed * 3).trim())});
  });
  afterAll(() => fake?.close());

  // Regression: a resumed run batches the missing first calls differently (n = 3 instead of n = 6), and the
  // same trajectory must still get the same record (per-choice token shares of an n-request used to differ).
  it("a trajectory's tokensOut does not depend on how its first completion was batched", async () => {
    const config = configWith([{name: "fake", backend: "openai", baseURL: fake.baseURL, model: "fake-model", concurrency: 4}]);
    const run = (store: Store, samples: number) =>
      runExperiment(experiment({problems: {source: "t", ids: ["sum-two"]}, models: ["fake"], strategies: [{kind: "single"}], samples}), {profile: "p", store, pool, config, progress: silentProgress});
    const resumed = openStore("tokens-resumed");
    await run(resumed, 3);
    const a = await run(resumed, 6);
    const fresh = openStore("tokens-fresh");
    const b = await run(fresh, 6);
    expect(a.trajectoryKeys).toEqual(b.trajectoryKeys);
    const tokens = (store: Store, keys: string[]) => trajectories(store, keys).map((t) => t.tokensOut);
    expect(tokens(resumed, a.trajectoryKeys)).toEqual(tokens(fresh, b.trajectoryKeys));
  });
});
