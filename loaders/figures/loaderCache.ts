// Framework's loader cache tied to the loader's inputs: a cached output whose inputs changed is dropped, not reused.
import {existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {loadConfig, type RepromptConfig} from "../config/index.ts";
import type {Experiment} from "../trajectories/experiment.ts";
import {allExperiments, CACHE_DIR, cannotRun, loaderInputs, loaderOutputs, type LoaderInputs} from "./loaderInputs.ts";

/**
 * Framework 1.13 reuses a loader's cached output whenever the cache file exists (its build even takes a cache
 * older than the loader: `useStale`). So beside each cached output we keep `<output>.inputs.json`: the digest
 * of the inputs it was computed from and the cache file's size and mtime at that moment. A cached output is
 * fresh only when both still match; otherwise `prebuild` deletes it and Framework recomputes it.
 */
export interface CacheRecord {
  inputs: LoaderInputs;
  cache: {size: number; mtimeMs: number};
  writtenAt: string;
}

export function sidecarPath(output: string, dir = CACHE_DIR): string {
  return join(dir, `${output}.inputs.json`);
}

export function readCacheRecord(output: string, dir = CACHE_DIR): CacheRecord | null {
  try {
    return JSON.parse(readFileSync(sidecarPath(output, dir), "utf8")) as CacheRecord;
  } catch {
    return null;
  }
}

/** Records that the cached output now in place was computed from `inputs` (after the loader succeeded). */
export function writeCacheRecord(output: string, inputs: LoaderInputs, dir = CACHE_DIR, now = new Date()): void {
  const s = statSync(join(dir, output));
  const record: CacheRecord = {inputs, cache: {size: s.size, mtimeMs: s.mtimeMs}, writtenAt: now.toISOString()};
  const path = sidecarPath(output, dir);
  writeFileSync(`${path}.${process.pid}`, JSON.stringify(record, null, 2) + "\n");
  renameSync(`${path}.${process.pid}`, path);
}

export type CacheState = "fresh" | "missing" | "stale-inputs" | "unrecorded" | "changed-since";

/** Whether the cached output of `inputs.loader` may be reused for these inputs, and if not, why. */
export function cacheState(inputs: LoaderInputs, dir = CACHE_DIR): CacheState {
  const file = join(dir, inputs.loader);
  if (!existsSync(file)) return "missing";
  const record = readCacheRecord(inputs.loader, dir);
  if (!record) return "unrecorded";
  if (record.inputs.digest !== inputs.digest) return "stale-inputs";
  const s = statSync(file);
  // Rewritten since it was recorded (e.g. by the preview server), so from inputs nobody wrote down.
  if (s.size !== record.cache.size || s.mtimeMs !== record.cache.mtimeMs) return "changed-since";
  return "fresh";
}

export interface PrebuildEffects {
  /** Whether an OpenAI-compatible server answers at all (any HTTP status counts as reachable). */
  reachable(baseURL: string): Promise<string | null>;
  log(line: string): void;
}

/** GET {baseURL}/models with a short timeout: null when something answered, else why not. */
export async function probeServer(baseURL: string, timeoutMs = 3000): Promise<string | null> {
  try {
    await fetch(`${baseURL.replace(/\/$/, "")}/models`, {signal: AbortSignal.timeout(timeoutMs)});
    return null;
  } catch (error) {
    const cause = (error as {cause?: {code?: string}}).cause?.code ?? (error as Error).name;
    return `${baseURL} is unreachable (${cause})`;
  }
}

export const defaultPrebuildEffects: PrebuildEffects = {reachable: (url) => probeServer(url), log: (line) => process.stderr.write(line + "\n")};

export interface PrebuildResult {
  profile: string;
  inputs: LoaderInputs[];
  states: Record<string, CacheState>;
  /** Outputs whose cache was dropped (Framework recomputes them). */
  dropped: string[];
  /** Why the profile cannot run; when non-empty nothing was dropped and the build must stop. */
  problems: string[];
  /** Worth saying, not a reason to stop (e.g. a model server that does not answer now). */
  warnings: string[];
}

/**
 * Before a build: every loader's inputs for `profile`; caches whose inputs differ are dropped. If a loader that
 * must run cannot (dataset not configured or missing, model unknown or its file missing), nothing is dropped and the
 * problems are returned, so the build can stop naming them (the previous profile's caches stay for its build).
 */
export async function prebuild(profile: string, options: {config?: RepromptConfig; experiments?: Experiment[]; dir?: string; effects?: PrebuildEffects} = {}): Promise<PrebuildResult> {
  const effects = options.effects ?? defaultPrebuildEffects;
  const config = options.config ?? (await loadConfig());
  const experiments = options.experiments ?? (await allExperiments());
  const known = [...new Set(experiments.flatMap((e) => Object.keys(e.profiles)))].sort();
  if (!known.includes(profile)) {
    return {profile, inputs: [], states: {}, dropped: [], problems: [`no experiment has a profile "${profile}" (profiles: ${known.join(", ")})`], warnings: []};
  }
  const inputs = await Promise.all(loaderOutputs().map((output) => loaderInputs(output, profile, {config, experiments})));
  const states = Object.fromEntries(inputs.map((i) => [i.loader, cacheState(i, options.dir)]));
  const toRun = inputs.filter((i) => states[i.loader] !== "fresh");
  const problems = cannotRun(toRun);
  const servers = new Set<string>();
  for (const i of toRun) {
    for (const e of i.experiments) {
      for (const m of e.models) {
        const model = config.models.find((c) => c.name === m.name);
        if (model?.backend === "openai") for (const url of [model.baseURL].flat()) servers.add(url);
      }
    }
  }
  // An unreachable server is only a warning here: the store may already hold everything those figures need
  // (a finished run, the server since shut down). A loader that does need it fails fast, naming the URL.
  const warnings: string[] = [];
  for (const url of servers) {
    const problem = await effects.reachable(url);
    if (problem) warnings.push(`model server ${problem}: figures that still need completions from it will fail`);
  }
  for (const warning of warnings) effects.log(`reprompt: warning: ${warning}`);
  if (problems.length) return {profile, inputs, states, dropped: [], problems, warnings};
  const dir = options.dir ?? CACHE_DIR;
  for (const i of toRun) {
    rmSync(join(dir, i.loader), {force: true});
    rmSync(sidecarPath(i.loader, dir), {force: true});
  }
  return {profile, inputs, states, dropped: toRun.map((i) => i.loader), problems, warnings};
}

/** After a successful build: every loader's cached output was computed from these inputs; record that. */
export function postbuild(inputs: readonly LoaderInputs[], dir = CACHE_DIR): string[] {
  const recorded: string[] = [];
  for (const i of inputs) {
    if (!existsSync(join(dir, i.loader))) continue;
    const previous = readCacheRecord(i.loader, dir);
    // A fresh cache keeps its record (same digest, same file); a recomputed one gets a new record.
    if (previous && previous.inputs.digest === i.digest && cacheState(i, dir) === "fresh") continue;
    writeCacheRecord(i.loader, i, dir);
    recorded.push(i.loader);
  }
  return recorded;
}
