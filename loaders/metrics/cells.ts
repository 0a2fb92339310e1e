// pass@k and pass n@k per (model, strategy) from category counts, with intervals and the paired difference to a baseline.
import {pairedDifference, bootstrapMean, type Interval} from "./bootstrap.ts";
import {CANDIDATE_CORRECT, type ProblemCategories} from "./categories.ts";
import {passNAtKMultiTurn} from "./multiturn.ts";
import {passAtK} from "./passk.ts";

/** One aggregated row: trajectories of one model, strategy and problem that cost `cost` turns and ended in `class`. */
export interface CategoryRow {
  model: string;
  strategy: string;
  problem_key: string;
  cost: number;
  class: number;
  n: number;
}

export interface CellEstimate {
  model: string;
  strategy: string;
  /** "pass@k" (independent samples) or "pass n@k" (budget in programs, public-test filter). */
  metric: "pass@k" | "pass n@k";
  n: number | null;
  k: number;
  budget: string;
  mean: number;
  lo: number;
  hi: number;
  /** This strategy minus the baseline on the same problems (paired bootstrap); null for the baseline itself. */
  difference: (Interval & {baseline: string}) | null;
}

export interface CellOptions {
  problemKeys: readonly string[];
  k?: readonly number[] | null;
  nk?: ReadonlyArray<readonly [number, number]> | null;
  /** Budgets above this many trajectories per problem are left out (unsupported by the samples). */
  samples: number;
  baseline: string | null;
  seed?: number;
  shuffles?: number;
  bootstrapResamples?: number;
}

/** Groups rows into per-(model, strategy) category counts in `problemKeys` order (rows are already aggregated: small). */
export function cellCategories(rows: Iterable<CategoryRow>, problemKeys: readonly string[]): Map<string, {model: string; strategy: string; problems: ProblemCategories[]}> {
  const index = new Map(problemKeys.map((k, i) => [k, i]));
  const out = new Map<string, {model: string; strategy: string; problems: ProblemCategories[]}>();
  for (const row of rows) {
    const p = index.get(row.problem_key);
    if (p === undefined) continue;
    const id = `${row.model}\u0000${row.strategy}`;
    let cell = out.get(id);
    if (!cell) out.set(id, (cell = {model: row.model, strategy: row.strategy, problems: problemKeys.map(() => ({counts: new Int32Array(3)}))}));
    const cost = Number(row.cost);
    const cls = Number(row.class);
    if (!Number.isInteger(cost) || cost < 1 || ![0, 1, 2].includes(cls)) throw new RangeError(`bad category row: cost ${row.cost}, class ${row.class}`);
    const problem = cell.problems[p]!;
    if (problem.counts.length < cost * 3) {
      const grown = new Int32Array(cost * 3);
      grown.set(problem.counts);
      problem.counts = grown;
    }
    problem.counts[(cost - 1) * 3 + cls]! += Number(row.n);
  }
  return out;
}

function totals(problem: ProblemCategories): {trajectories: number; correct: number} {
  let trajectories = 0;
  let correct = 0;
  problem.counts.forEach((count, cat) => {
    trajectories += count;
    if (cat % 3 === CANDIDATE_CORRECT) correct += count;
  });
  return {trajectories, correct};
}

/**
 * Every cell's estimates: pass@k for each supported k (per problem the unbiased estimator over its
 * trajectories, counting a trajectory correct when its final program passed all tests), pass n@k for each
 * supported n@k (loaders/metrics/multiturn.ts), 95% bootstrap intervals over problems, and, per model, each
 * strategy minus the baseline (paired over problems). Problems with no trajectory in a cell make it skipped.
 */
export function estimateCells(rows: Iterable<CategoryRow>, options: CellOptions): CellEstimate[] {
  const cells = cellCategories(rows, options.problemKeys);
  const ks = (options.k ?? []).filter((k) => k <= options.samples);
  const grid = (options.nk ?? []).filter(([, k]) => k <= options.samples) as Array<[number, number]>;
  const seed = options.seed ?? 11;
  const boot = {resamples: options.bootstrapResamples ?? 2000, seed: 3};
  const perProblem = new Map<string, Float64Array>();
  const out: CellEstimate[] = [];
  for (const cell of cells.values()) {
    // A cell missing a problem, or with fewer trajectories than a budget needs, is left out rather than clamped.
    if (cell.problems.some((p) => totals(p).trajectories === 0)) continue;
    const fewest = Math.min(...cell.problems.map((p) => totals(p).trajectories));
    for (const k of ks.filter((k) => k <= fewest)) {
      const values = Float64Array.from(cell.problems, (p) => {
        const t = totals(p);
        return passAtK(t.trajectories, t.correct, k);
      });
      perProblem.set(`${cell.model}\u0000${cell.strategy}\u0000@${k}`, values);
      out.push({model: cell.model, strategy: cell.strategy, metric: "pass@k", n: null, k, budget: `pass@${k}`, ...bootstrapMean(values, boot), difference: null});
    }
    if (grid.length) {
      const {estimates} = passNAtKMultiTurn(cell.problems, grid, {resamples: options.shuffles ?? 10_000, seed, bootstrapResamples: boot.resamples});
      for (const e of estimates) {
        perProblem.set(`${cell.model}\u0000${cell.strategy}\u0000${e.n}@${e.k}`, e.perProblem);
        out.push({model: cell.model, strategy: cell.strategy, metric: "pass n@k", n: e.n, k: e.k, budget: `${e.n}@${e.k}`, mean: e.mean, lo: e.lo, hi: e.hi, difference: null});
      }
    }
  }
  if (options.baseline) {
    for (const row of out) {
      if (row.strategy === options.baseline) continue;
      const suffix = row.n === null ? `@${row.k}` : `${row.n}@${row.k}`;
      const base = perProblem.get(`${row.model}\u0000${options.baseline}\u0000${suffix}`);
      const mine = perProblem.get(`${row.model}\u0000${row.strategy}\u0000${suffix}`);
      if (base && mine) row.difference = {baseline: options.baseline, ...pairedDifference(mine, base, boot)};
    }
  }
  return out;
}
