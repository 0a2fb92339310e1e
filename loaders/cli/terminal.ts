// Untrusted text on a terminal: control characters made visible and long text cut, in one place for every command.

/**
 * C0 controls but tab and newline (ESC starts clear-screen and title-change sequences; CR overwrites a line), DEL,
 * C1 controls (8-bit CSI), and the bidirectional overrides and isolates that reorder what a line appears to say.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Control characters as `\uXXXX`: visible on a terminal, and still valid (and decoding to the same character)
 * inside a JSON string, so JSON lines stay JSON. Newlines and tabs are kept unless `oneLine`.
 */
export function escapeControls(text: string, oneLine = false): string {
  const escaped = text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return oneLine ? escaped.replace(/\n/g, "\\n").replace(/\t/g, "\\t") : escaped;
}

/** At most `maxChars` characters of `text` (cut before escaping, so no escape is split), with a visible marker. */
export function truncateForTerminal(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}…[${text.length - maxChars} more characters]`;
}

/** A field of untrusted text (a problem id, a served model name) for one line of a table. */
export function terminalField(text: string, maxChars = 200): string {
  return escapeControls(truncateForTerminal(text, maxChars), true);
}

/** A block of untrusted text (a program's output, an error message), line breaks kept. */
export function terminalBlock(text: string, maxChars = 20_000): string {
  return escapeControls(truncateForTerminal(text, maxChars));
}
