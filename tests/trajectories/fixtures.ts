// Tiny hand-made problems (JSONL rows in the schema of data/demo/problems.jsonl) and programs for the engine tests.
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {parseProblemsJsonl, type ProblemRow} from "../../loaders/datasets/jsonl.ts";
import type {Problem} from "../../loaders/datasets/index.ts";

/** Sum of two numbers: 2 public tests, 3 private ones (one with zeros, one with a negative number). */
export function sumRow(overrides: Partial<ProblemRow> = {}): ProblemRow {
  return {
    id: "sum-two",
    dataset: "traj-test",
    split: "test",
    name: "Sum of two",
    description: "TASK-SUM. Read two integers a and b on one line and print their sum a + b.",
    io_mode: "stdio",
    difficulty: {level: "EASY", tags: ["math"]},
    public_tests: [
      {input: "1 2\n", output: "3\n"},
      {input: "5 7\n", output: "12\n"}
    ],
    private_tests: [
      {input: "0 0\n", output: "0\n"},
      {input: "-4 10\n", output: "6\n"},
      {input: "100 200\n", output: "300\n"}
    ],
    time_limit_s: 1,
    memory_limit_bytes: 256 * 1024 * 1024,
    solutions: [
      {code: SUM_CORRECT, listed_as: "correct"},
      {code: "a, b = map(int, input().split())\nprint(b + a)\n", listed_as: "correct"},
      {code: "import sys\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\n", listed_as: "correct"},
      {code: SUM_WRONG, listed_as: "incorrect"},
      {code: SUM_PUBLIC_ONLY, listed_as: "incorrect"},
      {code: "a, b = map(int, input().split())\nprint(a * b)\n", listed_as: "incorrect"}
    ],
    ...overrides
  };
}

/** Maximum of two numbers: 2 public tests, 3 private ones. */
export function maxRow(overrides: Partial<ProblemRow> = {}): ProblemRow {
  return {
    id: "max-two",
    dataset: "traj-test",
    split: "test",
    name: "Max of two",
    description: "TASK-MAX. Read two integers a and b on one line and print the larger one.",
    io_mode: "stdio",
    difficulty: {level: "EASY", tags: ["implementation"]},
    public_tests: [
      {input: "1 2\n", output: "2\n"},
      {input: "9 4\n", output: "9\n"}
    ],
    private_tests: [
      {input: "3 3\n", output: "3\n"},
      {input: "-5 -8\n", output: "-5\n"},
      {input: "0 100\n", output: "100\n"}
    ],
    time_limit_s: 1,
    memory_limit_bytes: 256 * 1024 * 1024,
    solutions: [
      {code: MAX_CORRECT, listed_as: "correct"},
      {code: "a, b = map(int, input().split())\nprint(a if a > b else b)\n", listed_as: "correct"},
      {code: MAX_WRONG, listed_as: "incorrect"},
      {code: "a, b = map(int, input().split())\nprint(b)\n", listed_as: "incorrect"}
    ],
    ...overrides
  };
}

export const SUM_CORRECT = "a, b = map(int, input().split())\nprint(a + b)\n";
/** Fails public test 1 (prints -1 for "1 2"). */
export const SUM_WRONG = "a, b = map(int, input().split())\nprint(a - b)\n";
/** Right on both public tests (positive a), wrong on the private "0 0" test. */
export const SUM_PUBLIC_ONLY = "a, b = map(int, input().split())\nprint(a + b if a > 0 else 7)\n";
/** Right on public test 1, loops forever on public test 2 (a = 5). */
export const SUM_LOOPS = "a, b = map(int, input().split())\nwhile a == 5:\n    pass\nprint(a + b)\n";
export const MAX_CORRECT = "a, b = map(int, input().split())\nprint(max(a, b))\n";
export const MAX_WRONG = "a, b = map(int, input().split())\nprint(min(a, b))\n";

export function problemOf(row: ProblemRow): Problem {
  return parseProblemsJsonl(JSON.stringify(row), "fixture")[0]!;
}

/** Writes the rows as a JSONL problem file and returns its path. */
export function writeProblems(dir: string, rows: ProblemRow[], name = "problems.jsonl"): string {
  const path = join(dir, name);
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return path;
}
