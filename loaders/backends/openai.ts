// The openai backend: any OpenAI-compatible chat server (vLLM, llama.cpp server, Ollama, OpenAI) with our own retries, fault counts and n handling.
import OpenAI from "openai";
import pLimit from "p-limit";
import {countFault, emptyStats, type BackendStats, type Completion, type CompletionRequest, type ModelBackend} from "./types.ts";
import {backoffMs, classify, MAX_REFUSED_RETRIES, OpenAIBackendError, redact, type BackoffPolicy, type Fault} from "./openaiFaults.ts";
import {fetchServerIdentity, type ServerIdentity} from "./serverIdentity.ts";
import {buildParams, chatBody, decodeResponse, RESERVED_BODY_FIELDS, type DecodedResponse} from "./openaiRequest.ts";
import {cappedFetch, oversizeDecoded, oversizeOf} from "./openaiResponseCap.ts";
import {baseURLList, createReplicaRouter, primaryBaseURL, type BaseURLs} from "./replicas.ts";

export {OpenAIBackendError} from "./openaiFaults.ts";

export interface OpenAIBackendConfig {
  name: string;
  /**
   * Must include /v1 (e.g. http://127.0.0.1:8000/v1). A query string is kept for requests but left out of the identity.
   * A list names replicas of one model (replicas.ts): the first one is the identity, each request goes to the least loaded.
   */
  baseURL: BaseURLs;
  model: string;
  /** A declared checkpoint revision (commit, digest, file hash): part of the identity and of every request key. */
  revision?: string;
  /** Name of the environment variable holding the key, read at each call; unset → placeholder for local servers. */
  apiKeyEnv?: string;
  concurrency?: number;
  /** "auto": the first request with n > 1 is the probe (fewer choices or llama.cpp's refusal → unsupported). */
  supportsN?: "auto" | boolean;
  /** Largest n one request may ask for (llama.cpp: its slot count); larger n is split into chunks. */
  maxN?: number;
  sendTopK?: boolean;
  sendMinP?: boolean;
  /** Extra top-level body fields, e.g. vLLM's {top_k: -1, min_p: 0, repetition_penalty: 1}. */
  extraBody?: Record<string, unknown>;
  /** Deadline of one attempt, body included. */
  timeoutMs?: number;
  maxRetries?: number;
  /** Exponential backoff: first step and cap (small in tests). */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Longest server-requested wait (Retry-After) we obey; longer requests are clamped to this. */
  maxRetryAfterMs?: number;
}

