// Reads BAAI's TACO from its Parquet files into normalised problems (stdio and call-based).
import type {Json} from "@duckdb/node-api";
import {sqlString} from "../store/index.ts";
import {difficultyOrder, normaliseDifficulty, tacoLevel} from "./difficulty.ts";
import {count, DatasetReadError, fileLabel, hubDownloadHint, withParquet, type DatasetLoad, type ParquetFile, type ParquetReadOptions} from "./parquet.ts";
import {DIFFICULTY_LEVELS, type Difficulty, type DifficultyLevel, type Problem, type TestCase} from "./problem.ts";

/*
 * The source, as checked (search tool, 2025):
 * - Files: Hugging Face dataset `BAAI/TACO`. It shipped as Arrow (`train/data-0000N-of-00009.arrow`,
 *   `test/data-00000-of-00001.arrow`) behind a loading script; the merged PR "Convert dataset to Parquet" (#2, commit
 *   1257571) added Parquet under config `ALL`: `ALL/train-*` and `ALL/test-*` (README `configs.data_files`).
 *   Train 25,443 rows, test 1,000.
 * - Columns (README `dataset_info`, every one `dtype: string`): question, solutions, starter_code, input_output,
 *   difficulty, raw_tags, name, source, tags, skill_types, url, "Expected Auxiliary Space", time_limit, date,
 *   picture_num, memory_limit, "Expected Time Complexity". `solutions` and `input_output` are JSON text; `tags`,
 *   `raw_tags`, `skill_types` are Python list literals (the README reads them with eval). Sample values:
 *   time_limit "1 second", memory_limit "256 megabytes", picture_num "0"; name and the limits may be null.
 * - Tests (FlagOpen/TACO metrics/testing_util.py): `fn_name` present → call-based, each input is the argument list;
 *   otherwise stdin/stdout, where an input or output may be a list of lines joined with "\n". For call-based tests the
 *   expected output is often wrapped in a list: TACO's checker accepts `result == output or result == output[0]`.
 */

export const TACO_DATASET = "TACO";

/** TACO's own labels: the five levels plus the one it uses for unlabelled problems. */
export const TACO_DIFFICULTIES = [...DIFFICULTY_LEVELS, "UNKNOWN_DIFFICULTY"] as const;
export type TacoDifficulty = (typeof TACO_DIFFICULTIES)[number];

const REQUIRED = ["question", "solutions", "starter_code", "input_output", "difficulty", "name", "source", "tags", "url", "time_limit", "memory_limit", "picture_num"] as const;

export interface TacoOptions extends ParquetReadOptions {
  /** A Parquet file, a glob (`data/raw/taco/ALL/test-*.parquet`) or an `hf://datasets/BAAI/TACO/...` path. */
  path: string;
  /** Recorded on each problem and part of its id (`test-17`). */
  split: string | null;
  /** Keep only these difficulties; the others are counted under `skipped.not_in_difficulties`. */
  difficulties?: readonly TacoDifficulty[];
  /** Stop after this many problems (skipped rows do not count; `skipped` then covers only the files read). */
  limit?: number;
  /** Keep at most this many solutions per problem, the first in the dataset's order. */
  maxSolutionsPerLabel?: number;
  /**
   * Count rows whose `input_output` or `solutions` is not valid JSON under `skipped` instead of failing. Off by default:
   * a broken row usually means a broken download, which should stop the run rather than quietly shrink the benchmark.
   */
  skipBadRows?: boolean;
}

export function tacoDownloadHint(split: string | null): string {
  const part = split === "train" ? "train" : "test";
  return hubDownloadHint("BAAI/TACO", `ALL/${part}-*`, "data/raw/taco");
}

/**
 * Reads TACO problems. Ids are `<split>-<n>`, n being the row's 0-based position across the matched files in path
 * order — for the official test file that is TACO's own task index. The first test of each problem is public and the
 * rest private, as the study did (TACO has no public/private division). Problems without tests are skipped and counted.
 * Problems whose statement refers to pictures (`picture_num` > 0; the pictures are not in the dataset) are kept, with
 * `origin.pictures` set and a count in `flagged.statement_has_pictures`, so an analysis can leave them out.
 */
export async function readTaco(options: TacoOptions): Promise<DatasetLoad> {
  const spec = {dataset: TACO_DATASET, path: options.path, required: REQUIRED, downloadHint: tacoDownloadHint(options.split)};
  return withParquet(spec, options, async (session) => {
    const load: DatasetLoad = {problems: [], skipped: {}, flagged: {}};
    const where = difficultyFilter(options.difficulties);
    let offset = 0;
    for (const file of session.files) {
      if (where) count(load.skipped, "not_in_difficulties", await session.count(file, `NOT (${where})`));
      for await (const row of session.rows(file, SELECT, where ?? undefined)) {
        if (options.limit !== undefined && load.problems.length >= options.limit) return load;
        const result = toProblem(row, file, offset, options);
        if (typeof result === "string") {
          count(load.skipped, result);
          continue;
        }
        if (result.origin && (result.origin as {pictures: number}).pictures > 0) count(load.flagged, "statement_has_pictures");
        load.problems.push(result);
      }
      offset += file.rows;
    }
    return load;
  });
}

