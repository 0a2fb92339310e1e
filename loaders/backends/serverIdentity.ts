// What a model server says it is serving (its `/v1/models` entry), reduced to a digest that changes with the checkpoint.
import {hashOf} from "../store/index.ts";
import {connectionDetail, OpenAIBackendError} from "./openaiFaults.ts";

export interface ServerIdentity {
  /** The model name asked for. */
  model: string;
  /** The server's `/v1/models` entry for it, as reported (null: not listed, or the server has no such route). */
  entry: Record<string, unknown> | null;
  /** Digest of the entry's stable fields; null when there is no entry to go by. */
  digest: string | null;
  /** Why there is no entry, if there is none. */
  note?: string;
}

/**
 * Fields that change without the model changing: `created` is the request time on vLLM and `object` is
 * always "model". Everything else (vLLM's `root` and `max_model_len`, llama.cpp's `meta` with the GGUF's
 * parameter count and size, `owned_by`, `parent`) stays in the digest, so a new checkpoint behind the same name
 * shows. Ollama's entry has nothing of the kind: declare `revision` there (see README).
 */
const VOLATILE = new Set(["created", "object"]);

export function identityOfEntry(model: string, entry: Record<string, unknown> | null, note?: string): ServerIdentity {
  if (!entry) return {model, entry: null, digest: null, ...(note ? {note} : {})};
  const stable = Object.fromEntries(Object.entries(entry).filter(([k]) => !VOLATILE.has(k)));
  return {model, entry, digest: hashOf(stable)};
}

/** Picks the entry for `model` from a `/v1/models` list body. */
export function entryFor(model: string, body: unknown): Record<string, unknown> | null {
  const data = (body as {data?: unknown} | null)?.data;
  if (!Array.isArray(data)) return null;
  const found = data.find((e) => e && typeof e === "object" && (e as {id?: unknown}).id === model);
  return found ? (found as Record<string, unknown>) : null;
}

export interface IdentityRequest {
  endpoint: string;
  query: Record<string, string>;
  key: string;
  model: string;
  /** The config entry's name, for messages. */
  name: string;
  fetch: typeof globalThis.fetch;
  signal: AbortSignal;
  /** Redacts secrets from text that leaves the backend. */
  clean: (text: string) => string;
}

/** GET {endpoint}/models: the server's entry for the model. A server that answers without one is not an error. */
export async function fetchServerIdentity(request: IdentityRequest): Promise<ServerIdentity> {
  const {endpoint, query, model} = request;
  try {
    const qs = Object.keys(query).length ? `?${new URLSearchParams(query)}` : "";
    const response = await request.fetch(`${endpoint}/models${qs}`, {headers: {authorization: `Bearer ${request.key}`}, signal: request.signal});
    if (!response.ok) return identityOfEntry(model, null, request.clean(`GET ${endpoint}/models answered HTTP ${response.status}`));
    const body: unknown = await response.json().catch(() => null);
    const entry = entryFor(model, body);
    return identityOfEntry(model, entry, entry ? undefined : `GET ${endpoint}/models does not list "${model}"`);
  } catch (error) {
    throw new OpenAIBackendError(`openai backend ${request.name}: GET ${endpoint}/models failed (${request.clean(connectionDetail(error))}); is the server running at ${endpoint}?`, "connection");
  }
}
