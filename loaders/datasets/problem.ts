// The normalised problem every stage works with, whatever dataset it came from.

export type IoMode = "stdio" | "function";

/** One test: stdin and expected stdout (stdio), or JSON arguments and JSON return value (function). */
export interface TestCase {
  input: string;
  output: string;
}

/** TACO's five levels; other datasets keep their own label and leave `level` null. */
export const DIFFICULTY_LEVELS = ["EASY", "MEDIUM", "MEDIUM_HARD", "HARD", "VERY_HARD"] as const;
export type DifficultyLevel = (typeof DIFFICULTY_LEVELS)[number];

export interface Difficulty {
  /** What the dataset calls it: "EASY", "interview", "rating 2200", "unknown". */
  label: string;
  level: DifficultyLevel | null;
  /** Codeforces rating where known. */
  rating: number | null;
  tags: string[];
  /** Sort position: TACO levels in order, then APPS levels, then ratings, then unknown. */
  order: number;
}

export interface HumanSolution {
  code: string;
  language: string;
  /** The dataset's label: listed among correct solutions or among incorrect ones. */
  label: "correct" | "incorrect";
  /** A verdict recorded with the data (by whoever prepared it), if any. */
  recordedVerdict: string | null;
  recordedFailedTest: number | null;
  note: string | null;
}

export interface Problem {
  dataset: string;
  id: string;
  split: string | null;
  name: string | null;
  url: string | null;
  statement: string | null;
  ioMode: IoMode;
  fnName: string | null;
  starterCode: string | null;
  tests: {public: TestCase[]; private: TestCase[]; generated: TestCase[]};
  timeLimitS: number | null;
  memoryLimitBytes: number | null;
  difficulty: Difficulty;
  multipleAnswersSuspected: boolean;
  solutions: HumanSolution[];
  /** Where the record came from (repository, path, licence), kept as given. */
  origin: unknown;
}

/** All tests in judge order: public, then private, then generated (indices in verdicts refer to this). */
export function allTests(problem: Problem): TestCase[] {
  return [...problem.tests.public, ...problem.tests.private, ...problem.tests.generated];
}

const hiddenCache = new WeakMap<Problem["tests"], TestCase[]>();

/** The hidden tests a final program is judged on: private + generated (the same array for the same problem). */
export function hiddenTests(problem: Problem): TestCase[] {
  let hidden = hiddenCache.get(problem.tests);
  if (!hidden) hiddenCache.set(problem.tests, (hidden = [...problem.tests.private, ...problem.tests.generated]));
  return hidden;
}

export function problemRef(problem: Pick<Problem, "dataset" | "id">): string {
  return `${problem.dataset}/${problem.id}`;
}

/**
 * Why a problem cannot be judged, or null. With no test at all, `judge` would call any program "accepted"
 * having run nothing: `problems` and `judge` refuse it. With no hidden test (private + generated), a final
 * program in an experiment would be: datasets skip and count it (`judge` still runs its public tests).
 */
export function judgeDefect(problem: Pick<Problem, "tests">): "no_tests" | "no_hidden_tests" | null {
  if (problem.tests.private.length + problem.tests.generated.length > 0) return null;
  return problem.tests.public.length === 0 ? "no_tests" : "no_hidden_tests";
}

/** Multi-turn feedback and n@k's choice of submissions run the public tests: without any they have nothing to run. */
export function hasPublicTests(problem: Pick<Problem, "tests">): boolean {
  return problem.tests.public.length > 0;
}
