// Unit tests of the pure feedback renderers: truncation, failed vs failed_passed, LDB block capping and state cuts.
import {describe, expect, it} from "vitest";
import type {ExecutionResult, TestOutcome} from "../../loaders/execution/index.ts";
import {
  parseTrace,
  renderBinary,
  renderFailed,
  renderFailedPassed,
  renderLdb,
  renderState,
  truncateValue,
  type LdbBlock,
  type LdbTrace
} from "../../loaders/feedback/index.ts";

const TESTS = [
  {input: "3\n1 2 3\n", output: "6\n"},
  {input: "2\n5 -1\n", output: "4\n"},
  {input: "1\n0\n", output: "0\n"}
];

function outcome(index: number, verdict: TestOutcome["verdict"], extra: Partial<TestOutcome> = {}): TestOutcome {
  return {index, verdict, cpuMs: 1, wallMs: 1, ...extra};
}

function results(tests: TestOutcome[]): ExecutionResult {
  const failed = tests.find((t) => t.verdict !== "accepted");
  return {verdict: failed?.verdict ?? "accepted", failedTest: failed?.index ?? null, testsRun: tests.length, tests, timeMs: 3};
}

const MIXED = results([
  outcome(0, "accepted", {stdout: "6\n"}),
  outcome(1, "wrong_answer", {stdout: "5\n"}),
  outcome(2, "runtime_error", {stdout: "", error: 'Traceback (most recent call last):\n  File "solution.py", line 2, in <module>\nZeroDivisionError: division by zero'})
]);

describe("truncateValue", () => {
  it("keeps short values and marks what it cuts, with the count", () => {
    expect(truncateValue("abc", 10)).toBe("abc");
    expect(truncateValue("x".repeat(12_345 + 1000), 1000)).toBe(`${"x".repeat(1000)}…[truncated 12345 more characters]`);
    expect(truncateValue("y".repeat(20), 5, true)).toBe("yyyyy…[truncated 15+ more characters]");
  });
});

describe("binary / failed / failed_passed", () => {
  it("binary says pass or fail in one sentence, and names a compile error", () => {
    expect(renderBinary(MIXED)).toBe("The code did not pass the public tests.");
    expect(renderBinary(results([outcome(0, "accepted"), outcome(1, "accepted")]))).toBe("All 2 public tests passed.");
    const compile: ExecutionResult = {verdict: "compile_error", failedTest: 0, testsRun: 0, tests: [], timeMs: 1, compileError: "SyntaxError: invalid syntax"};
    for (const text of [renderBinary(compile), renderFailed(compile, TESTS), renderFailedPassed(compile, TESTS)]) {
      expect(text).toContain("does not compile");
      expect(text).toContain("SyntaxError: invalid syntax");
    }
  });

  it("failed shows input, expected and actual of each failed test, and the traceback of an error", () => {
    const text = renderFailed(MIXED, TESTS);
    expect(text).toContain("Test 2 failed (wrong answer).");
    expect(text).toContain("Input:\n```\n2\n5 -1\n```");
    expect(text).toContain("Expected output:\n```\n4\n```");
    expect(text).toContain("Your output:\n```\n5\n```");
    expect(text).toContain("Test 3 failed (runtime error).");
    expect(text).toContain("ZeroDivisionError: division by zero");
    expect(text).not.toContain("Test 1");
    expect(text).not.toContain("1 2 3");
  });

  it("failed_passed adds the passed tests with their input and output", () => {
    const text = renderFailedPassed(MIXED, TESTS);
    expect(text.indexOf("Tests that did not pass:")).toBeLessThan(text.indexOf("Tests that passed:"));
    const passed = text.slice(text.indexOf("Tests that passed:"));
    expect(passed).toContain("Test 1 passed.");
    expect(passed).toContain("1 2 3");
    expect(passed).toContain("Your output:\n```\n6\n```");
    expect(passed).not.toContain("Test 2");
  });

  it("names limits in plain words and truncates long values at the configured length", () => {
    const limits = {cpu_s: 2, wall_s: 7, memory_bytes: 256 << 20, output_bytes: 64 << 20};
    const r = results([outcome(0, "time_limit"), outcome(1, "memory_limit"), outcome(2, "wrong_answer", {stdout: "9".repeat(50)})]);
    const text = renderFailed(r, TESTS, {limits, maxValueChars: 20});
    expect(text).toContain("time limit exceeded: the program ran longer than 2 seconds and was stopped");
    expect(text).toContain("memory limit exceeded: the program used more than 256 MB");
    expect(text).toContain(`${"9".repeat(20)}…[truncated 30 more characters]`);
  });

  it("says so when everything passed, and reads function-mode values as return values", () => {
    expect(renderFailed(results([outcome(0, "accepted")]), TESTS)).toBe("All 1 public tests passed.");
    const fn = renderFailed(results([outcome(0, "wrong_answer", {value: "[0, 0]"})]), [{input: "[[2, 7], 9]", output: "[0, 1]"}], {ioMode: "function"});
    expect(fn).toContain("Input (arguments as JSON):\n```\n[[2, 7], 9]\n```");
    expect(fn).toContain("Expected return value:\n```\n[0, 1]\n```");
    expect(fn).toContain("Your return value:\n```\n[0, 0]\n```");
  });
});

