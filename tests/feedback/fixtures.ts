// A tiny hand-made problem (two public tests) and programs for the feedback tests.
import type {Problem} from "../../loaders/datasets/index.ts";

/** "Sum the numbers": test 1 has only positives, test 2 a negative one (which the buggy program skips). */
export function sumProblem(overrides: Partial<Problem> = {}): Problem {
  return {
    dataset: "test",
    id: "sum",
    split: null,
    name: "Sum",
    url: null,
    statement: "Print the sum of the n numbers.",
    ioMode: "stdio",
    fnName: null,
    starterCode: null,
    tests: {
      public: [
        {input: "3\n1 2 3\n", output: "6\n"},
        {input: "4\n5 -1 0 2\n", output: "6\n"}
      ],
      private: [{input: "1\n-5\n", output: "-5\n"}],
      generated: []
    },
    timeLimitS: 0.5,
    memoryLimitBytes: 256 << 20,
    difficulty: {label: "EASY", level: "EASY", rating: null, tags: [], order: 0},
    multipleAnswersSuspected: false,
    solutions: [],
    origin: null,
    ...overrides
  };
}

export const CORRECT = "n = int(input())\nxs = list(map(int, input().split()))\nprint(sum(xs))\n";

/** Adds only the positive numbers: right on test 1, wrong on test 2 (prints 7). */
export const BUGGY = [
  "n = int(input())",
  "xs = list(map(int, input().split()))",
  "total = 0",
  "for x in xs:",
  "    if x > 0:",
  "        total += x",
  "print(total)",
  ""
].join("\n");

export const SYNTAX_ERROR = "n = int(input()\nprint(n)\n";

/** Sums via x // x: right on test 1, ZeroDivisionError on the 0 of test 2. */
export const RAISES = "n = int(input())\ntotal = 0\nfor x in map(int, input().split()):\n    total += x * (x // x)\nprint(total)\n";

/** Right on test 1, loops forever on test 2. */
export const LOOPS_FOREVER = "n = int(input())\nwhile n == 4:\n    pass\nprint(6)\n";

/** Correct when run plainly, but spins forever under a tracer: only the traced run times out. */
export const LOOPS_WHEN_TRACED = "import sys\nif sys.gettrace() is not None:\n    while True:\n        pass\nprint(7)\n";
