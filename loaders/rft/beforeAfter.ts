// RFT before/after: pick the base and fine-tuned models, run the comparison, and measure pass n@k, diversity, prose share, self-correction.
import type {ModelBackend} from "../backends/index.ts";
import type {ModelConfig, RepromptConfig} from "../config/index.ts";
import type {Problem, StoredProblem} from "../datasets/index.ts";
import {bootstrapMean, categoriesFromTrajectories, consecutiveSimilarities, distinctProgramRate, passNAtKMultiTurn} from "../metrics/index.ts";
import type {Store} from "../store/index.ts";
import {profileOf, type Experiment} from "../trajectories/experiment.ts";
import type {ProgressSink} from "../trajectories/progress.ts";
import {runExperiment, type RunRecord} from "../trajectories/run.ts";
import {turnsOf, type TrajectoryRecord} from "../trajectories/trajectory.ts";

export interface BeforeAfterPair {
  base: ModelConfig;
  finetuned: ModelConfig;
}

/** What to add to reprompt.config.js: shown on the page when the models are missing. */
export const BEFORE_AFTER_CONFIG_EXAMPLE = `models: [
  {name: "llama-70b", backend: "openai", baseURL: "http://127.0.0.1:8000/v1", model: "meta-llama/Llama-3.1-70B-Instruct", role: "base"},
  {name: "llama-70b-rft", backend: "openai", baseURL: "http://127.0.0.1:8001/v1", model: "/checkpoints/llama-70b-rft", role: "finetuned", baseModel: "llama-70b"}
]`;

/**
 * The pair to compare: the (first) model with role "finetuned", and its base — its `baseModel` entry, or
 * else the only model with role "base". Returns why not when the config lacks them.
 */
export function beforeAfterModels(config: RepromptConfig): {pair: BeforeAfterPair} | {missing: string} {
  const finetuned = config.models.find((m) => m.role === "finetuned");
  if (!finetuned) return {missing: 'no model with role: "finetuned" in reprompt.config.js'};
  if (finetuned.baseModel) {
    const base = config.models.find((m) => m.name === finetuned.baseModel);
    if (!base) return {missing: `the fine-tuned model ${finetuned.name} names baseModel "${finetuned.baseModel}", which is not configured`};
    return {pair: {base, finetuned}};
  }
  const bases = config.models.filter((m) => m.role === "base");
  if (bases.length !== 1) return {missing: `the fine-tuned model ${finetuned.name} has no baseModel and ${bases.length === 0 ? "no" : "more than one"} model has role: "base"`};
  return {pair: {base: bases[0]!, finetuned}};
}

export interface BeforeAfterRun {
  runKey: string;
  record: RunRecord;
  trajectories: TrajectoryRecord[];
  /**
   * The model each trajectory was planned for (runs list trajectories model by model). Not `trajectory.model`:
   * a trajectory is shared by every model with the same backend identity, and keeps the name it was first made under.
   */
  modelOf: string[];
  problems: Map<string, Problem>;
  pair: BeforeAfterPair;
}

/** Runs (or resumes) the comparison on exactly the pair's two models. */
export async function runBeforeAfter(
  experiment: Experiment,
  profile: string,
  pair: BeforeAfterPair,
  options: {store: Store; config: RepromptConfig; progress?: ProgressSink; backendFor?: (model: ModelConfig) => Promise<ModelBackend>}
): Promise<BeforeAfterRun> {
  const p = profileOf(experiment, profile);
  const runnable: Experiment = {...experiment, profiles: {...experiment.profiles, [profile]: {...p, models: [pair.base.name, pair.finetuned.name]}}};
  const {runKey, record, trajectoryKeys} = await runExperiment(runnable, {profile, store: options.store, config: options.config, progress: options.progress, backendFor: options.backendFor});
  const trajectories = trajectoryKeys.map((key) => options.store.get<TrajectoryRecord>("trajectory", key)!);
  const problems = new Map(record.problemKeys.map((key) => [key, options.store.get<StoredProblem>("problem", key)!.problem]));
  const perModel = trajectoryKeys.length / record.models.length;
  const modelOf = trajectoryKeys.map((_, i) => record.models[Math.floor(i / perModel)]!.name);
  return {runKey, record, trajectories, modelOf, problems, pair};
}

