// A problem's trajectories reduced to what pass n@k needs: counts per (cost in programs, final-turn class).

/** One program's verdicts: passes the public tests; passes all tests (public and hidden). */
export interface Turn {
  public: boolean;
  all: boolean;
}

/** What a trajectory's final program is worth to pass n@k. */
export const NOT_CANDIDATE = 0;
export const CANDIDATE_WRONG = 1;
export const CANDIDATE_CORRECT = 2;
export type FinalClass = typeof NOT_CANDIDATE | typeof CANDIDATE_WRONG | typeof CANDIDATE_CORRECT;

/**
 * Only a final program that passed the public tests is a candidate. A program marked `all` but not `public`
 * is inconsistent data (the public tests are part of "all"); it is classed NOT_CANDIDATE rather than
 * trusted, because pass n@k only ever submits public-passing programs. (pass@k, which has no filtering
 * step, does count it as correct: see estimate.ts.)
 */
export function classifyFinalTurn(turn: Turn): FinalClass {
  if (!turn.public) return NOT_CANDIDATE;
  return turn.all ? CANDIDATE_CORRECT : CANDIDATE_WRONG;
}

/**
 * A problem's trajectories reduced to counts per category (cost, final class); cost = number of turns =
 * programs spent. Trajectories in one category are interchangeable for pass n@k, so this is all the
 * estimator needs, and it is what lets the study-scale bench avoid millions of objects.
 * `counts[(cost − 1) * 3 + class]`.
 */
export interface ProblemCategories {
  counts: Int32Array;
}

export function categoriesFromTrajectories(trajectories: readonly (readonly Turn[])[]): ProblemCategories {
  const costs = trajectories.map((t) => t.length);
  const classes = trajectories.map((t) => {
    if (t.length === 0) throw new RangeError("a trajectory needs at least one turn");
    return classifyFinalTurn(t[t.length - 1]!);
  });
  return categoriesFromArrays(costs, classes);
}

/** From parallel arrays: each trajectory's cost (≥ 1 turns) and final class. */
export function categoriesFromArrays(costs: ArrayLike<number>, classes: ArrayLike<number>): ProblemCategories {
  if (costs.length !== classes.length) throw new RangeError(`${costs.length} costs but ${classes.length} classes`);
  let maxCost = 1;
  for (let i = 0; i < costs.length; i++) {
    const cost = costs[i]!;
    if (!Number.isInteger(cost) || cost < 1) throw new RangeError(`trajectory costs must be integers ≥ 1, got ${cost}`);
    if (classes[i] !== NOT_CANDIDATE && classes[i] !== CANDIDATE_WRONG && classes[i] !== CANDIDATE_CORRECT) {
      throw new RangeError(`trajectory classes must be 0, 1 or 2, got ${classes[i]}`);
    }
    if (cost > maxCost) maxCost = cost;
  }
  const counts = new Int32Array(maxCost * 3);
  for (let i = 0; i < costs.length; i++) counts[(costs[i]! - 1) * 3 + classes[i]!]!++;
  return {counts};
}

/** Totals of a problem: what decides between the exact paths and the simulation. */
export function describeCategories(problem: ProblemCategories) {
  const counts = problem.counts;
  let trajectories = 0, candidates = 0, correct = 0, totalCost = 0, minCost = Infinity, maxCost = 0;
  for (let cat = 0; cat < counts.length; cat++) {
    const count = counts[cat]!;
    if (count === 0) continue;
    const cost = Math.floor(cat / 3) + 1;
    const cls = cat % 3;
    trajectories += count;
    totalCost += count * cost;
    if (cls !== NOT_CANDIDATE) candidates += count;
    if (cls === CANDIDATE_CORRECT) correct += count;
    minCost = Math.min(minCost, cost);
    maxCost = Math.max(maxCost, cost);
  }
  return {trajectories, candidates, correct, totalCost, minCost, maxCost};
}
