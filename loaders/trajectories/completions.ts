// Completions through the store: every completion is on disk before anyone uses it, and none is asked for twice.
import type {ChatMessage, Completion, ModelBackend, ProblemContext, SamplingParams} from "../backends/types.ts";
import type {Store} from "../store/index.ts";

/** What a request record holds (the store's `request` kind). */
export interface RequestRecord {
  backend: string;
  messages: ChatMessage[];
  sampling: SamplingParams;
  sampleIndex: number;
  problem: string | null;
  completion: Completion;
  createdAt: string;
}

export interface CompletionCall {
  messages: ChatMessage[];
  sampling: SamplingParams;
  /** Distinguishes repeated samples of the same messages; its seed is `sampling.seed + sampleIndex`. */
  sampleIndex: number;
  problem?: ProblemContext;
}

export function requestKeyMaterial(backend: ModelBackend, call: CompletionCall): unknown {
  return {
    backend: backend.identity,
    messages: call.messages,
    sampling: call.sampling,
    sample: call.sampleIndex,
    problem: call.problem ? `${call.problem.dataset}/${call.problem.id}` : null
  };
}

/**
 * Fetches completions for several sample indices of the same messages: stored ones are read back, missing ones
 * are requested together (one `n`-request per contiguous run of indices) and stored as they arrive.
 */
export class CompletionService {
  /** Completions obtained from the backend (not the store) in this process: the "paid for" count. */
  requested = 0;
  reused = 0;
  /** Completions asked of a backend and not yet arrived: what an interruption now would discard. */
  inFlight = 0;
  private inflight = new Map<string, Promise<{key: string; record: RequestRecord}>>();

  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date()
  ) {}

  key(backend: ModelBackend, call: CompletionCall): string {
    return this.store.key("request", requestKeyMaterial(backend, call));
  }

  /** One completion (sample `call.sampleIndex`). */
  async one(backend: ModelBackend, call: CompletionCall): Promise<{key: string; record: RequestRecord}> {
    const [result] = await this.many(backend, {...call, sampleIndex: 0}, [call.sampleIndex]);
    return result;
  }

  /** Completions for `indices` of the same messages, in the order of `indices`. */
  async many(
    backend: ModelBackend,
    base: Omit<CompletionCall, "sampleIndex"> & {sampleIndex?: number},
    indices: number[],
    options: {countReuse?: boolean} = {}
  ): Promise<Array<{key: string; record: RequestRecord}>> {
    const keys = indices.map((sampleIndex) => this.key(backend, {...base, sampleIndex}));
    const missing: number[] = [];
    indices.forEach((sampleIndex, i) => {
      if (this.store.has("request", keys[i]) || this.inflight.has(keys[i])) return;
      // a claim per request: a request another live run is sending is waited for, never sent twice
      const claim = this.store.claim("request", keys[i]);
      if (claim === "claimed") missing.push(sampleIndex);
      else if (claim === "held") this.inflight.set(keys[i], this.awaitOther(backend, base, sampleIndex, keys[i]));
    });
    for (const run of contiguousRuns([...new Set(missing)].sort((a, b) => a - b))) {
      const promise = this.fetchRun(backend, base, run);
      run.forEach((sampleIndex, i) => {
        const key = this.key(backend, {...base, sampleIndex});
        this.inflight.set(
          key,
          promise.then((records) => records[i])
        );
      });
    }
    return Promise.all(
      indices.map(async (sampleIndex, i) => {
        const key = keys[i];
        const pending = this.inflight.get(key);
        if (pending) {
          try {
            return await pending;
          } finally {
            this.inflight.delete(key);
          }
        }
        const record = this.store.get<RequestRecord>("request", key);
        if (!record) throw new Error(`request ${key} vanished from the store`);
        if (options.countReuse !== false) this.reused++;
        return {key, record};
      })
    );
  }

  /** A request another run holds: its stored record once it lands, or ours to send if that run died. */
  private async awaitOther(
    backend: ModelBackend,
    base: Omit<CompletionCall, "sampleIndex">,
    sampleIndex: number,
    key: string
  ): Promise<{key: string; record: RequestRecord}> {
    if ((await this.store.waitFor("request", key)) === "claimed") return (await this.fetchRun(backend, base, [sampleIndex]))[0];
    const record = this.store.get<RequestRecord>("request", key);
    if (!record) throw new Error(`request ${key} vanished from the store`);
    this.reused++;
    return {key, record};
  }

  private async fetchRun(
    backend: ModelBackend,
    base: Omit<CompletionCall, "sampleIndex">,
    run: number[]
  ): Promise<Array<{key: string; record: RequestRecord}>> {
    const first = run[0];
    const stored = new Map<number, {key: string; record: RequestRecord}>();
    // Stored as each response arrives, before anyone sees it: a kill after that loses nothing that was paid
    // for, even while other chunks of the same request are still on their way.
    const storeArrived = (completions: Completion[]) => {
      const fresh = completions.filter((c) => c.index >= 0 && c.index < run.length && !stored.has(c.index));
      if (fresh.length === 0) return;
      const createdAt = this.now().toISOString();
      const out = fresh.map((completion) => {
        const sampleIndex = run[completion.index];
        const record: RequestRecord = {
          backend: backend.identity,
          messages: base.messages,
          sampling: base.sampling,
          sampleIndex,
          problem: base.problem ? `${base.problem.dataset}/${base.problem.id}` : null,
          completion: {...completion, index: 0, seed: base.sampling.seed + sampleIndex},
          createdAt
        };
        const entry = {key: this.key(backend, {...base, sampleIndex}), record};
        stored.set(completion.index, entry);
        return entry;
      });
      this.store.putWithKeys("request", out.map(({key, record}) => ({key, data: record})));
      this.requested += out.length;
      this.inFlight -= out.length;
    };
    this.inFlight += run.length;
    let completions: Completion[];
    try {
      completions = await backend.complete({
        messages: base.messages,
        sampling: {...base.sampling, seed: base.sampling.seed + first},
        n: run.length,
        problem: base.problem,
        onCompletions: storeArrived
      });
      if (completions.length !== run.length) {
        throw new Error(`${backend.description}: asked for ${run.length} completions, got ${completions.length}`);
      }
      storeArrived(completions);
    } catch (error) {
      // What never arrived is free for another run to send (a stored one's claim ended with its put).
      run.forEach((sampleIndex, i) => {
        if (!stored.has(i)) this.store.release("request", this.key(backend, {...base, sampleIndex}));
      });
      throw error;
    } finally {
      // What never arrived is no longer in flight (failed or discarded).
      this.inFlight -= run.length - stored.size;
    }
    return run.map((_, i) => stored.get(i)!);
  }
}

function contiguousRuns(sorted: number[]): number[][] {
  const runs: number[][] = [];
  for (const value of sorted) {
    const last = runs[runs.length - 1];
    if (last && value === last[last.length - 1] + 1) last.push(value);
    else runs.push([value]);
  }
  return runs;
}
