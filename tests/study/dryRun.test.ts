// The dry run's counts, worked out by hand for multi-turn, CoT-retry and single-turn strategies, with and without
// n-sampling; they bound what a real run then sends, and a resumed plan estimates nothing.
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {parseConfig, type ModelConfig} from "../../loaders/config/index.ts";
import {SandboxPool} from "../../loaders/execution/index.ts";
import {Store} from "../../loaders/store/index.ts";
import {parseExperiment} from "../../loaders/trajectories/experiment.ts";
import {silentProgress} from "../../loaders/trajectories/progress.ts";
import {runExperiment} from "../../loaders/trajectories/run.ts";
import {dryRun} from "../../loaders/trajectories/runEstimate.ts";
import {createScriptedBackend, fenced, userTexts} from "../helpers/scriptedBackend.ts";
import {tempDir} from "../helpers/tmp.ts";
import {MAX_WRONG, maxRow, SUM_WRONG, sumRow, writeProblems} from "../trajectories/fixtures.ts";

let pool: SandboxPool;
beforeAll(async () => {
  pool = await SandboxPool.start({lanes: 2, log: () => {}});
});
afterAll(() => pool?.close());

const dir = tempDir("reprompt-dry-run-");
const SAMPLES = 3;
const config = parseConfig(
  {
    datasets: [{kind: "jsonl", name: "t", path: writeProblems(dir, [sumRow(), maxRow()])}],
    models: [
      {name: "one-by-one", backend: "openai", baseURL: "http://127.0.0.1:9/v1", model: "a", supportsN: false},
      {name: "batched", backend: "openai", baseURL: "http://127.0.0.1:9/v1", model: "b", supportsN: true, maxN: 2}
    ]
  },
  "test config"
);
const experiment = parseExperiment(
  {
    name: "dry",
    title: "Dry run",
    profiles: {
      p: {
        problems: {source: "t"},
        models: ["one-by-one", "batched"],
        strategies: [{kind: "multi", feedback: "binary", maxTurns: 3, reasoning: "self-reflection"}, {kind: "cot-retry", feedback: "binary", maxTurns: 3}, {kind: "single"}],
        samples: SAMPLES
      }
    }
  },
  "test definition"
);

// Always wrong, so every trajectory uses all its turns (the case the upper bounds describe).
const backends = new Map<string, ReturnType<typeof createScriptedBackend>>();
const backendFor = async (model: ModelConfig) => {
  let b = backends.get(model.name);
  if (!b) backends.set(model.name, (b = createScriptedBackend((messages) => fenced(userTexts(messages)[0]!.includes("TASK-SUM") ? SUM_WRONG : MAX_WRONG, "Attempt."), {id: model.name})));
  return b;
};

describe("dry run", () => {
  const store = Store.open({dir: join(dir, "store"), autoCompactAt: 0});
  afterAll(() => store.close());

  it("counts completions and requests per strategy and model, and sends nothing", async () => {
    const estimate = await dryRun(experiment, {profile: "p", config, store, backendFor});
    // Per trajectory: multi with reasoning 2 + 2 more turns = 4 calls; CoT-retry 3 turns = 3; single 1.
    const perTrajectory = 4 + 3 + 1;
    const problems = 2;
    expect(estimate.completions).toBe(2 * problems * SAMPLES * perTrajectory);
    // one-by-one: a request per completion. batched (maxN 2): first calls of 3 samples in ceil(3/2) = 2 requests
    // per strategy and problem, every later call on its own: (3 + 2 + 0) per trajectory.
    const oneByOne = problems * SAMPLES * perTrajectory;
    const batched = 3 * problems * 2 + problems * SAMPLES * (3 + 2 + 0);
    expect(estimate.requests).toBe(oneByOne + batched);
    expect(estimate).toMatchObject({already_stored: 0, problems, samples: SAMPLES, estimated_cost: null, models: ["one-by-one", "batched"]});
    for (const b of backends.values()) expect(b.requests).toHaveLength(0);
  });

  it("bounds what the run sends; once it ran, nothing is left to estimate", async () => {
    const before = await dryRun(experiment, {profile: "p", config, store, backendFor});
    const {record} = await runExperiment(experiment, {profile: "p", store, pool, config, backendFor, progress: silentProgress});
    expect(record.counts.completionsRequested).toBeLessThanOrEqual(before.completions);
    const sent = [...backends.values()].reduce((n, b) => n + b.requests.length, 0);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(before.requests);
    const after = await dryRun(experiment, {profile: "p", config, store, backendFor});
    expect(after).toMatchObject({already_stored: 2 * 3 * 2 * SAMPLES, requests: 0, completions: 0, estimated_prompt_tokens: 0, estimated_completion_tokens: 0});
  });
});
