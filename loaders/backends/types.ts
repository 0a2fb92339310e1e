// The one interface every model backend implements (openai-compatible servers, embedded GGUF, human baseline).
import type {ChatMessage} from "../prompts/index.ts";
import type {ServerIdentity} from "./serverIdentity.ts";

export type {ChatMessage, ServerIdentity};

/** Sampling parameters; every one of them is recorded with each completion and is part of its store key. */
export interface SamplingParams {
  temperature: number;
  topP: number;
  /** null = do not send (servers that reject it); 0 / -1 = disabled, per server convention. */
  topK: number | null;
  minP: number | null;
  maxTokens: number;
  /** Seed of the first sample; sample i of a request uses seed + i. */
  seed: number;
  stop?: string[];
}

/** The study's sampling: nucleus sampling, top-p 0.95, temperature 1.0 (paper.md §1). */
export const DEFAULT_SAMPLING: SamplingParams = {temperature: 1.0, topP: 0.95, topK: null, minP: null, maxTokens: 2048, seed: 0};

/** What the human baseline needs to answer: the problem's real submissions (other backends ignore it). */
export interface ProblemContext {
  dataset: string;
  id: string;
  solutions: Array<{code: string; label: "correct" | "incorrect"}>;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  sampling: SamplingParams;
  /** Number of samples; sample i gets seed `sampling.seed + i`. */
  n: number;
  problem?: ProblemContext;
  signal?: AbortSignal;
  /**
   * Told about completions as each response arrives (before `complete` resolves), so the caller can store
   * them at once: with n split into chunks or single requests, a kill between two responses then loses none.
   */
  onCompletions?: (completions: Completion[]) => void;
}

export interface Completion {
  /** Index within the request (0 … n − 1). */
  index: number;
  seed: number;
  text: string;
  finishReason: string | null;
  tokensIn: number | null;
  tokensOut: number | null;
  latencyMs: number;
  /** Backend-specific facts worth keeping (server model id, system fingerprint, human solution index, …). */
  meta?: Record<string, unknown>;
}

/** Counters of trouble met and absorbed (retries), so faults are visible in progress lines and run records. */
export interface BackendStats {
  requests: number;
  completions: number;
  retries: number;
  faults: Record<string, number>;
  tokensIn: number;
  tokensOut: number;
}

export interface ModelBackend {
  readonly kind: "openai" | "llama" | "human";
  /** Stable identity used in store keys: backend kind + model (+ endpoint), never a secret. */
  readonly identity: string;
  /** Human-readable provenance for pages: "openai-compatible http://127.0.0.1:8000/v1 · meta-llama/…". */
  readonly description: string;
  /** True for the null baseline: its numbers must never be shown as a model's. */
  readonly isNullBaseline: boolean;
  /** How many requests it is worth having in flight at once (the runner's concurrency). */
  readonly concurrency: number;
  complete(request: CompletionRequest): Promise<Completion[]>;
  /**
   * What the server reports it serves (openai: its `/v1/models` entry). Asked once at the start of a run; from
   * then on each completion's `meta.serverIdentity` carries its digest. Backends without a server omit it.
   */
  serverIdentity?(): Promise<ServerIdentity>;
  stats(): BackendStats;
  close(): Promise<void>;
}

export function emptyStats(): BackendStats {
  return {requests: 0, completions: 0, retries: 0, faults: {}, tokensIn: 0, tokensOut: 0};
}

export function countFault(stats: BackendStats, kind: string): void {
  stats.faults[kind] = (stats.faults[kind] ?? 0) + 1;
}
