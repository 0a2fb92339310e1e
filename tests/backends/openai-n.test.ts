// The openai backend's n handling (honoured, ignored, refused, short, chunked), seeds seed + i, sampling fields, and its concurrency limit.
import {afterEach, describe, expect, it} from "vitest";
import {createOpenAIBackend, type OpenAIBackendConfig} from "../../loaders/backends/openai.ts";
import {DEFAULT_SAMPLING, type CompletionRequest, type SamplingParams} from "../../loaders/backends/types.ts";
import {defaultText, startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions} from "../helpers/fakeOpenAI.ts";

const servers: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(options: FakeOpenAIOptions = {}, config: Partial<OpenAIBackendConfig> = {}) {
  const server = await startFakeOpenAI(options);
  servers.push(server);
  const b = createOpenAIBackend(
    {name: "n-test", baseURL: server.baseURL, model: "fake-model", timeoutMs: 2_000, maxRetries: 3, retryBaseMs: 1, retryCapMs: 2, ...config},
    {sleep: async () => {}, env: {}}
  );
  return {server, b};
}

const ask = (n: number, seed = 100, content = "solve", sampling: Partial<SamplingParams> = {}): CompletionRequest => ({
  messages: [{role: "user", content}],
  sampling: {...DEFAULT_SAMPLING, seed, maxTokens: 32, ...sampling},
  n
});
const textFor = (index: number, seed: number, content = "solve") => defaultText({messages: [{role: "user", content}]}, index, seed);

/** The fake replies with `choice=<index within its request>`; what matters across modes is the seed. */
function expectSeeds(completions: Awaited<ReturnType<ReturnType<typeof createOpenAIBackend>["complete"]>>, n: number, seed: number) {
  expect(completions.map((c) => c.index)).toEqual(Array.from({length: n}, (_, i) => i));
  expect(completions.map((c) => c.seed)).toEqual(Array.from({length: n}, (_, i) => seed + i));
  for (const c of completions) expect(c.text).toContain(`seed=${c.seed} `);
}

const sentN = (server: FakeOpenAI) => server.chatRequests().map((r) => [r.body?.n ?? 1, r.body?.seed]);

describe("openai backend: n samples", () => {
  it("asks once with n when the server honours it (auto-detected), seeds seed + i, tokens split", async () => {
    const {server, b} = await setup();
    expect(b.nSupport()).toBe("unknown");
    const out = await b.complete(ask(4));
    expectSeeds(out, 4, 100);
    expect(out.map((c) => c.text)).toEqual([0, 1, 2, 3].map((i) => textFor(i, 100 + i)));
    expect(sentN(server)).toEqual([[4, 100]]);
    expect(b.nSupport()).toBe(true);
    expect(out[0].meta).toMatchObject({mode: "n", choicesInRequest: 4, sent: {n: 4, seed: 100}});
    expect(out.map((c) => c.tokensOut)).toEqual([null, null, null, null]);
    expect(out[0].meta?.tokensOutOfRequest).toBe(b.stats().tokensOut);
    expect(b.stats()).toMatchObject({requests: 1, completions: 4, tokensIn: 1, faults: {}});
  });

  it("detects a server that ignores n (Ollama) once, then sends single requests with seeds seed + i", async () => {
    const {server, b} = await setup({nMode: "ignore"});
    const out = await b.complete(ask(4));
    expectSeeds(out, 4, 100);
    expect(sentN(server)).toEqual([[4, 100], [1, 101], [1, 102], [1, 103]]);
    expect(b.nSupport()).toBe(false);
    expect(b.stats().faults).toEqual({short_n: 1});
    await b.complete(ask(3, 200));
    expect(sentN(server).slice(4)).toEqual([[1, 200], [1, 201], [1, 202]]);
    expect(server.chatRequests().slice(4).every((r) => !("n" in (r.body ?? {})))).toBe(true);
  });

  it("treats llama.cpp's 'Only one completion choice is allowed' as unsupported, not as a retryable 500", async () => {
    const {server, b} = await setup({nMode: "reject"});
    const out = await b.complete(ask(3));
    expectSeeds(out, 3, 100);
    expect(sentN(server)).toEqual([[3, 100], [1, 100], [1, 101], [1, 102]]);
    expect(b.nSupport()).toBe(false);
    expect(b.stats()).toMatchObject({retries: 0, faults: {n_rejected: 1}});
  });

  it("probes once while concurrent requests wait for the verdict", async () => {
    const {server, b} = await setup({nMode: "ignore", latencyMs: 20});
    const all = await Promise.all([0, 1, 2, 3, 4].map((k) => b.complete(ask(3, 10 * k))));
    all.forEach((out, k) => expectSeeds(out, 3, 10 * k));
    expect(server.chatRequests().filter((r) => r.body?.n !== undefined)).toHaveLength(1);
    expect(server.chatRequests()).toHaveLength(15);
  });

  it("fetches missing choices one by one when a supporting server answers short", async () => {
    const {server, b} = await setup({faults: [{kind: "short", choices: 2}]}, {supportsN: true});
    const out = await b.complete(ask(4));
    expectSeeds(out, 4, 100);
    expect(sentN(server)).toEqual([[4, 100], [1, 102], [1, 103]]);
    expect(b.stats().faults).toEqual({short_n: 1});
    expect(b.nSupport()).toBe(true);
  });

  it("never sends n when configured unsupported, and splits n into chunks of maxN", async () => {
    const off = await setup({}, {supportsN: false});
    expectSeeds(await off.b.complete(ask(3)), 3, 100);
    expect(sentN(off.server)).toEqual([[1, 100], [1, 101], [1, 102]]);
    const chunked = await setup({}, {supportsN: true, maxN: 2});
    expectSeeds(await chunked.b.complete(ask(5)), 5, 100);
    expect(sentN(chunked.server)).toEqual([[2, 100], [2, 102], [1, 104]]);
  });

  it("retries an n request as a whole on a transient fault, never re-asking for a sample it already has", async () => {
    const {server, b} = await setup({faults: [{kind: "status", status: 503}, {kind: "truncated"}]}, {supportsN: true});
    const out = await b.complete(ask(3));
    expectSeeds(out, 3, 100);
    expect(sentN(server)).toEqual([[3, 100], [3, 100], [3, 100]]);
    expect(server.chatRequests().filter((r) => r.answer === "ok")).toHaveLength(1);
    expect(b.stats().faults).toEqual({"5xx": 1, truncated_stream: 1});
  });
});

