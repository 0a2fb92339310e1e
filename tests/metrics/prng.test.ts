import {describe, expect, it} from "vitest";
import {Rng, createRng} from "../../loaders/metrics/index.ts";

/** xoshiro128** written independently with BigInt arithmetic, to check the 32-bit bit tricks. */
function referenceXoshiro(state: Uint32Array, count: number): number[] {
  const M = 0xffffffffn;
  let [a, b, c, d] = Array.from(state, (x) => BigInt(x));
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number((rotl((b! * 5n) & M, 7n) * 9n) & M));
    const t = (b! << 9n) & M;
    c = c! ^ a!;
    d = d! ^ b!;
    b = b! ^ c;
    a = a! ^ d;
    c = c ^ t;
    d = rotl(d, 11n);
  }
  return out;
}

describe("seeded PRNG (xoshiro128**)", () => {
  it("matches an independent BigInt implementation of xoshiro128**", () => {
    const rng = new Rng(12345);
    const state = rng.getState();
    const expected = referenceXoshiro(state, 1000);
    const got = Array.from({length: 1000}, () => rng.nextUint32());
    expect(got).toEqual(expected);
  });

  it("is deterministic by (seed, stream) and differs across seeds and streams", () => {
    const draw = (rng: Rng) => Array.from({length: 20}, () => rng.nextUint32());
    expect(draw(createRng(42))).toEqual(draw(createRng(42)));
    expect(draw(createRng(42, 3))).toEqual(draw(createRng(42, 3)));
    expect(draw(createRng(42))).not.toEqual(draw(createRng(43)));
    expect(draw(createRng(42, 0))).not.toEqual(draw(createRng(42, 1)));
    expect(draw(createRng(0))).not.toEqual(draw(createRng(1n)));
    const restored = createRng(7);
    restored.nextUint32();
    const copy = createRng(99);
    copy.setState(restored.getState());
    expect(draw(copy)).toEqual(draw(restored));
  });

  it("nextInt stays in range and is close to uniform (chi-square), also for bounds above 2^21", () => {
    const rng = new Rng(1);
    for (const n of [1, 2, 3, 7, 200, 1000]) {
      const counts = new Array<number>(n).fill(0);
      const draws = 100 * n;
      let outside = 0;
      for (let i = 0; i < draws; i++) {
        const x = rng.nextInt(n);
        if (!(Number.isInteger(x) && x >= 0 && x < n)) outside++;
        else counts[x]!++;
      }
      expect(outside).toBe(0);
      const expected = draws / n;
      const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
      // mean n − 1, sd sqrt(2(n − 1)): 6 sd above is a failure
      expect(chi2).toBeLessThan(n - 1 + 6 * Math.sqrt(2 * Math.max(1, n - 1)) + 1);
    }
    const big = 3_000_000_000;
    for (let i = 0; i < 1000; i++) {
      const x = rng.nextInt(big);
      expect(x >= 0 && x < big && Number.isInteger(x)).toBe(true);
    }
    expect(() => rng.nextInt(0)).toThrow(RangeError);
    expect(() => rng.nextInt(2.5)).toThrow(RangeError);
  });

  it("nextFloat is in [0, 1) with mean ≈ 1/2, and shuffle is a permutation", () => {
    const rng = new Rng(2);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = rng.nextFloat();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
    const items = Array.from({length: 50}, (_, i) => i);
    const shuffled = rng.shuffle([...items]);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(shuffled).not.toEqual(items);
  });
});
