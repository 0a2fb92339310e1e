// The Monte Carlo kernel of multi-turn pass n@k: seeded shuffles walked from both ends, tallied per budget.
import {CANDIDATE_CORRECT, CANDIDATE_WRONG} from "./categories.ts";

/** A problem ready to simulate: one category per trajectory (see ProblemCategories) and its totals. */
export interface WalkProblem {
  items: Uint16Array;
  totalCost: number;
  correct: number;
  wrong: number;
}

/** Where to count outcomes: hist[b·cells + correct·stride + wrong] for budget index b. */
export interface Tally {
  hist: Int32Array;
  cells: number;
  stride: number;
}

let histogram = new Int32Array(1024);

/** A zeroed scratch histogram, reused across problems so the study-scale bench does not churn the GC. */
export function histogramBuffer(size: number): Int32Array {
  if (histogram.length < size) histogram = new Int32Array(Math.max(size, histogram.length * 2));
  histogram.fill(0, 0, size);
  return histogram;
}

/**
 * Runs `resamples` shuffles and, for every budget, counts the (#correct, #wrong) candidates among the taken
 * trajectories. `budgets` must be ascending, each ≥ 1 and < totalCost (larger ones are exact elsewhere).
 *
 * Why walk from both ends: a budget k takes the shortest prefix whose next trajectory would overflow k;
 * equivalently it leaves out the shortest suffix whose cost reaches totalCost − k. So small budgets are
 * found by drawing positions from the front and large ones by drawing from the back, and each shuffle only
 * draws ~min(k, total − k) positions per side. Drawing positions in that order is still a uniform
 * permutation (each filled position is a uniform pick from the items not yet placed), so one permutation
 * serves every budget (common random numbers). The split between the two sides minimises the positions drawn.
 *
 * xoshiro128** and Lemire's unbiased bounded draw are inlined: a method call per step costs ~2× here. A
 * rejected draw (probability < N/2^32) just redraws. The shuffle never restores `items`: Fisher–Yates from
 * any arrangement yields a uniform permutation. `state` (from Rng.getState) is advanced in place.
 */
export function simulateWalks(problem: WalkProblem, budgets: Int32Array, resamples: number, state: Uint32Array, tally: Tally): void {
  const {items, totalCost} = problem;
  const {hist, cells, stride} = tally;
  const N = items.length;
  const B = budgets.length;
  let categories = 0;
  for (let i = 0; i < N; i++) if (items[i]! >= categories) categories = items[i]! + 1;
  const costOf = new Int32Array(categories);
  const correctOf = new Int32Array(categories);
  const wrongOf = new Int32Array(categories);
  for (let cat = 0; cat < categories; cat++) {
    costOf[cat] = Math.floor(cat / 3) + 1;
    correctOf[cat] = cat % 3 === CANDIDATE_CORRECT ? 1 : 0;
    wrongOf[cat] = cat % 3 === CANDIDATE_WRONG ? 1 : 0;
  }
  // Lemire's rejection threshold 2^32 mod bound, for every bound a draw can have
  const threshold = new Float64Array(N + 1);
  for (let bound = 1; bound <= N; bound++) threshold[bound] = (0x100000000 - bound) % bound;
  // budgets [0, split) are found from the front, [split, B) from the back
  let split = 0;
  let best = Infinity;
  for (let s = 0; s <= B; s++) {
    const work = (s > 0 ? budgets[s - 1]! : 0) + (s < B ? totalCost - budgets[s]! : 0);
    if (work < best) [best, split] = [work, s];
  }
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
