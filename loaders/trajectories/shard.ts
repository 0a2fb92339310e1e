// Sharded runs: a deterministic slice of an experiment's work units, so many machines split one run.
import {createHash} from "node:crypto";

/** Shard `index` of `count` (0 ≤ index < count). */
export interface Shard {
  index: number;
  count: number;
}

export class ShardError extends Error {
  override name = "UsageError";
  readonly exitCode = 2;
}

/** The environment variables a job array sets to the task's index (Kubernetes Indexed Job, Slurm array). */
export const SHARD_INDEX_ENV = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"] as const;

/**
 * Parses `I/N` or `auto/N` (`auto` reads JOB_COMPLETION_INDEX, else SLURM_ARRAY_TASK_ID). An index outside
 * [0, N) is an error (e.g. a Slurm `--array=1-25`): folding it would run one slice twice and another never.
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const match = /^(auto|\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new ShardError(`--shard must be I/N or auto/N (e.g. 3/25), got ${JSON.stringify(text)}`);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new ShardError(`--shard ${text}: N must be a positive integer`);
  let indexText = match[1];
  let source = "--shard";
  if (indexText === "auto") {
    const name = SHARD_INDEX_ENV.find((n) => env[n] !== undefined && env[n] !== "");
    if (!name) throw new ShardError(`--shard auto/${count}: neither ${SHARD_INDEX_ENV.join(" nor ")} is set (run it as a Kubernetes Indexed Job or a Slurm array task, or pass I/${count})`);
    indexText = env[name]!.trim();
    source = name;
    if (!/^\d+$/.test(indexText)) throw new ShardError(`--shard auto/${count}: ${name}=${JSON.stringify(env[name])} is not a non-negative integer`);
  }
  const index = Number(indexText);
  if (index >= count) throw new ShardError(`--shard: index ${index} (from ${source}) must be below N = ${count} (shards are 0 … ${count - 1})`);
  return {index, count};
}

/**
 * A work unit's bucket: 48 bits of a hash of its store key. The unit belongs to shard `bucket mod N`, so
 * the N slices are disjoint, their union is every unit, and a later attempt with another N still covers
 * exactly the units not yet stored (the store, not the shard, remembers what is done).
 */
export function bucketOf(key: string): number {
  return createHash("sha256").update(key).digest().readUIntBE(0, 6);
}

export function inShard(key: string, shard: Shard | undefined): boolean {
  return !shard || shard.count === 1 || bucketOf(key) % shard.count === shard.index;
}

export function describeShard(shard: Shard | undefined): string {
  return shard ? `shard ${shard.index}/${shard.count}` : "all shards";
}
