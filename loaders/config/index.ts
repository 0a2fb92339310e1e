// Reads and validates reprompt.config.js (or $REPROMPT_CONFIG); errors name the file and the field.
import {existsSync} from "node:fs";
import {join, resolve} from "node:path";
import {pathToFileURL} from "node:url";
import {tsImport} from "tsx/esm/api";
import {projectRoot} from "../store/index.ts";
import {configSchema, type RepromptConfig} from "./schema.ts";
import {parseStrict} from "./strict.ts";

export type {ModelConfig, RepromptConfig, RepromptConfigInput} from "./schema.ts";

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
  return config;
}

/** One problem: `file: path: message`; several: a count, then one per line. */
export function problemList(file: string, problems: readonly string[]): string {
  if (problems.length === 1) return `${file}: ${problems[0]}`;
  return `${file}: ${problems.length} problems:\n${problems.map((p) => `  ${p}`).join("\n")}`;
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
    throw new ConfigError(`${file}: cannot load the config (${(error as Error).message.split("\n")[0]}); if it uses \`export default\`, rename it to .mjs`);
  }
  const exported = module.default as {default?: unknown} | undefined;
  const value = exported && typeof exported === "object" && "default" in exported && Object.keys(exported).length === 1 ? exported.default : exported;
  return parseConfig(value, file);
}