describe("openai backend: sampling fields", () => {
  it("sends top_k/min_p only when configured, merges extraBody, and records every sent field", async () => {
    const sampling = {topK: 20, minP: 0.05, stop: ["```\n"]};
    const plain = await setup();
    const [a] = await plain.b.complete(ask(1, 5, "solve", sampling));
    const body = plain.server.chatRequests()[0].body ?? {};
    expect(body).not.toHaveProperty("top_k");
    expect(body).not.toHaveProperty("min_p");
    expect(body.stop).toEqual(["```\n"]);
    expect(a.meta?.sent).toEqual({model: "fake-model", temperature: 1, top_p: 0.95, max_tokens: 32, seed: 5, stop: ["```\n"]});

    const vllm = await setup({}, {sendTopK: true, sendMinP: true, extraBody: {top_k: -1, min_p: 0, repetition_penalty: 1}});
    const [v] = await vllm.b.complete(ask(1, 5, "solve", sampling));
    const sent = vllm.server.chatRequests()[0].body ?? {};
    expect(sent).toMatchObject({top_k: 20, min_p: 0.05, repetition_penalty: 1, temperature: 1, top_p: 0.95, max_tokens: 32, seed: 5});
    const {messages, ...wire} = sent;
    expect(messages).toEqual([{role: "user", content: "solve"}]);
    expect(v.meta?.sent).toEqual(wire);

    const defaults = await setup({}, {sendTopK: true, extraBody: {top_k: -1}});
    await defaults.b.complete(ask(1));
    expect(defaults.server.chatRequests()[0].body?.top_k).toBe(-1);
  });
});

describe("openai backend: concurrency", () => {
  it("never has more requests in flight than its limit, singles and n fallbacks alike", async () => {
    const {server, b} = await setup({latencyMs: 40, nMode: "ignore"}, {concurrency: 3});
    expect(b.concurrency).toBe(3);
    const out = await Promise.all([...Array.from({length: 12}, (_, k) => b.complete(ask(1, k))), b.complete(ask(5, 1_000))]);
    expect(out.flat()).toHaveLength(17);
    expect(server.peakInFlight()).toBe(3);
  });

  it("queues at the server when the server is the bottleneck, and still completes everything", async () => {
    const {server, b} = await setup({latencyMs: 50, capacity: 2}, {concurrency: 6});
    await Promise.all(Array.from({length: 12}, (_, k) => b.complete(ask(1, k))));
    expect(server.peakActive()).toBe(2);
    expect(server.peakInFlight()).toBe(6);
    expect(b.stats()).toMatchObject({requests: 12, completions: 12, retries: 0});
  });
});

describe("fake OpenAI server", () => {
  it("lists models and records every request it received", async () => {
    const server = await startFakeOpenAI({models: ["a", "b"]});
    servers.push(server);
    const response = await fetch(`${server.baseURL}/models`);
    expect(((await response.json()) as {data: Array<{id: string}>}).data.map((m) => m.id)).toEqual(["a", "b"]);
    expect((await fetch(`${server.baseURL}/nowhere`)).status).toBe(404);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/models", "GET /v1/nowhere"]);
    expect(server.chatRequests()).toHaveLength(0);
  });
});
