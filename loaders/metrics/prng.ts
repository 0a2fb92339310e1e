// Seeded pseudo-random numbers for every randomised metric (shuffles, submissions, bootstrap), so results replay exactly.

/**
 * xoshiro128** 1.1 (Blackman & Vigna, 2018): 128 bits of state, period 2^128 − 1, passes BigCrush, and needs only
 * 32-bit integer operations, which V8 runs without allocation. That speed matters: the multi-turn pass n@k
 * estimator draws hundreds of millions of numbers at the study's scale. It is not cryptographic.
 *
 * Seeding follows the authors' advice: the 128-bit state is filled from splitmix64 outputs, so nearby seeds
 * (0, 1, 2, …) give unrelated states. A `(seed, stream)` pair names an independent-looking generator: the
 * stream index is hashed into the splitmix64 start, which lets each problem get its own stream so results do
 * not depend on the order problems are processed in (or on which worker thread runs them).
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number | bigint = 0, stream: number | bigint = 0) {
    const words = seedWords(seed, stream);
    this.s0 = words[0]!;
    this.s1 = words[1]!;
    this.s2 = words[2]!;
    this.s3 = words[3]!;
  }

  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * A uniform integer in [0, n), exactly unbiased. Lemire's multiply-and-reject (2019) for n ≤ 2^21, where the
   * 32×21-bit product is exact in a double: it almost never divides and rejects with probability < n/2^32.
   * Larger n fall back to classic rejection of the top partial block (`x < 2^32 − 2^32 mod n`).
   */
  nextInt(n: number): number {
    if (!(n >= 1 && n <= 0x100000000 && Number.isInteger(n))) {
      throw new RangeError(`nextInt(n): n must be an integer in [1, 2^32], got ${n}`);
    }
    if (n <= 0x200000) {
      let m = this.nextUint32() * n;
      let low = m >>> 0;
      if (low < n) {
        const threshold = (0x100000000 - n) % n;
        while (low < threshold) {
          m = this.nextUint32() * n;
          low = m >>> 0;
        }
      }
      return (m - low) / 0x100000000;
    }
    const limit = 0x100000000 - (0x100000000 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** A uniform double in [0, 1) with 53 random bits (two draws). */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** The raw state, for hot loops that inline the generator (see `montecarlo.ts`) and hand it back after. */
  getState(): Uint32Array {
    return Uint32Array.of(this.s0, this.s1, this.s2, this.s3);
  }

  setState(state: ArrayLike<number>): void {
    this.s0 = state[0]! | 0;
    this.s1 = state[1]! | 0;
    this.s2 = state[2]! | 0;
    this.s3 = state[3]! | 0;
  }
}

/** Convenience: a generator for `(seed, stream)`. */
export function createRng(seed: number | bigint = 0, stream: number | bigint = 0): Rng {
  return new Rng(seed, stream);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const MASK64 = (1n << 64n) - 1n;
const GOLDEN64 = 0x9e3779b97f4a7c15n;

/** splitmix64's output function (Steele, Lea & Flood 2014): a 64-bit bijective mixer. */
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

function toUint64(value: number | bigint, what: string): bigint {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a safe integer, got ${value}`);
  }
  return BigInt.asUintN(64, BigInt(value));
}

/** Four non-zero-in-total 32-bit words from splitmix64 started at seed ⊕ mix(stream). */
function seedWords(seed: number | bigint, stream: number | bigint): number[] {
  let x = (toUint64(seed, "seed") ^ mix64((toUint64(stream, "stream") + GOLDEN64) & MASK64)) & MASK64;
  const words: number[] = [];
  for (let i = 0; i < 2; i++) {
    x = (x + GOLDEN64) & MASK64;
    const z = mix64(x);
    words.push(Number(z & 0xffffffffn) | 0, Number(z >> 32n) | 0);
  }
  if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) words[0] = 1; // the all-zero state is xoshiro's one fixed point
  return words;
}

/**
 * mulberry32: a tiny seedable generator of floats in [0, 1) for *data* (generated test inputs, random weights),
 * where statistical quality matters less than a stable, dependency-free sequence. Estimators use `Rng`.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
