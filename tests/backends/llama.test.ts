// The embedded llama backend on a tiny generated GGUF: structure, seeds, pooling, threads, validation, offline refs.
import {copyFileSync} from "node:fs";
import {join} from "node:path";
import {Writable} from "node:stream";
import {getLlama, type LlamaOptions} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createLlamaBackend, pullModel, type LlamaBackend, type LlamaEffects} from "../../loaders/backends/llama.ts";
import type {ResolveModelFileFn} from "../../loaders/backends/llamaModelFile.ts";
import {DEFAULT_SAMPLING, type ChatMessage, type SamplingParams} from "../../loaders/backends/types.ts";
import {tempDir} from "../helpers/tmp.ts";
import {writeMalformedGguf, writeTinyGguf} from "../helpers/tinyGguf.ts";

const dir = tempDir("reprompt-llama-");
const modelPath = writeTinyGguf(join(dir, "tiny.gguf"));
const sampling = (over: Partial<SamplingParams> = {}): SamplingParams => ({...DEFAULT_SAMPLING, maxTokens: 12, seed: 100, ...over});
const ask = (content: string): ChatMessage[] => [{role: "user", content}];

/** Records what the backend hands to getLlama, so the threads setting can be checked on the way in. */
function watchingEffects(): {effects: LlamaEffects; calls: LlamaOptions[]} {
  const calls: LlamaOptions[] = [];
  return {calls, effects: {getLlama: (options) => (calls.push(options), getLlama(options))}};
}

