// Reads and validates reprompt.config.js (or $REPROMPT_CONFIG); errors name the file and the field.
import {existsSync} from "node:fs";
import {join, resolve} from "node:path";
import {pathToFileURL} from "node:url";
import {tsImport} from "tsx/esm/api";
import {projectRoot} from "../store/index.ts";
import {configSchema, type RepromptConfig} from "./schema.ts";
import {primaryBaseURL} from "../backends/replicas.ts";
import {parseStrict} from "./strict.ts";
import {checkStudy} from "./studyCheck.ts";

export type {ModelConfig, RepromptConfig, RepromptConfigInput} from "./schema.ts";
export type {Price, UserExperiment, UserProfile, UserPrompt} from "./study.ts";
export {configCatalog} from "./studyCheck.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.REPROMPT_CONFIG ? resolve(env.REPROMPT_CONFIG) : join(projectRoot, "reprompt.config.js");
}

/** Validates a config value; `file` only names the source in errors. */
export function parseConfig(value: unknown, file: string): RepromptConfig {
  const parsed = parseStrict(configSchema, value ?? {});
  if (!parsed.data) throw new ConfigError(problemList(file, parsed.problems));
  const config = parsed.data;
  const problems: string[] = [];
  for (const list of ["datasets", "models"] as const) {
    const names = new Set<string>();
    for (const [i, entry] of config[list].entries()) {
      if (names.has(entry.name)) problems.push(`${list}[${i}].name: duplicate ${list.slice(0, -1)} name "${entry.name}"`);
      names.add(entry.name);
    }
  }
  for (const [i, model] of config.models.entries()) {
    if (model.baseModel && !config.models.some((m) => m.name === model.baseModel)) {
      problems.push(`models[${i}].baseModel: no model named "${model.baseModel}"`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problemList(file, problems));
  checkStudy(config, (field, message) => {
    throw new ConfigError(problemList(file, [`${field}: ${message}`]));
  });
  return config;
}

/** What a model entry resolves to on the wire; two entries with the same identity share every completion. */
function wireIdentity(model: RepromptConfig["models"][number]): string | null {
  if (model.backend !== "openai") return model.backend === "llama" ? `llama:${resolve(projectRoot, model.model)}` : null;
  // The first replica names the model in store keys (backends/replicas.ts).
  let endpoint = primaryBaseURL(model.baseURL);
  try {
    const url = new URL(endpoint);
    endpoint = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    // The schema already checked it is a URL.
  }
  return `openai:${endpoint}:${model.model}${model.revision ? `@${model.revision}` : ""}`;
}

/** Warnings that do not stop anything: two entries that are the same model under two names. */
export function configWarnings(config: RepromptConfig): string[] {
  const byIdentity = new Map<string, string[]>();
  for (const model of config.models) {
    const identity = wireIdentity(model);
    if (identity) byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), model.name]);
  }
  return [...byIdentity.entries()]
    .filter(([, names]) => names.length > 1)
    .map(([identity, names]) => `models ${names.map((n) => `"${n}"`).join(" and ")} resolve to the same model (${identity}): they share every completion; give one a different \`revision\` if they are different checkpoints`);
}

const warned = new Set<string>();

/** One problem: `file: path: message`; several: a count, then one per line. */
export function problemList(file: string, problems: readonly string[]): string {
  if (problems.length === 1) return `${file}: ${problems[0]}`;
  return `${file}: ${problems.length} problems:\n${problems.map((p) => `  ${p}`).join("\n")}`;
}

/**
 * One readable line for a config that does not load: a syntax error with its line and column (esbuild's
 * "Transform failed" text), or the error the file threw while evaluating, with where it threw in the file.
 */
export function loadFailure(error: unknown, file: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const syntax = message.match(/^Transform failed[^\n]*\n(?:[^\n]*?)(\d+):(\d+): ERROR: ([^\n]*)/);
  if (syntax) return `syntax error at line ${syntax[1]}, column ${Number(syntax[2]) + 1}: ${syntax[3]}`;
  const name = error instanceof Error ? error.name : "Error";
  const frame = error instanceof Error ? (error.stack ?? "").split("\n").find((l) => l.includes(file)) : undefined;
  const at = frame?.match(/:(\d+):(\d+)\)?\s*$/);
  return `${name}: ${message.split("\n")[0]}${at ? ` (line ${at[1]}, column ${at[2]})` : ""}`;
}

export async function loadConfig(file = configPath()): Promise<RepromptConfig> {
  if (!existsSync(file)) {
    if (file === join(projectRoot, "reprompt.config.js")) return parseConfig({}, file);
    throw new ConfigError(`${file}: config file not found (set REPROMPT_CONFIG to an existing file)`);
  }
  // tsImport, not import(): a `.js` config outside the project has no package.json saying "module", and Node
  // would load its `export default` as CommonJS (ERR_REQUIRE_CYCLE_MODULE). tsx reads either syntax.
  let module: {default?: unknown};
  try {
    module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as {default?: unknown};
  } catch (error) {
    throw new ConfigError(`${file}: cannot load the config: ${loadFailure(error, file)}`);
  }
  const exported = module.default as {default?: unknown} | undefined;
  const value = exported && typeof exported === "object" && "default" in exported && Object.keys(exported).length === 1 ? exported.default : exported;
  const config = parseConfig(value, file);
  for (const warning of configWarnings(config)) {
    if (!warned.has(warning)) process.stderr.write(`reprompt: warning: ${file}: ${warning}\n`);
    warned.add(warning);
  }
  return config;
}
