// Running (or resuming) one experiment profile: every trajectory it needs, only the ones not yet in the store.
import pLimit from "p-limit";
import {createBackend, HUMAN_MODEL, type ModelBackend} from "../backends/index.ts";
import {loadConfig, type ModelConfig, type RepromptConfig} from "../config/index.ts";
import {DEMO_SOURCE, loadSource, storeProblems, type DatasetSource, type Problem} from "../datasets/index.ts";
import {cachedJudge, limitsFor, SandboxPool, EXECUTION_ENGINE_VERSION} from "../execution/index.ts";
import {buildAttemptMessages} from "../prompts/index.ts";
import {openDefaultStore, type Store} from "../store/index.ts";
import {CompletionService} from "./completions.ts";
import {ExperimentError, profileOf, type Experiment, type Profile} from "./experiment.ts";
import {renderTurnFeedback} from "./feedback.ts";
import {createProgress, type ProgressSink} from "./progress.ts";
import {samplingFor} from "./sampling.ts";
import {inShard, type Shard} from "./shard.ts";
import {strategyId} from "./strategy.ts";
import {problemContext, runTrajectory, type TrajectoryEffects, TRAJECTORY_ENGINE_VERSION, trajectoryKeyMaterial, type TrajectorySpec} from "./trajectory.ts";

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
  counts: {created: number; reused: number; completionsRequested: number; completionsReused: number};
  faults: Record<string, number>;
}

function resolveSource(profile: Profile, config: RepromptConfig, where: string): DatasetSource {
  const source = config.datasets.find((d) => d.name === profile.problems.source) ?? (profile.problems.source === "demo" ? DEMO_SOURCE : null);
  if (!source) {
    throw new ExperimentError(
      `${where}: field \`problems.source\`: dataset "${profile.problems.source}" is not in reprompt.config.js ` +
        `(configured: ${config.datasets.map((d) => d.name).join(", ")}); add it under \`datasets\` (see README, "Run the paper profile")`
    );
  }
  return source;
}

export function resolveModels(profile: Profile, config: RepromptConfig, where: string): ModelConfig[] {
  const all = [...config.models, ...(config.models.some((m) => m.name === "human") ? [] : [HUMAN_MODEL])];
  if (profile.models === "configured") {
    const models = config.models.filter((m) => m.backend !== "human");
    if (!models.length) throw new ExperimentError(`${where}: field \`models\`: this profile runs your configured models, and reprompt.config.js has none (add one under \`models\`: see README, "Point it at a model")`);
    return models;
  }
  return profile.models.map((name) => {
    const model = all.find((m) => m.name === name);
    if (!model) throw new ExperimentError(`${where}: field \`models\`: no model named "${name}" in reprompt.config.js (configured: ${all.map((m) => m.name).join(", ")})`);
    return model;
  });
}

function selectProblems(problems: Problem[], profile: Profile, where: string): Problem[] {
  let selected = problems;
  const {ids, difficulties, limit} = profile.problems;
  if (ids) {
    const missing = ids.filter((id) => !problems.some((p) => p.id === id));
    if (missing.length) throw new ExperimentError(`${where}: field \`problems.ids\`: not in the dataset: ${missing.join(", ")}`);
    selected = selected.filter((p) => ids.includes(p.id));
  }
  if (difficulties) selected = selected.filter((p) => difficulties.includes(p.difficulty.label));
  if (limit) selected = selected.slice(0, limit);
  if (!selected.length) throw new ExperimentError(`${where}: field \`problems\`: the selection is empty`);
  return selected;
}

export interface RunSummary {
  runKey: string;
  record: RunRecord;
  /** Store keys of every trajectory of the run, in plan order (model, strategy, problem, index). */
  trajectoryKeys: string[];
}

