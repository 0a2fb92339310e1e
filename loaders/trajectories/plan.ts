// What a run of one experiment profile consists of (problems × models × strategies × samples), resolved before any request.
import {createBackend, HUMAN_MODEL, type ModelBackend} from "../backends/index.ts";
import {configCatalog, type ModelConfig, type RepromptConfig} from "../config/index.ts";
import {DEMO_SOURCE, hasPublicTests, loadSourceReport, storeProblems, type DatasetSource, type Problem} from "../datasets/index.ts";
import {limitsFor} from "../execution/index.ts";
import type {PromptEntry} from "../prompts/index.ts";
import type {Store} from "../store/index.ts";
import {ExperimentError, profileOf, type Experiment, type Profile} from "./experiment.ts";
import {samplingFor} from "./sampling.ts";
import {checkStrategy, maxTurnsOf, strategyId} from "./strategy.ts";
import {trajectoryKeyMaterial, type TrajectorySpec} from "./trajectory.ts";

export function resolveSource(profile: Profile, config: RepromptConfig, where: string): DatasetSource {
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

export function selectProblems(problems: Problem[], profile: Profile, where: string): Problem[] {
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

/**
 * Multi-turn feedback and n@k's choice of submissions run the public tests. A profile that needs them (a
 * strategy with more than one turn, or pass n@k budgets) leaves out problems without public tests and counts
 * them, rather than turning them into single-turn problems or problems with no candidate.
 */
export function withPublicTestsIfNeeded(problems: Problem[], profile: Profile, skipped: Record<string, number>): Problem[] {
  const needsPublic = profile.strategies.some((s) => maxTurnsOf(s) > 1) || (profile.nk?.length ?? 0) > 0;
  if (!needsPublic) return problems;
  const kept = problems.filter(hasPublicTests);
  if (kept.length < problems.length) skipped.no_public_tests = (skipped.no_public_tests ?? 0) + problems.length - kept.length;
  return kept;
}

/** Everything a profile names, checked (prompts included): what a dry run reports and a run does. */
export interface ResolvedProfile {
  where: string;
  profile: Profile;
  source: DatasetSource;
  modelConfigs: ModelConfig[];
  problems: Problem[];
  /** Problems of the dataset left out, by reason (`no_hidden_tests`, `no_public_tests`, the readers' own). */
  skipped: Record<string, number>;
  catalog: readonly PromptEntry[];
}

export async function resolveProfile(experiment: Experiment, profileName: string, config: RepromptConfig): Promise<ResolvedProfile> {
  const where = `experiment ${experiment.name}, profile ${profileName}`;
  const profile = profileOf(experiment, profileName);
  const catalog = configCatalog(config);
  profile.strategies.forEach((s, i) =>
    checkStrategy(s, catalog, (message) => {
      throw new ExperimentError(`${where}: field \`strategies[${i}]\` (${strategyId(s)}): ${message}`);
    })
  );
  const source = resolveSource(profile, config, where);
  const modelConfigs = resolveModels(profile, config, where);
  const load = await loadSourceReport(source);
  const skipped = {...load.skipped};
  const problems = selectProblems(withPublicTestsIfNeeded(load.problems, profile, skipped), profile, where);
  return {where, profile, source, modelConfigs, problems, skipped, catalog};
}

export interface PlannedUnit {
  spec: TrajectorySpec;
  key: string;
}

/** A resolved profile with its backends built and every trajectory keyed (none run yet). */
export interface PreparedRun extends ResolvedProfile {
  problemKeys: string[];
  backends: ModelBackend[];
  units: PlannedUnit[];
  missing: PlannedUnit[];
}

/** Stores the problems, builds the backends (no request is sent) and plans every trajectory. Close the backends after. */
export async function prepareRun(
  resolved: ResolvedProfile,
  store: Store,
  backendFor: (model: ModelConfig) => Promise<ModelBackend> = createBackend
): Promise<PreparedRun> {
  const {profile, problems, modelConfigs, source, catalog} = resolved;
  const problemKeys = storeProblems(store, source.name, problems).keys;
  const backends: ModelBackend[] = [];
  const prepared: PreparedRun = {...resolved, problemKeys, backends, units: [], missing: []};
  try {
    for (const model of modelConfigs) backends.push(await backendFor(model));
  } catch (error) {
    for (const backend of backends) await backend.close();
    throw error;
  }
  for (const [m, backend] of backends.entries()) {
    const sampling = samplingFor(modelConfigs[m], profile.seed);
    for (const strategy of profile.strategies) {
      for (const [p, problem] of problems.entries()) {
        const limits = limitsFor(problem, {timeFactor: profile.judge.timeFactor});
        for (let index = 0; index < profile.samples; index++) {
          const spec: TrajectorySpec = {problem, problemKey: problemKeys[p], strategy, index, backend, model: modelConfigs[m].name, sampling, limits, mode: profile.judge.mode, catalog};
          prepared.units.push({spec, key: store.key("trajectory", trajectoryKeyMaterial(spec))});
        }
      }
    }
  }
  prepared.missing = prepared.units.filter((u) => !store.has("trajectory", u.key));
  return prepared;
}
