// Reads problem files in the JSONL schema of data/sample-problems.jsonl (documented in data/demo/README.md).
import {BadLines, MAX_REPORTED_BAD_LINES} from "../config/badLines.ts";
import {parseStrict, strictDeep} from "../config/strict.ts";
import {readFileSync} from "node:fs";
import {z} from "zod";
import {normaliseDifficulty} from "./difficulty.ts";
import {judgeDefect, type Problem} from "./problem.ts";

const testCase = z.object({input: z.string(), output: z.string()});

const solution = z.object({
  code: z.string(),
  language: z.string().default("PYTHON3"),
  listed_as: z.enum(["correct", "incorrect"]),
  local_verdict: z.string().nullish(),
  failed_test_index: z.number().int().nonnegative().nullish(),
  failure_reason: z.string().nullish()
});

/** Strict (see config/strict.ts): a misspelt key (`time_limit`, `generated_test`) is an error, not a silent default. */
const problemRow = strictDeep(z
  .object({
    id: z.string().min(1),
    dataset: z.string().min(1),
    split: z.string().nullish(),
    origin: z.unknown().optional(),
    name: z.string().nullish(),
    url: z.string().nullish(),
    /** Where the problem comes from, and free-text notes about its statement or tests (kept with the data, unused). */
    source_site: z.string().nullish(),
    description_note: z.string().nullish(),
    tests_note: z.string().nullish(),
    difficulty: z.union([z.record(z.string(), z.unknown()), z.string()]).nullish(),
    description: z.string().nullish(),
    io_mode: z.enum(["stdio", "function"]),
    fn_name: z.string().nullish(),
    starter_code: z.string().nullish(),
    public_tests: z.array(testCase),
    private_tests: z.array(testCase),
    generated_tests: z.array(testCase).default([]),
    time_limit_s: z.number().positive().nullish(),
    memory_limit_bytes: z.number().positive().nullish(),
    multiple_answers_suspected: z.boolean().default(false),
    solutions: z.array(solution).default([])
  })
  .superRefine((row, ctx) => {
    if (row.io_mode === "function" && !row.fn_name) {
      ctx.addIssue({code: "custom", path: ["fn_name"], message: 'required when io_mode is "function"'});
    }
  }));

export type ProblemRow = z.input<typeof problemRow>;

/** A problem file could not be read; the message names the file, line and field (of every bad line, up to a cap). */
export class ProblemFileError extends Error {
  /** Every bad line found (the first is this error's own line and field); `badLines` counts those past the cap too. */
  others: ProblemFileError[] = [];
  badLines = 1;
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string | null,
    problem: string
  ) {
    super(`${file}:${line}: ${field ? `field \`${field}\`: ` : ""}${problem}`);
    this.name = "ProblemFileError";
  }

  /** One error for several bad lines: each on its own line of the message, then how many more were not shown. */
  static several(errors: ProblemFileError[], badLines: BadLines): ProblemFileError {
    const first = errors[0]!;
    if (badLines.count === 1) return first;
    const combined = new ProblemFileError(first.file, first.line, first.field, "");
    combined.others = errors.slice(1);
    combined.badLines = badLines.count;
    combined.message = badLines.message(first.file);
    return combined;
  }
}

export {MAX_REPORTED_BAD_LINES};

export interface ProblemFileOptions {
  /** Refuse problems with no test at all (nothing to judge a program on), as `problems` and `judge` do. Default false. */
  requireTests?: boolean;
}

/** Parses one JSONL text; `file` is only used in error messages. Every bad line is reported (up to a cap). */
export function parseProblemsJsonl(text: string, file: string, options: ProblemFileOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  const errors: ProblemFileError[] = [];
  const badLines = new BadLines();
  const bad = (error: ProblemFileError) => {
    if (badLines.shown.length < MAX_REPORTED_BAD_LINES) errors.push(error);
    badLines.add(error.message);
  };
  const lines = text.split("\n");
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (!raw.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      return bad(new ProblemFileError(file, lineNo, null, `not valid JSON (${(error as Error).message})`));
    }
    const parsed = parseStrict(problemRow, json);
    if (!parsed.data) {
      const [first, ...rest] = parsed.fields;
      const more = rest.slice(0, 4).map((i) => `; field \`${i.path}\`: ${i.message}`).join("");
      return bad(new ProblemFileError(file, lineNo, first!.path || null, first!.message + more));
    }
    const row = parsed.data;
    const ref = `${row.dataset}/${row.id}`;
    const earlier = seen.get(ref);
    if (earlier) return bad(new ProblemFileError(file, lineNo, "id", `duplicate id ${JSON.stringify(row.id)} (also on line ${earlier})`));
    seen.set(ref, lineNo);
    const problem = fromRow(row);
    if (options.requireTests && judgeDefect(problem) === "no_tests") {
      return bad(
        new ProblemFileError(file, lineNo, null, `problem ${JSON.stringify(row.id)} has no test at all (public_tests, private_tests and generated_tests are empty): it cannot be judged, every program would pass`)
      );
    }
    problems.push(problem);
  });
  if (errors.length > 0) throw ProblemFileError.several(errors, badLines);
  return problems;
}

export function readProblemsJsonl(file: string, options: ProblemFileOptions = {}): Problem[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ProblemFileError(file, 0, null, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return parseProblemsJsonl(text, file, options);
}

function fromRow(row: z.output<typeof problemRow>): Problem {
  return {
    dataset: row.dataset,
    id: row.id,
    split: row.split ?? null,
    name: row.name ?? null,
    url: row.url ?? null,
    statement: row.description ?? null,
    ioMode: row.io_mode,
    fnName: row.fn_name ?? null,
    starterCode: row.starter_code ?? null,
    tests: {public: row.public_tests, private: row.private_tests, generated: row.generated_tests},
    timeLimitS: row.time_limit_s ?? null,
    memoryLimitBytes: row.memory_limit_bytes ?? null,
    difficulty: normaliseDifficulty(row.difficulty),
    multipleAnswersSuspected: row.multiple_answers_suspected,
    solutions: row.solutions.map((s) => ({
      code: s.code,
      language: s.language,
      label: s.listed_as,
      recordedVerdict: s.local_verdict ?? null,
      recordedFailedTest: s.failed_test_index ?? null,
      note: s.failure_reason ?? null
    })),
    origin: row.origin ?? null
  };
}
