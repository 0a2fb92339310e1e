import {describe, expect, it} from "vitest";
import {Rng, bootstrapMean, bootstrapMeans, pairedDifference, quantile} from "../../loaders/metrics/index.ts";

/** Binomial(n, p) cdf quantile: the smallest x with P(X ≤ x) ≥ q. */
function binomialQuantile(n: number, p: number, q: number): number {
  let pmf = (1 - p) ** n;
  let cdf = pmf;
  for (let x = 0; x < n; x++) {
    if (cdf >= q) return x;
    pmf *= ((n - x) / (x + 1)) * (p / (1 - p));
    cdf += pmf;
  }
  return n;
}

describe("bootstrap over problems", () => {
  it("matches the exact bootstrap distribution where it is known (0/1 values: a binomial)", () => {
    // With values 0/1 and p̂ = 0.3 over 100 problems, the bootstrap mean is exactly Binomial(100, 0.3)/100.
    const values = Array.from({length: 100}, (_, i) => (i < 30 ? 1 : 0));
    const interval = bootstrapMean(values, {seed: 4, resamples: 4000});
    expect(interval.mean).toBeCloseTo(0.3, 14);
    // percentiles of 4,000 resamples sit within ~1 binomial step (0.01) of the exact quantiles
    expect(Math.abs(interval.lo - binomialQuantile(100, 0.3, 0.025) / 100)).toBeLessThanOrEqual(0.015);
    expect(Math.abs(interval.hi - binomialQuantile(100, 0.3, 0.975) / 100)).toBeLessThanOrEqual(0.015);
  });

  it("collapses to the value when every problem agrees, and is reproducible by seed", () => {
    const flat = bootstrapMean([0.4, 0.4, 0.4], {seed: 1});
    for (const value of [flat.mean, flat.lo, flat.hi]) expect(value).toBeCloseTo(0.4, 14);
    const rng = new Rng(3);
    const values = Array.from({length: 50}, () => rng.nextFloat());
    expect(bootstrapMean(values, {seed: 5})).toEqual(bootstrapMean(values, {seed: 5}));
    expect(bootstrapMean(values, {seed: 5})).not.toEqual(bootstrapMean(values, {seed: 6}));
    const [a, b] = bootstrapMeans([values, values.map((v) => v / 2)], {seed: 5});
    // the same index draws serve both series: halving every value halves the interval
    expect(b!.lo).toBeCloseTo(a!.lo / 2, 12);
    expect(b!.hi).toBeCloseTo(a!.hi / 2, 12);
  });

  it("type-7 quantiles interpolate between order statistics", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
  });
});

describe("paired comparison", () => {
  it("gives the sign of the difference and an interval that excludes 0 when one strategy is better on most problems", () => {
    const rng = new Rng(9);
    const base = Array.from({length: 80}, () => rng.nextFloat());
    const better = base.map((v) => Math.min(1, v + 0.05 + 0.02 * (rng.nextFloat() - 0.5)));
    const ab = pairedDifference(better, base, {seed: 1});
    const ba = pairedDifference(base, better, {seed: 1});
    expect(ab.mean).toBeGreaterThan(0);
    expect(ab.lo).toBeGreaterThan(0);
    expect(ab.hi).toBeGreaterThanOrEqual(ab.mean);
    expect(ba.mean).toBeCloseTo(-ab.mean, 14);
    expect(ba.hi).toBeCloseTo(-ab.lo, 12);
    // pairing: the difference's interval is far narrower than either strategy's own interval
    const own = bootstrapMean(base, {seed: 1});
    expect(ab.hi - ab.lo).toBeLessThan((own.hi - own.lo) / 5);
  });

  it("straddles 0 for two strategies that only differ by noise, and refuses unequal problem sets", () => {
    const rng = new Rng(10);
    const a = Array.from({length: 100}, () => (rng.nextFloat() < 0.5 ? 1 : 0));
    const b = Array.from({length: 100}, () => (rng.nextFloat() < 0.5 ? 1 : 0));
    const d = pairedDifference(a, b, {seed: 2});
    expect(d.lo).toBeLessThan(0);
    expect(d.hi).toBeGreaterThan(0);
    expect(() => pairedDifference([1, 2], [1])).toThrow(/same problems/);
  });
});
