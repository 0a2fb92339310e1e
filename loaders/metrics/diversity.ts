// Diversity and cost measures of generated programs and responses: edit similarity, distinct rate, prose share, tokens.

/**
 * Removes Python comments (`#` to end of line, outside string literals) with a small tokenizer: it tracks
 * '…', "…", '''…''' and """…""" literals, including a backslash escaping the next character (also in raw
 * strings, where `r"\""` is still one literal), so a `#` inside a string is kept.
 * Limits (documented, acceptable for a similarity measure): Python 3.12 f-strings that nest the same quote
 * inside a replacement field (f"{d["k"]}") are mis-tokenised, and an unterminated single-quoted string is
 * taken to end at the end of its line; other languages' comment syntaxes are not recognised.
 */
export function stripPythonComments(code: string): string {
  let out = "";
  let i = 0;
  let copiedFrom = 0;
  while (i < code.length) {
    const ch = code[i]!;
    if (ch === "#") {
      out += code.slice(copiedFrom, i);
      while (i < code.length && code[i] !== "\n") i++;
      copiedFrom = i;
    } else if (ch === "'" || ch === '"') {
      const triple = code.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      i += quote.length;
      while (i < code.length) {
        const c = code[i]!;
        if (c === "\\") i += 2;
        else if (code.startsWith(quote, i)) {
          i += quote.length;
          break;
        } else if (c === "\n" && !triple) break;
        else i++;
      }
    } else {
      i++;
    }
  }
  return out + code.slice(copiedFrom);
}

/** The form programs are compared in: comments removed, trailing whitespace stripped, blank lines dropped. */
export function normaliseProgram(code: string): string {
  return stripPythonComments(code)
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .join("\n");
}

let row = new Int32Array(256);

/**
 * Levenshtein distance (insert, delete, substitute; cost 1 each) over UTF-16 code units, O(n·m) time and
 * O(min(n, m)) memory in one reused Int32Array row. Identical strings return at once and a common prefix
 * and suffix are trimmed first: consecutive turns of a trajectory often differ in a few lines only.
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  let long = a.slice(start, endA);
  let short = b.slice(start, endB);
  if (short.length > long.length) [long, short] = [short, long];
  const n = short.length;
  if (n === 0) return long.length;
  if (row.length < n + 1) row = new Int32Array(Math.max(n + 1, row.length * 2));
  for (let j = 0; j <= n; j++) row[j] = j;
  for (let i = 1; i <= long.length; i++) {
    const code = long.charCodeAt(i - 1);
    let diagonal = row[0]!; // D[i−1][j−1]
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const above = row[j]!; // D[i−1][j]
      const substitute = diagonal + (short.charCodeAt(j - 1) === code ? 0 : 1);
      const insert = row[j - 1]! + 1;
      const remove = above + 1;
      row[j] = substitute < insert ? (substitute < remove ? substitute : remove) : insert < remove ? insert : remove;
      diagonal = above;
    }
  }
  return row[n]!;
}

/** 1 − Levenshtein / max(length): 1 for identical strings (two empty ones included), 0 for nothing in common. */
export function editSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - levenshtein(a, b) / longest;
}

/**
 * Similarity of each program to the previous one in a trajectory (length − 1 values), on normalised code:
 * how much a model rewrites between turns rather than patching. Comments and blank lines are ignored so a
 * turn that only re-explains itself in comments counts as unchanged.
 */
export function consecutiveSimilarities(programs: readonly string[]): number[] {
  const normalised = programs.map(normaliseProgram);
  const out: number[] = [];
  for (let i = 1; i < normalised.length; i++) out.push(editSimilarity(normalised[i - 1]!, normalised[i]!));
  return out;
}

/** Distinct normalised programs / programs for one problem; null when there are no programs. */
export function distinctProgramRate(programs: readonly string[]): number | null {
  if (programs.length === 0) return null;
  return new Set(programs.map(normaliseProgram)).size / programs.length;
}

/**
 * Share of a response that is not inside a fenced code block (``` or ~~~, CommonMark rules: up to three
 * spaces of indent; the closing fence uses the same character, is at least as long and has nothing after
 * it; an unclosed fence runs to the end). Fence lines count as code; inline `code` spans count as prose.
 * Measured in characters (Unicode code points), not tokens: tokenizers differ between models, and the
 * ratio is meant to compare how much a prompt makes a model write outside its code. 0 for an empty response.
 */
export function nonCodeFraction(response: string): number {
  const lines = response.split(/(?<=\n)/); // keeps each line's newline with it
  let total = 0;
  let prose = 0;
  let fence: {char: string; length: number} | null = null;
  for (const line of lines) {
    const length = codePoints(line);
    total += length;
    const marker = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line.replace(/\r?\n$/, ""));
    if (fence) {
      if (marker && marker[1]![0] === fence.char && marker[1]!.length >= fence.length && marker[2]!.trim() === "") fence = null;
    } else if (marker && !(marker[1]![0] === "`" && marker[2]!.includes("`"))) {
      fence = {char: marker[1]![0]!, length: marker[1]!.length};
    } else {
      prose += length;
    }
  }
  return total === 0 ? 0 : prose / total;
}

/**
 * Tokens per solved problem: all tokens spent (on solved and unsolved problems alike) divided by the number
 * of problems solved, the study's price of a solution. null when nothing was solved (the price is unbounded).
 */
export function tokensPerSolvedProblem(problems: ReadonlyArray<{tokens: number; solved: boolean}>): number | null {
  let tokens = 0;
  let solved = 0;
  for (const p of problems) {
    tokens += p.tokens;
    if (p.solved) solved++;
  }
  return solved === 0 ? null : tokens / solved;
}

function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff || i === 0 || (text.charCodeAt(i - 1) & 0xfc00) !== 0xd800) count++;
  }
  return count;
}
