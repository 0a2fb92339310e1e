// Near-dedup measured against brute-force Jaccard: pair recall above the threshold, false merges, and the per-problem cap.
import {describe, expect, it} from "vitest";
import {readProblemsJsonl} from "../../loaders/datasets/index.ts";
import {BIGCODE_MINHASH, jaccard, nearDuplicateClusters, shingles, type MinHashParams} from "../../loaders/rft/minhash.ts";
import {dedupPerProblem, type Entry} from "../../loaders/rft/stages.ts";
import type {TrajectoryRecord} from "../../loaders/trajectories/trajectory.ts";
import {repoRoot} from "../helpers/node.ts";

/** mulberry32: the code sets are generated, so every run measures the same thing. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ["total", "count", "best", "left", "right", "mid", "seen", "stack", "queue", "graph", "dist", "ans", "cur", "prev", "nxt", "limit", "row", "col", "cost", "memo"];
const CALLS = ["min", "max", "len", "sum", "abs", "sorted", "range", "int", "str", "divmod"];
const OPS = ["+", "-", "*", "//", "%"];

function line(r: () => number): string {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const kind = r();
  if (kind < 0.5) return `${pick(NAMES)} = ${pick(CALLS)}(${pick(NAMES)} ${pick(OPS)} ${Math.floor(r() * 100)}, ${pick(NAMES)})`;
  if (kind < 0.75) return `for ${pick(NAMES)} in range(${pick(NAMES)}, ${pick(NAMES)} ${pick(OPS)} ${Math.floor(r() * 10)}):`;
  return `    if ${pick(NAMES)} > ${pick(NAMES)}: ${pick(NAMES)} = ${pick(NAMES)} ${pick(OPS)} ${pick(NAMES)}`;
}

/**
 * Families of programs: a random 30-line base, then variants with 0–7 random edits (replace, delete or
 * insert a line, rename an identifier everywhere), which spreads pair similarities over the whole [0, 1].
 */
function codeFamilies(families: number, variants: number, seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let f = 0; f < families; f++) {
    const base = Array.from({length: 30}, () => line(r));
    for (let v = 0; v < variants; v++) {
      let lines = [...base];
      const edits = Math.floor(r() * 8);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(r() * lines.length);
        const op = r();
        if (op < 0.35) lines[at] = line(r);
        else if (op < 0.6) lines.splice(at, 1);
        else if (op < 0.85) lines.splice(at, 0, line(r));
        else {
          const from = NAMES[Math.floor(r() * NAMES.length)]!;
          const to = `${from}_${Math.floor(r() * 9)}`;
          lines = lines.map((l) => l.replace(new RegExp(`\\b${from}\\b`, "g"), to));
        }
      }
      out.push(`# family ${f} variant ${v}\n${lines.join("\n")}\n`);
    }
  }
  return out;
}

interface PairStats {
  pairs: number;
  above: number;
  recall: number;
  /** Recall of the clearly-similar pairs (J ≥ 0.8), where LSH alone detects a pair with probability ≥ 0.94. */
  recallAbove08: number;
  merged: number;
  falseMerges: number;
  falseMergeRate: number;
  farMerges: number;
}

/** Brute force: every pair's exact Jaccard of 5-gram shingles, against the clusters MinHash/LSH produced. */
function measure(codes: string[], params: MinHashParams): PairStats {
  const sets = codes.map((c) => shingles(c, params.shingleSize));
  const {cluster} = nearDuplicateClusters(codes, params);
  let above = 0, found = 0, merged = 0, falseMerges = 0, farMerges = 0, pairs = 0, above08 = 0, found08 = 0;
  for (let i = 0; i < codes.length; i++) {
    for (let j = i + 1; j < codes.length; j++) {
      pairs++;
      const J = jaccard(sets[i]!, sets[j]!);
      const same = cluster[i] === cluster[j];
      if (J >= params.threshold) {
        above++;
        if (same) found++;
      }
      if (J >= 0.8) {
        above08++;
        if (same) found08++;
      }
      if (same) {
        merged++;
        if (J < params.threshold) falseMerges++;
        if (J < 0.5) farMerges++;
      }
    }
  }
  return {pairs, above, recall: found / above, recallAbove08: above08 ? found08 / above08 : 1, merged, falseMerges, falseMergeRate: merged ? falseMerges / merged : 0, farMerges};
}

