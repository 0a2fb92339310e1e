// --shard I/N: parsing (incl. auto from the scheduler's index) and the partition it makes of the work units.
import {createHash} from "node:crypto";
import {describe, expect, it} from "vitest";
import {bucketOf, inShard, parseShard} from "../../loaders/trajectories/shard.ts";

const keys = Array.from({length: 2000}, (_, i) => createHash("sha256").update(`unit ${i}`).digest("hex").slice(0, 32));

describe("parseShard", () => {
  it("reads I/N, and auto/N from JOB_COMPLETION_INDEX first, then SLURM_ARRAY_TASK_ID", () => {
    expect(parseShard("3/25", {})).toEqual({index: 3, count: 25});
    expect(parseShard("auto/4", {JOB_COMPLETION_INDEX: "2", SLURM_ARRAY_TASK_ID: "1"})).toEqual({index: 2, count: 4});
    expect(parseShard("auto/4", {SLURM_ARRAY_TASK_ID: "1"})).toEqual({index: 1, count: 4});
  });
  it("rejects malformed values, an index ≥ N and auto without a task index, naming the problem", () => {
    expect(() => parseShard("3", {})).toThrow(/must be I\/N or auto\/N/);
    expect(() => parseShard("-1/4", {})).toThrow(/must be I\/N/);
    expect(() => parseShard("1/0", {})).toThrow(/N must be a positive integer/);
    expect(() => parseShard("4/4", {})).toThrow(/index 4 \(from --shard\) must be below N = 4/);
    expect(() => parseShard("auto/25", {SLURM_ARRAY_TASK_ID: "25"})).toThrow(/index 25 \(from SLURM_ARRAY_TASK_ID\)/);
    expect(() => parseShard("auto/25", {})).toThrow(/neither JOB_COMPLETION_INDEX nor SLURM_ARRAY_TASK_ID is set/);
    expect(() => parseShard("auto/2", {JOB_COMPLETION_INDEX: "x"})).toThrow(/not a non-negative integer/);
  });
});

describe("inShard", () => {
  for (const n of [1, 2, 7, 25]) {
    it(`N = ${n}: every unit is in exactly one shard`, () => {
      for (const key of keys) {
        const owners = Array.from({length: n}, (_, i) => i).filter((i) => inShard(key, {index: i, count: n}));
        expect(owners).toEqual([bucketOf(key) % n]);
      }
    });
  }
  it("slices are balanced within a few standard deviations (hash buckets, not key order)", () => {
    const n = 5;
    const sizes = Array.from({length: n}, (_, i) => keys.filter((k) => inShard(k, {index: i, count: n})).length);
    const mean = keys.length / n;
    const sd = Math.sqrt(keys.length * (1 / n) * (1 - 1 / n));
    for (const size of sizes) expect(Math.abs(size - mean)).toBeLessThan(4 * sd);
  });
  it("no shard means every unit", () => {
    expect(keys.every((k) => inShard(k, undefined))).toBe(true);
  });
});
