// `bench generate`: the openai backend's throughput against a fake server of fixed latency and capacity, vs the ideal R × L / C.
import {pathToFileURL} from "node:url";
import {createOpenAIBackend} from "../loaders/backends/openai.ts";
import {DEFAULT_SAMPLING} from "../loaders/backends/types.ts";
import {startFakeOpenAI} from "../tests/helpers/fakeOpenAI.ts";

export interface GenerateBenchOptions {
  /** Requests issued (n = 1 each). */
  requests?: number;
  /** Server service time per request, ms. */
  latencyMs?: number;
  /** Server slots, and the backend's concurrency. */
  capacity?: number;
  /** Also time plain fetch calls first, to tell machine load from backend overhead (default true). */
  baseline?: boolean;
}

/** R requests through bare fetch with C workers: what this machine achieves with no backend in the way. */
async function bareFetchMs(baseURL: string, requests: number, capacity: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < requests) {
      const i = next++;
      const body = JSON.stringify({model: "fake-model", messages: [{role: "user", content: `problem ${i}`}], seed: i});
      const response = await fetch(`${baseURL}/chat/completions`, {method: "POST", headers: {"content-type": "application/json"}, body});
      await response.json();
    }
  };
  await Promise.all(Array.from({length: capacity}, worker));
  return performance.now() - started;
}

/**
 * Overhead of the backend's own machinery (SDK, retry loop, limiter, decoding): with the backend's concurrency
 * equal to the server's capacity, wall time should approach R × L / C; the ratio is what we add on top.
 */
export async function benchGenerate(log: (line: string) => void, options: GenerateBenchOptions = {}): Promise<{ratio: number}> {
  const requests = options.requests ?? 200;
  const latencyMs = options.latencyMs ?? 200;
  const capacity = options.capacity ?? 8;
  const server = await startFakeOpenAI({latencyMs, capacity});
  try {
    const ideal = (requests * latencyMs) / capacity;
    if (options.baseline ?? true) {
      await bareFetchMs(server.baseURL, capacity, capacity);
      const bare = await bareFetchMs(server.baseURL, requests, capacity);
      log(`baseline, bare fetch with ${capacity} workers: wall ${bare.toFixed(0)} ms = ${(bare / ideal).toFixed(2)}x ideal (machine and loopback, no backend)`);
    }
    const backend = createOpenAIBackend({name: "bench", baseURL: server.baseURL, model: "fake-model", concurrency: capacity, supportsN: false}, {env: {}});
    // One warm-up request so connection set-up and module loading are not billed to the run.
    await backend.complete({messages: [{role: "user", content: "warm up"}], sampling: DEFAULT_SAMPLING, n: 1});
    const started = performance.now();
    const results = await Promise.all(
      Array.from({length: requests}, (_, i) =>
        backend.complete({messages: [{role: "user", content: `problem ${i}`}], sampling: {...DEFAULT_SAMPLING, seed: i}, n: 1})
      )
    );
    const wallMs = performance.now() - started;
    await backend.close();
    const latencies = results.map((r) => r[0].latencyMs).sort((a, b) => a - b);
    const stats = backend.stats();
    const wrong = results.filter((r, i) => r.length !== 1 || r[0].seed !== i || !r[0].text.includes(`seed=${i} `)).length;
    log(`fake server: latency ${latencyMs} ms, capacity ${capacity}; backend concurrency ${capacity}; ${requests} requests, n = 1`);
    log(`wall ${wallMs.toFixed(0)} ms; ideal ${ideal.toFixed(0)} ms (R × L / C); peak in flight ${server.peakInFlight()}, peak served ${server.peakActive()}`);
    log(`per-request latency: median ${latencies[latencies.length >> 1]} ms, max ${latencies.at(-1)} ms; retries ${stats.retries}; faults ${JSON.stringify(stats.faults)}; wrong replies ${wrong}`);
    const ratio = wallMs / ideal;
    log(`generate wall/ideal: ${ratio.toFixed(2)}x (target ≤ 1.10x)`);
    return {ratio};
  } finally {
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await benchGenerate((line) => console.log(line));
}
