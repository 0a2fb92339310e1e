// A finished response is stored as it arrives: when a later chunk of the same request fails (or the process is
// killed), the chunks that finished are in the store and are never asked for again.
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {createOpenAIBackend} from "../../loaders/backends/openai.ts";
import {DEFAULT_SAMPLING} from "../../loaders/backends/index.ts";
import {Store} from "../../loaders/store/index.ts";
import {CompletionService} from "../../loaders/trajectories/completions.ts";
import {startFakeOpenAI} from "../helpers/fakeOpenAI.ts";
import {tempDir} from "../helpers/tmp.ts";

describe("completions are stored as each response arrives", () => {
  const dir = tempDir("reprompt-arrival-");
  const store = Store.open({dir: join(dir, "store"), autoCompactAt: 0});
  afterAll(() => store.close());

  it("keeps the first chunk of an n-request whose second chunk fails, and asks only for the rest next time", async () => {
    // Chunks of n = 2: the first is answered, the second is refused once with a non-retryable 400.
    let refused = false;
    const fake = await startFakeOpenAI({script: (_body, ordinal) => (ordinal === 1 && !refused ? ((refused = true), {kind: "status", status: 400, message: "no"}) : null)});
    try {
      const backend = createOpenAIBackend({name: "f", baseURL: fake.baseURL, model: "fake-model", supportsN: true, maxN: 2, concurrency: 1});
      const service = new CompletionService(store);
      const call = {messages: [{role: "user" as const, content: "hello"}], sampling: DEFAULT_SAMPLING};
      await expect(service.many(backend, call, [0, 1, 2, 3])).rejects.toThrow(/HTTP 400/);
      expect(service.requested).toBe(2);
      expect(service.inFlight).toBe(0);
      expect(store.count("request")).toBe(2);
      const chatsBefore = fake.chatRequests().length;
      const again = new CompletionService(store);
      const results = await again.many(backend, call, [0, 1, 2, 3]);
      expect(results.map((r) => r.record.sampleIndex)).toEqual([0, 1, 2, 3]);
      expect(again.requested).toBe(2);
      expect(again.reused).toBe(2);
      const asked = fake.chatRequests().slice(chatsBefore).map((r) => [r.body!.n, r.body!.seed]);
      expect(asked).toEqual([[2, DEFAULT_SAMPLING.seed + 2]]);
    } finally {
      await fake.close();
    }
  });
});
