// Running (or resuming) one experiment profile: every trajectory it needs, only the ones not yet in the store.
import pLimit from "p-limit";
import type {ModelBackend} from "../backends/index.ts";
import {loadConfig, type ModelConfig, type RepromptConfig} from "../config/index.ts";
import {cachedJudge, SandboxPool, EXECUTION_ENGINE_VERSION} from "../execution/index.ts";
import {buildAttemptMessages} from "../prompts/index.ts";
import {openDefaultStore, type Store} from "../store/index.ts";
import {runClaimed} from "./claimed.ts";
import {CompletionService} from "./completions.ts";
import type {Experiment, Profile} from "./experiment.ts";
import {prepareRun, resolveProfile, type PreparedRun} from "./plan.ts";
import {runTokenTotals, type TokenTotal} from "./runTotals.ts";
import {renderTurnFeedback} from "./feedback.ts";
import {checkServerIdentities} from "./identity.ts";
import {createProgress, type ProgressSink} from "./progress.ts";
import {inShard, type Shard} from "./shard.ts";
import {strategyId} from "./strategy.ts";
import {problemContext, runTrajectory, type TrajectoryEffects, TRAJECTORY_ENGINE_VERSION, type TrajectorySpec} from "./trajectory.ts";

export {resolveModels, resolveSource, withPublicTestsIfNeeded} from "./plan.ts";

export interface RunOptions {
  profile: string;
  store?: Store;
  pool?: SandboxPool;
  config?: RepromptConfig;
  progress?: ProgressSink;
  lanes?: number;
  /** Builds a model's backend (tests pass fakes). */
  backendFor?: (model: ModelConfig) => Promise<ModelBackend>;
  now?: () => Date;
  /** Called once the run is planned, before any request (the CLI prints the estimate here). */
  onPlan?: (prepared: PreparedRun) => void;
  /** Resume although a server reports a different model than the one stored completions came from. */
  acceptIdentityChange?: boolean;
  /** Aborting stops the run: no new work starts, requests in flight are dropped, and it throws RunInterrupted. */
  signal?: AbortSignal;
  /** Told one line about problems left out (default: stderr). */
  report?: (line: string) => void;
  /** Run only this slice of the work units (shard.ts); a sharded run stores no run record (it is a part). */
  shard?: Shard;
}

export interface RunModel {
  name: string;
  label: string;
  identity: string;
  description: string;
  nullBaseline: boolean;
  sizeB: number | null;
  role: string | null;
}

/** The run record: what makes up one figure's data, and where it came from. */
export interface RunRecord {
  experiment: string;
  figure: string;
  profile: string;
  engine: {trajectory: string; execution: string};
  dataset: string;
  problemKeys: string[];
  models: RunModel[];
  strategies: string[];
  samples: number;
  seed: number;
  judge: Profile["judge"];
  k: number[] | null;
  nk: Array<[number, number]> | null;
  trajectories: number;
  sandbox: string;
  startedAt: string;
  finishedAt: string;
  /** `requestsSent`: backend requests (HTTP attempts for openai, retries included) made by this process. */
  counts: {created: number; reused: number; completionsRequested: number; completionsReused: number; requestsSent: number};
  /** Problems of the dataset left out, by reason (`no_hidden_tests`, `no_public_tests`, the readers' own). */
  skipped: Record<string, number>;
  faults: Record<string, number>;
  /** Token usage the servers reported, per model and strategy, over all of the run's trajectories. */
  tokens: TokenTotal[];
}

/** A run stopped on request (SIGINT): what this run stored and what it discarded. Re-running resumes. */
export class RunInterrupted extends Error {
  override name = "RunInterrupted";
  constructor(readonly counts: {completionsStored: number; inFlightDiscarded: number; trajectoriesStored: number; trajectoriesLeft: number}) {
    super(
      `stopped: ${counts.completionsStored} stored, ${counts.inFlightDiscarded} in flight discarded; re-run to resume ` +
        `(this run stored ${counts.completionsStored} completions and ${counts.trajectoriesStored} trajectories; ${counts.trajectoriesLeft} trajectories left)`
    );
  }
}

export interface RunSummary {
  runKey: string;
  record: RunRecord;
  /** Store keys of every trajectory of the run, in plan order (model, strategy, problem, index). */
  trajectoryKeys: string[];
}

