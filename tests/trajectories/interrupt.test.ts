// Honest run accounting: ^C stores what arrived and says so (exit 130); a re-run never asks for a finished
// response again and counts only what is left; progress rate and ETA count only this run's work.
import {spawn} from "node:child_process";
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {canonicalJson} from "../../loaders/store/index.ts";
import {createProgress, progressLine} from "../../loaders/trajectories/progress.ts";
import {startFakeOpenAI, type FakeChatBody, type FakeOpenAI} from "../helpers/fakeOpenAI.ts";
import {cliPath, finished, repoRoot} from "../helpers/node.ts";
import {fenced} from "../helpers/scriptedBackend.ts";
import {tempDir} from "../helpers/tmp.ts";
import {MAX_CORRECT, maxRow, SUM_CORRECT, sumRow, writeProblems} from "./fixtures.ts";

const SAMPLES = 12;
const TRAJECTORIES = 2 * SAMPLES;

/**
 * Request records on disk (complete lines of live segments and sealed packs; a key once), read without opening
 * a Store, as `{messages, seed}` fingerprints.
 */
function storedRequests(store: string): string[] {
  const byKey = new Map<string, string>();
  for (const d of [join(store, "segments", "request"), join(store, "sealed", "request")]) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter((name) => name.endsWith(".jsonl"))) {
      for (const line of readFileSync(join(d, f), "utf8").split("\n")) {
        if (!line.trim()) continue;
        const {key, data} = JSON.parse(line) as {key: string; data: {messages: unknown; completion: {seed: number}}};
        byKey.set(key, canonicalJson({messages: data.messages, seed: data.completion.seed}));
      }
    }
  }
  return [...byKey.values()];
}

const fingerprint = (body: FakeChatBody) => canonicalJson({messages: body.messages, seed: body.seed});

describe("reprompt run under SIGINT", () => {
  const dir = tempDir("reprompt-interrupt-");
  let fake: FakeOpenAI;
  const written: FakeChatBody[] = [];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fake = await startFakeOpenAI({
      latencyMs: 150,
      capacity: 2,
      text: (body) => {
        written.push(body);
        const isSum = (body.messages ?? []).some((m) => m.content.includes("TASK-SUM"));
        return fenced(isSum ? SUM_CORRECT : MAX_CORRECT);
      }
    });
    const problems = writeProblems(dir, [sumRow(), maxRow()]);
    const configPath = join(dir, "reprompt.config.mjs");
    const config = {datasets: [{kind: "jsonl", name: "t", path: problems}], models: [{name: "fake", backend: "openai", baseURL: fake.baseURL, model: "fake-model", concurrency: 4, supportsN: false}]};
    writeFileSync(configPath, `export default ${JSON.stringify(config)};\n`);
    const experiments = join(dir, "experiments");
    mkdirSync(experiments);
    const definition = {name: "interrupt-test", title: "Interrupt", figure: "test", profiles: {p: {problems: {source: "t"}, models: ["fake"], strategies: [{kind: "single"}], samples: SAMPLES}}};
    writeFileSync(join(experiments, "interrupt-test.ts"), `export default ${JSON.stringify(definition)};\n`);
    env = {...process.env, REPROMPT_CONFIG: configPath, REPROMPT_STORE: join(dir, "store"), REPROMPT_EXPERIMENTS: experiments};
  });
  afterAll(() => fake?.close());

  const launch = () => spawn(process.execPath, [cliPath(), "run", "interrupt-test", "--profile", "p", "--lanes", "1"], {cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"]});

  it("stops on ^C with exit 130, saying what was stored and what was discarded; a re-run asks for nothing it has", async () => {
    const child = launch();
    const done = finished(child);
    // Interrupt once a few responses have been written and more are in flight.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (written.length >= 3) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    child.kill("SIGINT");
    const first = await done;
    expect(first.code, first.stderr).toBe(130);
    const match = /stopped: (\d+) stored, (\d+) in flight discarded; re-run to resume/.exec(first.stderr);
    expect(match, first.stderr).not.toBeNull();
    const stored = storedRequests(join(dir, "store"));
    expect(Number(match![1])).toBe(stored.length);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(TRAJECTORIES);
    const chatsBefore = fake.chatRequests().length;

    const second = await finished(launch());
    expect(second.code, second.stderr).toBe(0);
    // "N trajectories to run" counts only the missing ones.
    const plan = /\[interrupt-test\/p\] (\d+) trajectories to run(?: \((\d+) already in the store\))?/.exec(second.stderr);
    expect(plan, second.stderr).not.toBeNull();
    expect(Number(plan![1]) + Number(plan![2] ?? 0)).toBe(TRAJECTORIES);
    const storedTrajectories = Number(/completions and (\d+) trajectories/.exec(first.stderr)![1]);
    expect(Number(plan![2] ?? 0)).toBe(storedTrajectories);
    // No finished (stored) response is asked for again.
    const again = fake.chatRequests().slice(chatsBefore).map((r) => fingerprint(r.body!));
    const storedSet = new Set(stored);
    expect(again.filter((f) => storedSet.has(f))).toEqual([]);
    expect(again.length).toBe(TRAJECTORIES - stored.length);
  });
});

describe("progress", () => {
  it("shows no rate and no ETA before there is work to measure, and counts only this run's work", () => {
    expect(progressLine("x", {done: 0, total: 10, tokens: 0, faults: {}}, 0.001)).toBe("[x] 0/10 trajectories (0%) · –/s · 0 tokens · ETA ?");
    expect(progressLine("x", {done: 4, total: 10, tokens: 5, faults: {}}, 2)).toBe("[x] 4/10 trajectories (40%) · 2.0/s · 5 tokens · ETA 3s");
    expect(progressLine("x", {done: 0, total: 0, tokens: 0, faults: {}}, 0)).toBe("[x] 0/0 trajectories (100%) · –/s · 0 tokens · ETA 0s");
  });

  it("says how many trajectories are left to run and how many the store already has", () => {
    const lines: string[] = [];
    const stream = {isTTY: false, write: (t: string) => lines.push(t)} as unknown as NodeJS.WriteStream;
    const progress = createProgress(stream, 5000, () => 0);
    progress.start("e/p", 120, 4680);
    progress.stop({done: 120, total: 120, tokens: 0, faults: {}});
    expect(lines[0]).toBe("[e/p] 120 trajectories to run (4680 already in the store)\n");
  });
});
