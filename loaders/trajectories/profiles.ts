// Profiles as data: reprompt.config.js's `profiles` overlaid on an experiment's built-in demo/paper, and config experiments.
import type {RepromptConfig, UserExperiment, UserProfile} from "../config/index.ts";
import {catalogWith, type PromptEntry} from "../prompts/index.ts";
import {ExperimentError, YOUR_EXPERIMENTS, type Experiment, type Profile} from "./experiment.ts";
import {parseStrategyId, type Strategy} from "./strategy.ts";

/** The study's pass n@k grid and budgets (as in experiments/_grid.ts, which the engine does not import). */
const NK_PAPER: Array<[number, number]> = [
  [1, 3],
  [10, 30],
  [33, 100],
  [100, 300]
];

/**
 * One config profile over a built-in one: only the fields the config gives change. `maxTurns` caps every
 * multi-turn strategy (CoT-retry at most 3, its schedule's length); `strategies[experiment]` replaces the list.
 */
export function overlayProfile(experimentName: string, base: Profile, user: UserProfile, catalog: readonly PromptEntry[], where: string): Profile {
  let strategies: Strategy[] = base.strategies;
  const ids = user.strategies?.[experimentName];
  if (ids) {
    strategies = ids.map((id, i) => {
      try {
        return parseStrategyId(id, catalog);
      } catch (error) {
        throw new ExperimentError(`${where}: field \`strategies.${experimentName}[${i}]\`: ${(error as Error).message}`);
      }
    });
  }
  if (user.maxTurns !== undefined) {
    const turns = user.maxTurns;
    strategies = strategies.map((s) => (s.kind === "single" ? s : {...s, maxTurns: s.kind === "cot-retry" ? Math.min(turns, 3) : turns}));
  }
  const difficulty = user.problems?.difficulty;
  const sourceChanged = user.dataset !== undefined && user.dataset !== base.problems.source;
  return {
    ...base,
    // A new dataset drops the base's problem ids and difficulties: they name another dataset's problems.
    problems: {
      ...(sourceChanged ? {source: user.dataset!} : base.problems),
      ...(user.problems?.limit !== undefined ? {limit: user.problems.limit} : {}),
      ...(user.problems?.ids ? {ids: user.problems.ids} : {}),
      ...(difficulty !== undefined ? {difficulties: Array.isArray(difficulty) ? difficulty : [difficulty]} : {})
    },
    models: user.models ?? base.models,
    strategies,
    samples: user.samples ?? base.samples,
    seed: user.seed ?? base.seed,
    k: user.k ?? base.k,
    nk: user.nk ?? base.nk
  };
}

/** The experiment with every config profile added (a config profile named like a built-in one replaces it). */
export function withConfigProfiles(experiment: Experiment, config: Pick<RepromptConfig, "profiles" | "prompts">, knownExperiments: readonly string[]): Experiment {
  const profiles = {...experiment.profiles};
  const catalog = catalogWith(config.prompts ?? []);
  for (const [name, user] of Object.entries(config.profiles ?? {})) {
    const where = `reprompt.config.js: profiles.${name}`;
    for (const key of Object.keys(user.strategies ?? {})) {
      if (!knownExperiments.includes(key)) throw new ExperimentError(`${where}: field \`strategies.${key}\`: no experiment named "${key}" (available: ${knownExperiments.join(", ")})`);
    }
    const base = experiment.profiles[user.extends];
    if (!base) continue; // an experiment without that built-in profile cannot run this one (profileOf says so)
    profiles[name] = overlayProfile(experiment.name, base, user, catalog, where);
  }
  return {...experiment, profiles};
}

/**
 * A config experiment as a definition: its strategies under the built-in demo profile (human baseline on the
 * demo benchmark, small budgets) and paper profile (your configured models, CodeContests test, the study's budgets).
 */
export function experimentFromConfig(e: UserExperiment, catalog: readonly PromptEntry[]): Experiment {
  const where = `reprompt.config.js: experiment ${e.name}`;
  const strategies = e.strategies.map((id, i) => {
    try {
      return parseStrategyId(id, catalog);
    } catch (error) {
      throw new ExperimentError(`${where}: field \`strategies[${i}]\`: ${(error as Error).message}`);
    }
  });
  const judge = {mode: "codecontests" as const, timeFactor: 1};
  const budgets = (demo: boolean) => (e.kind === "single" ? {k: demo ? [1, 10] : [1, 10, 100]} : {nk: demo ? NK_PAPER.slice(0, 2) : NK_PAPER});
  return {
    name: e.name,
    title: e.title,
    figure: YOUR_EXPERIMENTS,
    description: e.description,
    baseline: e.baseline ?? e.strategies[0],
    source: "config",
    profiles: {
      demo: {problems: {source: "demo"}, models: ["human"], strategies, samples: e.kind === "single" ? 10 : 30, seed: 0, judge, ...budgets(true)},
      paper: {problems: {source: "codecontests-test"}, models: "configured", strategies, samples: 200, seed: 0, judge, ...budgets(false)}
    }
  };
}
