// Statement embeddings for decontamination: an OpenAI-compatible /v1/embeddings server, a local GGUF, or a labelled lexical stand-in.
import {primaryBaseURL} from "../backends/replicas.ts";
import OpenAI from "openai";
import {availableParallelism} from "node:os";
import type {ModelConfig, RepromptConfig} from "../config/index.ts";
import {parseEndpoint, PLACEHOLDER_KEY} from "../backends/openai.ts";
import {hashOf, type Store} from "../store/index.ts";
import {RftError} from "./conversation.ts";
import {lexicalVectors} from "./lexical.ts";

/** Dense (L2-normalised) or sparse (index → weight, L2-normalised) vector. */
export type Vector = Float32Array | Map<number, number>;

export type EmbeddingKind = "openai" | "llama" | "lexical";

export interface OpenAIEmbeddingConfig {
  /** Including /v1, e.g. http://127.0.0.1:8080/v1. */
  baseURL: string;
  /** The embedding model name the server knows (e.g. all-MiniLM-L6-v2, nomic-embed-text). */
  model: string;
  /** Environment variable holding the API key (local servers need none). */
  apiKeyEnv?: string;
  batchSize?: number;
  timeoutMs?: number;
  maxRetries?: number;
}

export interface LlamaEmbeddingConfig {
  /** A local .gguf embedding model (e.g. all-MiniLM-L6-v2 Q8_0). */
  model: string;
  modelsDir?: string;
  threads?: number;
  /** Tokens per statement; longer statements are cut (MiniLM itself reads only 256 word pieces). */
  contextSize?: number;
}

/** How decontamination embeds statements; `kind` undefined = not configured (the build stops and says how). */
export interface EmbeddingOptions {
  kind?: EmbeddingKind;
  openai?: OpenAIEmbeddingConfig;
  llama?: LlamaEmbeddingConfig;
  /** Cosine threshold override; default 0.8 for embedding models (the study), LEXICAL_THRESHOLD for lexical. */
  threshold?: number;
  /** Statements are cut to this many characters before embedding (servers reject over-long inputs). */
  maxChars?: number;
}

export interface StatementEmbedder {
  kind: EmbeddingKind | "stub";
  /** Stable, secret-free identity: part of the store keys of cached vectors. */
  identity: string;
  description: string;
  /** False for the lexical stand-in: the study used sentence embeddings, so its numbers are not comparable. */
  paperEquivalent: boolean;
  threshold: number;
  /** Vectors of all texts at once (the lexical backend needs the whole corpus for its IDF weights). */
  vectors(texts: string[]): Promise<Vector[]>;
  close(): Promise<void>;
}

/** The study's threshold for sentence-embedding cosine similarity (paper.md §4). */
export const EMBEDDING_THRESHOLD = 0.8;
/** The lexical stand-in's own threshold: chosen on the demo set (unrelated statements vs planted rewrites; see the report). */
export const LEXICAL_THRESHOLD = 0.5;
export const DEFAULT_MAX_CHARS = 4000;

export const CONFIGURE_EMBEDDINGS_HELP =
  "decontamination needs a sentence-embedding model and none is configured. Configure one of:\n" +
  "  • an OpenAI-compatible /v1/embeddings server: --embeddings openai --embeddings-url http://127.0.0.1:8080/v1 --embeddings-model all-MiniLM-L6-v2\n" +
  "    (llama.cpp: `llama-server --embeddings -m all-MiniLM-L6-v2-Q8_0.gguf`; vLLM: `vllm serve sentence-transformers/all-MiniLM-L6-v2 --task embed`;\n" +
  "    Ollama: model `all-minilm`; add --embeddings-key-env NAME when the server needs a key), or --embeddings-from MODEL to reuse a configured openai model's endpoint;\n" +
  "  • a local GGUF embedding model: --embeddings llama --embeddings-model models/all-minilm-l6-v2-q8_0.gguf\n" +
  "    (e.g. from second-state/All-MiniLM-L6-v2-Embedding-GGUF);\n" +
  "  • or, knowingly, --embeddings lexical: a character 3-gram TF-IDF stand-in, NOT equivalent to the study's embeddings\n" +
  "    (labelled so in the data card and on the page).";

export function cosine(a: Vector, b: Vector): number {
  if (a instanceof Float32Array && b instanceof Float32Array) {
    let dot = 0;
    for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
    return dot;
  }
  if (a instanceof Map && b instanceof Map) {
    const [small, large] = a.size <= b.size ? [a, b] : [b, a];
    let dot = 0;
    for (const [k, v] of small) {
      const w = large.get(k);
      if (w !== undefined) dot += v * w;
    }
    return dot;
  }
  throw new RftError("cosine: a dense and a sparse vector cannot be compared");
}