function round(value: number | null, digits = 4): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.round(value * 10 ** digits) / 10 ** digits;
}

function cells(run: BeforeAfterRun): Map<string, TrajectoryRecord[]> {
  const out = new Map<string, TrajectoryRecord[]>();
  for (const [i, t] of run.trajectories.entries()) {
    const id = `${run.modelOf[i]}|${t.strategyId}`;
    const list = out.get(id);
    if (list) list.push(t);
    else out.set(id, [t]);
  }
  return out;
}

export interface BeforeAfterRow {
  model: string;
  role: "base" | "fine-tuned";
  strategy: string;
  /** "multi-turn, no CoT" or "CoT-retry". */
  prompting: string;
  /** The two cells the study compares: base with CoT-retry, fine-tuned without CoT. */
  headline: boolean;
}

/** pass n@k per (model, strategy), diversity, non-code fraction and per-turn self-correction. */
export function beforeAfterMetrics(run: BeforeAfterRun, grid: Array<[number, number]>) {
  const roleOf = (model: string) => (model === run.pair.finetuned.name ? "fine-tuned" : "base") as BeforeAfterRow["role"];
  const label = (model: string) => run.record.models.find((m) => m.name === model)?.label ?? model;
  const rowBase = (model: string, strategy: string): BeforeAfterRow => {
    const prompting = strategy.startsWith("cot-retry") ? "CoT-retry" : "multi-turn, no CoT";
    const role = roleOf(model);
    return {model: label(model), role, strategy, prompting, headline: (role === "base") === (prompting === "CoT-retry")};
  };
  const passRows = [];
  const diversity = [];
  const selfCorrection = [];
  for (const [id, cell] of cells(run)) {
    const [model, strategy] = id.split("|") as [string, string];
    const base = rowBase(model, strategy);
    if (grid.length) {
      const byProblem = new Map<string, TrajectoryRecord[]>();
      for (const t of cell) byProblem.set(t.problemKey, [...(byProblem.get(t.problemKey) ?? []), t]);
      const categories = run.record.problemKeys.map((key) => categoriesFromTrajectories((byProblem.get(key) ?? []).map(turnsOf)));
      const {estimates} = passNAtKMultiTurn(categories, grid, {resamples: 10_000, seed: 17, bootstrapResamples: 2000});
      for (const e of estimates) passRows.push({...base, n: e.n, k: e.k, budget: `${e.n}@${e.k}`, mean: round(e.mean), lo: round(e.lo), hi: round(e.hi)});
    }
    const similarities = cell.flatMap((t) => consecutiveSimilarities(t.turns.map((turn) => turn.code).filter((c): c is string => c !== null)));
    const perProblem = new Map<string, string[]>();
    for (const t of cell) perProblem.set(t.problemKey, [...(perProblem.get(t.problemKey) ?? []), ...t.turns.map((turn) => turn.code).filter((c): c is string => c !== null)]);
    const distinct = [...perProblem.values()].map((codes) => distinctProgramRate(codes) ?? 0);
    const nonCode = cell.flatMap((t) => t.turns.filter((turn) => turn.totalChars > 0).map((turn) => turn.nonCodeChars / turn.totalChars));
    diversity.push({
      ...base,
      similarityMean: similarities.length ? round(similarities.reduce((a, b) => a + b, 0) / similarities.length) : null,
      similarityValues: similarities.length,
      distinctRate: distinct.length ? round(bootstrapMean(Float64Array.from(distinct), {resamples: 1000, seed: 5}).mean) : null,
      nonCodeFraction: nonCode.length ? round(nonCode.reduce((a, b) => a + b, 0) / nonCode.length) : null
    });
    const maxTurns = Math.max(...cell.map((t) => t.turns.length));
    for (let turn = 2; turn <= maxTurns; turn++) {
      const reached = cell.filter((t) => t.turns.length >= turn);
      const corrected = reached.filter((t) => t.turns[turn - 1]!.public.passed).length;
      const solved = reached.filter((t) => t.turns.length === turn && t.final.allPassed).length;
      selfCorrection.push({...base, turn, reached: reached.length, corrected, solved, rate: reached.length ? round(corrected / reached.length) : null, solvedRate: reached.length ? round(solved / reached.length) : null});
    }
  }
  return {passRows, diversity, selfCorrection};
}
