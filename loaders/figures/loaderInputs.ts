// What a figure loader's output was computed from (profile, models, datasets, budgets, engine), as one digest.
import {createHash} from "node:crypto";
import {existsSync, readdirSync, readFileSync, statSync} from "node:fs";
import {basename, dirname, join, relative} from "node:path";
import {loadConfig, type ModelConfig, type RepromptConfig} from "../config/index.ts";
import {isRemotePath, resolveProjectPath, type DatasetSource} from "../datasets/index.ts";
import {EXECUTION_ENGINE_VERSION} from "../execution/index.ts";
import {canonicalJson, projectRoot} from "../store/index.ts";
import {allExperimentNames, loadExperiment, type Experiment} from "../trajectories/experiment.ts";
import {resolveModels, resolveSource} from "../trajectories/run.ts";
import {TRAJECTORY_ENGINE_VERSION} from "../trajectories/trajectory.ts";

export const DATA_DIR = join(projectRoot, "src", "data");
export const CACHE_DIR = join(projectRoot, "src", ".observablehq", "cache", "data");

/** Loaders that read experiments other than the one named like them (the rest read `figure === their name`). */
const EXTRA_EXPERIMENTS: Record<string, string[]> = {
  calibration: ["single-turn-grid"],
  explorer: ["feedback-granularity", "cot-retry"]
};

/** One experiment a loader reads, for one profile: what it resolves to, or why it cannot run. */
export interface ExperimentInputs {
  name: string;
  /** False when the experiment has no such profile (the page says so). */
  hasProfile: boolean;
  dataset: string | null;
  models: Array<{name: string; label: string; nullBaseline: boolean}>;
  /** Why this profile cannot run here (dataset not configured or missing, model unknown), if it cannot. */
  problems: string[];
  /** What the page shows instead of a result (e.g. RFT before/after without a fine-tuned model): not an error. */
  notes: string[];
}

/** The summary a loader's output carries and `reprompt figure` lists. */
export interface LoaderInputs {
  loader: string;
  profile: string;
  digest: string;
  experiments: ExperimentInputs[];
}

/** Output file names of the figure loaders (`single-turn-grid.json`, `explorer.parquet`, …). */
export function loaderOutputs(): string[] {
  return readdirSync(DATA_DIR)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.replace(/\.ts$/, ""))
    .sort();
}

function figureOf(output: string): string {
  return output.replace(/\.(json|parquet|csv|arrow)$/, "");
}

/** The experiments a loader reads. */
export function experimentsOf(output: string, experiments: readonly Experiment[]): string[] {
  const figure = figureOf(output);
  return EXTRA_EXPERIMENTS[figure] ?? experiments.filter((e) => e.figure === figure).map((e) => e.name);
}

/** Hash of every file under `dir` (path and bytes): the engine's code, so an engine change recomputes figures. */
function treeHash(dir: string, hash = createHash("sha256")): ReturnType<typeof createHash> {
  for (const entry of readdirSync(dir, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "__pycache__" && entry.name !== "node_modules") treeHash(path, hash);
    } else if (entry.isFile()) {
      hash.update(relative(projectRoot, path)).update("\0").update(readFileSync(path)).update("\0");
    }
  }
  return hash;
}

let engineHash: string | null = null;

/** The engine's code hash, once per process (a build step or a loader is short-lived; the code does not move under it). */
function engineCodeHash(): string {
  engineHash ??= treeHash(join(projectRoot, "loaders")).digest("hex");
  return engineHash;
}