describe("MinHash/LSH near-dedup against brute-force Jaccard", () => {
  const codes = codeFamilies(12, 16, 7);

  it("finds nearly every pair above the threshold, with few false merges (BigCode parameters, verified candidates)", () => {
    const stats = measure(codes, BIGCODE_MINHASH);
    console.log("dedup (25×10, verify):", JSON.stringify(stats));
    expect(stats.above).toBeGreaterThan(200);
    // 25 × 10 detects a single pair at J = 0.7 with probability 1 − (1 − 0.7^10)^25 ≈ 0.51 and at 0.8 with ≈ 0.94;
    // clusters (union-find) recover most of the rest.
    expect(stats.recall).toBeGreaterThanOrEqual(0.8);
    expect(stats.recallAbove08).toBeGreaterThanOrEqual(0.99);
    // Cluster pairs below the threshold come from chaining (A~B, B~C ⇒ A, C together), not from far-apart programs.
    expect(stats.falseMergeRate).toBeLessThanOrEqual(0.35);
    expect(stats.farMerges / Math.max(1, stats.merged)).toBeLessThanOrEqual(0.01);
  });

  it("merges more when candidates are not verified (BigCode's own behaviour), for comparison", () => {
    const verified = measure(codes, BIGCODE_MINHASH);
    const unverified = measure(codes, {...BIGCODE_MINHASH, verify: false});
    console.log("dedup (25×10, no verify):", JSON.stringify(unverified));
    expect(unverified.recall).toBeGreaterThanOrEqual(verified.recall);
    expect(unverified.merged).toBeGreaterThanOrEqual(verified.merged);
    expect(unverified.falseMergeRate).toBeGreaterThan(verified.falseMergeRate);
    // A recall-oriented alternative: more, shorter bands (50 × 5) find nearly every pair; verification keeps merges honest.
    const wide = measure(codes, {...BIGCODE_MINHASH, bands: 50, rows: 5});
    console.log("dedup (50×5, verify):", JSON.stringify(wide));
    expect(wide.recall).toBeGreaterThanOrEqual(verified.recall);
  });

  it("never merges unrelated real programs (the demo benchmark's human solutions)", () => {
    const problems = readProblemsJsonl(`${repoRoot}/data/demo/problems.jsonl`);
    const programs = problems.flatMap((p) => p.solutions.map((s) => s.code));
    const stats = measure(programs, BIGCODE_MINHASH);
    console.log("dedup on demo human solutions:", JSON.stringify(stats));
    expect(stats.falseMerges).toBe(0);
    expect(stats.recall).toBe(1);
  });

  it("treats programs differing only in comments and blank lines as one, and keeps distinct short programs apart", () => {
    const {cluster} = nearDuplicateClusters(["print(1)\n", "# say one\nprint(1)\n\n", "print(2)\n", "x = 1"]);
    expect(cluster[1]).toBe(cluster[0]);
    expect(cluster[2]).not.toBe(cluster[0]);
    expect(cluster[3]).not.toBe(cluster[2]);
  });
});

function entry(problemKey: string, i: number, code: string): Entry {
  const trajectory = {problemKey, turns: [{code}], final: {allPassed: true}} as unknown as TrajectoryRecord;
  return {key: `${problemKey}-${i}`, trajectory, problemKey, messages: [], stripped: []};
}

describe("per-problem cap", () => {
  const distinct = codeFamilies(120, 1, 99);

  it("keeps at most 50 per problem, chosen by a seeded order that ignores input order", () => {
    const entries = [...distinct.map((c, i) => entry("p1", i, c)), ...distinct.slice(0, 10).map((c, i) => entry("p2", i, c))];
    const {kept, summary} = dedupPerProblem(entries, BIGCODE_MINHASH, 50, 0);
    expect(kept.filter((e) => e.problemKey === "p1")).toHaveLength(50);
    expect(kept.filter((e) => e.problemKey === "p2")).toHaveLength(10);
    expect(summary.problemsCapped).toBe(1);
    expect(summary.capped).toBe(70);
    const reversed = dedupPerProblem([...entries].reverse(), BIGCODE_MINHASH, 50, 0).kept.map((e) => e.key).sort();
    expect(reversed).toEqual(kept.map((e) => e.key).sort());
    const otherSeed = dedupPerProblem(entries, BIGCODE_MINHASH, 50, 1).kept.map((e) => e.key).sort();
    expect(otherSeed).not.toEqual(kept.map((e) => e.key).sort());
  });
});
