// The openai backend against the fake server: every fault kind is absorbed and counted, fatal errors fail fast, the key never leaks.
import {afterEach, describe, expect, it} from "vitest";
import {createOpenAIBackend, OpenAIBackendError, type OpenAIBackendConfig, type OpenAIBackendEffects} from "../../loaders/backends/openai.ts";
import {backoffMs, parseRetryAfter, redact} from "../../loaders/backends/openaiFaults.ts";
import {DEFAULT_SAMPLING, type CompletionRequest} from "../../loaders/backends/types.ts";
import {defaultText, startFakeOpenAI, type FakeFault, type FakeOpenAI, type FakeOpenAIOptions} from "../helpers/fakeOpenAI.ts";

const KEY = "sk-test-S3CRETvalue0123456789abcdef";
const NOW = 1_750_000_000_000;
const servers: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const server = await startFakeOpenAI(options);
  servers.push(server);
  return server;
}

/** A backend whose backoff waits are recorded, not slept, so retry tests take no time. */
function backend(server: {baseURL: string}, config: Partial<OpenAIBackendConfig> = {}, effects: OpenAIBackendEffects = {}) {
  const delays: number[] = [];
  const b = createOpenAIBackend(
    {name: "test", baseURL: server.baseURL, model: "fake-model", apiKeyEnv: "TEST_LLM_KEY", timeoutMs: 2_000, maxRetries: 4, retryBaseMs: 1, retryCapMs: 4, ...config},
    {
      env: {TEST_LLM_KEY: KEY},
      now: () => NOW,
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.5,
      ...effects
    }
  );
  return {b, delays};
}

const ask = (content = "write f", n = 1, seed = 7): CompletionRequest => ({
  messages: [{role: "user", content}],
  sampling: {...DEFAULT_SAMPLING, seed, maxTokens: 64},
  n
});
const expected = (content: string, index: number, seed: number) => defaultText({messages: [{role: "user", content}]}, index, seed);

/** Every string the backend exposes, to check for leaks. */
const exposed = (b: ReturnType<typeof backend>["b"], extra: unknown[] = []) => JSON.stringify([b.identity, b.description, b.stats(), ...extra]);

async function failure(promise: Promise<unknown>): Promise<OpenAIBackendError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(OpenAIBackendError);
  return error as OpenAIBackendError;
}

