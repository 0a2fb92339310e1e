// The Monte Carlo kernels of multi-turn pass n@k: seeded shuffles, walked only as far as the grid needs.
import {CANDIDATE_CORRECT, CANDIDATE_WRONG} from "./categories.ts";
import {logFactorialTable} from "./combinatorics.ts";

/** A problem ready to simulate: one category per trajectory (see ProblemCategories) and its totals. */
export interface WalkProblem {
  items: Uint16Array;
  totalCost: number;
  correct: number;
  wrong: number;
}

/**
 * Which simulation: "stop" walks to each budget's stopping point and applies the closed-form submission
 * step; "first-correct" walks to the first correct candidate (see simulateFirstCorrect); "auto" picks the
 * one expected to draw fewer positions. All estimate the same quantity from the same kind of shuffle.
 */
export type Kernel = "auto" | "stop" | "first-correct";

/**
 * pass n@k for the grid pairs of one problem from `resamples` shuffles, with randomness from `state`
 * (Rng.getState(), advanced in place). Pairs must have 1 ≤ n ≤ k < totalCost (larger budgets take
 * everything and are exact elsewhere).
 */
export function monteCarloPassNAtK(
  problem: WalkProblem,
  pairs: ReadonlyArray<readonly [number, number]>,
  resamples: number,
  state: Uint32Array,
  kernel: Kernel = "auto"
): Float64Array {
  const tables = kernelTables(problem.items);
  const budgets = Int32Array.from(new Set(pairs.map(([, k]) => k))).sort();
  const split = bestSplit(budgets, problem.totalCost);
  const choice =
    kernel !== "auto"
      ? kernel
      : firstCorrectDraws(problem, pairs) < stopDraws(problem, budgets, split, tables.meanCost)
        ? "first-correct"
        : "stop";
  if (choice === "first-correct") return simulateFirstCorrect(problem, pairs, resamples, state, tables);
  const stride = problem.wrong + 1;
  const cells = (problem.correct + 1) * stride;
  const hist = histogramBuffer(budgets.length * cells);
  simulateStops(problem, budgets, split, resamples, state, tables, {hist, cells, stride});
  const lf = logFactorialTable(problem.correct + problem.wrong);
  return Float64Array.from(pairs, ([n, k]) => {
    const base = budgets.indexOf(k) * cells;
    let solved = 0;
    for (let r = 1; r <= problem.correct; r++) {
      for (let w = 0; w <= problem.wrong; w++) {
        const hits = hist[base + r * stride + w]!;
        if (hits === 0) continue;
        const c = r + w;
        const s = Math.min(n, c);
        // 1 − C(w, s)/C(c, s) via log-factorials: O(1), error ~1e-13, far below the Monte Carlo error
        solved += hits * (w < s ? 1 : 1 - Math.exp(lf[w]! - lf[w - s]! - lf[c]! + lf[c - s]!));
      }
    }
    return solved / resamples;
  });
}

/** Where the stop kernel counts outcomes: hist[b·cells + correct·stride + wrong] for budget index b. */
interface Tally {
  hist: Int32Array;
  cells: number;
  stride: number;
}

interface KernelTables {
  costOf: Int32Array;
  correctOf: Int32Array;
  wrongOf: Int32Array;
  /** Lemire's rejection threshold 2^32 mod bound, for every bound a draw can have. */
  threshold: Float64Array;
  meanCost: number;
}

function kernelTables(items: Uint16Array): KernelTables {
  let categories = 0;
  let cost = 0;
  for (let i = 0; i < items.length; i++) {
    if (items[i]! >= categories) categories = items[i]! + 1;
    cost += Math.floor(items[i]! / 3) + 1;
  }
  const costOf = new Int32Array(categories);
  const correctOf = new Int32Array(categories);
  const wrongOf = new Int32Array(categories);
  for (let cat = 0; cat < categories; cat++) {
    costOf[cat] = Math.floor(cat / 3) + 1;
    correctOf[cat] = cat % 3 === CANDIDATE_CORRECT ? 1 : 0;
    wrongOf[cat] = cat % 3 === CANDIDATE_WRONG ? 1 : 0;
  }
  const threshold = new Float64Array(items.length + 1);
  for (let bound = 1; bound <= items.length; bound++) threshold[bound] = (0x100000000 - bound) % bound;
  return {costOf, correctOf, wrongOf, threshold, meanCost: cost / items.length};
}

