// Worst-case-time checks for parsers of untrusted text: time must grow about linearly with the input's size.
import {performance} from "node:perf_hooks";

export interface GrowthOptions {
  /** Size of the first input (units are the generator's: characters, repeats, lines). */
  start: number;
  /** How many doublings to measure after the first size. */
  doublings: number;
  /** Largest allowed time ratio for one doubling (linear is ~2; quadratic ~4; exponential far more). */
  maxRatio?: number;
  /** Times below this are treated as this, so a ratio of two tiny, noisy timings cannot fail. */
  floorMs?: number;
  /** Generous absolute bound for the largest input. */
  budgetMs: number;
  /** Repetitions per size; the fastest counts (noise from a shared machine only ever adds time). */
  reps?: number;
}

/** Fastest of `reps` runs of `fn`, in milliseconds. */
export function fastestMs(fn: () => void, reps: number): number {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/**
 * Measures `run(input(n))` for n = start, 2·start, … and throws, listing the timings, as soon as one doubling
 * costs more than `maxRatio` times the previous size (so a super-linear parser fails at the first size where it
 * shows, before the next doubling could hang), or the largest input exceeds `budgetMs`.
 */
export function assertLinearTime<T>(input: (n: number) => T, run: (x: T) => unknown, options: GrowthOptions): number[] {
  const {start, doublings, maxRatio = 3, floorMs = 4, budgetMs, reps = 5} = options;
  const timings: string[] = [];
  const times: number[] = [];
  let n = start;
  for (let step = 0; step <= doublings; step++, n *= 2) {
    const x = input(n);
    const ms = fastestMs(() => run(x), reps);
    times.push(ms);
    timings.push(`n=${n}: ${ms.toFixed(2)} ms`);
    const previous = times.at(-2);
    if (previous !== undefined && ms > maxRatio * Math.max(previous, floorMs)) {
      throw new Error(`super-linear: doubling the input multiplied the time by more than ${maxRatio} (${timings.join(", ")})`);
    }
  }
  if (times.at(-1)! > budgetMs) throw new Error(`too slow: ${timings.at(-1)} exceeds ${budgetMs} ms (${timings.join(", ")})`);
  return times;
}
