// Embedded GGUF backend: runs a local model in-process through node-llama-cpp (no server), CPU by default.
import {createHash} from "node:crypto";
import {availableParallelism} from "node:os";
import type {ChatHistoryItem, Llama, LlamaChatSession, LlamaContext, LlamaGrammar, LlamaModel, LlamaOptions, ResolvableChatWrapperTypeName} from "node-llama-cpp";
import {
  DEFAULT_MODELS_DIR,
  fingerprintModelFile,
  isRemoteModelRef,
  LlamaModelFileError,
  locateModelFile,
  modelFileLabel,
  pullModel,
  validateGgufFile,
  type PullOptions,
  type ReadGgufFileInfoFn,
  type ResolveModelFileFn
} from "./llamaModelFile.ts";
import {SessionPool, type PoolSlot} from "./llamaSessionPool.ts";
import {countFault, emptyStats, type ChatMessage, type Completion, type CompletionRequest, type ModelBackend, type SamplingParams} from "./types.ts";

export {DEFAULT_MODELS_DIR, LlamaModelFileError, pullModel, SUGGESTED_MODELS, validateGgufFile} from "./llamaModelFile.ts";
export type {PullOptions} from "./llamaModelFile.ts";

export interface LlamaBackendConfig {
  name: string;
  /** A local .gguf path (absolute, relative to the working directory, or to modelsDir), or "hf:user/repo:QUANT" / "hf:user/repo/file.gguf". */
  model: string;
  /** Where remote references are looked up and downloaded; default the project's models/. */
  modelsDir?: string;
  /** Fetch a missing remote reference. Default false: offline the library's download hangs, so only on request. */
  download?: boolean;
  /** CPU threads (getLlama maxThreads and the context's threads); default os.availableParallelism(). */
  threads?: number;
  /** Sequences evaluated in parallel in one context; also the backend's concurrency. Default 2. */
  parallel?: number;
  /** Context size of each sequence, in tokens (the context gets parallel × this). Default 4096. */
  contextSize?: number;
  batchSize?: number;
  /** GPU type for llama.cpp; default false (CPU only, the prebuilt binaries every machine here has). */
  gpu?: false | "auto" | "cuda" | "vulkan" | "metal";
  /** Chat template handling; "auto" picks it from the GGUF's tokenizer.chat_template. */
  chatWrapper?: ResolvableChatWrapperTypeName;
  /** A GBNF grammar every completion must follow: for tests and constrained smoke runs, not for the study. */
  grammar?: string;
}

/** Side effects, injectable so tests can watch what is passed to the library or stub the network. */
export interface LlamaEffects {
  getLlama?: (options: LlamaOptions) => Promise<Llama>;
  readGgufFileInfo?: ReadGgufFileInfoFn;
  resolveModelFile?: ResolveModelFileFn;
  now?: () => number;
  /** Options for the download path (progress stream, timeouts) when `download: true`. */
  pull?: Omit<PullOptions, "modelsDir" | "resolveModelFile">;
}

/** What the library actually runs with, read back from the live objects (for tests, run records and pages). */
export interface LlamaRuntimeInfo {
  modelPath: string;
  threads: {requested: number; llamaMax: number; context: number};
  sequences: number;
  contextSizePerSequence: number;
  batchSize: number;
  chatWrapper: string;
  gpu: string | false;
}

export interface LlamaBackend extends ModelBackend {
  readonly kind: "llama";
  readonly modelPath: string;
  runtime(): LlamaRuntimeInfo;
}

/** The sampling options sent to node-llama-cpp, recorded in `Completion.meta.sent`. */
export interface LlamaSentSampling {
  temperature: number;
  topP: number;
  topK: number;
  minP: number;
  seed: number;
  maxTokens: number;
  repeatPenalty: false;
  stop?: string[];
}

/**
 * Every field explicit: the library's defaults are greedy (temperature 0) with top-k 40, which is not the
 * study's sampling (notes §3.3.2). null / negative top-k and null min-p mean "off", i.e. 0 here.
 */