export function normalise(values: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let i = 0; i < values.length; i++) norm += values[i]! * values[i]!;
  norm = Math.sqrt(norm) || 1;
  return Float32Array.from(values, (v) => v / norm);
}

/** The lexical stand-in: no model, deterministic, labelled not paper-equivalent wherever it shows. */
export function lexicalEmbedder(threshold = LEXICAL_THRESHOLD): StatementEmbedder {
  return {
    kind: "lexical",
    identity: "lexical:char3-tfidf:v1",
    description: "lexical stand-in (character 3-gram TF-IDF cosine) — NOT the study's sentence embeddings",
    paperEquivalent: false,
    threshold,
    vectors: async (texts) => lexicalVectors(texts),
    close: async () => {}
  };
}

export interface OpenAIEmbeddingEffects {
  fetch?: typeof globalThis.fetch;
  env?: Record<string, string | undefined>;
}

export function openaiEmbedder(config: OpenAIEmbeddingConfig, options: {threshold?: number; maxChars?: number} = {}, effects: OpenAIEmbeddingEffects = {}): StatementEmbedder {
  const {endpoint} = parseEndpoint(config.baseURL);
  const env = effects.env ?? process.env;
  let apiKey = PLACEHOLDER_KEY;
  if (config.apiKeyEnv) {
    const key = env[config.apiKeyEnv]?.trim();
    if (!key) throw new RftError(`embeddings: environment variable ${config.apiKeyEnv} is not set; it should hold the API key`);
    apiKey = key;
  }
  const client = new OpenAI({baseURL: config.baseURL, apiKey, timeout: config.timeoutMs ?? 120_000, maxRetries: config.maxRetries ?? 4, ...(effects.fetch ? {fetch: effects.fetch} : {})});
  const batchSize = config.batchSize ?? 64;
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  return {
    kind: "openai",
    identity: `openai-embeddings:${endpoint}:${config.model}:max${maxChars}`,
    description: `sentence embeddings from ${config.model} at ${endpoint} (OpenAI-compatible /v1/embeddings)`,
    paperEquivalent: true,
    threshold: options.threshold ?? EMBEDDING_THRESHOLD,
    async vectors(texts) {
      const out: Vector[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const batch = texts.slice(i, i + batchSize).map((t) => t.slice(0, maxChars));
        let response;
        try {
          response = await client.embeddings.create({model: config.model, input: batch, encoding_format: "float"});
        } catch (error) {
          throw new RftError(`embeddings: ${endpoint} (model ${config.model}) failed: ${(error as Error).message}`);
        }
        const data = [...response.data].sort((a, b) => a.index - b.index);
        if (data.length !== batch.length) throw new RftError(`embeddings: asked ${endpoint} for ${batch.length} vectors, got ${data.length}`);
        for (const d of data) out.push(normalise(d.embedding as number[]));
      }
      return out;
    },
    close: async () => {}
  };
}

/** A GGUF embedding model run in-process by node-llama-cpp (validated first: a malformed file would abort the process). */
export async function llamaEmbedder(config: LlamaEmbeddingConfig, options: {threshold?: number} = {}): Promise<StatementEmbedder> {
  const {locateModelFile, validateGgufFile, fingerprintModelFile, modelFileLabel, DEFAULT_MODELS_DIR} = await import("../backends/llamaModelFile.ts");
  let modelPath: string;
  try {
    modelPath = await locateModelFile(config.model, config.modelsDir ?? DEFAULT_MODELS_DIR);
    await validateGgufFile(modelPath);
  } catch (error) {
    throw new RftError(`embeddings: ${(error as Error).message}`);
  }
  const fingerprint = await fingerprintModelFile(modelPath);
  const threads = config.threads ?? availableParallelism();
  const contextSize = config.contextSize ?? 512;
  const lib = await import("node-llama-cpp");
  const llama = await lib.getLlama({gpu: false, build: "never", maxThreads: threads, logLevel: lib.LlamaLogLevel.error, progressLogs: false});
  const model = await llama.loadModel({modelPath});
  const context = await model.createEmbeddingContext({contextSize, threads});
  return {
    kind: "llama",
    identity: `llama-embeddings:${modelFileLabel(modelPath)}:${fingerprint}:ctx${contextSize}`,
    description: `sentence embeddings from ${modelFileLabel(modelPath)} (embedded GGUF via node-llama-cpp, ${threads} thread${threads === 1 ? "" : "s"})`,
    paperEquivalent: true,
    threshold: options.threshold ?? EMBEDDING_THRESHOLD,
    async vectors(texts) {
      const out: Vector[] = [];
      for (const text of texts) {
        const tokens = model.tokenize(text).slice(0, contextSize - 2);
        const embedding = await context.getEmbeddingFor(tokens);
        out.push(normalise(embedding.vector));
      }
      return out;
    },
    async close() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    }
  };
}

