// Model identity: a declared revision keys requests; a server that starts reporting another model stops the run.
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createOpenAIBackend} from "../../loaders/backends/openai.ts";
import {main} from "../../loaders/cli/main.ts";
import {configWarnings, parseConfig, type RepromptConfig} from "../../loaders/config/index.ts";
import {SandboxPool} from "../../loaders/execution/index.ts";
import {Store} from "../../loaders/store/index.ts";
import type {RequestRecord} from "../../loaders/trajectories/completions.ts";
import {parseExperiment} from "../../loaders/trajectories/experiment.ts";
import {IdentityChangedError} from "../../loaders/trajectories/identity.ts";
import {silentProgress} from "../../loaders/trajectories/progress.ts";
import {runExperiment} from "../../loaders/trajectories/run.ts";
import {startFakeOpenAI, type FakeOpenAI} from "../helpers/fakeOpenAI.ts";
import {fenced} from "../helpers/scriptedBackend.ts";
import {tempDir} from "../helpers/tmp.ts";
import {SUM_CORRECT, sumRow, writeProblems} from "./fixtures.ts";

const dir = tempDir("reprompt-identity-");
const problems = writeProblems(dir, [sumRow()]);
let pool: SandboxPool;
let fake: FakeOpenAI;
beforeAll(async () => {
  pool = await SandboxPool.start({lanes: 1, log: () => {}});
  fake = await startFakeOpenAI({text: () => fenced(SUM_CORRECT), modelFields: {root: "/models/ckpt-1", max_model_len: 8192}});
});
afterAll(async () => {
  await pool?.close();
  await fake?.close();
});

const experiment = (samples: number) =>
  parseExperiment({name: "id", title: "id", figure: "id", profiles: {p: {problems: {source: "t"}, models: ["m"], strategies: [{kind: "single"}], samples}}}, "id");
const configOf = (model: Record<string, unknown> = {}): RepromptConfig =>
  parseConfig({datasets: [{kind: "jsonl", name: "t", path: problems}], models: [{name: "m", backend: "openai", baseURL: fake.baseURL, model: "fake-model", ...model}]}, "test config");

describe("server identity across runs", () => {
  const store = Store.open({dir: join(dir, "store"), autoCompactAt: 0});
  afterAll(() => store.close());
  const run = (samples: number, options: {accept?: boolean; config?: RepromptConfig} = {}) =>
    runExperiment(experiment(samples), {profile: "p", store, pool, config: options.config ?? configOf(), progress: silentProgress, report: () => {}, acceptIdentityChange: options.accept});

  it("records the server's identity with every completion", async () => {
    const summary = await run(2);
    expect(summary.record.counts.created).toBe(2);
    expect(summary.record.counts.completionsRequested).toBe(store.count("request"));
    const requests = [...store.keys("request")].map((k) => store.get<RequestRecord>("request", k)!);
    expect(requests.length).toBeGreaterThan(0);
    const digests = new Set(requests.map((r) => r.completion.meta?.serverIdentity));
    expect(digests.size).toBe(1);
    expect([...digests][0]).toMatch(/^[0-9a-f]{32}$/);
    expect(requests.every((r) => r.completion.meta?.systemFingerprint === "fp_fake")).toBe(true);
  });

  it("stops a resumed run, before any request, when the checkpoint behind the same key changed", async () => {
    fake.setModelFields({root: "/models/ckpt-2", max_model_len: 8192});
    const chatsBefore = fake.chatRequests().length;
    const error = await run(3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityChangedError);
    expect((error as Error).message).toContain("/models/ckpt-1");
    expect((error as Error).message).toContain("/models/ckpt-2");
    expect((error as Error).message).toContain("--accept-identity-change");
    expect(fake.chatRequests().length).toBe(chatsBefore);
  });

  it("goes on with --accept-identity-change, and again without it once accepted", async () => {
    const accepted = await run(3, {accept: true});
    expect(accepted.record.counts.created).toBe(1);
    const again = await run(3);
    expect(again.record.counts.created).toBe(0);
  });

  it("a declared revision is part of every request key: a new revision asks again", async () => {
    const chatsBefore = fake.chatRequests().length;
    const summary = await run(3, {config: configOf({revision: "ckpt-2"})});
    expect(summary.record.counts).toMatchObject({created: 3, reused: 0});
    expect(fake.chatRequests().length).toBeGreaterThan(chatsBefore);
    expect(summary.record.models[0]!.identity).toBe(`openai:${fake.baseURL}:fake-model@ckpt-2`);
  });
});

describe("config identity warnings", () => {
  it("warns about two entries resolving to the same model, naming both", () => {
    const config = parseConfig(
      {
        models: [
          {name: "a", backend: "openai", baseURL: "http://127.0.0.1:8000/v1", model: "x"},
          {name: "b", backend: "openai", baseURL: "http://127.0.0.1:8000/v1/", model: "x", concurrency: 2},
          {name: "c", backend: "openai", baseURL: "http://127.0.0.1:8000/v1", model: "x", revision: "r2"}
        ]
      },
      "c.js"
    );
    const warnings = configWarnings(config);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('models "a" and "b" resolve to the same model');
  });
});

describe("failing fast", () => {
  it("gives up on a refused connection after at most two attempts, naming the URL", async () => {
    const closed = await startFakeOpenAI();
    const url = closed.baseURL;
    await closed.close();
    const backend = createOpenAIBackend({name: "gone", baseURL: url, model: "m", retryBaseMs: 1, retryCapMs: 2});
    const started = Date.now();
    const error = (await backend.complete({messages: [{role: "user", content: "hi"}], sampling: {temperature: 1, topP: 1, topK: null, minP: null, maxTokens: 5, seed: 0}, n: 1}).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`connection refused at ${url}`);
    expect(backend.stats().requests).toBeLessThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("`models check` reports reachability, n support and the server's identity", async () => {
    const file = join(dir, "check.config.js");
    const {writeFileSync} = await import("node:fs");
    writeFileSync(file, `export default ${JSON.stringify({models: [{name: "m", backend: "openai", baseURL: fake.baseURL, model: "fake-model"}]})};\n`);
    const out: string[] = [];
    const previous = process.env.REPROMPT_CONFIG;
    process.env.REPROMPT_CONFIG = file;
    try {
      const code = await main(["models", "check", "m", "--json"], {stdout: (t) => out.push(t), stderr: () => {}});
      expect(code).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.REPROMPT_CONFIG;
      else process.env.REPROMPT_CONFIG = previous;
    }
    const check = JSON.parse(out.join(""));
    expect(check).toMatchObject({name: "m", reachable: true, n: true, server: {model: "fake-model", systemFingerprint: "fp_fake"}});
    expect(check.server.entry).toMatchObject({id: "fake-model", root: "/models/ckpt-2"});
  });
});