/** Side effects, swappable in tests: transport, environment, clock, waiting, randomness (jitter). */
export interface OpenAIBackendEffects {
  fetch?: typeof globalThis.fetch;
  env?: Record<string, string | undefined>;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface OpenAIBackend extends ModelBackend {
  readonly kind: "openai";
  /** Whether the server takes `n`: configured, detected, or not yet known. */
  nSupport(): boolean | "unknown";
  serverIdentity(): Promise<ServerIdentity>;
}

export const OPENAI_DEFAULTS = {concurrency: 8, timeoutMs: 10 * 60_000, maxRetries: 6, retryBaseMs: 500, retryCapMs: 30_000, maxRetryAfterMs: 120_000};

/** Sent when no apiKeyEnv is configured: the SDK refuses to run without a key, local servers ignore it. */
export const PLACEHOLDER_KEY = "sk-local";

/** Splits a base URL into what may be shown (scheme, host, path) and its query (sent, never shown). */
export function parseEndpoint(baseURL: string): {endpoint: string; query: Record<string, string>} {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new OpenAIBackendError("openai backend: baseURL is not a valid URL (expected e.g. http://127.0.0.1:8000/v1)", "config");
  }
  if (url.username || url.password) {
    throw new OpenAIBackendError(
      "openai backend: baseURL must not contain credentials; put the key in an environment variable and name it in apiKeyEnv",
      "config"
    );
  }
  return {endpoint: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`, query: Object.fromEntries(url.searchParams)};
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const done = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", done);
      resolve();
    }, ms);
    signal.addEventListener("abort", done, {once: true});
  });

function validate(config: OpenAIBackendConfig): void {
  const bad = (what: string) => {
    throw new OpenAIBackendError(`openai backend ${config.name || "(unnamed)"}: ${what}`, "config");
  };
  if (!config.name) bad("name is required");
  if (!config.model) bad("model is required");
  const positiveInt = (v: number | undefined) => v === undefined || (Number.isInteger(v) && v > 0);
  if (!positiveInt(config.concurrency)) bad("concurrency must be a positive integer");
  if (!positiveInt(config.maxN)) bad("maxN must be a positive integer");
  if (config.timeoutMs !== undefined && !(config.timeoutMs > 0)) bad("timeoutMs must be positive");
  if (config.maxRetries !== undefined && !(Number.isInteger(config.maxRetries) && config.maxRetries >= 0)) bad("maxRetries must be an integer ≥ 0");
  const reserved = Object.keys(config.extraBody ?? {}).filter((k) => RESERVED_BODY_FIELDS.includes(k));
  if (reserved.length > 0) bad(`extraBody may not set ${reserved.join(", ")} (the backend sends and records them itself)`);
}

/** One successful HTTP exchange, with how it went. */
interface Exchange {
  decoded: DecodedResponse;
  attempts: number;
  attemptMs: number;
  latencyMs: number;
  /** The replica that answered (recorded with the completion, never part of its key). */
  servedBy: string;
}

/** Thrown (internally) when a server refuses n > 1: we fall back to single requests. */
class NRejected extends Error {}

/**
 * A backend for one model on one OpenAI-compatible endpoint.
 *
 * Retries are ours (the SDK's are off) so that every fault is counted by class in `stats().faults`.
 * Accounting, so run records can be read without guessing:
 * - `stats().requests` counts HTTP attempts (retries included), `retries` the attempts that were retries;
 * - `stats().tokensIn` adds a response's prompt tokens once, even when it carried n choices, while each
 *   completion's `tokensIn` is the prompt length of its request;
 * - a completion's `latencyMs` runs from its first attempt to the decoded answer (retries and backoff
 *   included, waiting for a concurrency slot excluded); `meta.attemptMs` is the successful attempt alone.
 */
export function createOpenAIBackend(config: OpenAIBackendConfig, effects: OpenAIBackendEffects = {}): OpenAIBackend {
  validate(config);
  const {endpoint, query} = parseEndpoint(primaryBaseURL(config.baseURL));
  const endpoints = baseURLList(config.baseURL).map(parseEndpoint);
  const concurrency = config.concurrency ?? OPENAI_DEFAULTS.concurrency;
  const timeoutMs = config.timeoutMs ?? OPENAI_DEFAULTS.timeoutMs;
  const maxRetries = config.maxRetries ?? OPENAI_DEFAULTS.maxRetries;
  const policy: BackoffPolicy = {
    baseMs: config.retryBaseMs ?? OPENAI_DEFAULTS.retryBaseMs,
    capMs: config.retryCapMs ?? OPENAI_DEFAULTS.retryCapMs,
    maxRetryAfterMs: config.maxRetryAfterMs ?? OPENAI_DEFAULTS.maxRetryAfterMs
  };
  const env = effects.env ?? process.env;
  const now = effects.now ?? Date.now;
  const sleep = effects.sleep ?? defaultSleep;
  const random = effects.random ?? Math.random;
  const bodyOptions = {model: config.model, sendTopK: config.sendTopK ?? false, sendMinP: config.sendMinP ?? false, extraBody: {...config.extraBody}};
  const where = `openai backend ${config.name}: POST ${endpoint}/chat/completions (model ${config.model})`;
  const stats = emptyStats();
  const limit = pLimit(concurrency);
  const closer = new AbortController();
  let nState: boolean | "unknown" = typeof config.supportsN === "boolean" ? config.supportsN : "unknown";
  let probing: Promise<void> | null = null;

  /** The key as of now; null secret for the placeholder. Throws when the configured variable is empty. */
  const readKey = (): {key: string; secrets: string[]} => {
    const querySecrets = endpoints.flatMap((e) => Object.values(e.query)).filter((v) => v.length >= 8);
    if (!config.apiKeyEnv) return {key: PLACEHOLDER_KEY, secrets: querySecrets};
    // Trimmed: a key pasted from a file often carries a newline, which fetch rejects as a header value.
    const key = env[config.apiKeyEnv]?.trim();
    if (!key) {
      throw new OpenAIBackendError(`${where}: environment variable ${config.apiKeyEnv} is not set; it should hold the API key`, "config");
    }
    return {key, secrets: [key, ...querySecrets]};
  };
  const clean = (text: string, secrets: string[]) => secrets.reduce((t, s) => redact(t, s), text);

  // The key is handed over per request through a function, so a changed environment takes effect at once.
  const clientFor = (replica: {endpoint: string; query: Record<string, string>}) => new OpenAI({
    baseURL: replica.endpoint,
    apiKey: async () => readKey().key,
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    defaultQuery: Object.keys(replica.query).length > 0 ? replica.query : undefined,
    maxRetries: 0,
    timeout: timeoutMs,
    logLevel: "off",
    fetch: cappedFetch(effects.fetch ?? globalThis.fetch)
  });
  const replicas = createReplicaRouter(endpoints.map((e) => ({endpoint: e.endpoint, client: clientFor(e)})));

  const failure = (fault: Fault, attempts: number, params: Record<string, unknown>, secrets: string[]): OpenAIBackendError => {
    const status = fault.status;
    let message: string;
    if (status === 401 || status === 403) {
      const hint = config.apiKeyEnv
        ? `check the key in environment variable ${config.apiKeyEnv}`
        : `no API key is configured (the placeholder "${PLACEHOLDER_KEY}" was sent): set apiKeyEnv to the name of an environment variable holding the key`;
      message = `${where} was refused with HTTP ${status}: ${fault.detail}; ${hint}`;
    } else if (status === 404) {
      message = `${where} failed with HTTP 404: ${fault.detail}; check the model name (GET ${endpoint}/models lists the served models) and that baseURL ends in /v1`;
    } else if (status === 400 || status === 422) {
      message =
        `${where} was rejected with HTTP ${status}: ${fault.detail}; fields sent: ${Object.keys(params).join(", ")} ` +
        `(a server that refuses top_k/min_p needs sendTopK/sendMinP off; one that refuses an extraBody field needs it removed)`;
    } else if (fault.refused) {
      message = `${where}: connection refused at ${endpoint} (${attempts} attempt${attempts > 1 ? "s" : ""}): nothing listens there; is the server running, and is baseURL right?`;
    } else if (fault.retryable) {
      message = `${where} gave up after ${attempts} attempts; last fault ${fault.kind}: ${fault.detail}`;
    } else {
      message = `${where} failed${status ? ` with HTTP ${status}` : ""}: ${fault.detail}`;
    }
    return new OpenAIBackendError(clean(message, secrets), fault.kind, status, attempts);
  };

  const aborted = (signal: AbortSignal) =>
    closer.signal.aborted
      ? new OpenAIBackendError(`openai backend ${config.name} is closed`, "closed")
      : new OpenAIBackendError(`${where}: request aborted (${String(signal.reason?.message ?? signal.reason ?? "")})`, "aborted");

  /**
   * One chat request with our retry loop, run inside a concurrency slot. Our own deadline covers the whole
   * attempt (the SDK's timer stops once headers arrive, so a stalled body would hang forever).
   */
  const exchange = (params: Record<string, unknown>, request: CompletionRequest, asked: number, signal: AbortSignal): Promise<Exchange> =>
    limit(async () => {
      const {secrets} = readKey();
      const body = chatBody(params, request.messages);
      const started = now();
      let refusals = 0;
      for (let attempt = 0; ; attempt++) {
        if (signal.aborted) throw aborted(signal);
        stats.requests++;
        const attemptController = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          attemptController.abort();
        }, timeoutMs);
        const forward = () => attemptController.abort(signal.reason);
        signal.addEventListener("abort", forward, {once: true});
        const attemptStart = now();
        // Per attempt: a retry may go to another replica (the one that failed is busy or down).
        const lease = replicas.acquire();
        let fault: Fault;
        try {
          const raw: unknown = await lease.replica.client.chat.completions.create(body as never, {signal: attemptController.signal, maxRetries: 0, timeout: timeoutMs});
          const decoded = decodeResponse(raw, asked);
          const done = now();
          return {decoded, attempts: attempt + 1, attemptMs: done - attemptStart, latencyMs: done - started, servedBy: lease.replica.endpoint};
        } catch (error) {
          if (signal.aborted && !timedOut) throw aborted(signal);
          const oversize = oversizeOf(error); // a flood past max_tokens: a fault, kept as its head (not retried)
          if (oversize) {
            countFault(stats, "oversize");
            const done = now();
            return {decoded: oversizeDecoded(oversize), attempts: attempt + 1, attemptMs: done - attemptStart, latencyMs: done - started, servedBy: lease.replica.endpoint};
          }
          fault = classify(error, timedOut, now());
        } finally {
          lease.release();
          clearTimeout(timer);
          signal.removeEventListener("abort", forward);
        }
        countFault(stats, fault.kind);
        if (fault.kind === "n_rejected") throw new NRejected(fault.detail);
        // A refused connection is not a busy server: fail fast (one retry covers a restart), naming the URL.
        if (fault.refused && refusals++ >= MAX_REFUSED_RETRIES) throw failure(fault, attempt + 1, params, secrets);
        if (!fault.retryable || attempt >= maxRetries) throw failure(fault, attempt + 1, params, secrets);
        stats.retries++;
        try {
          await sleep(backoffMs(attempt, fault, policy, random), signal);
        } catch {
          throw aborted(signal);
        }
      }
    });

  /** Turns one exchange into completions for request indices start + position; seeds follow seed + i. */
  const toCompletions = (ex: Exchange, start: number, params: Record<string, unknown>, baseSeed: number, mode: "n" | "single"): Completion[] => {
    const {decoded} = ex;
    stats.tokensIn += decoded.promptTokens ?? 0;
    stats.tokensOut += decoded.completionTokens ?? 0;
    const split = decoded.choices.length > 1;
    // With n > 1 servers report one total: a per-choice share would depend on how requests were batched (and
    // so differ between a run and its resumption), so each choice's own count is unknown (null).
    const shares = split ? decoded.choices.map(() => null) : [decoded.completionTokens];
    return decoded.choices.map((choice, k) => ({
      index: start + choice.position,
      seed: baseSeed + start + choice.position,
      text: choice.text,
      finishReason: choice.finishReason,
      tokensIn: decoded.promptTokens,
      tokensOut: shares[k],
      latencyMs: ex.latencyMs,
      meta: {
        sent: {...params},
        mode,
        attempts: ex.attempts,
        attemptMs: ex.attemptMs,
        serverModel: decoded.serverModel,
        systemFingerprint: decoded.systemFingerprint,
        ...(reported ? {serverIdentity: reported.digest} : {}),
        responseId: decoded.responseId,
        servedBy: ex.servedBy,
        ...(split ? {tokensOutOfRequest: decoded.completionTokens, choicesInRequest: decoded.choices.length} : {}),
        ...(choice.reasoning !== null ? {reasoning: choice.reasoning} : {})
      }
    }));
  };

  const single = async (request: CompletionRequest, index: number, signal: AbortSignal): Promise<Completion> => {
    const params = buildParams(bodyOptions, request.sampling, 1, request.sampling.seed + index);
    const ex = await exchange(params, request, 1, signal);
    const got = toCompletions(ex, index, params, request.sampling.seed, "single");
    request.onCompletions?.(got);
    return got[0];
  };

  /**
   * Who asks with n next. In "auto" the first caller becomes the probe and the others wait for its verdict,
   * so a server that ignores or refuses n is detected once, not once per concurrent request.
   */
  const nTurn = async (): Promise<{useN: boolean; probe: boolean; done: () => void}> => {
    for (;;) {
      if (nState !== "unknown") return {useN: nState, probe: false, done: () => {}};
      if (!probing) {
        let finish = () => {};
        probing = new Promise<void>((resolve) => (finish = resolve));
        return {useN: true, probe: true, done: () => ((probing = null), finish())};
      }
      await probing;
    }
  };

  /**
   * Samples with `n`: chunks of at most maxN, each one request whose choice i is recorded with seed
   * chunkSeed + i (vLLM's fan-out). Missing choices are fetched one by one with their own seeds.
   */
  const withN = async (request: CompletionRequest, signal: AbortSignal): Promise<Completion[]> => {
    const out: Completion[] = [];
    let next = 0;
    const chunkSize = Math.min(request.n, config.maxN ?? request.n);
    while (next < request.n) {
      const turn = await nTurn();
      const indices = Array.from({length: request.n - next}, (_, i) => next + i);
      if (!turn.useN) {
        out.push(...(await Promise.all(indices.map((i) => single(request, i, signal)))));
        break;
      }
      const start = next;
      const size = Math.min(chunkSize, request.n - start);
      next += size;
      if (size === 1) {
        turn.done();
        out.push(await single(request, start, signal));
        continue;
      }
      const params = buildParams(bodyOptions, request.sampling, size, request.sampling.seed + start);
      let missing: number[];
      try {
        const got = toCompletions(await exchange(params, request, size, signal), start, params, request.sampling.seed, "n");
        request.onCompletions?.(got);
        out.push(...got);
        const have = new Set(got.map((c) => c.index));
        missing = Array.from({length: size}, (_, i) => start + i).filter((i) => !have.has(i));
        if (missing.length > 0) countFault(stats, "short_n");
        if (turn.probe) nState = missing.length === 0;
      } catch (error) {
        if (!(error instanceof NRejected)) throw error;
        nState = false;
        missing = Array.from({length: size}, (_, i) => start + i);
      } finally {
        turn.done();
      }
      out.push(...(await Promise.all(missing.map((i) => single(request, i, signal)))));
    }
    return out;
  };

  // A declared revision is part of the identity (and so of every request key): a new checkpoint behind the
  // same URL and name gets new keys instead of the old model's completions.
  const identity = `openai:${endpoint}:${config.model}${config.revision ? `@${config.revision}` : ""}`;
  let reported: ServerIdentity | null = null;
  const serverIdentity = async (): Promise<ServerIdentity> => {
    const {key, secrets} = readKey();
    const signal = AbortSignal.any([closer.signal, AbortSignal.timeout(Math.min(timeoutMs, 15_000))]);
    reported ??= await fetchServerIdentity({endpoint, query, key, model: config.model, name: config.name, fetch: effects.fetch ?? globalThis.fetch, signal, clean: (t) => clean(t, secrets)});
    return reported;
  };
  return {
    kind: "openai",
    identity,
    description: `openai-compatible ${endpoint} · ${config.model} (${config.name})`,
    isNullBaseline: false,
    concurrency,
    nSupport: () => nState,
    serverIdentity,
    async complete(request: CompletionRequest): Promise<Completion[]> {
      if (closer.signal.aborted) throw aborted(closer.signal);
      if (!Number.isInteger(request.n) || request.n < 1) throw new OpenAIBackendError(`${where}: n must be a positive integer, got ${request.n}`, "config");
      readKey();
      const signal = request.signal ? AbortSignal.any([closer.signal, request.signal]) : closer.signal;
      const completions =
        request.n === 1 || nState === false
          ? await Promise.all(Array.from({length: request.n}, (_, i) => single(request, i, signal)))
          : await withN(request, signal);
      completions.sort((a, b) => a.index - b.index);
      stats.completions += completions.length;
      return completions;
    },
    stats: (): BackendStats => ({...stats, faults: {...stats.faults}}),
    async close() {
      closer.abort(new Error("backend closed"));
    }
  };
}
