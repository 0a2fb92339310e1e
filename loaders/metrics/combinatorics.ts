// Binomial ratios and hypergeometric probabilities that stay accurate (no factorial overflow) for N in the hundreds.

/**
 * P(none of s items drawn without replacement from m is one of the c "good" ones) = C(m−c, s) / C(m, s),
 * as the product Π_{i<s} (m−c−i)/(m−i). Every factor is in [0, 1], so nothing overflows and the relative
 * error is at most ~s ulps; computing the two binomials separately would overflow past m ≈ 1000.
 */
export function noneSelectedProbability(m: number, c: number, s: number): number {
  if (s > m - c) return 0;
  let p = 1;
  for (let i = 0; i < s; i++) p *= (m - c - i) / (m - i);
  return p;
}

/**
 * Hypergeometric pmf: P(j) = C(m, j)·C(N−m, k−j) / C(N, k), the chance that a uniform k-subset of N items
 * holds exactly j of the m marked ones; returned for j = 0..min(m, k) (zeros outside the support).
 *
 * Computed by the ratio recurrence P(j+1)/P(j) = (m−j)(k−j) / ((j+1)(N−m−k+j+1)) started at the mode with
 * weight 1 and normalised at the end: no binomial is ever formed, so it cannot overflow for any N, terms far
 * in the tails underflow harmlessly to 0, and the normalisation removes the error of the starting value.
 */
export function hypergeometricPmf(N: number, m: number, k: number): Float64Array {
  assertCounts(N, m, k);
  const jMin = Math.max(0, k - (N - m));
  const jMax = Math.min(m, k);
  const pmf = new Float64Array(jMax + 1);
  const mode = Math.min(jMax, Math.max(jMin, Math.floor(((k + 1) * (m + 1)) / (N + 2))));
  pmf[mode] = 1;
  let sum = 1;
  for (let j = mode; j < jMax; j++) {
    const next = (pmf[j]! * (m - j) * (k - j)) / ((j + 1) * (N - m - k + j + 1));
    pmf[j + 1] = next;
    sum += next;
  }
  for (let j = mode; j > jMin; j--) {
    // P(j−1) = P(j) · j(N−m−k+j) / ((m−j+1)(k−j+1))
    const prev = (pmf[j]! * j * (N - m - k + j)) / ((m - j + 1) * (k - j + 1));
    pmf[j - 1] = prev;
    sum += prev;
  }
  for (let j = jMin; j <= jMax; j++) pmf[j]! /= sum;
  return pmf;
}

let logFactorials = new Float64Array([0, 0]);

/**
 * ln(i!) for i = 0..n, grown on demand and cached. Summing logs accumulates ~n ulps of absolute error in
 * ln(n!) (≈1e-13 at n = 1000): exact enough for the Monte Carlo estimator, whose own error is ~1e-3, and
 * O(1) per binomial ratio where the product form costs O(s).
 */
export function logFactorialTable(n: number): Float64Array {
  if (logFactorials.length <= n) {
    const grown = new Float64Array(Math.max(n + 1, logFactorials.length * 2));
    grown.set(logFactorials);
    for (let i = logFactorials.length; i < grown.length; i++) grown[i] = grown[i - 1]! + Math.log(i);
    logFactorials = grown;
  }
  return logFactorials;
}

function assertCounts(N: number, m: number, k: number): void {
  for (const [name, value] of [
    ["N", N],
    ["m", m],
    ["k", k]
  ] as const) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  if (m > N) throw new RangeError(`m (${m}) cannot exceed N (${N})`);
  if (k > N) throw new RangeError(`k (${k}) cannot exceed N (${N})`);
}
