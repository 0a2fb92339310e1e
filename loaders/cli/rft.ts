// `reprompt rft build`: runs (or resumes) the RFT data pipeline and writes the training files, data card and trainer config.
import {resolve} from "node:path";
import type {Command} from "commander";
import {loadConfig} from "../config/index.ts";
import {buildRft, embeddingOptionsFromConfig, RftError, RFT_PROFILES, writeRftExport, type EmbeddingOptions} from "../rft/index.ts";
import type {RftBuildOptions} from "../rft/pipeline.ts";
import {UsageError, type CliIo} from "./io.ts";
import {terminalField} from "./terminal.ts";

interface BuildFlags {
  profile: string;
  out: string;
  embeddings?: string;
  embeddingsUrl?: string;
  embeddingsModel?: string;
  embeddingsKeyEnv?: string;
  embeddingsFrom?: string;
  threshold?: string;
  model?: string;
  lanes?: string;
  json?: boolean;
}

/** Flags first, then the config's `embeddings` entry (once the schema carries it); nothing → the build says how. */
export function embeddingOptionsFromFlags(flags: BuildFlags, fromConfig: EmbeddingOptions): EmbeddingOptions {
  const kind = flags.embeddings ?? fromConfig.kind;
  if (kind !== undefined && !["openai", "llama", "lexical"].includes(kind)) throw new UsageError(`--embeddings must be openai, llama or lexical (got ${kind})`);
  const threshold = flags.threshold === undefined ? undefined : Number(flags.threshold);
  if (threshold !== undefined && !(threshold > 0 && threshold <= 1)) throw new UsageError(`--threshold must be in (0, 1], got ${flags.threshold}`);
  const options: EmbeddingOptions = {...fromConfig, kind: kind as EmbeddingOptions["kind"], ...(threshold !== undefined ? {threshold} : {})};
  if (kind === "openai") {
    const base = fromConfig.openai;
    const baseURL = flags.embeddingsUrl ?? base?.baseURL;
    const model = flags.embeddingsModel ?? base?.model;
    if (baseURL && model) options.openai = {...base, baseURL, model, ...(flags.embeddingsKeyEnv ? {apiKeyEnv: flags.embeddingsKeyEnv} : {})};
  }
  if (kind === "llama") {
    const model = flags.embeddingsModel ?? fromConfig.llama?.model;
    if (model) options.llama = {...fromConfig.llama, model};
  }
  return options;
}

export function registerRft(program: Command, io: CliIo, run: (options: RftBuildOptions) => ReturnType<typeof buildRft> = buildRft): void {
  const rft = program.command("rft").description("rejection-sampling fine-tuning (RFT) data: `rft build`");
  rft
    .command("build")
    .description("generate CoT-retry trajectories, filter, split, near-dedup, strip CoT prompts, decontaminate, and write the training files")
    .option("--profile <name>", `${Object.keys(RFT_PROFILES).join(" | ")} | a reprompt.config.js profile with rft: {training, evaluation} (demo: offline, human baseline, planted evaluation stand-in)`, "demo")
    .requiredOption("--out <dir>", "folder for train.jsonl, single-turn.jsonl, data-card.json and trainer-config.yaml")
    .option("--embeddings <kind>", "statement embeddings for decontamination: openai | llama | lexical (lexical = stand-in, not paper-equivalent)")
    .option("--embeddings-url <url>", "openai: base URL of an OpenAI-compatible server, with /v1")
    .option("--embeddings-model <name>", "openai: the embedding model's name; llama: a .gguf embedding model file")
    .option("--embeddings-key-env <VAR>", "openai: environment variable holding the API key")
    .option("--embeddings-from <model>", "reuse a configured model's endpoint (openai) or GGUF (llama) for embeddings")
    .option("--threshold <x>", "cosine threshold for flagging (default 0.8 for embeddings, 0.5 for lexical)")
    .option("--model <name>", "the generating model, when the profile runs your configured models (default: the one with role \"base\")")
    .option("--lanes <n>", "parallel sandbox workers (default: number of cores)")
    .option("--json", "print the data card as JSON")
    .action(async (flags: BuildFlags) => {
      const lanes = flags.lanes === undefined ? undefined : Number(flags.lanes);
      if (lanes !== undefined && !(Number.isInteger(lanes) && lanes > 0)) throw new UsageError(`--lanes must be a positive integer, got ${flags.lanes}`);
      const started = Date.now();
      try {
        const config = await loadConfig();
        const fromConfig = embeddingOptionsFromConfig(config, {fromModel: flags.embeddingsFrom, modelName: flags.embeddingsFrom ? flags.embeddingsModel : undefined});
        const embeddings = embeddingOptionsFromFlags({...flags, embeddings: flags.embeddings ?? (flags.embeddingsFrom ? fromConfig.kind : undefined)}, fromConfig);
        const build = await run({profile: flags.profile, embeddings, config, lanes, model: flags.model, log: (line) => io.stderr(`[rft] ${line}\n`)});
        const paths = writeRftExport(resolve(flags.out), build);
        const seconds = (Date.now() - started) / 1000;
        if (flags.json) {
          io.stdout(JSON.stringify({...build.card, elapsedS: seconds, paths}) + "\n");
          return;
        }
        const c = build.card;
        io.stdout(`rft build ${c.profile}: ${build.train.length} multi-turn (train) and ${build.singleTurn.length} single-turn examples in ${seconds.toFixed(1)} s\n`);
        io.stdout(`${"stage".padEnd(22)} ${"split".padEnd(12)} ${"problems".padStart(8)} ${"trajectories".padStart(12)} ${"tokens".padStart(12)}\n`);
        for (const s of c.stages) io.stdout(`${s.stage.padEnd(22)} ${s.split.padEnd(12)} ${String(s.problems).padStart(8)} ${String(s.trajectories).padStart(12)} ${s.tokens.toLocaleString("en").padStart(12)}\n`);
        const d = c.decontamination;
        io.stdout(
          `decontamination: ${d.embedder.description}, threshold ${d.embedder.threshold}: ` +
            `${d.pairs.length} flagged pairs, ${d.removed.length} problems removed\n`
        );
        for (const p of d.pairs) io.stdout(`  ${p.similarity.toFixed(3)}  ${terminalField(p.train)} ~ ${terminalField(p.eval)}: ${p.decision}\n`);
        io.stdout(`tokens: ${c.tokens.counter}\nwrote ${Object.values(paths).join(", ")}\n`);
      } catch (error) {
        if (error instanceof RftError) throw new UsageError(error.message);
        throw error;
      }
    });
}
