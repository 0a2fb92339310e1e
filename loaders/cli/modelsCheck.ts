// `reprompt models check [NAME]`: one tiny request per model — reachable?, does it take `n`?, what does it say it serves?
import {existsSync} from "node:fs";
import type {Command} from "commander";
import {DEFAULT_SAMPLING, HUMAN_MODEL} from "../backends/index.ts";
import {loadConfig, type ModelConfig} from "../config/index.ts";
import {resolveProjectPath} from "../datasets/index.ts";
import {UsageError, type CliIo} from "./io.ts";

export interface ModelCheck {
  name: string;
  backend: string;
  reachable: boolean;
  /** true / false / "ignored" (one choice for n = 2) / null (not asked). */
  n: boolean | "ignored" | null;
  server: {model: string | null; systemFingerprint: string | null; identity: string | null; entry: Record<string, unknown> | null; note?: string} | null;
  error?: string;
}

/** Checks one model with at most two small requests (GET /models, one chat request with n = 2, max_tokens 1). */
export async function checkModel(model: ModelConfig): Promise<ModelCheck> {
  const base = {name: model.name, backend: model.backend};
  if (model.backend === "human") return {...base, reachable: true, n: true, server: null};
  if (model.backend === "llama") {
    const local = model.model.startsWith("hf:") || existsSync(resolveProjectPath(model.model));
    return {...base, reachable: local, n: true, server: null, ...(local ? {} : {error: `model file ${resolveProjectPath(model.model)} does not exist`})};
  }
  const {createOpenAIBackend} = await import("../backends/openai.ts");
  const backend = createOpenAIBackend({...model, supportsN: "auto", maxRetries: 1, timeoutMs: Math.min(model.timeoutMs ?? 60_000, 60_000)});
  try {
    const identity = await backend.serverIdentity();
    const [first] = await backend.complete({messages: [{role: "user", content: "Reply with OK."}], sampling: {...DEFAULT_SAMPLING, maxTokens: 1}, n: 2});
    const meta = (first?.meta ?? {}) as {serverModel?: string | null; systemFingerprint?: string | null; mode?: string};
    const stats = backend.stats();
    const n = backend.nSupport() === true ? true : stats.faults.short_n ? "ignored" : false;
    return {
      ...base,
      reachable: true,
      n,
      server: {model: meta.serverModel ?? null, systemFingerprint: meta.systemFingerprint ?? null, identity: identity.digest, entry: identity.entry, ...(identity.note ? {note: identity.note} : {})}
    };
  } catch (error) {
    return {...base, reachable: false, n: null, server: null, error: (error as Error).message};
  } finally {
    await backend.close();
  }
}

export function registerModelsCheck(models: Command, io: CliIo): void {
  models
    .command("check")
    .description("send one tiny request to each model (or NAME): reachable?, `n` support, and the identity its server reports")
    .argument("[name]", "only this model")
    .option("--json", "one JSON object per model")
    .action(async (name: string | undefined, options: {json?: boolean}) => {
      const config = await loadConfig();
      const all = [...config.models, ...(config.models.some((m) => m.name === "human") ? [] : [HUMAN_MODEL])];
      const chosen = name ? all.filter((m) => m.name === name) : all;
      if (name && chosen.length === 0) throw new UsageError(`no model named "${name}" (configured: ${all.map((m) => m.name).join(", ")})`);
      let unreachable = 0;
      for (const model of chosen) {
        const check = await checkModel(model);
        if (!check.reachable) unreachable++;
        if (options.json) {
          io.stdout(JSON.stringify(check) + "\n");
          continue;
        }
        const n = check.n === null ? "n ?" : check.n === "ignored" ? "n ignored (one choice for n=2)" : check.n ? "n yes" : "n no";
        const server = check.server ? ` · serves ${check.server.model ?? "?"} · identity ${check.server.identity ?? `unknown${check.server.note ? ` (${check.server.note})` : ""}`}${check.server.systemFingerprint ? ` · fingerprint ${check.server.systemFingerprint}` : ""}` : "";
        io.stdout(`${model.name.padEnd(24)} ${check.reachable ? "reachable" : "UNREACHABLE"} · ${n}${server}${check.error ? ` · ${check.error}` : ""}\n`);
      }
      if (unreachable) throw new UsageError(`${unreachable} of ${chosen.length} models unreachable`, 1);
    });
}