/** What identifies a dataset's data: local files by size and modification time (globs: every match). */
function datasetFiles(source: DatasetSource): unknown {
  const path = resolveProjectPath(source.path);
  if (isRemotePath(path)) return {remote: path};
  if (!/[*?[]/.test(basename(path))) return existsSync(path) ? fileStamp(path) : {missing: path};
  const dir = dirname(path);
  if (!existsSync(dir)) return {missing: path};
  const pattern = new RegExp(`^${basename(path).replace(/[.+^${}()|\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".")}$`);
  const matches = readdirSync(dir).filter((f) => pattern.test(f)).sort();
  return matches.length ? matches.map((f) => ({file: f, ...fileStamp(join(dir, f))})) : {missing: path};
}

function fileStamp(path: string): {size: number; mtimeMs: number} {
  const s = statSync(path);
  return {size: s.size, mtimeMs: s.mtimeMs};
}

function missingFile(stamp: unknown): string | null {
  return stamp && typeof stamp === "object" && "missing" in stamp ? String((stamp as {missing: string}).missing) : null;
}

/** The local model file a `llama` entry needs (an `hf:` reference is fetched when asked, so not checked here). */
function modelFileProblem(model: ModelConfig): string | null {
  if (model.backend !== "llama" || model.model.startsWith("hf:")) return null;
  const path = resolveProjectPath(model.model);
  return existsSync(path) ? null : `model "${model.name}": model file ${path} does not exist (npx reprompt models pull …)`;
}

export interface InputsContext {
  config?: RepromptConfig;
  experiments?: Experiment[];
}

/** Every experiment definition (the loaders' inputs), loaded once per context. */
export async function allExperiments(config?: RepromptConfig): Promise<Experiment[]> {
  const resolved = config ?? (await loadConfig());
  return Promise.all(allExperimentNames(resolved).map((name) => loadExperiment(name, undefined, resolved)));
}

/**
 * The inputs of one loader's output for a profile, and their digest: the profile's definition in each
 * experiment the loader reads, the models it resolves to (config entries: backend, URL, model, revision,
 * sampling), the datasets (config entry and file stamps), the whole config, and the engine (its version
 * strings and the hash of its code and of the loader's own file). Equal digests mean equal inputs.
 */
export async function loaderInputs(output: string, profile: string, context: InputsContext = {}): Promise<LoaderInputs> {
  const config = context.config ?? (await loadConfig());
  const experiments = context.experiments ?? (await allExperiments(config));
  const material: Record<string, unknown> = {};
  const summaries: ExperimentInputs[] = [];
  for (const name of experimentsOf(output, experiments)) {
    const experiment = experiments.find((e) => e.name === name);
    const definition = experiment?.profiles[profile];
    if (!experiment || !definition) {
      summaries.push({name, hasProfile: false, dataset: null, models: [], problems: [], notes: []});
      material[name] = null;
      continue;
    }
    const where = `experiment ${name}, profile ${profile}`;
    const problems: string[] = [];
    let source: DatasetSource | null = null;
    let models: ModelConfig[] = [];
    try {
      source = resolveSource(definition, config, where);
    } catch (error) {
      problems.push((error as Error).message);
    }
    const notes: string[] = [];
    try {
      models = resolveModels(definition, config, where);
    } catch (error) {
      // Before/after without a base and a fine-tuned model shows how to add them (a page, not a failure).
      (name === "rft-before-after" ? notes : problems).push((error as Error).message);
    }
    const files = source ? datasetFiles(source) : null;
    const missing = missingFile(files);
    if (source && missing) problems.push(`${where}: dataset "${source.name}": ${missing} does not exist (see README, "Run the paper profile")`);
    for (const model of models) {
      const problem = modelFileProblem(model);
      if (problem) problems.push(`${where}: ${problem}`);
    }
    // RFT data beyond the demo is built by `reprompt rft build`; the page shows the latest stored build or says how.
    // Before/after without its two models shows how to add them and reads nothing else.
    const advisory = (name === "rft-generate" && profile !== "demo") || (name === "rft-before-after" && notes.length > 0);
    summaries.push({
      name,
      hasProfile: true,
      dataset: source?.name ?? null,
      models: models.map((m) => ({name: m.name, label: m.label ?? m.name, nullBaseline: m.backend === "human"})),
      problems: advisory ? [] : problems,
      notes: advisory ? [...notes, ...problems] : notes
    });
    material[name] = {profile: definition, source, files, models};
  }
  const loaderFile = join(DATA_DIR, `${output}.ts`);
  const engine = createHash("sha256")
    .update(engineCodeHash())
    .update(existsSync(loaderFile) ? readFileSync(loaderFile) : "")
    .update(TRAJECTORY_ENGINE_VERSION)
    .update(EXECUTION_ENGINE_VERSION)
    .digest("hex");
  const digest = createHash("sha256")
    .update(canonicalJson({output, profile, experiments: material, config, engine}))
    .digest("hex")
    .slice(0, 32);
  return {loader: output, profile, digest, experiments: summaries};
}

/**
 * Every problem that stops the profile from running for these loaders (empty: it can run). A page that reads
 * several experiments (calibration, explorer) says on the page which ones lack the profile; a figure whose
 * only experiment lacks it cannot be built for that profile.
 */
export function cannotRun(inputs: readonly LoaderInputs[]): string[] {
  const problems = inputs.flatMap((i) => i.experiments.flatMap((e) => e.problems));
  for (const i of inputs) {
    if (figureOf(i.loader) in EXTRA_EXPERIMENTS || i.experiments.length === 0) continue;
    for (const e of i.experiments.filter((x) => !x.hasProfile)) problems.push(`figure ${figureOf(i.loader)}: experiment ${e.name} has no profile "${i.profile}"`);
  }
  return [...new Set(problems)];
}
