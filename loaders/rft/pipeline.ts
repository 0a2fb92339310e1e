// The RFT build: generate → filter → split → near-dedup → strip CoT prompts → decontaminate → export, every stage counted.
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {HUMAN_MODEL, type ModelBackend} from "../backends/index.ts";
import {loadConfig, type ModelConfig, type RepromptConfig} from "../config/index.ts";
import {loadSource, problemRef, type Problem, type StoredProblem} from "../datasets/index.ts";
import {cachedJudge, EXECUTION_ENGINE_VERSION, limitsFor, SandboxPool, selectTests, type ExecutionResult, type JudgeRequest} from "../execution/index.ts";
import {executionKeyMaterial} from "../execution/cache.ts";
import {normaliseProgram} from "../metrics/index.ts";
import {catalogVersion} from "../prompts/index.ts";
import {openDefaultStore, projectRoot, type Store} from "../store/index.ts";
import {loadExperiment, profileOf, type Experiment} from "../trajectories/experiment.ts";
import type {ProgressSink} from "../trajectories/progress.ts";
import {runExperiment} from "../trajectories/run.ts";
import {TRAJECTORY_ENGINE_VERSION, type TrajectoryRecord} from "../trajectories/trajectory.ts";
import {cotPromptLeftovers, RftError, trajectoryConversation} from "./conversation.ts";
import {decontaminate, type DecontaminationResult, type TrainingProblem} from "./decontaminate.ts";
import {demoEvalProblems, DEMO_EVAL_TRUTH} from "./demoEval.ts";
import {cachedEmbedder, createEmbedder, type EmbeddingOptions, type StatementEmbedder} from "./embeddings.ts";
import {APPROX_TOKENS, conversationTokens, EXPORT_FILES, STUDY_TRAINING, trainerConfigYaml, type ChatExample, type TokenCounter} from "./export.ts";
import {rftProfileFor, rftProfileNames, type RftProfile} from "./profiles.ts";
import {countStage, dedupPerProblem, finalCode, passedAll, splitOf, stripEntries, type DedupSummary, type Entry, type Split, type StageCount} from "./stages.ts";

/** Bumped when a stage changes meaning, so stored build records of the old logic are not mistaken for new ones. */
export const RFT_ENGINE_VERSION = "rft-1";

export interface RftBuildOptions {
  profile: string;
  /** How statements are embedded (or a ready embedder, e.g. a test stub). */
  embeddings: EmbeddingOptions | StatementEmbedder;
  store?: Store;
  config?: RepromptConfig;
  pool?: SandboxPool;
  lanes?: number;
  progress?: ProgressSink;
  /** One line per stage (stderr in the CLI). */
  log?: (line: string) => void;
  backendFor?: (model: ModelConfig) => Promise<ModelBackend>;
  /** The generating model when the profile runs configured models: default the one with role "base". */
  model?: string;
  /** Overrides for tests: the generation definition, the evaluation set, profile fields, the token counter. */
  experiment?: Experiment;
  evalProblems?: Problem[];
  profileOverrides?: Partial<RftProfile>;
  tokenCounter?: TokenCounter;
  now?: () => Date;
}

export interface RftDataCard {
  name: string;
  profile: string;
  builtAt: string;
  engine: {rft: string; trajectory: string; execution: string; prompts: string; reprompt: string};
  sources: {training: {dataset: string; problems: number}; evaluation: {name: string; problems: number; description: string}};
  generation: {experiment: string; profile: string; runKey: string; models: Array<{name: string; label: string; description: string; nullBaseline: boolean}>; strategies: string[]; samples: number; seed: number; trajectories: number};
  stages: StageCount[];
  dedup: {unit: string; shingleSize: number; permutations: number; bands: number; rows: number; threshold: number; verify: boolean; seed: number; maxPerProblem: number; perSplit: Record<Split, DedupSummary>};
  strip: {removed: Record<string, number>; replacedWith: string; leftovers: number};
  decontamination: DecontaminationResult & {removedEntries: Record<Split, number>; truth: Array<{eval: string; of: string | null; expect: string; outcome: string}> | null};
  tokens: {counter: string};
  seeds: {generation: number; minhash: number; cap: number};
  files: typeof EXPORT_FILES;
  training: typeof STUDY_TRAINING & {note: string};
}

export interface RftBuild {
  card: RftDataCard;
  train: ChatExample[];
  singleTurn: ChatExample[];
  trainerConfig: string;
}

function repromptVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as {version: string}).version;
}

/** Which model generates the data when the profile runs "configured" models (never the fine-tuned one). */
export function generatorModel(config: RepromptConfig, requested?: string): string {
  const models = config.models.filter((m) => m.backend !== "human");
  if (requested) {
    if (![...config.models, HUMAN_MODEL].some((m) => m.name === requested)) throw new RftError(`--model: no model named "${requested}" in reprompt.config.js (configured: ${models.map((m) => m.name).join(", ") || "none"})`);
    return requested;
  }
  const base = models.filter((m) => m.role === "base");
  if (base.length === 1) return base[0]!.name;
  const candidates = models.filter((m) => m.role !== "finetuned");
  if (candidates.length === 1) return candidates[0]!.name;
  throw new RftError(
    candidates.length === 0
      ? 'rft build: this profile generates with your configured model, and reprompt.config.js has none; add one under `models` (with role: "base") or pass --model NAME'
      : `rft build: several configured models could generate the data (${candidates.map((m) => m.name).join(", ")}); mark one role: "base" or pass --model NAME`
  );
}

/** Runs (or resumes) the whole build; every expensive step goes through the store, so a re-run redoes nothing. */
export async function buildRft(options: RftBuildOptions): Promise<RftBuild> {
  const config = options.config ?? (await loadConfig());
  const base = rftProfileFor(options.profile, config);
  if (!base) throw new RftError(`rft build: no profile "${options.profile}" (available: ${rftProfileNames(config).join(", ")}; a config profile needs \`rft: {training, evaluation}\`)`);
  const profile: RftProfile = {...base, ...options.profileOverrides};
  const log = options.log ?? (() => {});
  const counter = options.tokenCounter ?? APPROX_TOKENS;
  const store = options.store ?? openDefaultStore();
  const now = options.now ?? (() => new Date());
  let pool: Promise<SandboxPool> | null = options.pool ? Promise.resolve(options.pool) : null;
  let embedder: StatementEmbedder | null = null;
  try {
    // Resolve the embedding backend first: a missing one should fail before any generation work.
    embedder = "vectors" in options.embeddings ? options.embeddings : await createEmbedder(options.embeddings);

    // 1. Generate.
    const experiment = options.experiment ?? (await loadExperiment(profile.generation.experiment, undefined, config));
    const profiled = profileOf(experiment, profile.generation.profile);
    // The profile's training split replaces the generation profile's problems (a config profile's `rft.training`).
    const genProfile = profile.generation.dataset ? {...profiled, problems: {source: profile.generation.dataset}} : profiled;
    const model = options.model ?? profile.generation.model;
    const runnable: Experiment =
      genProfile.models === "configured" || model || genProfile !== profiled
        ? {...experiment, profiles: {...experiment.profiles, [profile.generation.profile]: {...genProfile, models: genProfile.models === "configured" || model ? [generatorModel(config, model)] : genProfile.models}}}
        : experiment;
    const run = await runExperiment(runnable, {profile: profile.generation.profile, store, config, pool: options.pool, lanes: options.lanes, progress: options.progress, backendFor: options.backendFor});
    const problems = new Map(run.record.problemKeys.map((key) => [key, store.get<StoredProblem>("problem", key)!.problem]));
    const generated: Entry[] = run.trajectoryKeys.map((key) => {
      const trajectory = store.get<TrajectoryRecord>("trajectory", key);
      if (!trajectory) throw new RftError(`trajectory ${key} of run ${run.runKey} is missing from the store`);
      return {key, trajectory, problemKey: trajectory.problemKey, messages: trajectoryConversation(store, trajectory), stripped: []};
    });
    const stages: StageCount[] = [countStage("generated", "all", generated, counter)];
    log(`generate: ${generated.length} trajectories on ${problems.size} problems (run ${run.runKey.slice(0, 12)})`);

    // 2. Filter, 3. split.
    const passed = passedAll(generated);
    stages.push(countStage("passed all tests", "all", passed, counter));
    const bySplit = (entries: Entry[], split: Split) => entries.filter((e) => splitOf(e) === split);
    const splits: Split[] = ["single-turn", "multi-turn"];
    for (const split of splits) stages.push(countStage("split", split, bySplit(passed, split), counter));
    log(`filter: ${passed.length} of ${generated.length} trajectories pass all tests (${bySplit(passed, "single-turn").length} single-turn, ${bySplit(passed, "multi-turn").length} multi-turn)`);

    // 4. Near-dedup within each problem and split.
    const perSplit = {} as Record<Split, DedupSummary>;
    const deduped = {} as Record<Split, Entry[]>;
    for (const split of splits) {
      const {kept, summary} = dedupPerProblem(bySplit(passed, split), profile.dedup, profile.maxPerProblem, profile.seed);
      deduped[split] = kept;
      perSplit[split] = summary;
      stages.push(countStage("near-dedup", split, kept, counter));
    }
    log(`near-dedup: kept ${deduped["single-turn"].length} single-turn and ${deduped["multi-turn"].length} multi-turn trajectories`);

    // 5. Strip CoT prompts.
    const stripped = {} as Record<Split, Entry[]>;
    const removedPrompts: Record<string, number> = {};
    for (const split of splits) {
      const result = stripEntries(deduped[split]);
      stripped[split] = result.entries;
      for (const [id, n] of Object.entries(result.removed)) removedPrompts[id] = (removedPrompts[id] ?? 0) + n;
      stages.push(countStage("CoT prompts stripped", split, result.entries, counter));
    }
    const leftovers = splits.flatMap((s) => stripped[s]).filter((e) => cotPromptLeftovers(e.messages).length > 0).length;
    if (leftovers) throw new RftError(`strip: ${leftovers} conversations still contain a reasoning/retry prompt of the catalog`);
    log(`strip: removed ${Object.entries(removedPrompts).map(([id, n]) => `${id} ×${n}`).join(", ") || "no prompts"}`);

    // 6. Decontaminate.
    const evalSet = options.evalProblems ?? (await evaluationSet(profile, config, [...problems.values()]));
    const solutionsOf = new Map<string, string[]>();
    for (const e of passed) {
      const list = solutionsOf.get(e.problemKey) ?? [];
      const code = finalCode(e);
      if (code && !list.some((c) => normaliseProgram(c) === normaliseProgram(code))) list.push(code);
      solutionsOf.set(e.problemKey, list);
    }
    const inData = new Set(splits.flatMap((s) => stripped[s]).map((e) => e.problemKey));
    const training: TrainingProblem[] = run.record.problemKeys.filter((k) => inData.has(k)).map((key) => ({key, problem: problems.get(key)!, solutions: solutionsOf.get(key) ?? []}));
    const timeFactor = genProfile.judge.timeFactor;
    const mode = genProfile.judge.mode;
    const judge = async (problem: Problem, code: string): Promise<string> => {
      const {tests, firstIndex} = selectTests(problem, "all");
      const request: JudgeRequest = {code, ioMode: problem.ioMode, fnName: problem.fnName, tests, firstIndex, limits: limitsFor(problem, {timeFactor}), mode, stopOnFailure: true, capture: "none"};
      const stored = store.get<ExecutionResult>("execution", store.key("execution", executionKeyMaterial(request)));
      if (stored) return stored.verdict;
      pool ??= SandboxPool.start({lanes: options.lanes, log: () => {}});
      return (await cachedJudge(store, await pool, request)).result.verdict;
    };
    const onPair = (done: number, total: number) => {
      if (done === total || done % 25 === 0) log(`decontaminate: cross-tested ${done}/${total} flagged pairs`);
    };
    log(`decontaminate: embedding ${training.length} training and ${evalSet.length} evaluation statements (${embedder.description})`);
    const contamination = await decontaminate(training, evalSet, cachedEmbedder(store, embedder), {judge, onPair}, {crossTestPrograms: profile.crossTestPrograms});
    const removed = new Set(contamination.removed);
    const final = {} as Record<Split, Entry[]>;
    const removedEntries = {} as Record<Split, number>;
    for (const split of splits) {
      final[split] = stripped[split].filter((e) => !removed.has(e.problemKey));
      removedEntries[split] = stripped[split].length - final[split].length;
      stages.push(countStage("decontaminated", split, final[split], counter));
    }
    log(
      `decontaminate (${embedder.description}): ${contamination.pairs.length} flagged pairs of ${contamination.comparedPairs}, ` +
        `${removed.size} problems removed (${removedEntries["single-turn"]} single-turn, ${removedEntries["multi-turn"]} multi-turn entries)`
    );

    // 7. Export (in memory; the CLI writes the files).
    const toExample = (e: Entry, split: Split): ChatExample => ({
      messages: e.messages,
      id: e.key,
      problem: e.trajectory.problem,
      problem_key: e.problemKey,
      split,
      turns: e.trajectory.turns.length,
      model: e.trajectory.model,
      strategy: e.trajectory.strategyId,
      stripped_prompts: e.stripped,
      tokens: conversationTokens(e.messages, counter)
    });
    const models = run.record.models.map((m) => ({name: m.name, label: m.label, description: m.description, nullBaseline: m.nullBaseline}));
    // The model to fine-tune is the one that generated the data; the human baseline is not a model.
    const generator = run.record.models[0];
    const generatorEntry = generator && !generator.nullBaseline ? config.models.find((m) => m.name === generator.name) : undefined;
    const baseModel = generatorEntry && generatorEntry.backend !== "human" ? generatorEntry.model : null;
    const card: RftDataCard = {
      name: `reprompt RFT data (${options.profile})`,
      profile: options.profile,
      builtAt: now().toISOString(),
      engine: {rft: RFT_ENGINE_VERSION, trajectory: TRAJECTORY_ENGINE_VERSION, execution: EXECUTION_ENGINE_VERSION, prompts: catalogVersion(), reprompt: repromptVersion()},
      sources: {
        training: {dataset: run.record.dataset, problems: problems.size},
        evaluation: {name: profile.evaluation.kind === "dataset" ? profile.evaluation.name : "planted-demo", problems: evalSet.length, description: profile.evaluation.description}
      },
      generation: {experiment: experiment.name, profile: profile.generation.profile, runKey: run.runKey, models, strategies: run.record.strategies, samples: run.record.samples, seed: run.record.seed, trajectories: run.record.trajectories},
      stages,
      dedup: {unit: "final program of each trajectory, comments and blank lines removed", ...profile.dedup, maxPerProblem: profile.maxPerProblem, perSplit},
      strip: {removed: removedPrompts, replacedWith: "retry-plain (the neutral re-prompt of plain multi-turn)", leftovers},
      decontamination: {...contamination, removedEntries, truth: profile.evaluation.kind === "planted-demo" ? plantedOutcomes(contamination) : null},
      tokens: {counter: counter.name},
      seeds: {generation: run.record.seed, minhash: profile.dedup.seed, cap: profile.seed},
      files: EXPORT_FILES,
      training: {...STUDY_TRAINING, note: "the study's hyperparameters, written to trainer-config.yaml as a starting point; reprompt does not train"}
    };
    store.put("rft_build", {engine: RFT_ENGINE_VERSION, profile: options.profile, run: run.runKey, params: profile, embedder: embedder.identity, counter: counter.name, eval: evalSet.map(problemRef)}, card);
    return {
      card,
      train: final["multi-turn"].map((e) => toExample(e, "multi-turn")),
      singleTurn: final["single-turn"].map((e) => toExample(e, "single-turn")),
      trainerConfig: trainerConfigYaml({baseModel, seed: profile.seed})
    };
  } finally {
    await embedder?.close();
    if (pool && !options.pool) await (await pool).close();
    if (!options.store) store.close();
  }
}

