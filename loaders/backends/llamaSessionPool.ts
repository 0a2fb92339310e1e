// A fair (FIFO) pool of chat sessions, one per context sequence, so n samples share `parallel` sequences.

/** One pooled item and its position (the sequence index, recorded in completion meta). */
export interface PoolSlot<T> {
  index: number;
  item: T;
}

/**
 * Why a pool and not a session per sample: a context has a fixed number of sequences (getSequence throws
 * "No sequences left" past it), and a reused sequence keeps its KV cache, so the next sample of the same
 * conversation re-evaluates only what differs from the previous one (notes §3.2).
 */
export class SessionPool<T> {
  private readonly free: Array<PoolSlot<T>>;
  private readonly waiters: Array<{resolve: (slot: PoolSlot<T>) => void; reject: (error: unknown) => void; signal?: AbortSignal; onAbort?: () => void}> = [];
  private closed = false;

  constructor(readonly items: readonly T[]) {
    this.free = items.map((item, index) => ({index, item}));
  }

  get size(): number {
    return this.items.length;
  }

  acquire(signal?: AbortSignal): Promise<PoolSlot<T>> {
    if (this.closed) return Promise.reject(new Error("the llama backend is closed"));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const slot = this.free.shift();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = {resolve, reject, signal};
      if (signal) {
        waiter.onAbort = () => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", waiter.onAbort, {once: true});
      }
      this.waiters.push(waiter);
    });
  }

  release(slot: PoolSlot<T>): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.free.push(slot);
      return;
    }
    if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
    waiter.resolve(slot);
  }

  /** Rejects everyone still waiting; items are disposed by the owner. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.reject(new Error("the llama backend was closed"));
    }
  }
}
