// Runs work units under store claims, so concurrent runs of one plan (or overlapping plans) never do a unit
// twice: a unit another live run holds is skipped at first and waited for at the end (or taken over when that
// run's lease expires), so this run's figure is still complete.
import type {Store} from "../store/index.ts";

export interface ClaimedUnit {
  key: string;
}

/**
 * `schedule` runs a task under the caller's concurrency limit; `work` computes and stores one unit (its put
 * ends the claim); `onStored` is called for a unit another run stored.
 */
export async function runClaimed<U extends ClaimedUnit>(
  store: Store,
  kind: string,
  units: U[],
  schedule: (unit: U, task: () => Promise<void>) => Promise<void>,
  work: (unit: U) => Promise<void>,
  onStored: (unit: U) => void,
  signal?: AbortSignal
): Promise<void> {
  const deferred: U[] = [];
  const attempt = async (unit: U) => {
    try {
      await work(unit);
    } finally {
      store.release(kind, unit.key); // no-op once stored; frees a failed unit for another run
    }
  };
  await settleAll(
    units.map((unit) =>
      schedule(unit, async () => {
        if (signal?.aborted) return; // stopped: no new unit starts
        const claim = store.claim(kind, unit.key);
        if (claim === "stored") onStored(unit);
        else if (claim === "held") deferred.push(unit);
        else await attempt(unit);
      })
    )
  );
  if (signal?.aborted) return;
  await settleAll(
    deferred.map(async (unit) => {
      if (signal?.aborted) return;
      if ((await store.waitFor(kind, unit.key)) === "stored") onStored(unit);
      else await schedule(unit, () => attempt(unit));
    })
  );
}

/** Waits for every task (none is left running behind an error), then throws the first failure. */
async function settleAll(tasks: Array<Promise<void>>): Promise<void> {
  const outcomes = await Promise.allSettled(tasks);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failed) throw failed.reason;
}