export function llamaSampling(sampling: SamplingParams, index: number, maxTokens = sampling.maxTokens): LlamaSentSampling {
  const sent: LlamaSentSampling = {
    temperature: sampling.temperature,
    topP: sampling.topP,
    topK: sampling.topK === null || sampling.topK < 0 ? 0 : sampling.topK,
    minP: sampling.minP ?? 0,
    seed: sampling.seed + index,
    maxTokens,
    repeatPenalty: false
  };
  if (sampling.stop && sampling.stop.length > 0) sent.stop = [...sampling.stop];
  return sent;
}

/** Splits [system?, user, assistant, user, …] into the history before the last user message and that message. */
export function splitConversation(messages: readonly ChatMessage[]): {history: ChatHistoryItem[]; prompt: string} {
  const last = messages.at(-1);
  if (!last || last.role !== "user") throw new Error("a llama request must end with a user message");
  const history: ChatHistoryItem[] = [];
  messages.slice(0, -1).forEach((message, i) => {
    if (message.role === "system") {
      if (i !== 0) throw new Error("a system message is only allowed first");
      history.push({type: "system", text: message.content});
    } else if (message.role === "user") {
      history.push({type: "user", text: message.content});
    } else {
      history.push({type: "model", response: [message.content]});
    }
  });
  return {history, prompt: last.content};
}

const FINISH: Record<string, string> = {eogToken: "stop", stopGenerationTrigger: "stop", customStopTrigger: "stop", maxTokens: "length", abort: "abort", functionCalls: "function_call"};

const shortHash = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 8);

/** Finds (or, if asked, downloads) the model file, validates it, and loads it into a ready backend. */
export async function createLlamaBackend(config: LlamaBackendConfig, effects: LlamaEffects = {}): Promise<LlamaBackend> {
  const modelsDir = config.modelsDir ?? DEFAULT_MODELS_DIR;
  const threads = config.threads ?? availableParallelism();
  const parallel = config.parallel ?? 2;
  const contextSize = config.contextSize ?? 4096;
  for (const [key, value] of Object.entries({threads, parallel, contextSize})) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`llama backend ${config.name}: ${key} must be a positive integer (got ${value})`);
  }

  let modelPath: string;
  try {
    modelPath = await locateModelFile(config.model, modelsDir, effects.resolveModelFile);
  } catch (error) {
    if (!(config.download && isRemoteModelRef(config.model) && error instanceof LlamaModelFileError)) throw error;
    modelPath = await pullModel(config.model, {...effects.pull, modelsDir, resolveModelFile: effects.resolveModelFile});
  }
  await validateGgufFile(modelPath, effects.readGgufFileInfo);
  const fingerprint = await fingerprintModelFile(modelPath);

  const lib = await import("node-llama-cpp");
  const gpu = config.gpu ?? false;
  const llamaOptions: LlamaOptions = {gpu, build: "never", maxThreads: threads, logLevel: lib.LlamaLogLevel.warn, progressLogs: false};
  const llama = await (effects.getLlama ?? lib.getLlama)(llamaOptions);
  let model: LlamaModel | undefined;
  let context: LlamaContext | undefined;
  try {
    model = await llama.loadModel({modelPath}).catch((error: Error) => {
      throw new LlamaModelFileError(`failed to load ${modelPath}: ${error.message}`);
    });
    context = await model.createContext({
      sequences: parallel,
      contextSize: parallel * contextSize,
      threads,
      ...(config.batchSize ? {batchSize: config.batchSize} : {})
    });
    const chatWrapper = config.chatWrapper && config.chatWrapper !== "auto" ? lib.resolveChatWrapper(model, {type: config.chatWrapper}) : "auto";
    const ctx = context;
    const sessions = Array.from({length: parallel}, () => new lib.LlamaChatSession({contextSequence: ctx.getSequence(), chatWrapper, autoDisposeSequence: true}));
    const grammar = config.grammar ? await llama.createGrammar({grammar: config.grammar}) : undefined;
    return new EmbeddedLlamaBackend(config, {llama, model, context, sessions, grammar, modelPath, fingerprint, threads, parallel, gpu, now: effects.now ?? (() => performance.now())});
  } catch (error) {
    await context?.dispose().catch(() => {});
    await model?.dispose().catch(() => {});
    await llama.dispose().catch(() => {});
    throw error;
  }
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  sessions: LlamaChatSession[];
  grammar?: LlamaGrammar;
  modelPath: string;
  fingerprint: string;
  threads: number;
  parallel: number;
  gpu: string | false;
  now: () => number;
}

