// pass n@k over multi-turn trajectories with the budget counted in programs: exact where possible, Monte Carlo otherwise.
import {passNAtKSingleTurn, submissionSolveProbability, assertGridPoint} from "./passk.ts";
import {describeCategories, type ProblemCategories} from "./categories.ts";
import {monteCarloPassNAtK, type Kernel} from "./montecarlo.ts";
import {bootstrapMeans, type BootstrapOptions} from "./bootstrap.ts";
import {Rng} from "./prng.ts";

export interface PerProblemResult {
  /** values[pair][problem]: the problem's pass n@k for grid pair `pair`. */
  values: Float64Array[];
  /** 1 where the problem was computed exactly (no simulation). */
  exact: Uint8Array;
}

export interface MonteCarloOptions {
  seed?: number | bigint;
  /** Shuffles per simulated problem; default 10,000 (standard error ≤ 0.005 per problem and budget). */
  resamples?: number;
  /** Problem p draws from stream `firstStream + p`, so a slice of a problem list reproduces the whole's values. */
  firstStream?: number;
  /** Validation only: simulate even where a closed form exists (except budgets covering every program). */
  simulateAlways?: boolean;
  /** Which simulation (see montecarlo.ts); default "auto", the one expected to draw fewer positions. */
  kernel?: Kernel;
}

/**
 * pass n@k for every problem and grid pair, the budget k counted in programs (the study's convention):
 * shuffle the trajectories, take them in order while their turns fit in the remaining budget, stop at the
 * first that does not (a cut-short trajectory yields no candidate); the final programs that passed the
 * public tests are the candidates, min(n, #candidates) are submitted uniformly, solved if one is correct.
 *
 * Exact, without simulation, when: no final program is a correct candidate (0); every final program is a
 * correct candidate (solved iff the first trajectory fits: #{cost ≤ k}/N); every trajectory has the same
 * cost t (the single-turn formula with floor(k/t) draws — single-turn input is the case t = 1); or k covers
 * every program (all trajectories are taken). Otherwise the problem is simulated with `resamples` seeded
 * shuffles (default 10,000); one shuffle serves every grid pair (common random numbers, so differences
 * between grid points are not blurred by independent noise). Two kernels (montecarlo.ts) read a shuffle:
 * "stop" walks to each budget's stopping point and applies the closed-form submission step to the
 * (#candidates, #correct) counts there; "first-correct" uses an exact equivalence to stop at the first
 * correct candidate, ~N/(R+1) positions instead of ~min(k, total − k). "auto" (default) picks, per problem,
 * the one expected to draw fewer positions; both are checked against enumeration of every permutation.
 */
export function passNAtKPerProblem(
  problems: readonly ProblemCategories[],
  grid: ReadonlyArray<readonly [number, number]>,
  options: MonteCarloOptions = {}
): PerProblemResult {
  for (const [n, k] of grid) assertGridPoint(n, k);
  const resamples = options.resamples ?? 10_000;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  const values = grid.map(() => new Float64Array(problems.length));
  const exact = new Uint8Array(problems.length);
  const firstStream = options.firstStream ?? 0;
  problems.forEach((problem, p) => {
    const out = estimateProblem(problem, grid, {
      resamples,
      seed: options.seed ?? 0,
      stream: firstStream + p,
      simulateAlways: options.simulateAlways ?? false,
      kernel: options.kernel
    });
    for (let i = 0; i < grid.length; i++) values[i]![p] = out.values[i]!;
    exact[p] = out.exact ? 1 : 0;
  });
  return {values, exact};
}

export interface NAtKEstimate {
  n: number;
  k: number;
  /** Mean over problems, and the bootstrap interval over problems. */
  mean: number;
  lo: number;
  hi: number;
  perProblem: Float64Array;
}

export interface MultiTurnOptions extends MonteCarloOptions {
  /** Bootstrap resamples over problems; default 2,000. */
  bootstrapResamples?: number;
  level?: number;
}

