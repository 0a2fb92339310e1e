import {describe, expect, it} from "vitest";
import {allTests, DEMO_SOURCE, hiddenTests, loadSource, parseProblemsJsonl, ProblemFileError, readProblemsJsonl} from "../../loaders/datasets/index.ts";
import {haveSharedSample, SHARED_SAMPLE, SHARED_SKIP_MESSAGE} from "../helpers/shared.ts";

const valid = {
  id: "p1",
  dataset: "mine",
  io_mode: "stdio",
  difficulty: {level: "MEDIUM_HARD", tags: ["dp"]},
  public_tests: [{input: "1\n", output: "2\n"}],
  private_tests: [{input: "2\n", output: "3\n"}],
  generated_tests: [{input: "3\n", output: "4\n"}],
  time_limit_s: 2,
  solutions: [
    {code: "print(int(input())+1)", language: "PYTHON3", listed_as: "correct"},
    {code: "print(2)", language: "PYTHON3", listed_as: "incorrect", local_verdict: "wrong_answer", failed_test_index: 1}
  ]
};

function line(overrides: Record<string, unknown>): string {
  return JSON.stringify({...valid, ...overrides});
}

describe("problem JSONL reader", () => {
  it("normalises a row: tests in judge order, difficulty, labels", () => {
    const [p] = parseProblemsJsonl(line({}) + "\n", "mine.jsonl");
    expect(p.difficulty).toMatchObject({label: "MEDIUM_HARD", level: "MEDIUM_HARD", tags: ["dp"]});
    expect(allTests(p).map((t) => t.input)).toEqual(["1\n", "2\n", "3\n"]);
    expect(hiddenTests(p).map((t) => t.input)).toEqual(["2\n", "3\n"]);
    expect(p.solutions.map((s) => s.label)).toEqual(["correct", "incorrect"]);
    expect(p.solutions[1]).toMatchObject({recordedVerdict: "wrong_answer", recordedFailedTest: 1});
    expect(p.timeLimitS).toBe(2);
    expect(p.memoryLimitBytes).toBeNull();
  });

  it("maps CodeContests and APPS difficulty fields", () => {
    const [cc, apps] = parseProblemsJsonl(
      [line({id: "a", difficulty: {cc_difficulty_enum: 7, cf_rating: 800, cf_tags: ["math"]}}), line({id: "b", difficulty: {apps_difficulty: "interview"}})].join("\n"),
      "x.jsonl"
    );
    expect(cc.difficulty).toMatchObject({label: "rating 800", level: null, rating: 800, tags: ["math"]});
    expect(apps.difficulty).toMatchObject({label: "interview", level: null});
    expect(apps.difficulty.order).toBeLessThan(cc.difficulty.order);
  });

  it.each([
    ["not JSON", "{oops", /bad\.jsonl:2: not valid JSON/],
    ["wrong type", line({private_tests: [{input: 1, output: "x"}]}), /bad\.jsonl:2: field `private_tests\[0\]\.input`: .*expected string/],
    ["missing field", JSON.stringify({...valid, public_tests: undefined}), /bad\.jsonl:2: field `public_tests`/],
    ["bad io mode", line({io_mode: "file"}), /bad\.jsonl:2: field `io_mode`/],
    ["function without fn_name", line({io_mode: "function"}), /bad\.jsonl:2: field `fn_name`: required when io_mode is "function"/],
    ["bad label", line({solutions: [{code: "x", listed_as: "maybe"}]}), /field `solutions\[0\]\.listed_as`/],
    ["duplicate id", line({}), /bad\.jsonl:2: field `id`: duplicate id "p1" \(also on line 1\)/]
  ])("names the line and field on bad input: %s", (_name, second, message) => {
    const text = line({}) + "\n" + second + "\n";
    expect(() => parseProblemsJsonl(text, "bad.jsonl")).toThrow(ProblemFileError);
    expect(() => parseProblemsJsonl(text, "bad.jsonl")).toThrow(message);
  });

  it("says which file it cannot read", () => {
    expect(() => readProblemsJsonl("/nonexistent/problems.jsonl")).toThrow(/\/nonexistent\/problems\.jsonl:0: cannot read the file \(ENOENT\)/);
  });

  it.skipIf(!haveSharedSample)("reads the shared sample (56 real problems)", () => {
    const problems = readProblemsJsonl(SHARED_SAMPLE);
    expect(problems).toHaveLength(56);
    expect(problems.filter((p) => p.ioMode === "function").map((p) => p.fnName).sort()).toEqual(["checkPerfectNumber", "maximum69Number"]);
    const tests = problems.reduce((n, p) => n + p.tests.public.length, 0);
    expect(tests).toBe(60);
    expect(problems.filter((p) => p.multipleAnswersSuspected)).toHaveLength(14);
  });
  if (!haveSharedSample) it.skip(SHARED_SKIP_MESSAGE, () => {});
});

describe("the demo benchmark", () => {
  it("meets its brief: ≥ 24 problems, varied, with tests and labelled human solutions", async () => {
    const problems = await loadSource(DEMO_SOURCE);
    expect(problems.length).toBeGreaterThanOrEqual(24);
    expect(problems.filter((p) => p.ioMode === "function")).toHaveLength(2);
    expect(new Set(problems.map((p) => p.difficulty.level)).size).toBe(5);
    for (const p of problems) {
      expect(p.statement?.length, p.id).toBeGreaterThan(100);
      expect(p.tests.public.length, p.id).toBeGreaterThanOrEqual(1);
      expect(p.tests.public.length, p.id).toBeLessThanOrEqual(2);
      expect(p.tests.private.length, p.id).toBeGreaterThanOrEqual(6);
      expect(p.solutions.filter((s) => s.label === "correct").length, p.id).toBeGreaterThanOrEqual(2);
      const incorrect = p.solutions.filter((s) => s.label === "incorrect");
      expect(incorrect.length, p.id).toBeGreaterThanOrEqual(2);
      expect(new Set(incorrect.map((s) => s.note)).size, `${p.id}: incorrect solutions fail for different reasons`).toBe(incorrect.length);
    }
    const verdicts = new Set(problems.flatMap((p) => p.solutions.filter((s) => s.label === "incorrect").map((s) => s.recordedVerdict)));
    expect([...verdicts].sort()).toEqual(expect.arrayContaining(["runtime_error", "timeout", "wrong_answer"]));
  });
});
