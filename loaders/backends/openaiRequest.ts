// Request bodies and response decoding for the openai backend: which sampling fields go on the wire, and what comes back.
import type {ChatMessage, SamplingParams} from "./types.ts";
import {ResponseFault} from "./openaiFaults.ts";

/** Fields the backend owns; `extraBody` may not set them (a silent override would falsify the recorded sampling). */
export const RESERVED_BODY_FIELDS = ["model", "messages", "n", "seed", "stream", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop"];

export interface BodyOptions {
  model: string;
  sendTopK: boolean;
  sendMinP: boolean;
  extraBody: Record<string, unknown>;
}

/**
 * The parameters of one chat request, without the messages (that is what `Completion.meta.sent` records).
 *
 * - `max_tokens`, not `max_completion_tokens`: vLLM, llama.cpp and Ollama all take it (vLLM calls it deprecated
 *   but accepts it); OpenAI's reasoning models want `max_completion_tokens` (put it in a dedicated profile).
 * - `top_k` / `min_p` only when configured: OpenAI answers 400 to unknown sampling fields, Ollama ignores them.
 * - `extraBody` goes in first, so an explicit `top_k`/`min_p` from the sampling params wins over its defaults.
 * - `n` is only sent when > 1, so servers that dislike the field never see it on single requests.
 */
export function buildParams(options: BodyOptions, sampling: SamplingParams, n: number, seed: number): Record<string, unknown> {
  const params: Record<string, unknown> = {...options.extraBody, model: options.model};
  if (n > 1) params.n = n;
  params.temperature = sampling.temperature;
  params.top_p = sampling.topP;
  params.max_tokens = sampling.maxTokens;
  params.seed = seed;
  if (sampling.stop && sampling.stop.length > 0) params.stop = [...sampling.stop];
  if (options.sendTopK && sampling.topK !== null) params.top_k = sampling.topK;
  if (options.sendMinP && sampling.minP !== null) params.min_p = sampling.minP;
  return params;
}

export function chatBody(params: Record<string, unknown>, messages: ChatMessage[]): Record<string, unknown> {
  return {...params, messages: messages.map((m) => ({role: m.role, content: m.content}))};
}

/** One usable choice of a response, placed at its position within the request's chunk. */
export interface DecodedChoice {
  position: number;
  text: string;
  finishReason: string | null;
  reasoning: string | null;
}

export interface DecodedResponse {
  choices: DecodedChoice[];
  promptTokens: number | null;
  completionTokens: number | null;
  serverModel: string | null;
  systemFingerprint: string | null;
  responseId: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const count = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);
const str = (v: unknown) => (typeof v === "string" ? v : null);

/**
 * Checks a 200 answer and orders its choices. Throws `ResponseFault` (retryable) when it is not a chat completion
 * (non-JSON text, no `choices` array, a choice without a message) or when `choices` is empty.
 *
 * Positions: a choice's own `index` when the indices are distinct and within [0, asked), else its order in
 * the array. Extra choices beyond `asked` are dropped.
 */
export function decodeResponse(body: unknown, asked: number): DecodedResponse {
  if (!isObject(body)) throw new ResponseFault("malformed", `expected a JSON chat completion, got ${typeof body === "string" ? `text (${body.slice(0, 60)}…)` : typeof body}`);
  const raw = body.choices;
  if (!Array.isArray(raw)) throw new ResponseFault("malformed", "response has no choices array");
  if (raw.length === 0) throw new ResponseFault("empty_choices", "response has an empty choices array");
  const parsed = raw.map((choice, order) => {
    if (!isObject(choice) || !isObject(choice.message)) throw new ResponseFault("malformed", `choice ${order} has no message`);
    const content = choice.message.content;
    if (content !== null && content !== undefined && typeof content !== "string") throw new ResponseFault("malformed", `choice ${order} content is not text`);
    const reasoning = str(choice.message.reasoning_content) ?? str(choice.message.reasoning);
    return {index: choice.index, order, text: content ?? "", finishReason: str(choice.finish_reason), reasoning};
  });
  const indices = parsed.map((c) => c.index);
  const useIndex =
    indices.every((i) => typeof i === "number" && Number.isInteger(i) && i >= 0 && i < asked) && new Set(indices).size === indices.length;
  const choices = parsed
    .map((c) => ({position: useIndex ? (c.index as number) : c.order, text: c.text, finishReason: c.finishReason, reasoning: c.reasoning}))
    .filter((c) => c.position < asked)
    .sort((a, b) => a.position - b.position);
  const usage = isObject(body.usage) ? body.usage : {};
  return {
    choices,
    promptTokens: count(usage.prompt_tokens),
    completionTokens: count(usage.completion_tokens),
    serverModel: str(body.model),
    systemFingerprint: str(body.system_fingerprint),
    responseId: str(body.id)
  };
}

/**
 * Servers report one `completion_tokens` total for all n choices. We split it evenly (the remainder to the
 * first choices) so the per-completion figures add up to what was billed; `meta.tokensOutSplit` marks them as
 * shares, not counts. A single choice gets the total as is.
 */
export function splitTokens(total: number | null, parts: number): Array<number | null> {
  if (total === null) return Array.from({length: parts}, () => null);
  const share = Math.floor(total / parts);
  const rest = total - share * parts;
  return Array.from({length: parts}, (_, i) => share + (i < rest ? 1 : 0));
}