function block(i: number, fn = "<module>"): LdbBlock {
  return {index: i, function: fn, lines: [`x = ${i}`], pre: {x: String(i - 1)}, post: {x: String(i)}};
}

describe("LDB rendering", () => {
  it("renders header, pre-state, lines and post-state per block", () => {
    const text = renderLdb({blocks: [block(0), block(1, "helper")], truncated_events: false, error: null})!;
    expect(text).toContain("[BLOCK-0] module level\n# pre-state: x = -1\nx = 0\n# post-state: x = 0\n[BLOCK-1] in helper()");
  });

  it("keeps the first 5 and last 5 of more than 10 instances, renumbered 0-9, and says how many were omitted", () => {
    const blocks = Array.from({length: 23}, (_, i) => ({...block(i), index: undefined}));
    const text = renderLdb({blocks, truncated_events: false, error: null})!;
    const headers = [...text.matchAll(/\[BLOCK-(\d+)\]/g)].map((m) => Number(m[1]));
    expect(headers).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(text).toContain("[... 13 blocks omitted ...]");
    expect(text).toContain("13 in the middle are omitted");
    // BLOCK-5 is the 19th instance of the run (index 18).
    expect(text).toContain("[BLOCK-5] module level\n# pre-state: x = 17\nx = 18");
    expect(text.indexOf("omitted ...]")).toBeGreaterThan(text.indexOf("[BLOCK-4]"));
    expect(text.indexOf("omitted ...]")).toBeLessThan(text.indexOf("[BLOCK-5]"));
  });

  it("places the note where the tracer already left instances out", () => {
    const blocks = [0, 1, 2, 3, 4, 40, 41, 42, 43, 44].map((i) => block(i));
    const text = renderLdb({blocks, total_blocks: 45, truncated_events: false, error: null})!;
    expect(text).toContain("[BLOCK-4] module level\n# pre-state: x = 3\nx = 4\n# post-state: x = 4\n[... 35 blocks omitted ...]\n[BLOCK-5]");
  });

  it("cuts the whole joined state to first 50 + ... + last 50 characters at 100 or more", () => {
    const short = {a: "x".repeat(95)}; // "a = " + 95 = 99 characters
    expect(renderState(short)).toBe(`a = ${"x".repeat(95)}`);
    const long = {a: "1".repeat(60), b: "2".repeat(60)};
    const joined = `a = ${"1".repeat(60)}\tb = ${"2".repeat(60)}`;
    expect(renderState(long)).toBe(`${joined.slice(0, 50)}...${joined.slice(-50)}`);
    expect(renderState({a: "x".repeat(96)})).toHaveLength(103);
  });

  it("drops dunder names and shows empty states and unfinished blocks plainly", () => {
    expect(renderState({__name__: "'__main__'", __builtins__: "<module>", n: "3", _ret: "4"})).toBe("n = 3\t_ret = 4");
    expect(renderState({})).toBe("(no variables)");
    expect(renderState(null)).toContain("not recorded");
  });

  it("caps long blocks, notes a truncated trace and names the exception", () => {
    const lines = Array.from({length: 40}, (_, i) => `s${i} = ${i}`);
    const trace: LdbTrace = {
      blocks: [{function: "solve", lines, pre: {}, post: {_exception: "ZeroDivisionError: division by zero"}}],
      events: 500,
      truncated_events: true,
      error: {type: "ZeroDivisionError", message: "division by zero", line: 7, function: "solve"}
    };
    const text = renderLdb(trace)!;
    expect(text).toContain("s14 = 14\n    ... (10 lines omitted)\ns25 = 25");
    expect(text).toContain("first 500 executed lines");
    expect(text).toContain("The program raised ZeroDivisionError: division by zero at line 7 (in solve()).");
  });

  it("parses only what the tracer writes, and renders nothing for an empty trace", () => {
    expect(parseTrace(null)).toBeNull();
    expect(parseTrace({blocks: [{function: "f", lines: [], pre: {a: 1}, post: null}]})).toBeNull();
    const empty = parseTrace({blocks: [], truncated_events: false, error: null})!;
    expect(renderLdb(empty)).toBeNull();
  });
});