class EmbeddedLlamaBackend implements LlamaBackend {
  readonly kind = "llama" as const;
  readonly isNullBaseline = false;
  readonly identity: string;
  readonly description: string;
  readonly concurrency: number;
  readonly modelPath: string;
  private readonly perSequence: number;
  private readonly counters = emptyStats();
  private readonly pool: SessionPool<LlamaChatSession>;
  private closing?: Promise<void>;

  constructor(private readonly config: LlamaBackendConfig, private readonly loaded: Loaded) {
    const file = modelFileLabel(loaded.modelPath);
    const wrapper = config.chatWrapper && config.chatWrapper !== "auto" ? `:chat-${config.chatWrapper}` : "";
    const grammar = config.grammar ? `:grammar-${shortHash(config.grammar)}` : "";
    this.identity = `llama:${file}:${loaded.fingerprint}${wrapper}${grammar}`;
    this.modelPath = loaded.modelPath;
    this.concurrency = loaded.parallel;
    this.pool = new SessionPool(loaded.sessions);
    // The sequences share one KV cache of parallel × contextSize (the library reports the whole size per
    // sequence): each sample keeps to its share, so parallel samples can never crowd each other out.
    this.perSequence = Math.floor(loaded.context.contextSize / loaded.parallel);
    const perSeq = this.perSequence;
    this.description =
      `llama.cpp embedded (node-llama-cpp) · ${file} · ${loaded.threads} thread${loaded.threads === 1 ? "" : "s"} · ` +
      `${loaded.parallel} parallel sequence${loaded.parallel === 1 ? "" : "s"} × ${perSeq} tokens · ${loaded.gpu ? `gpu ${loaded.gpu}` : "CPU"}` +
      (config.grammar ? " · grammar-constrained" : "");
  }

  runtime(): LlamaRuntimeInfo {
    const {llama, context, sessions} = this.loaded;
    return {
      modelPath: this.modelPath,
      threads: {requested: this.loaded.threads, llamaMax: llama.maxThreads, context: context.idealThreads},
      sequences: context.totalSequences,
      contextSizePerSequence: this.perSequence,
      batchSize: context.batchSize,
      chatWrapper: sessions[0]?.chatWrapper.wrapperName ?? "unknown",
      gpu: this.loaded.gpu
    };
  }

  stats() {
    return {...this.counters, faults: {...this.counters.faults}};
  }

  async complete(request: CompletionRequest): Promise<Completion[]> {
    if (this.closing) throw new Error("the llama backend is closed");
    if (!Number.isInteger(request.n) || request.n < 1) throw new Error(`n must be a positive integer (got ${request.n})`);
    const conversation = splitConversation(request.messages);
    this.counters.requests++;
    // One failed sample stops its siblings: the request fails as a whole, and nothing keeps running after.
    const siblings = new AbortController();
    const onAbort = (): void => siblings.abort(request.signal?.reason);
    if (request.signal?.aborted) onAbort();
    request.signal?.addEventListener("abort", onAbort, {once: true});
    try {
      const settled = await Promise.allSettled(
        Array.from({length: request.n}, (_, i) =>
          this.sample(conversation, request.sampling, i, siblings.signal).then((completion) => {
            // Each sample is kept as it finishes: a failure or kill later loses no finished one.
            request.onCompletions?.([completion]);
            return completion;
          }).catch((error: unknown) => {
            if (!siblings.signal.aborted) siblings.abort(error);
            throw error;
          })
        )
      );
      const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
      if (failure) {
        countFault(this.counters, request.signal?.aborted ? "aborted" : "error");
        throw siblings.signal.reason ?? failure.reason;
      }
      const completions = settled.map((s) => (s as PromiseFulfilledResult<Completion>).value);
      for (const completion of completions) {
        this.counters.completions++;
        this.counters.tokensIn += completion.tokensIn ?? 0;
        this.counters.tokensOut += completion.tokensOut ?? 0;
      }
      return completions;
    } finally {
      request.signal?.removeEventListener("abort", onAbort);
    }
  }

