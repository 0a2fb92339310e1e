// Experiment definitions: what to run (problems × models × strategies × samples), validated before any request.
import {parseStrict, strictDeep} from "../config/strict.ts";
import {readdirSync} from "node:fs";
import {join} from "node:path";
import {pathToFileURL} from "node:url";
import {tsImport} from "tsx/esm/api";
import {z} from "zod";
import {projectRoot} from "../store/index.ts";
import {configCatalog, loadConfig, type RepromptConfig} from "../config/index.ts";
import {experimentFromConfig, withConfigProfiles} from "./profiles.ts";
import {parseStrategy, strategySchema, type Strategy} from "./strategy.ts";

const profileSchema = z.object({
  /** A dataset name from reprompt.config.js (`demo` is always available). */
  problems: z.object({
    source: z.string().min(1),
    ids: z.array(z.string()).min(1).optional(),
    difficulties: z.array(z.string()).min(1).optional(),
    limit: z.number().int().positive().optional()
  }),
  /** Model names from the config; "configured" = every configured model that is not the human baseline. */
  models: z.union([z.array(z.string().min(1)).min(1), z.literal("configured")]),
  strategies: z.array(strategySchema).min(1),
  /** Trajectories per (model, strategy, problem). */
  samples: z.number().int().positive(),
  seed: z.number().int().nonnegative().default(0),
  judge: z
    .object({mode: z.enum(["codecontests", "strict", "taco"]).default("codecontests"), timeFactor: z.number().positive().default(1)})
    .default({mode: "codecontests", timeFactor: 1}),
  /** Budgets the figure reports (the page shows those the samples can support). */
  k: z.array(z.number().int().positive()).optional(),
  nk: z.array(z.tuple([z.number().int().positive(), z.number().int().positive()])).optional()
});

/** The figure of experiments without a dedicated page (src/your-experiments.md). */
export const YOUR_EXPERIMENTS = "your-experiments";

/** Strict at every depth: a misspelt key in a definition is an error naming it (see config/strict.ts). */
export const experimentSchema = strictDeep(z.object({
  name: z.string().regex(/^[a-z0-9-]+$/, "lower-case letters, digits and '-'"),
  title: z.string().min(1),
  /** Which figure (page) this experiment feeds; without a page of its own, the generic "Your experiments". */
  figure: z.string().min(1).default(YOUR_EXPERIMENTS),
  description: z.string().default(""),
  /** The strategy id every other one is compared with on "Your experiments" (default: each profile's first). */
  baseline: z.string().min(1).optional(),
  profiles: z.record(z.string(), profileSchema).refine((p) => Object.keys(p).length > 0, "at least one profile")
}));

export type ExperimentInput = z.input<typeof experimentSchema>;
export type ProfileInput = z.input<typeof profileSchema>;
export type Profile = Omit<z.output<typeof profileSchema>, "strategies"> & {strategies: Strategy[]};
export interface Experiment {
  name: string;
  title: string;
  figure: string;
  description: string;
  baseline?: string;
  profiles: Record<string, Profile>;
  /** Where it is defined: an experiments/*.ts file, or `experiments` in reprompt.config.js. */
  source?: "file" | "config";
}

export class ExperimentError extends Error {
  override name = "ExperimentError";
}

/** Validates a definition; errors name the experiment and the field. */
export function parseExperiment(input: unknown, where: string): Experiment {
  const parsed = parseStrict(experimentSchema, input);
  if (!parsed.data) {
    const {problems} = parsed;
    throw new ExperimentError(problems.length === 1 ? `${where}: ${problems[0]}` : `${where}: ${problems.length} problems:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
  const profiles: Record<string, Profile> = {};
  for (const [name, profile] of Object.entries(parsed.data.profiles)) {
    profiles[name] = {...profile, strategies: profile.strategies.map((s) => parseStrategy(s))};
    for (const [n, k] of profile.nk ?? []) {
      if (n > k) throw new ExperimentError(`${where}: profiles.${name}.nk: ${n}@${k} submits more programs than it samples`);
    }
  }
  return {...parsed.data, profiles, source: "file"};
}

/** Identity helper for typed definitions in experiments/*.ts. */
export function defineExperiment(definition: ExperimentInput): ExperimentInput {
  return definition;
}

/** The experiment definitions: `experiments/`, or $REPROMPT_EXPERIMENTS (tests, private experiment sets). */
export const EXPERIMENTS_DIR = process.env.REPROMPT_EXPERIMENTS || join(projectRoot, "experiments");

export function experimentNames(dir = EXPERIMENTS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
    .map((f) => f.replace(/\.ts$/, ""))
    .sort();
}

/** Every experiment name: the files in `dir`, then reprompt.config.js's `experiments`. */
export function allExperimentNames(config: Pick<RepromptConfig, "experiments">, dir = EXPERIMENTS_DIR): string[] {
  return [...experimentNames(dir), ...(config.experiments ?? []).map((e) => e.name)];
}

/**
 * An experiment by name (file or config), with the config's profiles overlaid on its built-in ones, so
 * `--profile NAME` works for every experiment. `config` defaults to reprompt.config.js.
 */
export async function loadExperiment(name: string, dir = EXPERIMENTS_DIR, config?: RepromptConfig): Promise<Experiment> {
  const cfg = config ?? (await loadConfig());
  const names = allExperimentNames(cfg, dir);
  const fromConfig = (cfg.experiments ?? []).find((e) => e.name === name);
  if (fromConfig && experimentNames(dir).includes(name)) throw new ExperimentError(`reprompt.config.js: field \`experiments\`: "${name}" is also a file in ${dir}; rename one`);
  if (fromConfig) return withConfigProfiles(experimentFromConfig(fromConfig, configCatalog(cfg)), cfg, names);
  if (!names.includes(name)) throw new ExperimentError(`no experiment "${name}" in ${dir} or reprompt.config.js (available: ${names.join(", ")})`);
  return withConfigProfiles(await loadExperimentFile(name, dir), cfg, names);
}

/** An experiments/*.ts definition as written (no config profiles). */
export async function loadExperimentFile(name: string, dir = EXPERIMENTS_DIR): Promise<Experiment> {
  const file = join(dir, `${name}.ts`);
  // tsImport, not import(): a definitions folder outside the project has no package.json saying "module".
  const module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as {default?: {default?: unknown} | unknown};
  const definition = (module.default as {default?: unknown} | undefined)?.default ?? module.default;
  const experiment = parseExperiment(definition, file);
  if (experiment.name !== name) throw new ExperimentError(`${file}: name: "${experiment.name}" must match the file name "${name}"`);
  return experiment;
}

export function profileOf(experiment: Experiment, profile: string): Profile {
  const found = experiment.profiles[profile];
  if (!found) throw new ExperimentError(`experiment ${experiment.name} has no profile "${profile}" (available: ${Object.keys(experiment.profiles).join(", ")})`);
  return found;
}
