// A model backend whose replies come from a script: for trajectory and runner tests that need exact control.
import {canonicalJson} from "../../loaders/store/index.ts";
import {emptyStats, type ChatMessage, type Completion, type CompletionRequest, type ModelBackend, type ProblemContext} from "../../loaders/backends/types.ts";

/**
 * What the model answers. `seed` is the sample's own seed (request seed + choice index); `callIndex` counts
 * completions produced by this backend so far (0-based, over all requests and choices).
 */
export type ReplyScript = (messages: ChatMessage[], seed: number, callIndex: number, problem: ProblemContext | undefined) => string;

/** One `complete` call as received (the messages are copied, so later mutation cannot hide a repeat). */
export interface ScriptedRequest {
  messages: ChatMessage[];
  seed: number;
  n: number;
  problem: string | null;
  /** Canonical JSON of everything that makes a request distinct: messages, sampling, n, problem. */
  fingerprint: string;
}

export interface ScriptedBackend extends ModelBackend {
  /** Every request, in arrival order. */
  readonly requests: ScriptedRequest[];
  /** Completions produced (the sum of `n` over requests). */
  calls(): number;
  /** Fingerprints of completions (one per choice: request + seed) asked for more than once. */
  repeated(): string[];
  /** Forgets the requests and counts (the identity stays, so stored records still match). */
  reset(): void;
}

export interface ScriptedBackendOptions {
  /** Part of the identity: two backends with the same id share store records. Default "scripted". */
  id?: string;
  concurrency?: number;
  /** Milliseconds each request takes (default 0: answered on the next tick). */
  latencyMs?: number;
  /** Called before each request is answered (e.g. to assert something about the store at that moment). */
  onRequest?: (request: CompletionRequest, ordinal: number) => void | Promise<void>;
}

export function createScriptedBackend(script: ReplyScript, options: ScriptedBackendOptions = {}): ScriptedBackend {
  const id = options.id ?? "scripted";
  const requests: ScriptedRequest[] = [];
  let stats = emptyStats();
  let completions = 0;
  return {
    kind: "openai",
    identity: `scripted:${id}`,
    description: `scripted test backend (${id})`,
    isNullBaseline: false,
    concurrency: options.concurrency ?? 8,
    requests,
    calls: () => completions,
    repeated() {
      const seen = new Map<string, number>();
      for (const r of requests) {
        for (let i = 0; i < r.n; i++) {
          const one = canonicalJson({messages: r.messages, seed: r.seed + i, problem: r.problem});
          seen.set(one, (seen.get(one) ?? 0) + 1);
        }
      }
      return [...seen].filter(([, n]) => n > 1).map(([f]) => f);
    },
    reset() {
      requests.length = 0;
      completions = 0;
      stats = emptyStats();
    },
    async complete(request: CompletionRequest): Promise<Completion[]> {
      const ordinal = requests.length;
      const problem = request.problem ? `${request.problem.dataset}/${request.problem.id}` : null;
      const messages = structuredClone(request.messages);
      requests.push({
        messages,
        seed: request.sampling.seed,
        n: request.n,
        problem,
        fingerprint: canonicalJson({messages, sampling: request.sampling, n: request.n, problem})
      });
      stats.requests++;
      await options.onRequest?.(request, ordinal);
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      else await Promise.resolve();
      return Array.from({length: request.n}, (_, index) => {
        const seed = request.sampling.seed + index;
        const text = script(messages, seed, completions++, request.problem);
        stats.completions++;
        return {index, seed, text, finishReason: "stop", tokensIn: 10, tokensOut: 5, latencyMs: options.latencyMs ?? 0};
      });
    },
    stats: () => structuredClone(stats),
    close: async () => {}
  };
}

/** A reply with one fenced Python program (and a sentence of prose around it). */
export function fenced(code: string, prose = "Here is my solution."): string {
  return `${prose}\n\n\`\`\`python\n${code.replace(/\s+$/, "")}\n\`\`\`\n`;
}

/** The user messages of a conversation, in order. */
export function userTexts(messages: ChatMessage[]): string[] {
  return messages.filter((m) => m.role === "user").map((m) => m.content);
}

/** The last user message of a conversation (what the model is answering now). */
export function lastUser(messages: ChatMessage[]): string {
  return userTexts(messages).at(-1) ?? "";
}
