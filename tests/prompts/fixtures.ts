// Problems for the prompt tests: one stdin/stdout problem and one call-based (TACO-style) problem.
import type {Problem} from "../../loaders/datasets/problem.ts";

function base(id: string): Problem {
  return {
    dataset: "test",
    id,
    split: "test",
    name: null,
    url: null,
    statement: null,
    ioMode: "stdio",
    fnName: null,
    starterCode: null,
    tests: {public: [], private: [], generated: []},
    timeLimitS: 2,
    memoryLimitBytes: null,
    difficulty: {label: "EASY", level: "EASY", rating: null, tags: [], order: 0},
    multipleAnswersSuspected: false,
    solutions: [],
    origin: null
  };
}

export const stdioProblem: Problem = {
  ...base("sum-pairs"),
  statement: "Given n integers, print the sum of every pair {i, j}.\r\n\r\nInput\nThe first line holds n.\n\nOutput\nOne integer.",
  tests: {public: [{input: "2\n1 2\n", output: "3\n"}], private: [], generated: []}
};

export const functionProblem: Problem = {
  ...base("perfect"),
  statement: "A perfect number equals the sum of its positive divisors, excluding itself. Return true if num is perfect.",
  ioMode: "function",
  fnName: "checkPerfectNumber",
  starterCode: "\nclass Solution:\n    def checkPerfectNumber(self, num: int) -> bool:\n        "
};
