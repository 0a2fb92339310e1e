// Reads and validates reprompt.config.js (or $REPROMPT_CONFIG); errors name the file and the field.
import {fieldPath} from "./fieldPath.ts";
import {existsSync} from "node:fs";
import {join, resolve} from "node:path";
import {pathToFileURL} from "node:url";
import {projectRoot} from "../store/index.ts";
import {configSchema, type RepromptConfig} from "./schema.ts";
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
  const parsed = configSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${file}: field \`${fieldPath(issue.path) || "(root)"}\`: ${issue.message}`);
  }
  for (const list of ["datasets", "models"] as const) {
    const names = new Set<string>();
    for (const entry of parsed.data[list]) {
      if (names.has(entry.name)) throw new ConfigError(`${file}: field \`${list}\`: duplicate ${list.slice(0, -1)} name "${entry.name}"`);
      names.add(entry.name);
    }
  }
  for (const [i, model] of parsed.data.models.entries()) {
    if (model.baseModel && !parsed.data.models.some((m) => m.name === model.baseModel)) {
      throw new ConfigError(`${file}: field \`models[${i}].baseModel\`: no model named "${model.baseModel}"`);
    }
  }
  checkStudy(parsed.data, (field, message) => {
    throw new ConfigError(`${file}: field \`${field}\`: ${message}`);
  });
  return parsed.data;
}

export async function loadConfig(file = configPath()): Promise<RepromptConfig> {
  if (!existsSync(file)) {
    if (file === join(projectRoot, "reprompt.config.js")) return parseConfig({}, file);
    throw new ConfigError(`${file}: config file not found (set REPROMPT_CONFIG to an existing file)`);
  }
  const module = await import(pathToFileURL(file).href);
  return parseConfig(module.default, file);
}
