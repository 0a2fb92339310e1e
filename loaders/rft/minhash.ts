// Near-duplicate detection of programs: MinHash signatures, LSH banding and union-find clusters (BigCode-style).
import {createHash} from "node:crypto";
import {normaliseProgram} from "../metrics/index.ts";

/**
 * The parameters, with BigCode's near-dedup as the reference (notes execution.md §8): word 5-gram shingles,
 * 256 permutations, Jaccard threshold 0.7, 25 bands × 10 rows (the band/row split that minimises the weighted
 * false-positive + false-negative area for 256/0.7). The study's own parameters were not reported.
 */
export interface MinHashParams {
  shingleSize: number;
  permutations: number;
  bands: number;
  rows: number;
  threshold: number;
  /**
   * Merge an LSH candidate pair only if its signatures agree on ≥ threshold of the permutations (an unbiased
   * Jaccard estimate). BigCode merges every bucket unverified; verifying removes chance collisions that would
   * otherwise chain unrelated programs together through union-find (measured in tests/rft/dedup.test.ts).
   */
  verify: boolean;
  /** Seed of the permutations (recorded in the data card). */
  seed: number;
}

export const BIGCODE_MINHASH: MinHashParams = {shingleSize: 5, permutations: 256, bands: 25, rows: 10, threshold: 0.7, verify: true, seed: 42};

/** BigCode's tokenizer: split on anything that is not a letter, digit or underscore. */
export function codeTokens(code: string): string[] {
  return normaliseProgram(code)
    .split(/[^A-Za-z_0-9]+/)
    .filter((t) => t.length > 0);
}

/**
 * The set of word n-gram shingles of a program (comments and blank lines removed first). BigCode drops
 * documents shorter than n tokens (they get an all-max signature and end up in one cluster); here a short
 * program is one shingle of all its tokens, so only identical short programs match.
 */
export function shingles(code: string, size = BIGCODE_MINHASH.shingleSize): Set<string> {
  const tokens = codeTokens(code);
  const out = new Set<string>();
  if (tokens.length < size) {
    out.add(tokens.join(" "));
    return out;
  }
  for (let i = 0; i + size <= tokens.length; i++) out.add(tokens.slice(i, i + size).join(" "));
  return out;
}

/** Exact Jaccard similarity of two shingle sets (1 for two empty sets). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const s of small) if (large.has(s)) common++;
  return common / (a.size + b.size - common);
}

/** BigCode's shingle hash: the first 4 bytes of SHA-1, little-endian. */
function shingleHash(shingle: string): number {
  return createHash("sha1").update(shingle).digest().readUInt32LE(0);
}

/** murmur3's 32-bit finaliser: a bijection of 32-bit integers with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Seeds of the permutations: deterministic from the parameter seed. */
function permutationSeeds(params: MinHashParams): Uint32Array {
  const seeds = new Uint32Array(params.permutations);
  let state = (params.seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < seeds.length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    seeds[i] = fmix32(state);
  }
  return seeds;
}

/**
 * MinHash signature. Permutation i maps a shingle hash h to fmix32(h XOR seed_i), a seeded bijection of the
 * 32-bit space, instead of BigCode's (a·h + b) mod (2^61 − 1): the same role without 64-bit arithmetic
 * (JavaScript has no fast 64-bit multiply); the recall it gives is measured against exact Jaccard in tests.
 */
export function signature(shingleSet: ReadonlySet<string>, params: MinHashParams, seeds = permutationSeeds(params)): Uint32Array {
  const hashes = Uint32Array.from([...shingleSet].map(shingleHash));
  const sig = new Uint32Array(params.permutations).fill(0xffffffff);
  for (let p = 0; p < sig.length; p++) {
    const seed = seeds[p]!;
    let min = 0xffffffff;
    for (let i = 0; i < hashes.length; i++) {
      const v = fmix32(hashes[i]! ^ seed);
      if (v < min) min = v;
    }
    sig[p] = min;
  }
  return sig;
}

/** Share of permutations on which two signatures agree: the MinHash estimate of their Jaccard similarity. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** Disjoint sets with path halving and union by size. */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({length: n}, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]!]!;
      x = this.parent[x]!;
    }
    return x;
  }
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    return true;
  }
}

export interface DedupResult {
  /** cluster[i] = index of the representative (smallest index) of document i's cluster. */
  cluster: Int32Array;
  /** Representatives, ascending: the documents kept before any per-problem cap. */
  representatives: number[];
  /** LSH candidate pairs looked at, and those merged (verified when `params.verify`). */
  candidatePairs: number;
  mergedPairs: number;
}

/**
 * Clusters near-duplicate programs: documents sharing any LSH band bucket are candidates; candidates are
 * merged with union-find (after verification when asked); each cluster keeps its first document.
 */
export function nearDuplicateClusters(codes: readonly string[], params: MinHashParams = BIGCODE_MINHASH): DedupResult {
  if (params.bands * params.rows > params.permutations) throw new RangeError(`bands × rows (${params.bands}×${params.rows}) exceeds ${params.permutations} permutations`);
  const seeds = permutationSeeds(params);
  // Exact duplicates (after normalisation) share one signature: compute it once.
  const byText = new Map<string, number>();
  const sigs: Uint32Array[] = [];
  const uf = new UnionFind(codes.length);
  const unique: number[] = [];
  codes.forEach((code, i) => {
    const key = normaliseProgram(code);
    const first = byText.get(key);
    if (first !== undefined) {
      sigs.push(sigs[first]!);
      uf.union(first, i);
    } else {
      byText.set(key, i);
      unique.push(i);
      sigs.push(signature(shingles(code, params.shingleSize), params, seeds));
    }
  });
  let candidatePairs = 0;
  let mergedPairs = 0;
  const seen = new Set<number>();
  for (let band = 0; band < params.bands; band++) {
    const buckets = new Map<string, number[]>();
    // Exact duplicates ride with their first copy.
    for (const i of unique) {
      const key = sigs[i]!.subarray(band * params.rows, (band + 1) * params.rows).join(",");
      const bucket = buckets.get(key);
      if (bucket) bucket.push(i);
      else buckets.set(key, [i]);
    }
    for (const bucket of buckets.values()) {
      for (let x = 1; x < bucket.length; x++) {
        for (let y = 0; y < x; y++) {
          const a = bucket[y]!;
          const b = bucket[x]!;
          const pairKey = a * codes.length + b;
          if (seen.has(pairKey)) continue;
          seen.add(pairKey);
          candidatePairs++;
          if (!params.verify || estimatedJaccard(sigs[a]!, sigs[b]!) >= params.threshold) {
            mergedPairs++;
            uf.union(a, b);
          }
        }
      }
    }
  }
  const cluster = new Int32Array(codes.length);
  const rootMin = new Map<number, number>();
  for (let i = 0; i < codes.length; i++) {
    const root = uf.find(i);
    if (!rootMin.has(root)) rootMin.set(root, i);
    cluster[i] = rootMin.get(root)!;
  }
  return {cluster, representatives: [...new Set(cluster)].sort((a, b) => a - b), candidatePairs, mergedPairs};
}

/** Deterministic order for capping: hash of (seed, id), so the kept subset does not depend on input order. */
export function seededOrder(ids: readonly string[], seed: number): number[] {
  const score = ids.map((id) => createHash("sha256").update(`${seed}\0${id}`).digest().readUInt32LE(0));
  return ids.map((_, i) => i).sort((a, b) => score[a]! - score[b]! || a - b);
}