/** Budgets [0, split) are found from the front, [split, B) from the back: the split drawing the fewest positions. */
function bestSplit(budgets: Int32Array, totalCost: number): number {
  let split = 0;
  let best = Infinity;
  for (let s = 0; s <= budgets.length; s++) {
    const work = (s > 0 ? budgets[s - 1]! : 0) + (s < budgets.length ? totalCost - budgets[s]! : 0);
    if (work < best) [best, split] = [work, s];
  }
  return split;
}

/** Expected positions drawn per shuffle by the stop kernel (costs approximated by their mean). */
function stopDraws(problem: WalkProblem, budgets: Int32Array, split: number, meanCost: number): number {
  const front = split > 0 ? budgets[split - 1]! / meanCost + 1 : 0;
  const back = split < budgets.length ? (problem.totalCost - budgets[split]!) / meanCost + 1 : 0;
  return front + back;
}

/**
 * Expected positions drawn per shuffle by the first-correct kernel: E[min(J + 1, cap)], J the number of
 * trajectories before the first correct one (P(J ≥ j) = Π_{i<j} (N−R−i)/(N−i)), cap the positions whose
 * mean cost reaches the largest budget.
 */
function firstCorrectDraws(problem: WalkProblem, pairs: ReadonlyArray<readonly [number, number]>): number {
  const N = problem.items.length;
  const R = problem.correct;
  const maxK = Math.max(...pairs.map(([, k]) => k));
  const cap = Math.min(N, Math.ceil((maxK * N) / problem.totalCost) + 1);
  let expected = 0;
  let survive = 1; // P(J ≥ j)
  for (let j = 0; j < cap && survive > 1e-12; j++) {
    expected += survive;
    survive *= (N - R - j) / (N - j);
  }
  return expected;
}

let histogram = new Int32Array(1024);

/** A zeroed scratch histogram, reused across problems so the study-scale bench does not churn the GC. */
function histogramBuffer(size: number): Int32Array {
  if (histogram.length < size) histogram = new Int32Array(Math.max(size, histogram.length * 2));
  histogram.fill(0, 0, size);
  return histogram;
}

/**
 * The stop kernel: runs `resamples` shuffles and, for every budget, counts the (#correct, #wrong)
 * candidates among the taken trajectories; the caller applies the closed-form submission step to the counts.
 * `budgets` must be ascending, each ≥ 1 and < totalCost.
 *
 * Why walk from both ends: a budget k takes the longest prefix whose cost fits in k; equivalently it
 * leaves out the shortest suffix whose cost reaches totalCost − k. So small budgets are
 * found by drawing positions from the front and large ones by drawing from the back, and each shuffle only
 * draws ~min(k, total − k) positions per side. Drawing positions in that order is still a uniform
 * permutation (each filled position is a uniform pick from the items not yet placed), so one permutation
 * serves every budget (common random numbers).
 *
 * xoshiro128** and Lemire's unbiased bounded draw are inlined (same stream as Rng.nextInt): this loop is the
 * hot spot of the study-scale bench. A rejected draw (probability < N/2^32) just redraws. The shuffle never restores `items`: Fisher–Yates from
 * any arrangement yields a uniform permutation. `state` (from Rng.getState) is advanced in place.
 */
