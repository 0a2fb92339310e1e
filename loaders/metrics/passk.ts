// Exact single-turn estimators: unbiased pass@k and pass n@k from per-problem sample counts.
import {hypergeometricPmf, noneSelectedProbability} from "./combinatorics.ts";

/** Per problem: N samples, of which `passPublic` pass the public tests and `correct` pass all tests. */
export interface SampleCounts {
  samples: number;
  correct: number;
  /** Needed by pass n@k only. */
  passPublic?: number;
}

/**
 * Unbiased pass@k for one problem (Chen et al., 2021): 1 − C(N−c, k)/C(N, k), the chance that a uniform
 * k-subset of the N samples holds a correct one. Computed in product form 1 − Π_{i=N−c+1..N} (1 − k/i),
 * which never forms a binomial (no overflow) and is exact in real arithmetic for every N ≥ k.
 * k > N is an error rather than a clamp: the estimator is undefined there and a silent clamp would
 * report pass@N under the label pass@k.
 */
export function passAtK(samples: number, correct: number, k: number): number {
  assertSampleCounts(samples, correct, correct);
  assertPositiveInt(k, "k");
  if (k > samples) {
    throw new RangeError(`pass@${k} needs at least k = ${k} samples per problem, but this problem has N = ${samples}`);
  }
  if (samples - correct < k) return 1;
  let none = 1;
  for (let i = samples - correct + 1; i <= samples; i++) none *= 1 - k / i;
  return 1 - none;
}

/** pass@k averaged over problems (each problem weighs the same). */
export function meanPassAtK(problems: readonly SampleCounts[], k: number): number {
  if (problems.length === 0) throw new RangeError("pass@k of an empty problem set is undefined");
  let sum = 0;
  for (const p of problems) sum += passAtK(p.samples, p.correct, k);
  return sum / problems.length;
}

/**
 * Exact pass n@k for one problem, single-turn (AlphaCode's metric, as the study uses it): take a uniform
 * k-subset of the N samples; those passing the public tests are the candidates; submit min(n, #candidates)
 * of them chosen uniformly; solved if a submission passes all tests.
 *
 * With m public-passing samples, c of them correct, the number j of candidates in the subset is
 * hypergeometric, P(j) = C(m,j)C(N−m,k−j)/C(N,k), and s = min(n, j) are submitted. The s submissions are a
 * uniform s-subset of a uniform j-subset of the m, hence a uniform s-subset of the m, so
 *   pass n@k = Σ_j P(j) · (1 − C(m−c, s)/C(m, s)).
 * `correct` must count only samples that pass the public tests too: a sample failing a public test is
 * never a candidate, whatever its hidden verdict (see `classifyFinalTurn` in categories.ts).
 * A budget k > N takes every sample (there is nothing more to draw), unlike pass@k which refuses it.
 * With n = k every candidate is submitted and the value equals pass@k whenever correct ⊆ public.
 */
export function passNAtKSingleTurn(samples: number, passPublic: number, correct: number, n: number, k: number): number {
  assertSampleCounts(samples, passPublic, correct);
  assertGridPoint(n, k);
  const draws = Math.min(k, samples);
  if (correct === 0 || draws === 0) return 0;
  const pmf = hypergeometricPmf(samples, passPublic, draws);
  let solved = 0;
  let none = 1; // C(m−c, s)/C(m, s), grown one factor per extra submission
  const wrong = passPublic - correct;
  for (let j = 0; j < pmf.length; j++) {
    // s = min(n, j): each extra candidate up to n adds one submission, i.e. one factor of the product
    if (j >= 1 && j <= n) none *= j - 1 < wrong ? (wrong - (j - 1)) / (passPublic - (j - 1)) : 0;
    solved += pmf[j]! * (1 - none);
  }
  return solved;
}

/** pass n@k averaged over problems; every problem needs `passPublic`. */
export function meanPassNAtKSingleTurn(problems: readonly SampleCounts[], n: number, k: number): number {
  if (problems.length === 0) throw new RangeError("pass n@k of an empty problem set is undefined");
  let sum = 0;
  for (const p of problems) {
    if (p.passPublic === undefined) throw new RangeError("pass n@k needs passPublic (samples passing the public tests)");
    sum += passNAtKSingleTurn(p.samples, p.passPublic, p.correct, n, k);
  }
  return sum / problems.length;
}

/** Validates a (n, k) grid point: 1 ≤ n ≤ k, integers. */
export function assertGridPoint(n: number, k: number): void {
  assertPositiveInt(n, "n");
  assertPositiveInt(k, "k");
  if (n > k) throw new RangeError(`pass n@k needs n ≤ k (at most k programs can be submitted), got ${n}@${k}`);
}

function assertPositiveInt(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

function assertSampleCounts(samples: number, passPublic: number, correct: number): void {
  if (!Number.isInteger(samples) || samples < 0) throw new RangeError(`N must be a non-negative integer, got ${samples}`);
  if (!Number.isInteger(passPublic) || passPublic < 0 || passPublic > samples) {
    throw new RangeError(`the public-passing count must be an integer in [0, N = ${samples}], got ${passPublic}`);
  }
  if (!Number.isInteger(correct) || correct < 0 || correct > passPublic) {
    throw new RangeError(`the correct count must be an integer in [0, ${passPublic}], got ${correct}`);
  }
}

/** The closed-form submission step: P(a uniform min(n, C) of C candidates, R of them correct, holds a correct one). */
export function submissionSolveProbability(candidates: number, correctCandidates: number, n: number): number {
  if (candidates === 0 || correctCandidates === 0) return 0;
  return 1 - noneSelectedProbability(candidates, correctCandidates, Math.min(n, candidates));
}
