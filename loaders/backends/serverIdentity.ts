// What a model server says it is serving (its `/v1/models` entry), reduced to a digest that changes with the checkpoint.
import {hashOf} from "../store/index.ts";

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
