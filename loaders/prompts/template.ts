// Filling `{placeholders}` in prompt templates, strictly: a missing value is a bug, never an empty gap in a prompt.

/** A placeholder is `{name}` with a lower-camel/snake identifier; other braces (code, JSON) are left alone. */
const PLACEHOLDER = /\{([a-z][A-Za-z0-9_]*)\}/g;

/** The placeholder names a template uses, each once, in order of first appearance. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Replaces every `{name}` with `values[name]` in one pass, so braces inside the values (feedback quoting
 * Python dicts or f-strings) are never re-read as placeholders. Throws if a placeholder has no value, so a
 * prompt can never go out with a hole in it; unused values are allowed.
 */
export function fillTemplate(text: string, values: Readonly<Record<string, string | undefined>>): string {
  const missing = placeholdersOf(text).filter((name) => typeof values[name] !== "string");
  if (missing.length > 0) {
    throw new Error(`fillTemplate: no value for ${missing.map((m) => `{${m}}`).join(", ")}`);
  }
  return text.replace(PLACEHOLDER, (_, name: string) => values[name]!);
}