const SELECT = ["question", "solutions", "starter_code", "input_output", "difficulty", "name", "source", "tags", "url", "time_limit", "memory_limit", "picture_num"]
  .map((c) => `${c}::VARCHAR AS ${c}`)
  .join(", ");

/** Pushed into SQL so unwanted rows are never parsed; rows are matched on TACO's label after trimming and upper-casing. */
function difficultyFilter(difficulties: readonly TacoDifficulty[] | undefined): string | null {
  if (!difficulties) return null;
  const labels = [...new Set(difficulties.flatMap((d) => (d === "UNKNOWN_DIFFICULTY" ? [d] : [d, d.replace("_", "-")])))];
  const expr = "upper(trim(coalesce(difficulty, 'UNKNOWN_DIFFICULTY')))";
  return labels.length ? `${expr} IN (${labels.map(sqlString).join(", ")})` : "false";
}

type Row = Record<string, Json>;

function toProblem(row: Row, file: ParquetFile, offset: number, options: TacoOptions): Problem | string {
  const fileRow = Number(row.file_row_number);
  const name = text(row.name);
  const fail = (field: string, problem: string): never => {
    throw new DatasetReadError(TACO_DATASET, file.path, fileRow, field, problem, name ?? text(row.url));
  };
  let io: ParsedIo | null;
  let solutions: string[];
  try {
    io = parseInputOutput(row.input_output, fail);
    solutions = parseSolutions(row.solutions, fail);
  } catch (error) {
    if (options.skipBadRows && error instanceof DatasetReadError) return `malformed_${(error.field ?? "row").split(/[.[]/)[0]}`;
    throw error;
  }
  if (!io || io.tests.length === 0) return "no_tests";
  const cap = options.maxSolutionsPerLabel;
  const kept = cap === undefined ? solutions : solutions.slice(0, Math.max(0, Math.floor(cap)));
  const pictures = Number.parseInt(text(row.picture_num) ?? "0", 10);
  const [first, ...rest] = io.tests;
  return {
    dataset: TACO_DATASET,
    id: `${options.split ?? "taco"}-${offset + fileRow}`,
    split: options.split,
    name,
    url: text(row.url),
    statement: text(row.question),
    ioMode: io.fnName ? "function" : "stdio",
    fnName: io.fnName,
    starterCode: text(row.starter_code),
    tests: {public: [first], private: rest, generated: []},
    timeLimitS: parseTimeLimit(row.time_limit),
    memoryLimitBytes: parseMemoryLimit(row.memory_limit),
    difficulty: tacoDifficulty(row.difficulty, row.tags),
    multipleAnswersSuspected: false,
    solutions: kept.map((code) => ({code, language: "PYTHON3", label: "correct", recordedVerdict: null, recordedFailedTest: null, note: null})),
    origin: {
      repository: "huggingface.co/datasets/BAAI/TACO",
      licence: "Apache-2.0 (parts under MIT and CC BY 4.0, see the dataset card)",
      file: fileLabel(file.path),
      row: fileRow,
      source: text(row.source),
      pictures: Number.isFinite(pictures) ? pictures : 0,
      solutions: {kept: kept.length, total: solutions.length},
      ...(io.fnName ? {expectedOutput: "as given by TACO: the return value, or the return value wrapped in a one-element list"} : {})
    }
  };
}

interface ParsedIo {
  fnName: string | null;
  tests: TestCase[];
}

/**
 * `input_output` → tests. Call-based: input = JSON array of arguments, output = the JSON value exactly as TACO gives
 * it (often wrapped in a list; a judge must accept `v` or `[v]` as TACO's checker does). Stdio: strings, or lists of
 * lines joined with "\n" as TACO's checker does. Empty or null means no tests; anything else unreadable is an error.
 */