describe("llama backend on a tiny GGUF", () => {
  let backend: LlamaBackend;
  const watch = watchingEffects();

  beforeAll(async () => {
    backend = await createLlamaBackend({name: "tiny", model: modelPath, threads: 1, parallel: 2, contextSize: 1024}, watch.effects);
  });
  afterAll(() => backend?.close());

  it("loads, with identity, description and concurrency", () => {
    expect(backend.kind).toBe("llama");
    expect(backend.identity).toMatch(/^llama:tiny\.gguf:\d+-[0-9a-f]{12}$/);
    expect(backend.description).toContain("1 thread");
    expect(backend.description).toContain("2 parallel sequences");
    expect(backend.concurrency).toBe(2);
    expect(backend.isNullBaseline).toBe(false);
    expect(backend.runtime().chatWrapper).toBe("ChatML");
  });

  it("honours the threads option in getLlama and the context", () => {
    expect(watch.calls).toHaveLength(1);
    expect(watch.calls[0]).toMatchObject({gpu: false, build: "never", maxThreads: 1});
    const runtime = backend.runtime();
    expect(runtime.threads).toEqual({requested: 1, llamaMax: 1, context: 1});
    expect(runtime.sequences).toBe(2);
    expect(runtime.contextSizePerSequence).toBe(1024);
  });

  it("is reproducible per seed and varies across seeds", async () => {
    const [a] = await backend.complete({messages: ask("hello"), sampling: sampling({seed: 7}), n: 1});
    const [b] = await backend.complete({messages: ask("hello"), sampling: sampling({seed: 7}), n: 1});
    const [c] = await backend.complete({messages: ask("hello"), sampling: sampling({seed: 8}), n: 1});
    expect(a!.text).toBe(b!.text);
    expect(a!.text).not.toBe(c!.text);
    expect(a!.seed).toBe(7);
  });

  it("runs n = 4 over 2 sequences with seeds seed … seed + 3 and explicit sampling", async () => {
    const out = await backend.complete({messages: ask("write code"), sampling: sampling({seed: 40}), n: 4});
    expect(out.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(out.map((c) => c.seed)).toEqual([40, 41, 42, 43]);
    expect(new Set(out.map((c) => c.meta?.sequence))).toEqual(new Set([0, 1]));
    for (const c of out) {
      expect(c.meta?.sent).toEqual({temperature: 1, topP: 0.95, topK: 0, minP: 0, seed: c.seed, maxTokens: 12, repeatPenalty: false});
      expect(c.tokensIn).toBeGreaterThan(0);
      expect(c.latencyMs).toBeGreaterThanOrEqual(0);
    }
    // A sample's text does not depend on which sequence or batch it ran in.
    const [solo] = await backend.complete({messages: ask("write code"), sampling: sampling({seed: 42}), n: 1});
    expect(solo!.text).toBe(out[2]!.text);
    const stats = backend.stats();
    expect(stats.completions).toBeGreaterThanOrEqual(5);
    expect(stats.tokensOut).toBeGreaterThan(0);
  });

  it("handles a multi-turn conversation with a system message", async () => {
    const single = await backend.complete({messages: ask("write code"), sampling: sampling(), n: 1});
    const messages: ChatMessage[] = [
      {role: "system", content: "You are a programmer."},
      {role: "user", content: "think first"},
      {role: "assistant", content: "I thought."},
      {role: "user", content: "write code"}
    ];
    const [turn] = await backend.complete({messages, sampling: sampling(), n: 1});
    expect(turn!.tokensIn).toBeGreaterThan(single[0]!.tokensIn! + 20);
    expect(["stop", "length"]).toContain(turn!.finishReason);
  });

  it("respects maxTokens", async () => {
    const out = await backend.complete({messages: ask("long answer please"), sampling: sampling({maxTokens: 5}), n: 2});
    for (const c of out) {
      expect(c.tokensOut).toBeGreaterThan(0);
      expect(c.tokensOut).toBeLessThanOrEqual(5);
      expect(c.finishReason === "length" || c.finishReason === "stop").toBe(true);
    }
  });

  it("keeps each sample within its sequence's share of the context", async () => {
    const [capped] = await backend.complete({messages: ask("y".repeat(1000)), sampling: sampling({maxTokens: 200}), n: 1});
    const room = 1024 - capped!.tokensIn!;
    expect(room).toBeGreaterThan(0);
    expect(room).toBeLessThan(200);
    expect(capped!.meta).toMatchObject({maxTokensRequested: 200, sent: {maxTokens: room}});
    expect(capped!.tokensOut).toBeLessThanOrEqual(room);
    await expect(backend.complete({messages: ask("z".repeat(1100)), sampling: sampling(), n: 1})).rejects.toThrow(/does not fit the context of 1024/);
    expect(backend.stats().faults).toMatchObject({"max-tokens-capped": 1, "context-overflow": 1});
  });

  it("rejects a request that does not end with a user message, and aborts on the signal", async () => {
    await expect(backend.complete({messages: [{role: "user", content: "a"}, {role: "assistant", content: "b"}], sampling: sampling(), n: 1})).rejects.toThrow(/end with a user message/);
    const controller = new AbortController();
    const pending = backend.complete({messages: ask("x"), sampling: sampling({maxTokens: 900}), n: 3, signal: controller.signal});
    setTimeout(() => controller.abort(new Error("stop now")), 30);
    await expect(pending).rejects.toThrow(/stop now/);
    // The sequences were released: the next request still runs.
    expect(await backend.complete({messages: ask("again"), sampling: sampling({maxTokens: 3}), n: 2})).toHaveLength(2);
  });
});

describe("llama backend with a grammar", () => {
  it("yields a fenced python block whose digit varies with the seed", async () => {
    const grammar = 'root ::= "```python\\ndef f(x):\\n    return x + " [0-9] "\\n```"';
    const backend = await createLlamaBackend({name: "tiny-grammar", model: modelPath, threads: 1, parallel: 2, contextSize: 512, grammar});
    try {
      expect(backend.identity).toMatch(/:grammar-[0-9a-f]{8}$/);
      const out = await backend.complete({messages: ask("add a digit"), sampling: sampling({maxTokens: 64, seed: 0}), n: 8});
      const digits = out.map((c) => {
        const match = /^```python\ndef f\(x\):\n {4}return x \+ ([0-9])\n```$/.exec(c.text);
        expect(match, c.text).not.toBeNull();
        expect(c.finishReason).toBe("stop");
        return match![1];
      });
      expect(new Set(digits).size).toBeGreaterThan(1);
    } finally {
      await backend.close();
    }
  });
});

describe("llama backend model files", () => {
  it("rejects a malformed GGUF naming the file and the missing key, without loading it", async () => {
    const bad = writeMalformedGguf(join(dir, "bad.gguf"));
    const watch = watchingEffects();
    const error = await createLlamaBackend({name: "bad", model: bad, threads: 1}, watch.effects).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(bad);
    expect((error as Error).message).toContain("llama.attention.head_count");
    expect(watch.calls).toHaveLength(0);
  });

  it("fails fast on an hf: reference that was not downloaded, saying how to fetch it", async () => {
    const ref = "hf:Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF:Q4_K_M";
    const watch = watchingEffects();
    const started = Date.now();
    const error = await createLlamaBackend({name: "remote", model: ref, modelsDir: join(dir, "models")}, watch.effects).catch((e: Error) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((error as Error).message).toContain(ref);
    expect((error as Error).message).toContain(`reprompt models pull ${ref}`);
    expect(watch.calls).toHaveLength(0);
  });

  it("pulls only when asked, with progress lines, and gives up on a stalled download", async () => {
    let lines = "";
    const stream = Object.assign(new Writable({write: (chunk, _enc, done) => ((lines += chunk), done())}), {isTTY: false});
    const target = join(dir, "pulled.gguf");
    const fake: ResolveModelFileFn = async (_ref, options) => {
      options.onProgress?.({totalSize: 100, downloadedSize: 50});
      options.onProgress?.({totalSize: 100, downloadedSize: 100});
      copyFileSync(modelPath, target);
      return target;
    };
    expect(await pullModel("hf:someone/tiny/tiny.gguf", {modelsDir: dir, stream, resolveModelFile: fake})).toBe(target);
    expect(lines).toContain("50%");
    expect(lines).toContain("100%");
    const hanging: ResolveModelFileFn = () => new Promise(() => {});
    const started = Date.now();
    await expect(pullModel("hf:someone/tiny/never.gguf", {modelsDir: dir, stream, resolveModelFile: hanging, stallTimeoutMs: 100})).rejects.toThrow(/stalled/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
