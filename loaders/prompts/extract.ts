// Getting the program out of a model's reply (and the prose around it, for the non-code fraction metric).
import {RE2JS} from "re2js";

export type ExtractionMethod = "fenced-python" | "fenced-any" | "unterminated-fence" | "bare-code" | "none";

export interface Extraction {
  /** The program, without fences, with its blank edge lines trimmed and one final newline; null = no code. */
  code: string | null;
  method: ExtractionMethod;
}

/** A fenced block as found in the reply (exported for tests and for tools that show replies). */
export interface FencedBlock {
  /** Language tag: the info string's first word, lower-cased, without `{`, `.`, `}` or a `:file` suffix. */
  lang: string;
  body: string;
  /** False when the reply ended inside the block (the model ran out of tokens). */
  terminated: boolean;
  /** 0-based line numbers of the opening fence and of the closing fence (or the last line). */
  startLine: number;
  endLine: number;
}

const PYTHON_TAGS = new Set(["python", "py", "python3", "py3", "python2", "pycon", "ipython", "sage"]);
/** Blocks labelled as another programming language are never run as Python: that answer is not Python code. */
const OTHER_LANGUAGES = new Set([
  "c", "cpp", "c++", "cc", "cxx", "h", "hpp", "java", "javascript", "js", "typescript", "ts", "go", "golang", "rust",
  "rs", "csharp", "cs", "c#", "kotlin", "kt", "swift", "ruby", "rb", "php", "scala", "haskell", "hs", "perl", "lua",
  "r", "julia", "pascal", "ocaml", "sql"
]);