/**
 * pass n@k over a problem set for every (n, k) pair: per-problem values from `passNAtKPerProblem`, then the
 * mean and a percentile-bootstrap interval over problems (same seed; one set of index draws for all pairs).
 */
export function passNAtKMultiTurn(
  problems: readonly ProblemCategories[],
  grid: ReadonlyArray<readonly [number, number]>,
  options: MultiTurnOptions = {}
): {estimates: NAtKEstimate[]; exactProblems: number} {
  if (problems.length === 0) throw new RangeError("pass n@k of an empty problem set is undefined");
  const {values, exact} = passNAtKPerProblem(problems, grid, options);
  const bootstrap: BootstrapOptions = {resamples: options.bootstrapResamples ?? 2000, seed: options.seed ?? 0, level: options.level ?? 0.95};
  const intervals = bootstrapMeans(values, bootstrap);
  return {
    estimates: grid.map(([n, k], i) => ({n, k, ...intervals[i]!, perProblem: values[i]!})),
    exactProblems: exact.reduce((sum, e) => sum + e, 0)
  };
}

/** One problem: the exact paths above, else Monte Carlo for the budgets that need it. */
export function estimateProblem(
  problem: ProblemCategories,
  grid: ReadonlyArray<readonly [number, number]>,
  run: {resamples: number; seed: number | bigint; stream: number; simulateAlways?: boolean; kernel?: Kernel}
): {values: Float64Array; exact: boolean} {
  const d = describeCategories(problem);
  if (d.trajectories === 0) throw new RangeError("a problem needs at least one trajectory");
  const values = new Float64Array(grid.length);
  const closedForms = !run.simulateAlways;
  if (d.correct === 0 && closedForms) return {values, exact: true};
  if (d.correct === d.trajectories && closedForms) {
    grid.forEach(([, k], i) => (values[i] = countCostAtMost(problem, k) / d.trajectories));
    return {values, exact: true};
  }
  if (d.minCost === d.maxCost && closedForms) {
    grid.forEach(([n, k], i) => {
      const draws = Math.floor(k / d.minCost);
      values[i] = draws === 0 ? 0 : passNAtKSingleTurn(d.trajectories, d.candidates, d.correct, Math.min(n, draws), draws);
    });
    return {values, exact: true};
  }
  const simulated: number[] = [];
  grid.forEach(([n, k], i) => {
    if (k >= d.totalCost) values[i] = submissionSolveProbability(d.candidates, d.correct, n);
    else if (k < d.minCost && closedForms) values[i] = 0;
    else simulated.push(i);
  });
  if (simulated.length === 0) return {values, exact: true};
  const walk = {items: expandCategories(problem, d.trajectories), totalCost: d.totalCost, correct: d.correct, wrong: d.candidates - d.correct};
  const state = new Rng(run.seed, run.stream).getState();
  const pairs = simulated.map((i) => grid[i]!);
  const simulatedValues = monteCarloPassNAtK(walk, pairs, run.resamples, state, run.kernel ?? "auto");
  simulated.forEach((i, at) => (values[i] = simulatedValues[at]!));
  return {values, exact: false};
}

function countCostAtMost(problem: ProblemCategories, k: number): number {
  let count = 0;
  for (let cat = 0; cat < problem.counts.length; cat++) if (Math.floor(cat / 3) + 1 <= k) count += problem.counts[cat]!;
  return count;
}

function expandCategories(problem: ProblemCategories, trajectories: number): Uint16Array {
  if (trajectories > 0x200000) throw new RangeError(`at most 2^21 trajectories per problem, got ${trajectories}`);
  if (problem.counts.length > 0x10000) throw new RangeError("at most 21,845 turns per trajectory");
  const items = new Uint16Array(trajectories);
  let at = 0;
  problem.counts.forEach((count, cat) => {
    items.fill(cat, at, at + count);
    at += count;
  });
  return items;
}