function simulateStops(
  problem: WalkProblem,
  budgets: Int32Array,
  split: number,
  resamples: number,
  state: Uint32Array,
  tables: KernelTables,
  tally: Tally
): void {
  const {items, totalCost} = problem;
  const {costOf, correctOf, wrongOf, threshold} = tables;
  const {hist, cells, stride} = tally;
  const N = items.length;
  const B = budgets.length;
  const correctTotal = problem.correct;
  const wrongTotal = problem.wrong;
  let s0 = state[0]! | 0, s1 = state[1]! | 0, s2 = state[2]! | 0, s3 = state[3]! | 0;

  for (let r = 0; r < resamples; r++) {
    // front: positions 0, 1, … until the largest front budget overflows
    let front = 0;
    if (split > 0) {
      let cum = 0, correct = 0, wrong = 0, b = 0, budget = budgets[0]!;
      for (;;) {
        const bound = N - front;
        const y = Math.imul(s1, 5);
        const x = Math.imul((y << 7) | (y >>> 25), 9) >>> 0;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const m = x * bound;
        const pick = (m * 2.3283064365386963e-10) | 0; // floor(m / 2^32), exact: m < 2^53
        if (m - pick * 0x100000000 < threshold[bound]!) continue;
        const j = front + pick;
        const cat = items[j]!;
        items[j] = items[front]!;
        items[front] = cat;
        front++;
        const cost = costOf[cat]!;
        while (cum + cost > budget) {
          hist[b * cells + correct * stride + wrong]!++;
          if (++b === split) break;
          budget = budgets[b]!;
        }
        if (b === split) break;
        cum += cost;
        correct += correctOf[cat]!;
        wrong += wrongOf[cat]!;
      }
    }
    // back: positions N−1, N−2, … (drawing while unplaced items remain, then reading the front's) until the
    // left-out suffix reaches totalCost − k for the smallest back budget
    if (split < B) {
      let sum = 0, correct = 0, wrong = 0, b = B - 1, need = totalCost - budgets[b]!;
      for (let p = N - 1; ; ) {
        let cat: number;
        if (p >= front) {
          const bound = p - front + 1;
          const y = Math.imul(s1, 5);
          const x = Math.imul((y << 7) | (y >>> 25), 9) >>> 0;
          const t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = (s3 << 11) | (s3 >>> 21);
          const m = x * bound;
          const pick = (m * 2.3283064365386963e-10) | 0;
          if (m - pick * 0x100000000 < threshold[bound]!) continue;
          const j = front + pick;
          cat = items[j]!;
          items[j] = items[p]!;
          items[p] = cat;
        } else {
          cat = items[p]!;
        }
        p--;
        sum += costOf[cat]!;
        correct += correctOf[cat]!;
        wrong += wrongOf[cat]!;
        while (sum >= need) {
          hist[b * cells + (correctTotal - correct) * stride + (wrongTotal - wrong)]!++;
          if (--b < split) break;
          need = totalCost - budgets[b]!;
        }
        if (b < split) break;
      }
    }
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
}

/**
 * The first-correct kernel. Submitting a uniform min(n, C) of the C taken candidates solves the problem
 * with the same probability as submitting the first min(n, C) taken candidates in shuffle order: reshuffling
 * the taken prefix keeps the taken set (its cost and the trajectory after it are unchanged), maps uniform
 * shuffles to uniform shuffles, and makes "the first s" a uniform s-subset. With that rule, (n, k) is solved
 * iff the first correct candidate of the shuffle is taken (the turns up to and including it fit in k) and at
 * most n candidates came up to it. So each shuffle only needs the cost X and the candidate rank ρ of its
 * first correct candidate, and (ρ ≤ n and X ≤ k) answers every grid pair at once. The walk stops there, or
 * once X exceeds the largest budget or ρ the largest n: ~N/(R+1) positions for R correct trajectories,
 * against ~min(k, total − k) for the stop kernel. It simulates the submission step through the shuffle order
 * instead of the closed form, so a resample is a 0/1 outcome (its variance is at most v(1 − v)).
 */
function simulateFirstCorrect(
  problem: WalkProblem,
  pairs: ReadonlyArray<readonly [number, number]>,
  resamples: number,
  state: Uint32Array,
  tables: KernelTables
): Float64Array {
  const {items} = problem;
  const {costOf, correctOf, wrongOf, threshold} = tables;
  const N = items.length;
  const P = pairs.length;
  const ns = Int32Array.from(pairs, ([n]) => n);
  const ks = Int32Array.from(pairs, ([, k]) => k);
  const maxN = Math.max(...ns);
  const maxK = Math.max(...ks);
  const solved = new Int32Array(P);
  let s0 = state[0]! | 0, s1 = state[1]! | 0, s2 = state[2]! | 0, s3 = state[3]! | 0;
  for (let r = 0; r < resamples; r++) {
    let cum = 0, rank = 0;
    for (let i = 0; ; ) {
      const bound = N - i;
      const y = Math.imul(s1, 5);
      const x = Math.imul((y << 7) | (y >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const m = x * bound;
      const pick = (m * 2.3283064365386963e-10) | 0;
      if (m - pick * 0x100000000 < threshold[bound]!) continue;
      const j = i + pick;
      const cat = items[j]!;
      items[j] = items[i]!;
      items[i] = cat;
      i++;
      cum += costOf[cat]!;
      if (cum > maxK) break;
      if (correctOf[cat]) {
        rank++;
        for (let q = 0; q < P; q++) if (rank <= ns[q]! && cum <= ks[q]!) solved[q]!++;
        break;
      }
      rank += wrongOf[cat]!;
      if (rank >= maxN) break; // a later correct candidate would rank above every n
    }
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
  return Float64Array.from(solved, (count) => count / resamples);
}
