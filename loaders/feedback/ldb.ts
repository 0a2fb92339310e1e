// Pure rendering of an LDB-style trace (blocks with variable states) recorded by python/ldb_tracer.py.

/** One dynamic block instance: the lines a frame ran in one basic block, with its locals before and after. */
export interface LdbBlock {
  /** Position among all instances of the run (gaps mean instances were omitted); default: array position. */
  index?: number;
  /** "<module>" or the function's name. */
  function: string;
  /** First source line number of the instance. */
  line?: number;
  /** Executed source lines, original indentation, consecutive repeats collapsed. */
  lines: string[];
  /** name → rendered value; `_ret` / `_exception` in a post-state say how the frame ended. */
  pre: Record<string, string>;
  /** null when the trace stopped inside the instance. */
  post: Record<string, string> | null;
}

export interface LdbTrace {
  blocks: LdbBlock[];
  /** Instances in the whole run (the tracer keeps only the first and last few). */
  total_blocks?: number;
  events?: number;
  /** The event cap was hit: the program ran on untraced after it. */
  truncated_events: boolean;
  error: {type: string; message: string; line: number | null; function: string | null} | null;
}

export interface LdbRenderOptions {
  /** Block instances shown; more are cut to the first and last half (LDB: 10 → 5 + 5). */
  maxBlocks?: number;
  /** A state string this long or longer is cut to its first and last `stateChars / 2` characters (LDB: 100). */
  stateChars?: number;
  /** Lines shown per block; longer blocks keep the first and last half (LDB's code: 30 → 15 + 15). */
  blockLines?: number;
}

export const LDB_DEFAULTS = {maxBlocks: 10, stateChars: 100, blockLines: 30} as const;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isState(x: unknown): x is Record<string, string> {
  return isRecord(x) && Object.values(x).every((v) => typeof v === "string");
}

/** The trace from a test report, or null when it is missing or not what the tracer writes. */
export function parseTrace(raw: unknown): LdbTrace | null {
  if (!isRecord(raw) || !Array.isArray(raw.blocks)) return null;
  const blocks: LdbBlock[] = [];
  for (const b of raw.blocks) {
    if (!isRecord(b) || typeof b.function !== "string" || !Array.isArray(b.lines) || !isState(b.pre)) return null;
    if (b.post !== null && !isState(b.post)) return null;
    blocks.push({
      index: typeof b.index === "number" ? b.index : undefined,
      function: b.function,
      line: typeof b.line === "number" ? b.line : undefined,
      lines: b.lines.map(String),
      pre: b.pre,
      post: b.post as Record<string, string> | null
    });
  }
  const error = isRecord(raw.error)
    ? {
        type: String(raw.error.type ?? "Exception"),
        message: String(raw.error.message ?? ""),
        line: typeof raw.error.line === "number" ? raw.error.line : null,
        function: typeof raw.error.function === "string" ? raw.error.function : null
      }
    : null;
  return {
    blocks,
    total_blocks: typeof raw.total_blocks === "number" ? raw.total_blocks : undefined,
    events: typeof raw.events === "number" ? raw.events : undefined,
    truncated_events: raw.truncated_events === true,
    error
  };
}

/**
 * `name = value` pairs, tab-joined, as LDB prints them. Dunder names are dropped here too, so a trace from
 * elsewhere cannot leak interpreter internals. The whole joined string is cut, not each value (as LDB does).
 */
export function renderState(state: Record<string, string> | null, stateChars: number = LDB_DEFAULTS.stateChars): string {
  if (state === null) return "(not recorded: the trace stopped inside this block)";
  const joined = Object.entries(state)
    .filter(([name]) => !name.startsWith("__"))
    .map(([name, value]) => `${name} = ${value}`)
    .join("\t");
  if (joined === "") return "(no variables)";
  const half = Math.floor(stateChars / 2);
  return joined.length >= stateChars ? `${joined.slice(0, half)}...${joined.slice(joined.length - half)}` : joined;
}

function blockLines(lines: string[], max: number): string[] {
  if (lines.length <= max) return lines;
  const half = Math.floor(max / 2);
  return [...lines.slice(0, half), `    ... (${lines.length - 2 * half} lines omitted)`, ...lines.slice(lines.length - half)];
}

function where(fn: string): string {
  return fn === "<module>" ? "module level" : `in ${fn}()`;
}

/** The blocks to show: all, or the first and last `maxBlocks / 2`; each keeps its run-wide index. */
export function selectBlocks(blocks: LdbBlock[], maxBlocks: number = LDB_DEFAULTS.maxBlocks): Array<LdbBlock & {index: number}> {
  const indexed = blocks.map((b, i) => ({...b, index: b.index ?? i}));
  if (indexed.length <= maxBlocks) return indexed;
  const head = Math.ceil(maxBlocks / 2);
  const tail = maxBlocks - head;
  return [...indexed.slice(0, head), ...indexed.slice(indexed.length - tail)];
}

/**
 * The trace as LDB shows it: `[BLOCK-i]`, `# pre-state`, the executed lines, `# post-state`, renumbered from 0
 * after capping, with a line where instances were left out. Null when there is nothing to show.
 */
export function renderLdb(trace: LdbTrace, options: LdbRenderOptions = {}): string | null {
  if (trace.blocks.length === 0) return null;
  const maxBlocks = options.maxBlocks ?? LDB_DEFAULTS.maxBlocks;
  const stateChars = options.stateChars ?? LDB_DEFAULTS.stateChars;
  const maxLines = options.blockLines ?? LDB_DEFAULTS.blockLines;
  const shown = selectBlocks(trace.blocks, maxBlocks);
  const total = Math.max(trace.total_blocks ?? 0, trace.blocks.length, shown[shown.length - 1].index + 1);
  const omitted = total - shown.length;
  const out: string[] = [
    omitted > 0
      ? `The run went through ${total} blocks; ${omitted} in the middle are omitted and the ${shown.length} shown are numbered 0–${shown.length - 1}.`
      : `The run went through ${total} block${total === 1 ? "" : "s"}.`
  ];
  let previous = -1;
  shown.forEach((block, i) => {
    const gap = block.index - previous - 1;
    if (gap > 0) out.push(`[... ${gap} block${gap === 1 ? "" : "s"} omitted ...]`);
    previous = block.index;
    out.push(`[BLOCK-${i}] ${where(block.function)}`);
    out.push(`# pre-state: ${renderState(block.pre, stateChars)}`);
    out.push(...blockLines(block.lines, maxLines));
    out.push(`# post-state: ${renderState(block.post, stateChars)}`);
  });
  const tailGap = total - previous - 1;
  if (tailGap > 0) out.push(`[... ${tailGap} block${tailGap === 1 ? "" : "s"} omitted ...]`);
  if (trace.truncated_events) {
    out.push(`(The trace stops after the first ${trace.events ?? "many"} executed lines; the program then ran on without tracing.)`);
  }
  if (trace.error) {
    const at = trace.error.line !== null ? ` at line ${trace.error.line}${trace.error.function ? ` (${where(trace.error.function)})` : ""}` : "";
    out.push(`The program raised ${trace.error.type}${trace.error.message ? `: ${trace.error.message}` : ""}${at}.`);
  }
  return out.join("\n");
}