  private async sample(conversation: {history: ChatHistoryItem[]; prompt: string}, sampling: SamplingParams, index: number, signal: AbortSignal): Promise<Completion> {
    const slot: PoolSlot<LlamaChatSession> = await this.pool.acquire(signal);
    try {
      const session = slot.item;
      const {model} = this.loaded;
      // Input tokens of the formatted prompt as the chat wrapper renders it (the KV cache may skip some of them).
      const formatted = session.chatWrapper.generateContextState({
        chatHistory: [...conversation.history, {type: "user", text: conversation.prompt}, {type: "model", response: []}]
      });
      const tokensIn = formatted.contextText.tokenize(model.tokenizer).length;
      const room = this.perSequence - tokensIn;
      if (room < 1) {
        countFault(this.counters, "context-overflow");
        throw new Error(`prompt of ${tokensIn} tokens does not fit the context of ${this.perSequence} tokens per sequence; raise contextSize`);
      }
      // Never let the library shift the context mid-answer (it would drop parts of the conversation): cap instead.
      const maxTokens = Math.min(sampling.maxTokens, room);
      if (maxTokens < sampling.maxTokens) countFault(this.counters, "max-tokens-capped");
      const sent = llamaSampling(sampling, index, maxTokens);
      session.setChatHistory(conversation.history);
      const meterBefore = session.sequence.tokenMeter.getState();
      const started = this.loaded.now();
      const result = await session.promptWithMeta(conversation.prompt, {
        temperature: sent.temperature,
        topP: sent.topP,
        topK: sent.topK,
        minP: sent.minP,
        seed: sent.seed,
        maxTokens: sent.maxTokens,
        repeatPenalty: false,
        ...(sent.stop ? {customStopTriggers: sent.stop} : {}),
        ...(this.loaded.grammar ? {grammar: this.loaded.grammar} : {}),
        signal
      });
      const latencyMs = this.loaded.now() - started;
      const meterAfter = session.sequence.tokenMeter.getState();
      const segments = result.response.filter((part) => typeof part === "object" && part.type === "segment");
      const meta: Record<string, unknown> = {
        sent,
        stopReason: result.stopReason,
        sequence: slot.index,
        evaluatedTokensIn: meterAfter.usedInputTokens - meterBefore.usedInputTokens,
        chatWrapper: session.chatWrapper.wrapperName
      };
      if (sampling.maxTokens !== maxTokens) meta.maxTokensRequested = sampling.maxTokens;
      if (segments.length > 0) meta.segments = segments.map((s) => ({type: s.segmentType, text: s.text}));
      return {
        index,
        seed: sent.seed,
        text: result.responseText,
        finishReason: FINISH[result.stopReason] ?? result.stopReason,
        tokensIn,
        // Sampled tokens including the end-of-generation token, like servers' completion_tokens.
        tokensOut: meterAfter.usedOutputTokens - meterBefore.usedOutputTokens,
        latencyMs,
        meta
      };
    } finally {
      this.pool.release(slot);
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.pool.close();
      const {llama, model, context, sessions} = this.loaded;
      for (const session of sessions) if (!session.disposed) session.dispose();
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    })();
    return this.closing;
  }
}
