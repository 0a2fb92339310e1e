// A reply far past max_tokens is cut off while it streams, counted as a fault and kept as its head only.
import {afterEach, describe, expect, it} from "vitest";
import {createOpenAIBackend} from "../../loaders/backends/openai.ts";
import {cappedFetch, contentHead, HEAD_BYTES, OversizeReply, responseCapBytes} from "../../loaders/backends/openaiResponseCap.ts";
import {DEFAULT_SAMPLING} from "../../loaders/backends/types.ts";
import {startFakeOpenAI, type FakeOpenAI} from "../helpers/fakeOpenAI.ts";

const servers: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("response size cap", () => {
  it("an 8 MB reply to max_tokens 256 is a counted fault whose head alone is kept", async () => {
    const flood = "print(1)\n" + "x".repeat(8 << 20);
    const server = await startFakeOpenAI({text: () => flood});
    servers.push(server);
    const backend = createOpenAIBackend({name: "t", baseURL: server.baseURL, model: "m", timeoutMs: 10_000, maxRetries: 0});
    const [completion] = await backend.complete({messages: [{role: "user", content: "hi"}], sampling: {...DEFAULT_SAMPLING, maxTokens: 256}, n: 1});
    expect(completion!.finishReason).toBe("oversize");
    expect(completion!.text.startsWith("print(1)\nxxxx")).toBe(true);
    expect(completion!.text.length).toBeLessThanOrEqual(HEAD_BYTES);
    expect(backend.stats().faults).toEqual({oversize: 1});
    expect(server.requests.filter((r) => r.path.endsWith("/chat/completions"))).toHaveLength(1); // not retried
    await backend.close();
  });

  it("a reply within its cap is untouched", async () => {
    const server = await startFakeOpenAI({text: () => "y".repeat(1000)});
    servers.push(server);
    const backend = createOpenAIBackend({name: "t", baseURL: server.baseURL, model: "m", timeoutMs: 10_000, maxRetries: 0});
    const [completion] = await backend.complete({messages: [{role: "user", content: "hi"}], sampling: {...DEFAULT_SAMPLING, maxTokens: 256}, n: 1});
    expect(completion!.text).toBe("y".repeat(1000));
    expect(backend.stats().faults).toEqual({});
    await backend.close();
  });

  it("an endless body is cut at its cap: memory stays bounded whatever the server sends", async () => {
    const chunk = new Uint8Array(64 << 10).fill(0x61);
    let sent = 0;
    const endless: typeof fetch = async () =>
      new Response(new ReadableStream({pull: (c) => void ((sent += chunk.byteLength), c.enqueue(chunk))}), {status: 200});
    const body = JSON.stringify({max_tokens: 100, n: 2});
    const cap = responseCapBytes(body);
    expect(cap).toBe(100 * 2 * 24 + (256 << 10)); // max_tokens × n × 24 bytes + 256 KiB of envelope
    const response = await cappedFetch(endless)("http://127.0.0.1/", {method: "POST", body});
    const error = await response.text().then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(OversizeReply);
    expect((error as OversizeReply).seenBytes).toBeLessThanOrEqual(cap + chunk.byteLength);
    expect(sent).toBeLessThanOrEqual(cap + 3 * chunk.byteLength);
  });

  it("the head's text is decoded from the cut-off JSON", () => {
    expect(contentHead('{"choices":[{"message":{"role":"assistant","content":"a\\nb\\u00e9\\"c')).toBe('a\nbé"c');
    expect(contentHead('{"id":"x"')).toBe("");
  });
});