/** Runs or resumes an experiment profile; returns the run record (also stored under kind `run`). */
export async function runExperiment(experiment: Experiment, options: RunOptions): Promise<RunSummary> {
  const where = `experiment ${experiment.name}, profile ${options.profile}`;
  const profile = profileOf(experiment, options.profile);
  const config = options.config ?? (await loadConfig());
  const source = resolveSource(profile, config, where);
  const modelConfigs = resolveModels(profile, config, where);
  const problems = selectProblems(await loadSource(source), profile, where);
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const store = options.store ?? openDefaultStore();
  const ownPool = !options.pool;
  const backends: ModelBackend[] = [];
  let pool = options.pool;
  try {
    const problemKeys = storeProblems(store, source.name, problems).keys;
    for (const model of modelConfigs) backends.push(await (options.backendFor ?? createBackend)(model));
    const units: Array<{spec: TrajectorySpec; key: string}> = [];
    for (const [m, backend] of backends.entries()) {
      const sampling = samplingFor(modelConfigs[m], profile.seed);
      for (const strategy of profile.strategies) {
        for (const [p, problem] of problems.entries()) {
          const limits = limitsFor(problem, {timeFactor: profile.judge.timeFactor});
          for (let index = 0; index < profile.samples; index++) {
            const spec: TrajectorySpec = {problem, problemKey: problemKeys[p], strategy, index, backend, model: modelConfigs[m].name, sampling, limits, mode: profile.judge.mode};
            units.push({spec, key: store.key("trajectory", trajectoryKeyMaterial(spec))});
          }
        }
      }
    }
    const missing = units.filter((u) => inShard(u.key, options.shard) && !store.has("trajectory", u.key));
    const completions = new CompletionService(store, now);
    const progress = options.progress ?? createProgress();
    const faults = () => {
      const all: Record<string, number> = {};
      for (const b of backends) for (const [k, n] of Object.entries(b.stats().faults)) all[k] = (all[k] ?? 0) + n;
      return all;
    };
    let done = units.length - missing.length;
    let tokens = 0;
    progress.start(`${experiment.name}/${options.profile}`, units.length);
    progress.update({done, total: units.length, tokens, faults: {}});
    if (missing.length) {
      pool ??= await SandboxPool.start({lanes: options.lanes});
      const activePool = pool;
      const effects = {
        completions,
        judge: (request: Parameters<typeof cachedJudge>[2]) => cachedJudge(store, activePool, request),
        feedback: (...args: Parameters<TrajectoryEffects["feedback"]>) => renderTurnFeedback(store, activePool, ...args)
      };
      await prefetchFirstCalls(missing.map((u) => u.spec), completions);
      const limiters = new Map(backends.map((b) => [b, pLimit(Math.max(2, Math.min(b.concurrency, 64)))]));
      await Promise.all(
        missing.map((unit) =>
          limiters.get(unit.spec.backend)!(async () => {
            const record = await runTrajectory(unit.spec, effects);
            store.putWithKeys("trajectory", [{key: unit.key, data: record}]);
            done++;
            tokens += record.tokensIn + record.tokensOut;
            progress.update({done, total: units.length, tokens, faults: faults()});
          })
        )
      );
    }
    progress.stop({done, total: units.length, tokens, faults: faults()});
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
      counts: {created: missing.length, reused: units.length - missing.length, completionsRequested: completions.requested, completionsReused: completions.reused},
      faults: faults()
    };
    const runKey = store.key("run", {experiment: experiment.name, profile: options.profile, engine: record.engine, plan: {problemKeys, models: record.models.map((m) => m.identity), strategies: record.strategies, samples: record.samples, seed: record.seed, judge: record.judge}});
    // A shard is part of a run: its record would make a partial run the figure's latest.
    if (options.shard && options.shard.count > 1) return {runKey, record, trajectoryKeys: units.map((u) => u.key)};
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
        const plan = s.kind === "cot-retry" ? buildAttemptMessages({problem: spec.problem}) : buildAttemptMessages({problem: spec.problem, reasoningId: s.reasoning, instructionId: s.instruction});
        return completions.many(spec.backend, {messages: [plan.userMessages[0]], sampling: spec.sampling, problem: problemContext(spec.problem)}, indices, {countReuse: false});
      })
    )
  );
}
