import {describe, expect, it} from "vitest";
import {
  Rng,
  hypergeometricPmf,
  meanPassAtK,
  passAtK,
  passNAtKSingleTurn
} from "../../loaders/metrics/index.ts";
import {passAtKBrute, passNAtKBrute, passNAtKBruteMany, type Sample} from "./bruteforce.ts";

/** N samples: c correct (public and all), m − c public-only, the rest failing public; order shuffled. */
function samples(N: number, m: number, c: number, rng: Rng): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < N; i++) out.push({public: i < m, all: i < c});
  return rng.shuffle(out);
}

describe("pass@k", () => {
  it("matches enumeration of every k-subset (N ≤ 10, every c and k)", () => {
    for (let N = 1; N <= 10; N++) {
      for (let c = 0; c <= N; c++) {
        const correct = Array.from({length: N}, (_, i) => i < c);
        for (let k = 1; k <= N; k++) expect(passAtK(N, c, k)).toBeCloseTo(passAtKBrute(correct, k), 12);
      }
    }
  });

  it("is exact at the edges and stable at the study's scale", () => {
    expect(passAtK(200, 0, 100)).toBe(0);
    expect(passAtK(200, 101, 100)).toBe(1); // N − c < k: every 100-subset holds a correct sample
    expect(passAtK(200, 1, 1)).toBeCloseTo(1 / 200, 15);
    expect(passAtK(200, 1, 100)).toBeCloseTo(0.5, 14);
    expect(passAtK(1000, 3, 10)).toBeCloseTo(1 - (990 * 989 * 988) / (1000 * 999 * 998), 14);
  });

  it("refuses k > N with a message that says so", () => {
    expect(() => passAtK(5, 1, 10)).toThrow(/needs at least k = 10 samples.*N = 5/);
    expect(() => meanPassAtK([{samples: 10, correct: 1}, {samples: 3, correct: 0}], 5)).toThrow(/k = 5/);
  });
});

describe("hypergeometric pmf", () => {
  it("sums to 1 and matches the binomial formula, without overflow at N = 600", () => {
    const pmf = hypergeometricPmf(10, 4, 5);
    const choose = (n: number, k: number): number => (k < 0 || k > n ? 0 : k === 0 ? 1 : (choose(n - 1, k - 1) * n) / k);
    for (let j = 0; j <= 4; j++) expect(pmf[j]).toBeCloseTo((choose(4, j) * choose(6, 5 - j)) / choose(10, 5), 14);
    const big = hypergeometricPmf(600, 300, 300);
    expect(big.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(big.every((p) => Number.isFinite(p) && p >= 0)).toBe(true);
  });
});

describe("pass n@k, single turn", () => {
  it("matches enumeration of every k-subset and every submission subset (N ≤ 10, varied m, c, n, k)", () => {
    const rng = new Rng(7);
    let checked = 0;
    for (let N = 1; N <= 10; N++) {
      for (let m = 0; m <= N; m++) {
        for (let c = 0; c <= m; c++) {
          const data = samples(N, m, c, rng);
          for (let k = 1; k <= N; k++) {
            const ns = [...new Set([1, 2, Math.ceil(k / 2), k])].filter((n) => n <= k);
            const truth = passNAtKBruteMany(data, ns, k);
            ns.forEach((n, i) => {
              expect(Math.abs(passNAtKSingleTurn(N, m, c, n, k) - truth[i]!), `N=${N} m=${m} c=${c} ${n}@${k}`).toBeLessThan(1e-12);
              checked++;
            });
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("equals pass@k when n = k", () => {
    for (const [N, m, c] of [
      [10, 6, 2],
      [200, 50, 7],
      [200, 200, 1],
      [37, 5, 5]
    ] as const) {
      for (const k of [1, 3, 10]) expect(passNAtKSingleTurn(N, m, c, k, k)).toBeCloseTo(passAtK(N, c, k), 13);
    }
  });

  it("treats a sample marked all-but-not-public as no candidate", () => {
    const data: Sample[] = [
      {public: false, all: true},
      {public: true, all: false},
      {public: false, all: false}
    ];
    // the only "all" sample can never be submitted
    expect(passNAtKBrute(data, 1, 2)).toBe(0);
    expect(passNAtKSingleTurn(3, 1, 0, 1, 2)).toBe(0);
  });

  it("takes every sample when k > N, stays finite for N in the hundreds, and validates n ≤ k", () => {
    expect(passNAtKSingleTurn(5, 3, 1, 1, 50)).toBeCloseTo(1 / 3, 14);
    const v = passNAtKSingleTurn(600, 250, 3, 10, 300);
    expect(v).toBeGreaterThan(0);
    expect(v).toBeLessThan(1);
    expect(() => passNAtKSingleTurn(10, 3, 1, 5, 3)).toThrow(/n ≤ k/);
    expect(() => passNAtKSingleTurn(10, 3, 4, 1, 3)).toThrow(/correct count/);
  });
});
