// Worst-case-time checks for parsers of untrusted text: time must grow about linearly with the input's size.
import {performance} from "node:perf_hooks";

export interface GrowthOptions {
  /** Size of the first input (units are the generator's: characters, repeats, lines). */
  start: number;
  /** How many doublings to measure after the first size. */
  doublings: number;
  /**
   * Largest allowed growth over two doublings (linear: ~4; quadratic: ~16). Judged over two steps, not one, so a
   * garbage collection that lands in one measurement cannot fail a linear parser on a busy machine.
   */
  maxRatioPer2Doublings?: number;
  /** Largest allowed growth over one doubling: catches exponential blow-up at once, before the next size hangs. */
  maxRatioPerDoubling?: number;
  /** Times below this are treated as this, so a ratio of two tiny, noisy timings cannot fail. */
  floorMs?: number;
  /** Generous absolute bound for the largest input. */
  budgetMs: number;
  /** Measurements per size, in rounds over all sizes; the fastest counts (noise only ever adds time). */
  reps?: number;
}

function timeOnce(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/**
 * Measures `run(input(n))` for n = start, 2·start, … and throws, listing the timings, when the time grows faster
 * than linear allows (about 3× per doubling, judged over two doublings; 6× over one), or the largest input
 * exceeds `budgetMs`. A first pass in increasing size stops at a 50× jump (exponential blow-up), before a larger
 * input could hang; then `reps − 1` more rounds visit every size in turn and each size keeps its fastest time,
 * so a burst of load from other processes on a shared machine slows all sizes of a round alike and is filtered.
 */
export function assertLinearTime<T>(input: (n: number) => T, run: (x: T) => unknown, options: GrowthOptions): number[] {
  const {start, doublings, maxRatioPer2Doublings = 9, maxRatioPerDoubling = 6, floorMs = 5, budgetMs, reps = 5} = options;
  const sizes = Array.from({length: doublings + 1}, (_, i) => start * 2 ** i);
  const inputs = sizes.map(input);
  const best: number[] = [];
  const report = () => sizes.slice(0, best.length).map((n, i) => `n=${n}: ${best[i]!.toFixed(2)} ms`).join(", ");
  const fail = (what: string) => {
    throw new Error(`super-linear: ${what} (${report()})`);
  };
  for (let i = 0; i < sizes.length; i++) {
    best.push(timeOnce(() => run(inputs[i]!)));
    if (i > 0 && best[i]! > 50 * Math.max(best[i - 1]!, floorMs)) fail("one doubling multiplied the time by more than 50");
  }
  for (let round = 1; round < reps; round++) {
    for (let i = 0; i < sizes.length; i++) best[i] = Math.min(best[i]!, timeOnce(() => run(inputs[i]!)));
  }
  for (let i = 1; i < sizes.length; i++) {
    if (best[i]! > maxRatioPerDoubling * Math.max(best[i - 1]!, floorMs)) fail(`one doubling multiplied the time by more than ${maxRatioPerDoubling}`);
    if (i > 1 && best[i]! > maxRatioPer2Doublings * Math.max(best[i - 2]!, floorMs)) fail(`two doublings multiplied the time by more than ${maxRatioPer2Doublings}`);
  }
  if (best.at(-1)! > budgetMs) throw new Error(`too slow: the largest input took ${best.at(-1)!.toFixed(2)} ms, over ${budgetMs} ms (${report()})`);
  return best;
}