export function parseInputOutput(value: Json, fail: (field: string, problem: string) => never): ParsedIo | null {
  if (value === null || (typeof value === "string" && value.trim() === "")) return null;
  const field = "input_output";
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch (error) {
    return fail(field, `not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null) return null;
  if (typeof parsed !== "object" || Array.isArray(parsed)) return fail(field, "expected an object with `inputs` and `outputs`");
  const {inputs, outputs, fn_name: fnRaw} = parsed as {inputs?: unknown; outputs?: unknown; fn_name?: unknown};
  if (!Array.isArray(inputs) || !Array.isArray(outputs)) return fail(`${field}.inputs`, "expected `inputs` and `outputs` lists");
  if (inputs.length !== outputs.length) return fail(field, `${inputs.length} inputs but ${outputs.length} outputs`);
  const fnName = typeof fnRaw === "string" && fnRaw.trim() ? fnRaw.trim() : null;
  const tests = inputs.map((input, i): TestCase => {
    if (fnName) {
      if (!Array.isArray(input)) return fail(`${field}.inputs[${i}]`, "a call-based input must be the list of arguments");
      return {input: JSON.stringify(input), output: JSON.stringify(outputs[i] ?? null)};
    }
    return {input: stdioText(input, `${field}.inputs[${i}]`, fail), output: stdioText(outputs[i], `${field}.outputs[${i}]`, fail)};
  });
  return {fnName, tests};
}

function stdioText(value: unknown, field: string, fail: (field: string, problem: string) => never): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number")) return value.join("\n");
  return fail(field, "expected text or a list of lines");
}

/** `solutions` is a JSON list of Python programs; empty or null means none. */
export function parseSolutions(value: Json, fail: (field: string, problem: string) => never): string[] {
  if (value === null || (typeof value === "string" && value.trim() === "")) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch (error) {
    return fail("solutions", `not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === "string")) return fail("solutions", "expected a list of programs");
  return parsed;
}

const SECONDS: Record<string, number> = {s: 1, sec: 1, secs: 1, second: 1, seconds: 1, ms: 1e-3, millisecond: 1e-3, milliseconds: 1e-3};

/** "2 seconds", "1 second", "0.5 seconds", "1500 milliseconds" → seconds; anything else → null. */
export function parseTimeLimit(value: Json): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\.?\s*$/i.exec(typeof value === "string" ? value : "");
  const unit = match ? SECONDS[match[2].toLowerCase()] : undefined;
  const seconds = match && unit ? Number(match[1]) * unit : null;
  return seconds && seconds > 0 ? seconds : null;
}

// Codeforces' "megabytes" are MiB (2^20 bytes); CodeContests records the same limits in decimal (256000000).
const BYTES: Record<string, number> = {
  b: 1, byte: 1, bytes: 1,
  kb: 1024, kilobyte: 1024, kilobytes: 1024,
  mb: 1024 ** 2, megabyte: 1024 ** 2, megabytes: 1024 ** 2, mib: 1024 ** 2,
  gb: 1024 ** 3, gigabyte: 1024 ** 3, gigabytes: 1024 ** 3, gib: 1024 ** 3
};

/** "256 megabytes" → 268435456; anything else → null. */
export function parseMemoryLimit(value: Json): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(typeof value === "string" ? value : "");
  const unit = match ? BYTES[match[2].toLowerCase()] : undefined;
  const bytes = match && unit ? Math.round(Number(match[1]) * unit) : null;
  return bytes && bytes > 0 ? bytes : null;
}

/** TACO level where the label is one; otherwise the label kept as given ("UNKNOWN_DIFFICULTY"). Tags come from `tags`. */
function tacoDifficulty(raw: Json, tagsRaw: Json): Difficulty {
  const tags = pythonStringList(tagsRaw);
  const level: DifficultyLevel | null = tacoLevel(raw);
  if (level) return normaliseDifficulty({level, tags});
  const label = text(raw) ?? "unknown";
  return {label, level: null, rating: null, tags, order: difficultyOrder({level: null, rating: null, label})};
}

/** Reads a Python list literal of strings ("['Sorting', \"Greedy's\"]") without eval; anything else gives []. */
export function pythonStringList(value: Json): string[] {
  if (typeof value !== "string") return [];
  // A hand scanner, not /'((?:[^'\\]|\\.)*)'|"…"/g: that regex rescans to the end from every unterminated
  // quote (quadratic on `'\'\'\'…`). Same matches: when a quote's scan fails at position k (the end, or a
  // backslash before a line break, which `\\.` does not take), every opener of that kind before k fails too
  // (its scan joins the failed one in the same state), so they are skipped and each character is scanned once.
  const out: string[] = [];
  const failsBefore: Record<string, number> = {"'": -1, '"': -1};
  let i = 0;
  while (i < value.length) {
    const q = value[i]!;
    if ((q !== "'" && q !== '"') || i < failsBefore[q]!) {
      i++;
      continue;
    }
    let body = "";
    let j = i + 1;
    let failed = false;
    while (j < value.length && value[j] !== q) {
      if (value[j] === "\\") {
        const next = value[j + 1];
        if (next === undefined || "\n\r\u2028\u2029".includes(next)) {
          failed = true;
          break;
        }
        body += next;
        j += 2;
      } else {
        body += value[j];
        j++;
      }
    }
    if (failed || j >= value.length) {
      failsBefore[q] = j;
      i++;
      continue;
    }
    out.push(body);
    i = j + 1;
  }
  return out;
}

function text(value: Json): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}