describe("openai backend: basics", () => {
  it("completes, records what was sent, usage and latency, and sends the key from the environment", async () => {
    const server = await fake();
    const {b} = backend(server);
    const [c] = await b.complete(ask("hello there", 1, 42));
    expect(c.text).toBe(expected("hello there", 0, 42));
    expect(c).toMatchObject({index: 0, seed: 42, finishReason: "stop", tokensIn: 2});
    expect(c.tokensOut).toBe(c.text.split(/\s+/).length);
    expect(c.latencyMs).toBeGreaterThanOrEqual(0);
    expect(c.meta?.sent).toEqual({model: "fake-model", temperature: 1, top_p: 0.95, max_tokens: 64, seed: 42});
    expect(c.meta).toMatchObject({mode: "single", attempts: 1, serverModel: "fake-model", systemFingerprint: "fp_fake"});
    expect(server.chatRequests()[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(b.stats()).toMatchObject({requests: 1, completions: 1, retries: 0, faults: {}, tokensIn: 2, tokensOut: c.tokensOut});
    expect(b.identity).toBe(`openai:${server.baseURL}:fake-model`);
    expect(b.kind).toBe("openai");
    expect(b.concurrency).toBe(8);
  });

  it("reads the key at call time and uses a placeholder when no variable is configured", async () => {
    const server = await fake();
    const env: Record<string, string | undefined> = {TEST_LLM_KEY: "sk-first-key-000000"};
    const {b} = backend(server, {}, {env});
    await b.complete(ask());
    env.TEST_LLM_KEY = "sk-second-key-11111";
    await b.complete(ask());
    expect(server.chatRequests().map((r) => r.headers.authorization)).toEqual(["Bearer sk-first-key-000000", "Bearer sk-second-key-11111"]);
    const local = backend(server, {apiKeyEnv: undefined}).b;
    await local.complete(ask());
    expect(server.chatRequests()[2].headers.authorization).toBe("Bearer sk-local");
  });

  it("fails before sending when the configured key variable is empty", async () => {
    const server = await fake();
    const {b} = backend(server, {}, {env: {}});
    const error = await failure(b.complete(ask()));
    expect(error.message).toContain("TEST_LLM_KEY");
    expect(server.chatRequests()).toHaveLength(0);
  });
});

describe("openai backend: retryable faults", () => {
  const cases: Array<{fault: FakeFault; kind: string}> = [
    {fault: {kind: "status", status: 500}, kind: "5xx"},
    {fault: {kind: "status", status: 502}, kind: "5xx"},
    {fault: {kind: "status", status: 408}, kind: "408"},
    {fault: {kind: "status", status: 409}, kind: "409"},
    {fault: {kind: "rate_limit", retryAfterMs: 3}, kind: "429"},
    {fault: {kind: "malformed"}, kind: "malformed"},
    {fault: {kind: "truncated"}, kind: "truncated_stream"},
    {fault: {kind: "empty_choices"}, kind: "empty_choices"}
  ];
  for (const {fault, kind} of cases) {
    it(`absorbs ${fault.kind}${"status" in fault ? ` ${fault.status}` : ""} as fault "${kind}"`, async () => {
      const server = await fake({faults: [fault, fault]});
      const {b, delays} = backend(server);
      const [c] = await b.complete(ask("p", 1, 3));
      expect(c.text).toBe(expected("p", 0, 3));
      expect(c.meta?.attempts).toBe(3);
      expect(b.stats()).toMatchObject({requests: 3, retries: 2, completions: 1, faults: {[kind]: 2}});
      expect(delays).toHaveLength(2);
      // The same request, re-sent: nothing else went out.
      expect(new Set(server.chatRequests().map((r) => r.rawBody)).size).toBe(1);
    });
  }

  it("times out a slow response and a stalled body with its own deadline, then retries", async () => {
    const server = await fake({faults: [{kind: "delay", ms: 5_000}, {kind: "stall"}]});
    const {b} = backend(server, {timeoutMs: 250});
    const started = Date.now();
    const [c] = await b.complete(ask("slow", 1, 1));
    expect(c.text).toBe(expected("slow", 0, 1));
    expect(b.stats().faults).toEqual({timeout: 2});
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("honours retry-after-ms, retry-after seconds and an HTTP date on 429/503", async () => {
    const date = new Date(NOW + 3_000).toUTCString();
    const server = await fake({
      faults: [
        {kind: "rate_limit", retryAfterMs: 1_500},
        {kind: "rate_limit", retryAfter: "2"},
        {kind: "rate_limit", status: 503, retryAfter: date}
      ]
    });
    const {b, delays} = backend(server, {maxRetries: 3});
    await b.complete(ask());
    expect(delays[0]).toBeGreaterThanOrEqual(1_500);
    expect(delays[1]).toBeGreaterThanOrEqual(2_000);
    expect(delays[2]).toBeGreaterThanOrEqual(3_000);
    expect(delays.every((d) => d < 4_000)).toBe(true);
    expect(b.stats().faults).toEqual({"429": 2, "5xx": 1});
  });

  it("gives up on a refused connection after one retry (not maxRetries), naming the URL, and counts it", async () => {
    const server = await fake();
    const baseURL = server.baseURL;
    await server.close();
    const {b} = backend({baseURL}, {maxRetries: 5});
    const error = await failure(b.complete(ask()));
    expect(error.fault).toBe("connection");
    expect(error.message).toContain(`${baseURL}/chat/completions`);
    expect(error.message).toContain(`connection refused at ${baseURL} (2 attempts)`);
    expect(b.stats()).toMatchObject({requests: 2, retries: 1, faults: {connection: 2}});
  });

  it("backs off exponentially with jitter up to the cap", () => {
    const fault = {kind: "5xx" as const, retryable: true, status: 500, detail: "", retryAfterMs: null};
    const policy = {baseMs: 100, capMs: 1_000, maxRetryAfterMs: 5_000};
    expect([0, 1, 2, 3, 4].map((k) => backoffMs(k, fault, policy, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffMs(2, fault, policy, () => 0)).toBe(200);
    expect(backoffMs(0, {...fault, retryAfterMs: 60_000}, policy, () => 0)).toBe(5_000);
    const headers = new Headers({"retry-after": new Date(NOW + 10_000).toUTCString()});
    expect(parseRetryAfter(headers, NOW)).toBe(10_000);
    expect(parseRetryAfter(new Headers({"retry-after-ms": "250", "retry-after": "9"}), NOW)).toBe(250);
  });
});

describe("openai backend: fatal errors and secrets", () => {
  for (const status of [400, 401, 403, 404]) {
    it(`fails fast on HTTP ${status} with the endpoint and model named`, async () => {
      const server = await fake({faults: [{kind: "status", status, message: `nope ${status}`}]});
      const {b} = backend(server);
      const error = await failure(b.complete(ask()));
      expect(server.chatRequests()).toHaveLength(1);
      expect(error.status).toBe(status);
      expect(error.message).toContain(`POST ${server.baseURL}/chat/completions (model fake-model)`);
      expect(error.message).toContain(`nope ${status}`);
      if (status === 401 || status === 403) expect(error.message).toContain("TEST_LLM_KEY");
      if (status === 404) expect(error.message).toContain("/models");
      if (status === 400) expect(error.message).toContain("temperature, top_p");
      expect(b.stats()).toMatchObject({retries: 0, faults: {[String(status)]: 1}});
    });
  }

  it("tells a user without apiKeyEnv to configure one on 401", async () => {
    const server = await fake({faults: [{kind: "status", status: 401}]});
    const error = await failure(backend(server, {apiKeyEnv: undefined}).b.complete(ask()));
    expect(error.message).toContain("set apiKeyEnv");
  });

  it("never exposes the key: identity, description, stats, meta, and echoed in 401 messages", async () => {
    const echoes = [`Incorrect API key provided: ${KEY}.`, `Incorrect API key provided: ${KEY.slice(0, 10)}********${KEY.slice(-4)}.`];
    for (const message of echoes) {
      const server = await fake({faults: [{kind: "status", status: 401, message}]});
      const {b} = backend(server);
      const error = await failure(b.complete(ask()));
      expect(error.message).toContain("Incorrect API key provided");
      expect(error.message).not.toContain(KEY.slice(0, 10));
      expect(error.message).not.toContain(KEY);
      expect(exposed(b, [error.message, error.stack, {...error}])).not.toContain(KEY.slice(8));
    }
    const echo: FakeFault = {kind: "status", status: 503, message: `upstream saw ${KEY}`};
    const server = await fake({faults: [echo, echo]});
    const dead = backend(server, {maxRetries: 0}).b;
    const error = await failure(dead.complete(ask()));
    expect(error.message).toContain("upstream saw [redacted]");
    const {b} = backend(server);
    const completions = await b.complete(ask("x", 2));
    expect(b.stats().faults).toEqual({"5xx": 1});
    expect(exposed(b, completions)).not.toContain(KEY);
    expect(exposed(dead, [error.message, error.stack])).not.toContain(KEY);
  });

  it("keeps query strings and credentials out of the identity", async () => {
    const server = await fake();
    const {b} = backend({baseURL: `${server.baseURL}?api-key=querysecret123`});
    expect(b.identity).toBe(`openai:${server.baseURL}:fake-model`);
    expect(b.description).not.toContain("querysecret123");
    await b.complete(ask());
    const error = await failure(Promise.resolve().then(() => backend({baseURL: "http://user:pa55word@127.0.0.1:1/v1"})));
    expect(error.fault).toBe("config");
    expect(error.message).not.toContain("pa55word");
  });

  it("masks a secret and tokens that echo parts of it", () => {
    expect(redact(`key ${KEY} here`, KEY)).toBe("key [redacted] here");
    expect(redact(`got "${KEY.slice(0, 9)}***${KEY.slice(-4)}"`, KEY)).toBe('got "[redacted]"');
    expect(redact("nothing to hide", KEY)).toBe("nothing to hide");
  });

  it("rejects reserved extraBody fields, and fails cleanly after close or abort", async () => {
    const server = await fake({latencyMs: 200});
    expect(() => backend(server, {extraBody: {seed: 1}})).toThrow(/extraBody may not set seed/);
    const {b} = backend(server);
    const controller = new AbortController();
    const pending = b.complete({...ask(), signal: controller.signal});
    setTimeout(() => controller.abort(), 50);
    expect((await failure(pending)).fault).toBe("aborted");
    expect(b.stats().retries).toBe(0);
    await b.close();
    expect((await failure(b.complete(ask()))).fault).toBe("closed");
  });
});
