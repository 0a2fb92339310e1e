// Reads DeepMind's CodeContests from its Parquet files into normalised problems (Python 3 solutions only).
import type {Json} from "@duckdb/node-api";
import {difficultyOrder, normaliseDifficulty} from "./difficulty.ts";
import {count, DatasetReadError, fileLabel, hubDownloadHint, withParquet, zipTests, type DatasetLoad, type ParquetFile, type ParquetReadOptions} from "./parquet.ts";
import type {Difficulty, HumanSolution, Problem} from "./problem.ts";

/*
 * The source, as checked (search tool, 2025):
 * - Files: Hugging Face dataset `deepmind/code_contests`, Parquet under `data/`:
 *   `data/test-00000-of-00001-9c49eeff30aacaa8.parquet`, `data/valid-00000-of-00001-5e672c5751f060d3.parquet`,
 *   `data/train-000NN-of-00039-<hash>.parquet` (39 shards, ~200 MB each) — tree pages of huggingface.co/datasets/deepmind/code_contests.
 * - Fields and enums: the dataset card (README.md on the Hub; copy in YoungXinyu1802/HuggingFace-Dataset-Card-Analysis,
 *   Data/Dataset_Card/deepmind_code_contests.md): name, description, {public,private,generated}_tests {input, output},
 *   source, difficulty (enum 0..28), solutions / incorrect_solutions {language, solution}, cf_contest_id, cf_index,
 *   cf_points, cf_rating, cf_tags, is_description_translated, untranslated_description, time_limit {seconds, nanos}
 *   ("None if not defined"), memory_limit_bytes, input_file, output_file. Language: 0 UNKNOWN, 1 PYTHON (2), 2 CPP,
 *   3 PYTHON3, 4 JAVA.
 * - Parquet types (the card has no dataset_info; read off re-uploads that kept the layout, e.g. the README of
 *   TheFactoryX/edition_3117_deepmind-code_contests-readymade and kseniasych/codecontests-difficult): tests are
 *   STRUCT(input LIST<STRING>, output LIST<STRING>); source, difficulty, cf_contest_id, cf_rating,
 *   memory_limit_bytes INT64; solutions STRUCT(language LIST<INT64>, solution LIST<STRING>); cf_points DOUBLE;
 *   cf_tags LIST<STRING>; time_limit STRUCT(seconds INT64, nanos INT64), nullable.
 * Struct fields are read by name, so their order in a file does not matter.
 */

export const CODECONTESTS_DATASET = "CodeContests";

const PYTHON3 = 3;

const DIFFICULTY_NAMES = [
  "UNKNOWN_DIFFICULTY", "EASY", "MEDIUM", "HARD", "HARDER", "HARDEST", "EXTERNAL",
  ..."ABCDEFGHIJKLMNOPQRSTUV".split("")
];
const SOURCE_NAMES = ["UNKNOWN_SOURCE", "CODECHEF", "CODEFORCES", "HACKEREARTH", "CODEJAM", "ATCODER", "AIZU"];

const REQUIRED = [
  "name", "description", "public_tests", "private_tests", "generated_tests", "difficulty", "solutions",
  "incorrect_solutions", "cf_contest_id", "cf_index", "cf_rating", "cf_tags", "time_limit", "memory_limit_bytes",
  "input_file", "output_file"
] as const;

export interface CodeContestsOptions extends ParquetReadOptions {
  /** A Parquet file, a glob (`data/raw/code_contests/data/test-*.parquet`) or an `hf://datasets/deepmind/code_contests/...` path. */
  path: string;
  /** Recorded on each problem (`test`, `valid`, `train`); also picks the files named in the download hint. */
  split: string | null;
  /** Stop after this many problems (skipped rows do not count; `skipped` then covers only the rows read). */
  limit?: number;
  /**
   * Keep at most this many Python 3 solutions of each label, the first ones in the dataset's order (so the choice is
   * deterministic). Train problems carry hundreds of solutions each; this keeps memory bounded.
   */
  maxSolutionsPerLabel?: number;
}

export function codeContestsDownloadHint(split: string | null): string {
  const part = split === "train" || split === "valid" ? split : "test";
  return hubDownloadHint("deepmind/code_contests", `data/${part}-*`, "data/raw/code_contests");
}

