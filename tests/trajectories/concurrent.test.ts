// Two runs of one experiment on one store at the same time: claims make every request go out once.
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {parseConfig} from "../../loaders/config/index.ts";
import {SandboxPool} from "../../loaders/execution/index.ts";
import {Store} from "../../loaders/store/index.ts";
import {parseExperiment, type ExperimentInput} from "../../loaders/trajectories/experiment.ts";
import {silentProgress} from "../../loaders/trajectories/progress.ts";
import {runExperiment} from "../../loaders/trajectories/run.ts";
import {startFakeOpenAI, type FakeOpenAI} from "../helpers/fakeOpenAI.ts";
import {fenced} from "../helpers/scriptedBackend.ts";
import {tempDir} from "../helpers/tmp.ts";
import {SUM_WRONG, sumRow, maxRow, writeProblems} from "./fixtures.ts";

let pool: SandboxPool;
let fake: FakeOpenAI;
const served: Array<{at: number; key: string}> = [];
beforeAll(async () => {
  pool = await SandboxPool.start({lanes: 2, log: () => {}});
  // slow replies, always wrong code: multi-turn trajectories make several calls each, so the runs overlap
  fake = await startFakeOpenAI({
    latencyMs: 150,
    text: (body, choice, seed) => {
      served.push({at: Date.now(), key: JSON.stringify([body.messages, seed, choice])});
      return fenced(SUM_WRONG, `try ${seed}`);
    }
  });
});
afterAll(async () => {
  await fake?.close();
  await pool?.close();
});

describe("concurrent runs on one store", () => {
  it("send each request once, and both finish with every trajectory", async () => {
    const dir = tempDir("reprompt-concurrent-");
    const problemsPath = writeProblems(dir, [sumRow(), maxRow()]);
    const config = parseConfig({datasets: [{kind: "jsonl", name: "t", path: problemsPath}], models: [{name: "fake", backend: "openai", baseURL: fake.baseURL, model: "fake-model", concurrency: 4}]}, "test config");
    const input: ExperimentInput = {
      name: "concurrent-test",
      title: "Concurrent test",
      figure: "test",
      profiles: {p: {problems: {source: "t"}, models: ["fake"], strategies: [{kind: "single"}, {kind: "multi", feedback: "binary", maxTurns: 3}], samples: 3, seed: 5} as never}
    };
    const experiment = parseExperiment(input, "concurrent test definition");
    const storeDir = join(dir, "store");
    const a = Store.open({dir: storeDir, autoCompactAt: 0});
    const b = Store.open({dir: storeDir, autoCompactAt: 0});
    const run = (store: Store) => runExperiment(experiment, {profile: "p", store, pool, config, progress: silentProgress});
    const [ra, rb] = await Promise.all([run(a), run(b)]);
    // they overlapped: each started before the other finished, and each took several reply latencies
    expect(Date.parse(ra.record.startedAt)).toBeLessThan(Date.parse(rb.record.finishedAt));
    expect(Date.parse(rb.record.startedAt)).toBeLessThan(Date.parse(ra.record.finishedAt));
    expect(served.length).toBeGreaterThan(12);
    // every (messages, seed, choice) was served exactly once
    const counts = new Map<string, number>();
    for (const {key} of served) counts.set(key, (counts.get(key) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    // both runs planned the same trajectories, and both see all of them
    expect(ra.trajectoryKeys).toEqual(rb.trajectoryKeys);
    a.refresh();
    b.refresh();
    for (const key of ra.trajectoryKeys) {
      expect(a.has("trajectory", key)).toBe(true);
      expect(b.has("trajectory", key)).toBe(true);
    }
    // work was split, not duplicated: the trajectories stored once in total
    expect(a.count("trajectory")).toBe(ra.trajectoryKeys.length);
    expect(ra.record.counts.completionsRequested + rb.record.counts.completionsRequested).toBe(served.length);
    expect(ra.record.counts.completionsRequested).toBeGreaterThan(0);
    expect(rb.record.counts.completionsRequested).toBeGreaterThan(0);
    a.close();
    b.close();
  }, 120_000);
});