/** Runs or resumes an experiment profile; returns the run record (also stored under kind `run`). */
export async function runExperiment(experiment: Experiment, options: RunOptions): Promise<RunSummary> {
  const config = options.config ?? (await loadConfig());
  const resolved = await resolveProfile(experiment, options.profile, config);
  const {profile, source, modelConfigs, skipped} = resolved;
  const report = options.report ?? ((line: string) => process.stderr.write(line + "\n"));
  if (Object.keys(skipped).length) {
    report(`dataset ${source.name}: ${Object.entries(skipped).map(([reason, n]) => `${n} skipped (${reason.replaceAll("_", " ")})`).join(", ")}`);
  }
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const store = options.store ?? openDefaultStore();
  const ownPool = !options.pool;
  let backends: ModelBackend[] = [];
  let pool = options.pool;
  try {
    const prepared = await prepareRun(resolved, store, options.backendFor);
    backends = prepared.backends;
    // A shard runs its slice of what is missing (shard.ts): the union of N shards is the unsharded run.
    if (options.shard) prepared.missing = prepared.missing.filter((u) => inShard(u.key, options.shard));
    const {units, missing, problemKeys} = prepared;
    options.onPlan?.(prepared);
    // Before any request (and only when there is something to ask): each server still serves what the stored
    // completions under its key came from. A finished run needs no server at all.
    if (missing.length) {
      const needed = backends.filter((b) => missing.some((u) => u.spec.backend === b));
      for (const line of await checkServerIdentities(store, needed, {accept: options.acceptIdentityChange, now})) report(line);
    }
    // A backend may outlive one run (tests, RFT's two runs): count this run's requests only.
    const requestsBefore = backends.reduce((n, b) => n + b.stats().requests, 0);
    const completions = new CompletionService(store, now);
    const progress = options.progress ?? createProgress();
    const faults = () => {
      const all: Record<string, number> = {};
      for (const b of backends) for (const [k, n] of Object.entries(b.stats().faults)) all[k] = (all[k] ?? 0) + n;
      return all;
    };
    // Progress, rate and ETA count only this run's work: trajectories already in the store are not "done" now.
    const reused = units.length - missing.length;
    let done = 0;
    let tokens = 0;
    progress.start(`${experiment.name}/${options.profile}`, missing.length, reused);
    progress.update({done, total: missing.length, tokens, faults: {}});
    const signal = options.signal;
    let inFlightAtStop = 0;
    const onStop = () => {
      inFlightAtStop = completions.inFlight;
      // Closing a backend aborts its requests in flight: their answers, if any, are discarded.
      for (const backend of backends) void backend.close();
    };
    signal?.addEventListener("abort", onStop, {once: true});
    if (missing.length && !signal?.aborted) {
      pool ??= await SandboxPool.start({lanes: options.lanes});
      const activePool = pool;
      const effects = {
        completions,
        judge: (request: Parameters<typeof cachedJudge>[2]) => cachedJudge(store, activePool, request),
        feedback: (...args: Parameters<TrajectoryEffects["feedback"]>) => renderTurnFeedback(store, activePool, ...args)
      };
      await prefetchFirstCalls(missing.map((u) => u.spec), completions).catch((error: unknown) => {
        if (!signal?.aborted) throw error; // stopped: the requests were dropped on purpose
      });
      const limiters = new Map(backends.map((b) => [b, pLimit(Math.max(2, Math.min(b.concurrency, 64)))]));
      await runClaimed(
        store,
        "trajectory",
        missing,
        (unit, task) => limiters.get(unit.spec.backend)!(task),
        async (unit) => {
          const record = await runTrajectory(unit.spec, effects);
          store.putWithKeys("trajectory", [{key: unit.key, data: record}]);
          done++;
          tokens += record.tokensIn + record.tokensOut;
          progress.update({done, total: missing.length, tokens, faults: faults()});
        },
        () => {
          done++; // stored by a concurrent run
          progress.update({done, total: missing.length, tokens, faults: faults()});
        },
        signal
      ).catch((error: unknown) => {
        if (!signal?.aborted) throw error; // stopped: the requests were dropped on purpose
      });
    }
    signal?.removeEventListener("abort", onStop);
    progress.stop({done, total: missing.length, tokens, faults: faults()});
    if (signal?.aborted) {
      throw new RunInterrupted({completionsStored: completions.requested, inFlightDiscarded: inFlightAtStop, trajectoriesStored: done, trajectoriesLeft: missing.length - done});
    }
    const record: RunRecord = {
      experiment: experiment.name,
      figure: experiment.figure,
      profile: options.profile,
      engine: {trajectory: TRAJECTORY_ENGINE_VERSION, execution: EXECUTION_ENGINE_VERSION},
      dataset: source.name,
      problemKeys,
      models: modelConfigs.map((m, i) => ({
        name: m.name,
        label: m.label ?? m.name,
        identity: backends[i].identity,
        description: backends[i].description,
        nullBaseline: backends[i].isNullBaseline,
        sizeB: m.sizeB ?? null,
        role: m.role ?? null
      })),
      strategies: profile.strategies.map(strategyId),
      samples: profile.samples,
      seed: profile.seed,
      judge: profile.judge,
      k: profile.k ?? null,
      nk: profile.nk ?? null,
      trajectories: units.length,
      sandbox: pool ? pool.describe().split("\n")[0] : "(nothing to run: every trajectory was in the store)",
      startedAt,
      finishedAt: now().toISOString(),
      counts: {created: missing.length, reused: units.length - missing.length, completionsRequested: completions.requested, completionsReused: completions.reused, requestsSent: backends.reduce((n, b) => n + b.stats().requests, 0) - requestsBefore},
      skipped,
      faults: faults(),
      tokens: []
    };
    const runKey = store.key("run", {experiment: experiment.name, profile: options.profile, engine: record.engine, plan: {problemKeys, models: record.models.map((m) => m.identity), strategies: record.strategies, samples: record.samples, seed: record.seed, judge: record.judge}});
    // A shard is part of a run: its record would make a partial run the figure's latest.
    if (options.shard && options.shard.count > 1) return {runKey, record, trajectoryKeys: units.map((u) => u.key)};
    // Summed in DuckDB over the store (reused trajectories included) rather than held in memory; a plan with
    // nothing new has the totals of its stored record (figure loaders resume runs often, a scan is not free).
    const previous = missing.length === 0 ? store.get<RunRecord>("run", runKey) : undefined;
    record.tokens = previous?.tokens ?? (await runTokenTotals(store.dir, record));
    store.putWithKeys("run", [{key: runKey, data: record}]);
    // The latest run of each experiment/profile is what its figure shows.
    store.putWithKeys("run_latest", [{key: store.key("run_latest", {experiment: experiment.name, profile: options.profile, at: record.finishedAt}), data: {experiment: experiment.name, profile: options.profile, runKey, at: record.finishedAt}}]);
    return {runKey, record, trajectoryKeys: units.map((u) => u.key)};
  } finally {
    for (const backend of backends) await backend.close();
    if (ownPool && pool) await pool.close();
    if (!options.store) store.close();
  }
}

/** Asks for every trajectory's first model call of a cell at once, so servers that support `n` get one request. */
async function prefetchFirstCalls(specs: TrajectorySpec[], completions: CompletionService): Promise<void> {
  const cells = new Map<string, {spec: TrajectorySpec; indices: number[]}>();
  for (const spec of specs) {
    const id = `${spec.backend.identity}|${strategyId(spec.strategy)}|${spec.problemKey}`;
    const cell = cells.get(id) ?? {spec, indices: []};
    cell.indices.push(spec.index);
    cells.set(id, cell);
  }
  const limit = pLimit(8);
  await Promise.all(
    [...cells.values()].map(({spec, indices}) =>
      limit(() => {
        const s = spec.strategy;
        const plan = s.kind === "cot-retry" ? buildAttemptMessages({problem: spec.problem}) : buildAttemptMessages({problem: spec.problem, reasoningId: s.reasoning, instructionId: s.instruction, catalog: spec.catalog});
        return completions.many(spec.backend, {messages: [plan.userMessages[0]], sampling: spec.sampling, problem: problemContext(spec.problem)}, indices, {countReuse: false});
      })
    )
  );
}
