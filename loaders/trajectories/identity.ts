// The model behind a backend's key must stay the same across runs: what the server reports is recorded and checked.
import type {ModelBackend, ServerIdentity} from "../backends/index.ts";
import type {Store} from "../store/index.ts";

/** A stored `server_identity` record: what a backend key's server reported when first seen with this digest. */
export interface ServerIdentityRecord {
  backend: string;
  digest: string | null;
  identity: ServerIdentity;
  seenAt: string;
  /** Set when a run accepted this identity although an earlier one was stored (--accept-identity-change). */
  acceptedChange?: {from: string | null};
}

export class IdentityChangedError extends Error {
  override name = "IdentityChangedError";
}

/**
 * The records of one backend key, oldest first, without listing the kind: record i is keyed by
 * {backend, seq: i}, so the latest is found by probing seq 0, 1, … (a server changes identity a handful of times).
 */
function recordsOf(store: Store, backend: string): ServerIdentityRecord[] {
  const records: ServerIdentityRecord[] = [];
  for (let seq = 0; ; seq++) {
    const record = store.get<ServerIdentityRecord>("server_identity", store.key("server_identity", {backend, seq}));
    if (!record) return records;
    records.push(record);
  }
}

/**
 * Asks each backend's server what it serves and compares it with what the stored completions under the same
 * key came from. A different answer stops the run before any request (unless `accept`): the same URL and name
 * may now serve another checkpoint, and its completions would be published under the old model's label.
 * Returns one line per backend for the log.
 */
export async function checkServerIdentities(store: Store, backends: readonly ModelBackend[], options: {accept?: boolean; now?: () => Date} = {}): Promise<string[]> {
  const now = options.now ?? (() => new Date());
  const lines: string[] = [];
  for (const backend of backends) {
    if (!backend.serverIdentity) continue;
    const current = await backend.serverIdentity();
    const records = recordsOf(store, backend.identity);
    const latest = records.at(-1);
    const record: ServerIdentityRecord = {backend: backend.identity, digest: current.digest, identity: current, seenAt: now().toISOString()};
    if (!latest) {
      store.put("server_identity", {backend: backend.identity, seq: 0}, record);
      lines.push(`${backend.description}: server identity ${current.digest ?? `unknown (${current.note ?? "no entry"})`} recorded`);
      continue;
    }
    if (latest.digest === current.digest) continue;
    if (!options.accept) {
      throw new IdentityChangedError(
        `${backend.description}: the server now reports a different model than the stored completions under this key came from.\n` +
          `  stored (${latest.seenAt}): ${JSON.stringify(latest.identity.entry)}\n` +
          `  now: ${JSON.stringify(current.entry)}${current.note ? ` (${current.note})` : ""}\n` +
          `If the checkpoint changed, give the model a new \`revision\` in reprompt.config.js (new keys, old results kept apart); ` +
          `if it is the same model, re-run with --accept-identity-change.`
      );
    }
    store.put("server_identity", {backend: backend.identity, seq: records.length}, {...record, acceptedChange: {from: latest.digest}});
    lines.push(`${backend.description}: identity change accepted (${latest.digest} → ${current.digest})`);
  }
  return lines;
}
