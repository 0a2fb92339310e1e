// The shape of reprompt.config.js, validated before anything runs.
import {z} from "zod";
import {strictDeep} from "./strict.ts";
import {priceSchema, studyFields} from "./study.ts";
import {publishSchema} from "./display.ts";

const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits, '-', '_' or '.'");

const jsonlSource = z.object({
  kind: z.literal("jsonl"),
  name,
  path: z.string().min(1)
});

/** Shared by the Parquet benchmarks: `path` is a local file, a glob, or an hf:// path; `split` labels the problems. */
const parquetFields = {
  name,
  path: z.string().min(1),
  split: z.string().min(1),
  limit: z.number().int().positive().optional(),
  maxSolutionsPerLabel: z.number().int().nonnegative().optional()
};

const codeContestsSource = z.object({kind: z.literal("codecontests"), ...parquetFields});

const tacoSource = z.object({
  kind: z.literal("taco"),
  ...parquetFields,
  difficulties: z.array(z.enum(["EASY", "MEDIUM", "MEDIUM_HARD", "HARD", "VERY_HARD", "UNKNOWN_DIFFICULTY"])).min(1).optional()
});

const datasetSource = z.discriminatedUnion("kind", [jsonlSource, codeContestsSource, tacoSource]);

/** Fields every model entry has: how pages label it, its size (for the CoT-by-size figure), its RFT role. */
const modelCommon = {
  name,
  label: z.string().optional(),
  /** Parameters in billions (e.g. 8, 70): orders models in the "CoT by model size" figure. */
  sizeB: z.number().positive().optional(),
  /** For the RFT before/after comparison: the base model and its fine-tuned version. */
  role: z.enum(["base", "finetuned"]).optional(),
  /** The base model a fine-tuned entry was trained from (its `name`). */
  baseModel: z.string().optional(),
  /** Dollars per million prompt / completion tokens, for the dry run's cost estimate. */
  price: priceSchema.optional(),
  /** Sampling overrides (defaults: temperature 1.0, top-p 0.95, as in the study). */
  sampling: z
    .object({temperature: z.number().min(0), topP: z.number().gt(0).max(1), topK: z.number().int().nullable(), minP: z.number().min(0).max(1).nullable(), maxTokens: z.number().int().positive()})
    .partial()
    .optional()
};

const serverURL = z.string().url("must be a URL such as http://127.0.0.1:8000/v1");
const openaiModel = z.object({
  ...modelCommon,
  backend: z.literal("openai"),
  /** One server, or replicas of it (vLLM data-parallel): requests go to the least-loaded; the first names the model in keys. */
  baseURL: z.union([serverURL, z.array(serverURL).min(1, "list at least one URL")]),
  model: z.string().min(1),
  /**
   * The checkpoint behind `model`, as you know it (a Hub commit, a GGUF file's sha256, an Ollama digest): part of
   * the model's identity and of every request key, so a new checkpoint behind the same URL and name never
   * reuses the old one's completions. Change it whenever you swap weights.
   */
  revision: z.string().min(1).optional(),
  /** Name of the environment variable holding the API key (the key itself never goes in this file). */
  apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name, e.g. OPENAI_API_KEY").optional(),
  concurrency: z.number().int().positive().optional(),
  supportsN: z.union([z.boolean(), z.literal("auto")]).optional(),
  maxN: z.number().int().positive().optional(),
  sendTopK: z.boolean().optional(),
  sendMinP: z.boolean().optional(),
  extraBody: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().nonnegative().optional()
});

const llamaModel = z.object({
  ...modelCommon,
  backend: z.literal("llama"),
  /** A local .gguf path, or an hf: reference (downloaded only when `download` is true or by `reprompt models pull`). */
  model: z.string().min(1),
  modelsDir: z.string().optional(),
  download: z.boolean().optional(),
  threads: z.number().int().positive().optional(),
  parallel: z.number().int().positive().optional(),
  contextSize: z.number().int().positive().optional(),
  batchSize: z.number().int().positive().optional()
});

const humanModel = z.object({
  ...modelCommon,
  backend: z.literal("human"),
  labels: z.array(z.enum(["correct", "incorrect"])).min(1).optional()
});

export const modelSchema = z.discriminatedUnion("backend", [openaiModel, llamaModel, humanModel]);
export type ModelConfig = z.output<typeof modelSchema>;

/** Statement embeddings for RFT decontamination (cosine ≥ threshold flags a pair for cross-testing). */
const embeddingCommon = {threshold: z.number().gt(0).max(1).optional(), maxChars: z.number().int().positive().optional()};
export const embeddingsSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("openai"),
    baseURL: z.string().url("must be a URL such as http://127.0.0.1:8000/v1"),
    model: z.string().min(1),
    apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name").optional(),
    batchSize: z.number().int().positive().optional(),
    timeoutMs: z.number().int().positive().optional(),
    maxRetries: z.number().int().nonnegative().optional(),
    ...embeddingCommon
  }),
  z.object({
    kind: z.literal("llama"),
    model: z.string().min(1),
    modelsDir: z.string().optional(),
    threads: z.number().int().positive().optional(),
    contextSize: z.number().int().positive().optional(),
    ...embeddingCommon
  }),
  /** A lexical stand-in: not paper-equivalent, labelled as such wherever it shows. */
  z.object({kind: z.literal("lexical"), ...embeddingCommon})
]);

/** Strict at every depth (see strict.ts): a misspelt key anywhere is an error, never silently dropped. */
export const configSchema = strictDeep(z.object({
  datasets: z.array(datasetSource).min(1).default([{kind: "jsonl", name: "demo", path: "data/demo/problems.jsonl"}]),
  models: z.array(modelSchema).default([]),
  embeddings: embeddingsSchema.optional(),
  /** Your own study: prompts, profiles and experiments (loaders/config/study.ts). */
  ...studyFields,
  /** What built pages show of endpoints (config/display.ts). */
  publish: publishSchema.optional()
}));

export type RepromptConfigInput = z.input<typeof configSchema>;
export type RepromptConfig = z.output<typeof configSchema>;
