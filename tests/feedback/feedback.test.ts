// End to end: each feedback kind for programs run on a tiny problem's public tests in the real sandbox.
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {SandboxPool} from "../../loaders/execution/index.ts";
import {renderFeedback, type FeedbackOptions} from "../../loaders/feedback/index.ts";
import {FEEDBACK_KINDS} from "../../loaders/prompts/index.ts";
import {BUGGY, CORRECT, LOOPS_FOREVER, LOOPS_WHEN_TRACED, RAISES, SYNTAX_ERROR, sumProblem} from "./fixtures.ts";

let pool: SandboxPool;
beforeAll(async () => {
  pool = await SandboxPool.start({lanes: 2, allowDegraded: true, log: () => {}});
});
afterAll(() => pool?.close());

/** No extra seconds for the traced run: the timeout tests stay short. */
const FAST: FeedbackOptions = {ldb: {extraTimeS: 0}};

describe("renderFeedback on a buggy program", () => {
  it("binary: one sentence, after running every public test", async () => {
    const f = await renderFeedback("binary", sumProblem(), BUGGY, pool, FAST);
    expect(f).toMatchObject({kind: "binary", passed: false, text: "The code did not pass the public tests."});
    expect(f.publicResults.testsRun).toBe(2);
    expect(f.publicResults.failedTest).toBe(1);
  });

  it("failed: the failed test's input, expected and actual output only", async () => {
    const f = await renderFeedback("failed", sumProblem(), BUGGY, pool, FAST);
    expect(f.text).toBe("Test 2 failed (wrong answer).\nInput:\n```\n4\n5 -1 0 2\n```\nExpected output:\n```\n6\n```\nYour output:\n```\n7\n```");
  });

  it("failed_passed: the failed test and the passed one", async () => {
    const f = await renderFeedback("failed_passed", sumProblem(), BUGGY, pool, FAST);
    expect(f.text).toContain("Tests that did not pass:\n\nTest 2 failed (wrong answer).");
    expect(f.text).toContain("Tests that passed:\n\nTest 1 passed.\nInput:\n```\n3\n1 2 3\n```\nYour output:\n```\n6\n```");
  });

  it("ldb: the failing test, then blocks with states from the traced run", async () => {
    const f = await renderFeedback("ldb", sumProblem(), BUGGY, pool, FAST);
    expect(f.fallback).toBeUndefined();
    expect(f.tracedTest).toBe(1);
    expect(f.text).toMatch(/^Test 2 failed \(wrong answer\)\.[\s\S]*Your output:\n```\n7\n```\n\nDebugger trace of this test:\n/);
    expect(f.text).toContain("[BLOCK-0] module level\n# pre-state: (no variables)\nn = int(input())\nxs = list(map(int, input().split()))\ntotal = 0\n# post-state: n = 4\txs = [5, -1, 0, 2]\ttotal = 0");
    expect(f.text).toContain("[... 3 blocks omitted ...]");
    expect(f.text).toContain("[BLOCK-9] module level\n# pre-state: n = 4\txs = [5, -1, 0, 2]\ttotal = 7\tx = 2\nprint(total)");
    expect(f.text).not.toContain("[BLOCK-10]");
  });

  it("ldb on a program that raises: the trace ends in the exception", async () => {
    const f = await renderFeedback("ldb", sumProblem(), RAISES, pool, FAST);
    expect(f.fallback).toBeUndefined();
    expect(f.text).toContain("Test 2 failed (runtime error).");
    expect(f.text).toContain("ZeroDivisionError");
    expect(f.text).toContain("_exception = ZeroDivisionError: integer division or modulo by zero");
    expect(f.text).toContain("The program raised ZeroDivisionError: integer division or modulo by zero at line 4 (module level).");
  });
});

describe("renderFeedback edge cases", () => {
  it("every kind says so when all public tests pass", async () => {
    for (const kind of FEEDBACK_KINDS) {
      const f = await renderFeedback(kind, sumProblem(), CORRECT, pool, FAST);
      expect(f).toMatchObject({kind, passed: true, text: "All 2 public tests passed."});
    }
  });

  it("every kind reports a compile error", async () => {
    for (const kind of FEEDBACK_KINDS) {
      const f = await renderFeedback(kind, sumProblem(), SYNTAX_ERROR, pool, FAST);
      expect(f.passed).toBe(false);
      expect(f.fallback).toBeUndefined();
      expect(f.text).toMatch(/^The code does not compile:\n```\n[\s\S]*SyntaxError/);
    }
  });

  it("ldb falls back to failed feedback when the program loops forever", async () => {
    const f = await renderFeedback("ldb", sumProblem({timeLimitS: 0.3}), LOOPS_FOREVER, pool, FAST);
    expect(f.fallback).toMatch(/time limit/);
    expect(f.text).toMatch(/^Note: the debugger trace is not available \(.*time limit.*\), so the failed tests are shown instead\.\n\nTest 2 failed \(time limit exceeded/);
    expect(f.text).toContain("the program ran longer than 0.3 seconds and was stopped");
  });

  it("ldb falls back when only the traced run times out", async () => {
    const f = await renderFeedback("ldb", sumProblem({timeLimitS: 0.3}), LOOPS_WHEN_TRACED, pool, FAST);
    expect(f.publicResults.tests.map((t) => t.verdict)).toEqual(["wrong_answer", "wrong_answer"]);
    expect(f.fallback).toBe("the traced run exceeded its time limit of 0.6 s");
    expect(f.text).toContain("Note: the debugger trace is not available (the traced run exceeded its time limit of 0.6 s)");
    expect(f.text).toContain("Test 1 failed (wrong answer).");
    expect(f.text).toContain("Your output:\n```\n7\n```");
  }, 30_000);

  it("ldb traces the call of a function-mode problem", async () => {
    const problem = sumProblem({
      ioMode: "function",
      fnName: "total",
      tests: {public: [{input: "[[1, 2]]", output: "3"}, {input: "[[4, -1]]", output: "3"}], private: [], generated: []}
    });
    const code = "class Solution:\n    def total(self, xs):\n        s = 0\n        for x in xs:\n            s += abs(x)\n        return s\n";
    const f = await renderFeedback("ldb", problem, code, pool, FAST);
    expect(f.fallback).toBeUndefined();
    expect(f.text).toContain("Input (arguments as JSON):\n```\n[[4, -1]]\n```\nExpected return value:\n```\n3\n```\nYour return value:\n```\n5\n```");
    expect(f.text).toMatch(/\[BLOCK-\d\] in total\(\)\n# pre-state: self = <Solution object>\txs = \[4, -1\]\ts = 4\tx = -1\n {12}s \+= abs\(x\)\n# post-state: .*s = 5/);
    expect(f.text).toContain("_ret = 5");
  });

  it("truncates long outputs with a visible marker at the configured length", async () => {
    const f = await renderFeedback("failed", sumProblem(), "input()\nprint('z' * 5000)\n", pool, {...FAST, maxValueChars: 100});
    expect(f.text).toContain(`${"z".repeat(100)}…[truncated 4900 more characters]`);
  });
});