/** Builds the embedder the options ask for; with none configured, fails with how to configure one. */
export async function createEmbedder(options: EmbeddingOptions, effects: OpenAIEmbeddingEffects = {}): Promise<StatementEmbedder> {
  switch (options.kind) {
    case "lexical":
      return lexicalEmbedder(options.threshold);
    case "openai":
      if (!options.openai?.baseURL || !options.openai.model) throw new RftError(`--embeddings openai needs --embeddings-url and --embeddings-model.\n${CONFIGURE_EMBEDDINGS_HELP}`);
      return openaiEmbedder(options.openai, options, effects);
    case "llama":
      if (!options.llama?.model) throw new RftError(`--embeddings llama needs --embeddings-model (a .gguf file).\n${CONFIGURE_EMBEDDINGS_HELP}`);
      return llamaEmbedder(options.llama, options);
    default:
      throw new RftError(CONFIGURE_EMBEDDINGS_HELP);
  }
}

/** The `embeddings` block the config schema is asked to carry (until then, CLI flags or --embeddings-from). */
export type EmbeddingConfigEntry = (({kind: "openai"} & OpenAIEmbeddingConfig) | ({kind: "llama"} & LlamaEmbeddingConfig) | {kind: "lexical"}) & {threshold?: number; maxChars?: number};

/**
 * Embedding options from the config: a top-level `embeddings` entry when the schema has one, else nothing.
 * `fromModel` reuses a configured model's endpoint (openai: baseURL + apiKeyEnv, with `modelName` as the
 * embedding model; llama: its GGUF, which must be an embedding model).
 */
export function embeddingOptionsFromConfig(config: RepromptConfig, select: {fromModel?: string; modelName?: string} = {}): EmbeddingOptions {
  if (select.fromModel) {
    const model = config.models.find((m) => m.name === select.fromModel) as ModelConfig | undefined;
    if (!model) throw new RftError(`--embeddings-from: no model named "${select.fromModel}" in reprompt.config.js (configured: ${config.models.map((m) => m.name).join(", ") || "none"})`);
    if (model.backend === "openai") {
      if (!select.modelName) throw new RftError(`--embeddings-from ${model.name}: also name the embedding model the server serves (--embeddings-model NAME)`);
      return {kind: "openai", openai: {baseURL: primaryBaseURL(model.baseURL), model: select.modelName, apiKeyEnv: model.apiKeyEnv}};
    }
    if (model.backend === "llama") return {kind: "llama", llama: {model: select.modelName ?? model.model, modelsDir: model.modelsDir, threads: model.threads}};
    throw new RftError(`--embeddings-from ${model.name}: the human baseline has no embeddings`);
  }
  const entry = (config as RepromptConfig & {embeddings?: EmbeddingConfigEntry}).embeddings;
  if (!entry) return {};
  const common = {...(entry.threshold !== undefined ? {threshold: entry.threshold} : {}), ...(entry.maxChars !== undefined ? {maxChars: entry.maxChars} : {})};
  if (entry.kind === "openai") return {kind: "openai", openai: entry, ...common};
  if (entry.kind === "llama") return {kind: "llama", llama: entry, ...common};
  return {kind: "lexical", ...common};
}

/**
 * Wraps a dense embedder with the store: a statement embedded once (per model identity) is never embedded
 * again, so a re-run of the build asks the server for nothing. The lexical stand-in is cheap and corpus-
 * dependent (IDF), so it is not cached.
 */
export function cachedEmbedder(store: Store, embedder: StatementEmbedder): StatementEmbedder {
  if (embedder.kind === "lexical") return embedder;
  return {
    ...embedder,
    async vectors(texts) {
      const keys = texts.map((text) => store.key("embedding", {model: embedder.identity, text: hashOf(text)}));
      const missing = [...new Set(texts.filter((_, i) => !store.has("embedding", keys[i]!)))];
      if (missing.length) {
        const vectors = await embedder.vectors(missing);
        store.putWithKeys(
          "embedding",
          missing.map((text, i) => ({key: store.key("embedding", {model: embedder.identity, text: hashOf(text)}), data: {model: embedder.identity, vector: Array.from(vectors[i] as Float32Array)}}))
        );
      }
      return keys.map((key) => Float32Array.from(store.get<{vector: number[]}>("embedding", key)!.vector));
    }
  };
}