/**
 * Reads CodeContests problems. Rows whose problem reads or writes named files (`input_file`/`output_file`) and rows
 * without any test are skipped and counted in `skipped`; the runner only speaks stdin/stdout.
 */
export async function readCodeContests(options: CodeContestsOptions): Promise<DatasetLoad> {
  const spec = {dataset: CODECONTESTS_DATASET, path: options.path, required: REQUIRED, downloadHint: codeContestsDownloadHint(options.split)};
  return withParquet(spec, options, async (session) => {
    const load: DatasetLoad = {problems: [], skipped: {}, flagged: {}};
    const ids = new Map<string, number>();
    for (const file of session.files) {
      for await (const row of session.rows(file, selectList(file, options.maxSolutionsPerLabel))) {
        if (options.limit !== undefined && load.problems.length >= options.limit) return load;
        const reason = skipReason(row);
        if (reason) {
          count(load.skipped, reason);
          continue;
        }
        const problem = toProblem(row, file, options.split);
        const seen = ids.get(problem.id) ?? 0;
        ids.set(problem.id, seen + 1);
        if (seen > 0) {
          // Names can repeat across sources (the card says so); keep both, told apart by occurrence.
          problem.id = `${problem.id}#${seen + 1}`;
          count(load.flagged, "duplicate_name");
        }
        load.problems.push(problem);
      }
    }
    return load;
  });
}

