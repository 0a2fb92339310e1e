// Content keys: a record's key is the hash of what it was made from, so equal inputs share one record.
import {createHash} from "node:crypto";

/** JSON with object keys sorted at every depth, so equal values always serialise to equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortDeep(v);
    }
    return out;
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new Error(`canonicalJson: non-finite number ${value} cannot be part of a key`);
  }
  return value;
}

/** 128-bit hex key of a record kind plus the canonical JSON of its key material. */
export function contentKey(kind: string, material: unknown): string {
  return createHash("sha256").update(kind).update("\0").update(canonicalJson(material)).digest("hex").slice(0, 32);
}

/** Short stable hash of any value (test sets, code), for use inside key material. */
export function hashOf(value: unknown): string {
  const text = typeof value === "string" ? value : canonicalJson(value);
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}