/** An opening (or closing) fence: any indentation (fences nest in list items), 3+ backticks or tildes, info. */
const FENCE = /^([ \t]*)(`{3,}|~{3,})(.*)$/;

/**
 * Replies are hostile and stored, so a slow parse would hang every re-run: only the first `MAX_SCAN_CHARS` of a
 * reply are scanned (far above any reply the response cap lets through), and the bare-code test rejects an
 * unindented line longer than `MAX_CODE_LINE_CHARS`. Every pattern below runs in linear time (see CODE_LINE).
 */
export const MAX_SCAN_CHARS = 1_000_000;
export const MAX_CODE_LINE_CHARS = 4_000;

function normaliseNewlines(text: string): string {
  return (text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text).replace(/\r\n?/g, "\n");
}

function langOf(info: string): string {
  const word = info.trim().split(/\s+/)[0] ?? "";
  return word.replace(/^[{.]+/, "").replace(/[}]+$/, "").split(":")[0]!.replace(/^\./, "").toLowerCase();
}

/** Removes up to `indent` leading whitespace characters, as CommonMark does for fenced content. */
function dedent(line: string, indent: number): string {
  let i = 0;
  while (i < indent && i < line.length && (line[i] === " " || line[i] === "\t")) i++;
  return line.slice(i);
}

/**
 * Finds the fenced blocks of a reply, CommonMark-like: a closing fence uses the opening's character, is at least
 * as long and carries no info string; an unclosed fence runs to the end. One pragmatic departure: inside an open
 * block, a fence line *with a language tag* at the opening's indentation closes the block and opens a new one,
 * because models often forget a closing fence before their next ```python block (and a line starting with
 * ```python is vanishingly rare inside competitive-programming code).
 */
export function fencedBlocks(text: string): FencedBlock[] {
  const lines = normaliseNewlines(text).split("\n");
  const blocks: FencedBlock[] = [];
  let open: {indent: string; fence: string; lang: string; start: number; body: string[]} | null = null;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const m = FENCE.exec(line);
    if (open === null) {
      // Backtick info strings may not contain backticks (that is inline code such as ```a``` on one line).
      if (m && !(m[2]![0] === "`" && m[3]!.includes("`"))) {
        open = {indent: m[1]!, fence: m[2]!, lang: langOf(m[3]!), start: n, body: []};
      }
      continue;
    }
    if (m && m[2]![0] === open.fence[0] && m[2]!.length >= open.fence.length) {
      const info = m[3]!.trim();
      if (info === "") {
        blocks.push({lang: open.lang, body: open.body.join("\n"), terminated: true, startLine: open.start, endLine: n});
        open = null;
        continue;
      }
      if (m[1] === open.indent && /^[A-Za-z][\w+#.-]*$/.test(info)) {
        blocks.push({lang: open.lang, body: open.body.join("\n"), terminated: true, startLine: open.start, endLine: n - 1});
        open = {indent: m[1]!, fence: m[2]!, lang: langOf(info), start: n, body: []};
        continue;
      }
    }
    open.body.push(dedent(line, open.indent.length));
  }
  if (open !== null) {
    blocks.push({lang: open.lang, body: open.body.join("\n"), terminated: false, startLine: open.start, endLine: lines.length - 1});
  }
  return blocks;
}

/** Python markers of the fallback heuristics (the brief's list plus stdin reading). */
const PYTHON_MARKERS = /(^|\W)(def |print\(|input\(|import |class |sys\.stdin)/m;
/** Markers of other languages that would otherwise pass (`class `, `import ` exist in Java, C++, JS). */
const FOREIGN_MARKERS = /#include|\bstd::|public static|System\.out|console\.log|\bfn main\b|\bfunc main\b|\bint main\s*\(/;

/** Does this text look like Python source? Cheap, deliberately simple, used only by the fallbacks. */
export function looksLikePython(code: string): boolean {
  return PYTHON_MARKERS.test(code) && !FOREIGN_MARKERS.test(code);
}

function tidy(body: string): string | null {
  // trimEnd, not /\s+$/: that regex is quadratic on a long run of spaces followed by a non-space.
  const trimmed = body.replace(/^(?:[ \t]*\n)+/, "").trimEnd();
  return trimmed.trim() === "" ? null : `${trimmed}\n`;
}

/** A pattern run by RE2 (an automaton: linear in the line's length). V8's backtracking regexes with nested
 * quantifiers over `.` (`(\[.*\])*`) took exponential time on replies such as `a[][][]…x`. */
function linear(pattern: string): {test(line: string): boolean} {
  const re = RE2JS.compile(pattern);
  return {test: (line) => re.matcher(line).find()};
}

/** Unindented lines a bare-code reply may contain: Python statements only, never a sentence. */
const CODE_LINE = [
  String.raw`^#`, // comment or shebang
  String.raw`^@[\w.]+`, // decorator
  String.raw`^[)\]}]`, // closing bracket of a multi-line expression
  String.raw`^[rbfuRBFU]{0,2}("""|''')`, // module docstring
  String.raw`^(async\s+)?def\s+\w+\s*\(`,
  String.raw`^class\s+\w+\s*(\(.*\))?\s*:`,
  String.raw`^import\s+[\w.]+(\s+as\s+\w+)?(\s*,\s*[\w.]+(\s+as\s+\w+)?)*\s*(#.*)?$`,
  String.raw`^from\s+[\w.]+\s+import\s+\S`,
  String.raw`^(if|elif|while)\b.*:\s*(#.*)?$`,
  String.raw`^(else|try|finally)\s*:`,
  String.raw`^except\b.*:\s*(#.*)?$`,
  String.raw`^for\s+.+\s+in\s+.+:\s*(#.*)?$`,
  String.raw`^with\s+.+:\s*(#.*)?$`,
  String.raw`^(pass|break|continue)\s*(#.*)?$`,
  String.raw`^(return|raise|assert|global|nonlocal|del|yield)\b`,
  // assignment (plain, augmented, annotated) or a call with no space before `(`: `x = …`, `a[i] += …`, `f(…)`;
  // `=(?:[^=]|$)` stands for the lookahead `=(?!=)`, which RE2 lacks
  String.raw`^[A-Za-z_][\w.]*(\[.*\])*(\(|\s*(=(?:[^=]|$)|[-+*/%&|^@]=|//=|\*\*=|>>=|<<=|:\s*[\w.\[\], ]+\s*=))`,
  String.raw`^[A-Za-z_][\w.]*(\s*\[.*?\])?(\s*,\s*\*?[A-Za-z_][\w.]*(\s*\[.*?\])?)+\s*=` // tuple unpacking
].map(linear);

/** One unindented line is a Python statement (exported for the worst-case-time tests). */
export function isCodeLine(line: string): boolean {
  return line.length <= MAX_CODE_LINE_CHARS && CODE_LINE.some((re) => re.test(line));
}

/**
 * Conservative bare-code test: no fences, Python markers present, and every unindented non-blank line outside a
 * triple-quoted string is a Python statement by `CODE_LINE`. A single line of prose ("Here is the code:") fails
 * it. Indented lines are accepted as the bodies of the statements above them.
 */
export function isBareCode(text: string): boolean {
  const normalised = normaliseNewlines(text);
  if (!looksLikePython(normalised) || /^[ \t]*(```|~~~)/m.test(normalised)) return false;
  let inString: string | null = null;
  let sawStatement = false;
  for (const line of normalised.split("\n")) {
    const startedInString = inString !== null;
    // Track triple-quoted strings so docstring prose is not mistaken for reply prose.
    for (const q of line.match(/"""|'''/g) ?? []) inString = inString === null ? q : inString === q ? null : inString;
    if (startedInString || line.trim() === "" || /^[ \t]/.test(line)) continue;
    if (!isCodeLine(line)) return false;
    sawStatement = true;
  }
  return sawStatement;
}

/**
 * Extracts the program from a model reply. Rules, first match wins:
 * 1. `fenced-python`: the LAST closed fenced block tagged python / py / python3 (any case, extra info allowed),
 *    last because replies that revise themselves (e.g. `weak-then-better`) end with the version to judge;
 * 2. `fenced-any`: the last closed block of any other or no language whose body looks like Python
 *    (`looksLikePython`); blocks tagged as another programming language (```cpp) are never taken;
 * 3. `unterminated-fence`: the reply ends inside a block (ran out of tokens): everything after that fence,
 *    if it is tagged python, or untagged/other and looks like Python;
 * 4. `bare-code`: the whole reply is Python with no prose at all (`isBareCode`);
 * 5. `none`: code null, and the caller records the `no_code` verdict.
 * Empty blocks are skipped by every rule. `~~~` fences, indented fences (list items: the fence's indentation is
 * removed from the body) and CRLF line ends are handled.
 */
export function extractCode(text: string): Extraction {
  const blocks = fencedBlocks(text);
  const closed = blocks.filter((b) => b.terminated && tidy(b.body) !== null);
  const python = closed.filter((b) => PYTHON_TAGS.has(b.lang));
  if (python.length > 0) return {code: tidy(python.at(-1)!.body), method: "fenced-python"};
  const anyPython = closed.filter((b) => !PYTHON_TAGS.has(b.lang) && !OTHER_LANGUAGES.has(b.lang) && looksLikePython(b.body));
  if (anyPython.length > 0) return {code: tidy(anyPython.at(-1)!.body), method: "fenced-any"};
  const last = blocks.at(-1);
  if (last && !last.terminated && tidy(last.body) !== null) {
    const ok = PYTHON_TAGS.has(last.lang) || (!OTHER_LANGUAGES.has(last.lang) && looksLikePython(last.body));
    if (ok) return {code: tidy(last.body), method: "unterminated-fence"};
  }
  if (blocks.length === 0 && isBareCode(text)) return {code: tidy(normaliseNewlines(text)), method: "bare-code"};
  return {code: null, method: "none"};
}

/**
 * The reply without its fenced blocks (fence lines included; an unclosed block runs to the end), for the
 * non-code fraction metric. A bare-code reply has no prose, so it yields "". Line ends are normalised to \n.
 */
export function nonCodeText(text: string): string {
  const normalised = normaliseNewlines(text);
  const blocks = fencedBlocks(normalised);
  if (blocks.length === 0) return isBareCode(normalised) ? "" : normalised;
  const lines = normalised.split("\n");
  const drop = new Set<number>();
  for (const b of blocks) for (let n = b.startLine; n <= b.endLine; n++) drop.add(n);
  return lines.filter((_, n) => !drop.has(n)).join("\n");
}