function selectList(file: ParquetFile, cap: number | undefined): string {
  const type = file.columns.get("time_limit") ?? "";
  if (!/^STRUCT\(/i.test(type) && !/^"?NULL"?$/i.test(type)) {
    throw new DatasetReadError(CODECONTESTS_DATASET, file.path, null, "time_limit", `expected STRUCT(seconds, nanos), found ${type}`);
  }
  const timeLimit = /^STRUCT\(/i.test(type)
    ? `struct_extract(time_limit, 'seconds')::DOUBLE + coalesce(struct_extract(time_limit, 'nanos'), 0)::DOUBLE / 1e9`
    : "NULL::DOUBLE";
  const python = (column: string) => {
    const pairs = `list_zip(struct_extract(${column}, 'language'), struct_extract(${column}, 'solution'))`;
    const kept = `[x[2] FOR x IN ${pairs} IF x[1] = ${PYTHON3}]`;
    return [
      `${cap === undefined ? kept : `list_slice(${kept}, 1, ${Math.max(0, Math.floor(cap))})`} AS ${column}_py3`,
      `len(list_filter(struct_extract(${column}, 'language'), l -> l = ${PYTHON3}))::INTEGER AS ${column}_py3_total`
    ];
  };
  const optional = (column: string, expr: string, as: string) => (file.columns.has(column) ? `${expr} AS ${as}` : `NULL AS ${as}`);
  return [
    "name",
    "description",
    ...["public_tests", "private_tests", "generated_tests"].flatMap((t) => [
      `struct_extract(${t}, 'input') AS ${t}_input`,
      `struct_extract(${t}, 'output') AS ${t}_output`
    ]),
    "difficulty::INTEGER AS difficulty",
    optional("source", "source::INTEGER", "source"),
    ...python("solutions"),
    ...python("incorrect_solutions"),
    "cf_contest_id::INTEGER AS cf_contest_id",
    "cf_index",
    "cf_rating::INTEGER AS cf_rating",
    "cf_tags",
    optional("cf_points", "cf_points::DOUBLE", "cf_points"),
    optional("is_description_translated", "is_description_translated", "is_description_translated"),
    `${timeLimit} AS time_limit_s`,
    "memory_limit_bytes::DOUBLE AS memory_limit_bytes",
    "input_file",
    "output_file"
  ].join(",\n  ");
}

function skipReason(row: Record<string, Json>): string | null {
  if (nonEmpty(row.input_file) || nonEmpty(row.output_file)) return "file_io";
  const tests = ["public_tests", "private_tests", "generated_tests"].reduce((n, t) => n + listLength(row[`${t}_input`]), 0);
  if (tests === 0) return "no_tests";
  return null;
}

/** "1548_E. Gregor and the Two Painters" → "1548_E"; other sources (Aizu, CodeChef, …) keep their name as the id. */
export function codeContestsId(name: string): string {
  const match = /^(\d+_[A-Za-z]\d*)\.\s/.exec(name);
  return match ? match[1] : name.trim();
}

export function codeforcesUrl(contestId: number | null, index: string | null): string | null {
  if (!contestId || contestId <= 0 || !index) return null;
  // Contest ids from 100000 up are Codeforces gyms, which live under another path.
  return contestId >= 100000 ? `https://codeforces.com/gym/${contestId}/problem/${index}` : `https://codeforces.com/problemset/problem/${contestId}/${index}`;
}

function toProblem(row: Record<string, Json>, file: ParquetFile, split: string | null): Problem {
  const fileRow = Number(row.file_row_number);
  const name = typeof row.name === "string" ? row.name : "";
  const fail = (field: string, problem: string): never => {
    throw new DatasetReadError(CODECONTESTS_DATASET, file.path, fileRow, field, problem, name || null);
  };
  if (!name.trim()) fail("name", "empty; it is the problem's id");
  const tests = (t: string) => zipTests(row[`${t}_input`], row[`${t}_output`], fail, t);
  const contestId = typeof row.cf_contest_id === "number" ? row.cf_contest_id : null;
  const index = typeof row.cf_index === "string" && row.cf_index ? row.cf_index : null;
  const timeLimit = typeof row.time_limit_s === "number" && row.time_limit_s > 0 ? row.time_limit_s : null;
  const memory = typeof row.memory_limit_bytes === "number" && row.memory_limit_bytes > 0 ? row.memory_limit_bytes : null;
  const difficultyCode = typeof row.difficulty === "number" ? row.difficulty : 0;
  const correct = strings(row.solutions_py3);
  const incorrect = strings(row.incorrect_solutions_py3);
  return {
    dataset: CODECONTESTS_DATASET,
    id: codeContestsId(name),
    split,
    name,
    url: codeforcesUrl(contestId, index),
    statement: typeof row.description === "string" ? row.description : null,
    ioMode: "stdio",
    fnName: null,
    starterCode: null,
    tests: {public: tests("public_tests"), private: tests("private_tests"), generated: tests("generated_tests")},
    timeLimitS: timeLimit,
    memoryLimitBytes: memory,
    difficulty: difficulty(row.cf_rating, row.cf_tags, difficultyCode),
    multipleAnswersSuspected: false,
    solutions: [...correct.map((code) => solution(code, "correct")), ...incorrect.map((code) => solution(code, "incorrect"))],
    origin: {
      repository: "huggingface.co/datasets/deepmind/code_contests",
      licence: "CC BY 4.0",
      file: fileLabel(file.path),
      row: fileRow,
      source: SOURCE_NAMES[Number(row.source)] ?? (row.source === null ? null : String(row.source)),
      difficulty: {code: difficultyCode, name: DIFFICULTY_NAMES[difficultyCode] ?? String(difficultyCode)},
      cfPoints: row.cf_points ?? null,
      descriptionTranslated: row.is_description_translated ?? null,
      python3Solutions: {
        correct: {kept: correct.length, total: Number(row.solutions_py3_total ?? 0)},
        incorrect: {kept: incorrect.length, total: Number(row.incorrect_solutions_py3_total ?? 0)}
      }
    }
  };
}

/**
 * Codeforces rating and tags where known. Without a rating the label is the dataset's own grade ("CodeContests B",
 * "CodeContests EASY"): those grades are per source and not comparable, so they are never mapped onto TACO levels.
 */
function difficulty(rating: Json, tags: Json, code: number): Difficulty {
  const base = normaliseDifficulty({cf_rating: rating, cf_tags: tags});
  if (base.rating !== null || code <= 0) return base;
  const label = `CodeContests ${DIFFICULTY_NAMES[code] ?? code}`;
  return {...base, label, order: difficultyOrder({level: null, rating: null, label})};
}

function solution(code: string, label: HumanSolution["label"]): HumanSolution {
  return {code, language: "PYTHON3", label, recordedVerdict: null, recordedFailedTest: null, note: null};
}

function strings(value: Json): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function listLength(value: Json): number {
  return Array.isArray(value) ? value.length : 0;
}

function nonEmpty(value: Json): boolean {
  return typeof value === "string" && value.trim() !== "";
}