async function evaluationSet(profile: RftProfile, config: RepromptConfig, trainingProblems: Problem[]): Promise<Problem[]> {
  if (profile.evaluation.kind === "planted-demo") return demoEvalProblems(trainingProblems);
  const name = profile.evaluation.name;
  const source = config.datasets.find((d) => d.name === name);
  if (!source) {
    throw new RftError(
      `rft build: the evaluation set "${name}" is not in reprompt.config.js (configured: ${config.datasets.map((d) => d.name).join(", ")}); ` +
        `add it under \`datasets\`, e.g. {kind: "taco", name: "${name}", path: "data/taco/test-*.parquet", split: "test"}`
    );
  }
  return loadSource(source);
}

/** The demo's planted truth beside what the build decided, so a miss shows instead of hiding. */
function plantedOutcomes(result: DecontaminationResult): RftDataCard["decontamination"]["truth"] {
  return DEMO_EVAL_TRUTH.map((t) => {
    const ref = `rft-demo-eval/${t.id}`;
    const pair = result.pairs.find((p) => p.eval === ref && (t.of === null || p.train.endsWith(`/${t.of}`)));
    const outcome = pair ? pair.decision : result.pairs.some((p) => p.eval === ref) ? "flagged with another problem" : "not flagged";
    return {eval: ref, of: t.of, expect: t.expect, outcome};
  });
}
