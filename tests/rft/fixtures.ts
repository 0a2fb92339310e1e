// Tiny hand-written problems and programs for the RFT tests: a training split and an evaluation set with planted duplicates.
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {parseProblemsJsonl, type ProblemRow} from "../../loaders/datasets/jsonl.ts";
import type {Problem} from "../../loaders/datasets/index.ts";

const MB256 = 256 * 1024 * 1024;

function row(id: string, dataset: string, description: string, tests: {public: Array<[string, string]>; private: Array<[string, string]>}, solutions: string[]): ProblemRow {
  const t = (pairs: Array<[string, string]>) => pairs.map(([input, output]) => ({input, output}));
  return {
    id,
    dataset,
    split: "test",
    name: id,
    description,
    io_mode: "stdio",
    difficulty: {level: "EASY", tags: []},
    public_tests: t(tests.public),
    private_tests: t(tests.private),
    time_limit_s: 1,
    memory_limit_bytes: MB256,
    solutions: solutions.map((code) => ({code, listed_as: "correct" as const}))
  };
}

export const SUM_STATEMENT =
  "Anna keeps a notebook of her daily savings. On each line of her notebook she writes two integers a and b: the coins she saved in the morning and the coins she saved in the evening. Read one such line from standard input and print the total number of coins saved that day, a + b.\n\nInput\n\nOne line with two integers a and b (-10^9 <= a, b <= 10^9).\n\nOutput\n\nPrint one integer: a + b.";
export const MAX_STATEMENT =
  "A referee compares the final scores of two players in a board game tournament, a and b. Read the two integers from one line and print the higher of the two scores.\n\nInput\n\nOne line with two integers a and b (-10^9 <= a, b <= 10^9).\n\nOutput\n\nPrint one integer: the larger of a and b.";
export const REV_STATEMENT =
  "A spy typed a secret word backwards. Given the word s made of lowercase letters on one line, print it the right way round, that is, reversed.\n\nInput\n\nOne line with the word s (1 <= |s| <= 100).\n\nOutput\n\nPrint s reversed.";

/** Paraphrase of SUM (new names, renamed variables x and y, reworded sentences): a planted true duplicate. */
export const SAVINGS_STATEMENT =
  "Boris keeps a diary of his daily savings. In each line of his diary he writes two integers x and y: the coins he saved in the morning and the coins he saved in the evening. Read one such line from the standard input and output the total number of coins saved on that day, x + y.\n\nInput\n\nA single line with two integers x and y (-10^9 <= x, y <= 10^9).\n\nOutput\n\nOutput one integer: x + y.";
/** Look-alike of MAX: same story and format, asks for the lower score (different answers). */
export const MIN_STATEMENT =
  "A referee compares the final scores of two players in a board game tournament, a and b. Read the two integers from one line and print the lower of the two scores.\n\nInput\n\nOne line with two integers a and b (-10^9 <= a, b <= 10^9).\n\nOutput\n\nPrint one integer: the smaller of a and b.";
export const VOWELS_STATEMENT =
  "Count the vowels in a word. The vowels are the letters a, e, i, o and u.\n\nInput\n\nOne word of lowercase letters, at most 1000 of them.\n\nOutput\n\nThe number of vowels in the word.";

export const SUM_CORRECT = ["a, b = map(int, input().split())\nprint(a + b)\n", "x, y = map(int, input().split())\nprint(x + y)\n", "import sys\nvalues = list(map(int, sys.stdin.read().split()))\nprint(sum(values))\n"];
export const SUM_WRONG = "a, b = map(int, input().split())\nprint(a - b)\n";
export const MAX_CORRECT = ["a, b = map(int, input().split())\nprint(max(a, b))\n", "first, second = map(int, input().split())\nprint(first if first >= second else second)\n"];
export const MAX_WRONG = "a, b = map(int, input().split())\nprint(min(a, b))\n";
export const REV_CORRECT = ["print(input().strip()[::-1])\n", "word = input().strip()\nout = ''\nfor ch in word:\n    out = ch + out\nprint(out)\n"];
export const REV_WRONG = "print(input().strip())\n";

export const TRAIN_ROWS: ProblemRow[] = [
  row("rft-sum", "rft-test", SUM_STATEMENT, {public: [["1 2\n", "3\n"], ["5 7\n", "12\n"]], private: [["0 0\n", "0\n"], ["-4 10\n", "6\n"], ["1000000000 1000000000\n", "2000000000\n"]]}, SUM_CORRECT),
  row("rft-max", "rft-test", MAX_STATEMENT, {public: [["1 2\n", "2\n"], ["9 4\n", "9\n"]], private: [["3 3\n", "3\n"], ["-5 -8\n", "-5\n"], ["0 100\n", "100\n"]]}, MAX_CORRECT),
  row("rft-rev", "rft-test", REV_STATEMENT, {public: [["abc\n", "cba\n"]], private: [["a\n", "a\n"], ["level\n", "level\n"], ["spy\n", "yps\n"]]}, REV_CORRECT)
];

export const EVAL_ROWS: ProblemRow[] = [
  row("eval-savings", "rft-eval", SAVINGS_STATEMENT, {public: [["3 4\n", "7\n"]], private: [["-1 1\n", "0\n"], ["10 20\n", "30\n"]]}, ["x, y = map(int, input().split())\nprint(x + y)\n"]),
  row("eval-min", "rft-eval", MIN_STATEMENT, {public: [["1 2\n", "1\n"]], private: [["9 4\n", "4\n"], ["-5 -8\n", "-8\n"]]}, ["a, b = map(int, input().split())\nprint(min(a, b))\n"]),
  row("eval-vowels", "rft-eval", VOWELS_STATEMENT, {public: [["banana\n", "3\n"]], private: [["xyz\n", "0\n"], ["aeiou\n", "5\n"]]}, ["print(sum(c in 'aeiou' for c in input()))\n"])
];

export function problemsOf(rows: ProblemRow[]): Problem[] {
  return parseProblemsJsonl(rows.map((r) => JSON.stringify(r)).join("\n"), "fixture");
}

export function writeProblems(dir: string, rows: ProblemRow[], name = "problems.jsonl"): string {
  const path = join(dir, name);
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return path;
}
