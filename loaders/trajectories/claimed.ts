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
  onStored: (unit: U) => void
): Promise<void> {
  const deferred: U[] = [];
  const attempt = async (unit: U) => {
    try {
      await work(unit);
    } finally {
      store.release(kind, unit.key); // no-op once stored; frees a failed unit for another run
    }
  };
  await Promise.all(
    units.map((unit) =>
      schedule(unit, async () => {
        const claim = store.claim(kind, unit.key);
        if (claim === "stored") onStored(unit);
        else if (claim === "held") deferred.push(unit);
        else await attempt(unit);
      })
    )
  );
  await Promise.all(
    deferred.map(async (unit) => {
      if ((await store.waitFor(kind, unit.key)) === "stored") onStored(unit);
      else await schedule(unit, () => attempt(unit));
    })
  );
}
