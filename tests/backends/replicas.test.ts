// Several baseURLs per model: least-loaded routing, the serving URL recorded, store keys independent of replicas.
import {afterAll, describe, expect, it} from "vitest";
import {createOpenAIBackend} from "../../loaders/backends/openai.ts";
import {createReplicaRouter} from "../../loaders/backends/replicas.ts";
import {parseConfig} from "../../loaders/config/index.ts";
import {requestKeyMaterial} from "../../loaders/trajectories/completions.ts";
import {DEFAULT_SAMPLING} from "../../loaders/backends/types.ts";
import {startFakeOpenAI, type FakeOpenAI} from "../helpers/fakeOpenAI.ts";

describe("createReplicaRouter", () => {
  it("hands out the replica with the fewest requests in flight, ties in rotation", () => {
    const router = createReplicaRouter(["a", "b", "c"]);
    const a = router.acquire();
    const b = router.acquire();
    const c = router.acquire();
    expect([a.replica, b.replica, c.replica]).toEqual(["a", "b", "c"]);
    b.release();
    expect(router.load()).toEqual([1, 0, 1]);
    const next = router.acquire();
    expect(next.replica).toBe("b");
    a.release();
    a.release(); // releasing twice frees one slot only
    expect(router.load()).toEqual([0, 1, 1]);
    expect(router.acquire().replica).toBe("a");
  });
});

describe("config: baseURL as a list", () => {
  it("accepts one URL or a non-empty list of URLs, and names the bad entry", () => {
    const model = (baseURL: unknown) => ({models: [{name: "m", backend: "openai", baseURL, model: "x"}]});
    expect(parseConfig(model(["http://127.0.0.1:8000/v1", "http://127.0.0.1:8001/v1"]), "c.js").models[0]).toMatchObject({baseURL: ["http://127.0.0.1:8000/v1", "http://127.0.0.1:8001/v1"]});
    expect(() => parseConfig(model([]), "c.js")).toThrow(/c\.js: models\[0\]\.baseURL: /);
    expect(() => parseConfig(model(["http://127.0.0.1:8000/v1", "not a url"]), "c.js")).toThrow(/models\[0\]\.baseURL\[1\]/);
  });
});

describe("openai backend over replicas", () => {
  const servers: FakeOpenAI[] = [];
  afterAll(async () => Promise.all(servers.map((s) => s.close())));

  it("spreads concurrent requests over the replicas and records which one answered", async () => {
    // Slow replicas keep requests in flight, so routing by load (not luck) is what spreads them.
    for (let i = 0; i < 3; i++) servers.push(await startFakeOpenAI({latencyMs: 60}));
    const urls = servers.map((s) => s.baseURL);
    const backend = createOpenAIBackend({name: "m", baseURL: urls, model: "fake-model", concurrency: 6, supportsN: false});
    const single = createOpenAIBackend({name: "m", baseURL: urls[0]!, model: "fake-model"});
    try {
      const calls = Array.from({length: 6}, (_, i) => backend.complete({messages: [{role: "user", content: `q${i}`}], sampling: DEFAULT_SAMPLING, n: 1}));
      const completions = (await Promise.all(calls)).flat();
      expect(servers.map((s) => s.chatRequests().length)).toEqual([2, 2, 2]);
      const servedBy = completions.map((c) => c.meta?.servedBy);
      expect(new Set(servedBy)).toEqual(new Set(urls));
      for (const [i, s] of servers.entries()) expect(servedBy.filter((u) => u === urls[i]).length).toBe(s.chatRequests().length);
      // The first replica names the model: a key made with one URL equals the key made with the list.
      expect(backend.identity).toBe(single.identity);
      const call = {messages: [{role: "user" as const, content: "q"}], sampling: DEFAULT_SAMPLING, sampleIndex: 0};
      expect(requestKeyMaterial(backend, call)).toEqual(requestKeyMaterial(single, call));
    } finally {
      await backend.close();
      await single.close();
    }
  });
});
