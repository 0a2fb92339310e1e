// The judge: comparison modes, verdicts, the exec/judge CLI contracts, and agreement with recorded verdicts.
import {spawnSync} from "node:child_process";
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {DEMO_SOURCE, loadSource, readProblemsJsonl, type Problem} from "../../loaders/datasets/index.ts";
import {judgeOnProblem, judgeTests, limitsFor, SandboxPool, type JudgeMode} from "../../loaders/execution/index.ts";
import {cliPath, repoRoot} from "../helpers/node.ts";
import {haveSharedSample, SHARED_SAMPLE, SHARED_SKIP_MESSAGE} from "../helpers/shared.ts";
import {tempDir} from "../helpers/tmp.ts";

let pool: SandboxPool;
beforeAll(async () => {
  pool = await SandboxPool.start({lanes: 2, log: () => {}});
});
afterAll(async () => {
  await pool?.close();
});

async function verdictOf(code: string, input: string, expected: string, mode: JudgeMode = "codecontests") {
  const result = await judgeTests(pool, {code, ioMode: "stdio", fnName: null, tests: [{input, output: expected}], limits: limitsFor(null, {timeLimitS: 2}), mode});
  return result.verdict;
}

describe("output comparison modes", () => {
  it.each([
    ["codecontests", "print('YES')", "yes\n", "accepted"],
    ["strict", "print('YES')", "yes\n", "wrong_answer"],
    ["codecontests", "print(1); print(2)", "1 2", "accepted"],
    ["strict", "print(1); print(2)", "1 2", "wrong_answer"],
    ["codecontests", "print('0.3333333')", "0.333333333", "accepted"],
    ["codecontests", "print('0.33332')", "0.333333333", "wrong_answer"],
    ["strict", "print('1 2 ')", "1 2", "accepted"],
    ["taco", "print('2'); print('1')", "1\n2", "accepted"],
    ["taco", "print('YES')", "yes", "wrong_answer"],
    ["taco", "print('1 2 '); print(3)", "1 2\n3", "wrong_answer"],
    ["codecontests", "print(3000000000)", "3000000001", "wrong_answer"]
  ] as const)("%s: %s vs %j → %s", async (mode, code, expected, verdict) => {
    expect(await verdictOf(code, "", expected, mode)).toBe(verdict);
  });

  it("compares function-mode return values as JSON (tuples as lists, one-element wrapping)", async () => {
    const run = (code: string, output: string) =>
      judgeTests(pool, {code, ioMode: "function", fnName: "f", tests: [{input: "[2, 3]", output}], limits: limitsFor(null, {timeLimitS: 2})});
    expect((await run("class Solution:\n    def f(self, a, b):\n        return (a, b)", "[2, 3]")).verdict).toBe("accepted");
    expect((await run("class Solution:\n    def f(self, a, b):\n        print('debug'); return a * b", "[6]")).verdict).toBe("accepted");
    expect((await run("def f(a, b):\n    return a + b", "5")).verdict).toBe("accepted");
    expect((await run("class Solution:\n    def f(self, a, b):\n        return a + b", "6")).verdict).toBe("wrong_answer");
    expect((await run("class Solution:\n    def g(self, a, b):\n        return 1", "1")).verdict).toBe("runtime_error");
  });
});

function tinyProblem(): Problem {
  return {
    dataset: "test",
    id: "tiny",
    split: null,
    name: null,
    url: null,
    statement: "add one",
    ioMode: "stdio",
    fnName: null,
    starterCode: null,
    tests: {
      public: [{input: "1\n", output: "2\n"}],
      private: [{input: "5\n", output: "6\n"}, {input: "0\n", output: "1\n"}],
      generated: [{input: "7\n", output: "8\n"}]
    },
    timeLimitS: 1,
    memoryLimitBytes: 256 << 20,
    difficulty: {label: "EASY", level: "EASY", rating: null, tags: [], order: 0},
    multipleAnswersSuspected: false,
    solutions: [],
    origin: null
  };
}

describe("verdicts and the first failing test", () => {
  const problem = tinyProblem();
  it.each([
    ["print(int(input()) + 1)", "accepted", null, 4],
    ["n = int(input())\nprint(n + 1 if n else 7)", "wrong_answer", 2, 3],
    ["n = int(input())\nprint(10 // n * 0 + n + 1)", "runtime_error", 2, 3],
    ["n = int(input())\nwhile n == 5: pass\nprint(n + 1)", "time_limit", 1, 2],
    ["x = [1] * (1 << 31)", "memory_limit", 0, 1],
    ["while True: print('x' * 1000)", "output_limit", 0, 1],
    ["def f(:\n  pass", "compile_error", 0, 0]
  ])("%j → %s at test %s", async (code, verdict, failedTest, testsRun) => {
    const result = await judgeOnProblem(pool, problem, code, {timeLimitS: 1, memoryBytes: 256 << 20});
    expect(result.verdict).toBe(verdict);
    expect(result.failedTest).toBe(failedTest);
    expect(result.testsRun).toBe(testsRun);
  });

  it("judges only the hidden tests with indices in the problem's overall order", async () => {
    const result = await judgeOnProblem(pool, problem, "n = int(input())\nprint(n + 1 if n != 7 else 0)", {tests: "hidden"});
    expect(result).toMatchObject({verdict: "wrong_answer", failedTest: 3, testsRun: 3});
  });

  it("runs all tests when asked (feedback needs every public result)", async () => {
    const result = await judgeOnProblem(pool, problem, "print(0)", {stopOnFailure: false, capture: "all"});
    expect(result.tests.map((t) => t.verdict)).toEqual(["wrong_answer", "wrong_answer", "wrong_answer", "wrong_answer"]);
    expect(result.tests[1].stdout).toBe("0\n");
  });

  it("gives each test a fresh program state", async () => {
    const code = "import sys\nseen = globals().setdefault('seen', [])\nseen.append(1)\nsys.setrecursionlimit(50)\nprint(int(input()) + len(seen))";
    const result = await judgeOnProblem(pool, problem, code);
    expect(result.verdict).toBe("accepted");
  });
});

describe("CLI contracts", () => {
  it("exec prints {verdict, exit_code, stdout, stderr, time_ms}", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.py"), "import sys\nprint(sum(map(int, sys.stdin.read().split())))\nsys.exit(0)");
    writeFileSync(join(dir, "in.txt"), "2 3\n");
    writeFileSync(join(dir, "good.txt"), "5\n");
    writeFileSync(join(dir, "bad.txt"), "6\n");
    const exec = (...args: string[]) => {
      const r = spawnSync(process.execPath, [cliPath(), "exec", "--code", join(dir, "a.py"), ...args], {cwd: repoRoot, encoding: "utf8"});
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const clean = exec("--input", join(dir, "in.txt"));
    expect(Object.keys(clean).sort()).toEqual(["exit_code", "stderr", "stdout", "time_ms", "verdict"]);
    expect(clean).toMatchObject({verdict: "accepted", exit_code: 0, stdout: "5\n"});
    expect(exec("--input", join(dir, "in.txt"), "--expected", join(dir, "good.txt")).verdict).toBe("accepted");
    expect(exec("--input", join(dir, "in.txt"), "--expected", join(dir, "bad.txt")).verdict).toBe("wrong_answer");
    expect(exec()).toMatchObject({verdict: "accepted", stdout: "0\n"});
    writeFileSync(join(dir, "a.py"), "raise SystemExit(3)");
    expect(exec()).toMatchObject({verdict: "runtime_error", exit_code: 3});
    const missing = spawnSync(process.execPath, [cliPath(), "exec", "--code", join(dir, "nope.py")], {cwd: repoRoot, encoding: "utf8"});
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("nope.py");
  });

  it("judge prints one JSON line per solution with the contract's fields", () => {
    const r = spawnSync(process.execPath, [cliPath(), "judge", "--problems", join(repoRoot, DEMO_SOURCE.path), "--lanes", "2"], {cwd: repoRoot, encoding: "utf8"});
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(24 * 4);
    for (const line of lines) expect(Object.keys(line).sort()).toEqual(["failed_test", "problem_id", "solution_index", "tests_run", "time_ms", "verdict"]);
  }, 300_000);
});

describe("labels re-checked by the judge", () => {
  it("every demo solution gets the verdict and failing test recorded with it", async () => {
    const problems = await loadSource(DEMO_SOURCE);
    const checks = problems.flatMap((p) => p.solutions.map((s, i) => ({p, s, i, result: judgeOnProblem(pool, p, s.code, {capture: "none"})})));
    const wrong: string[] = [];
    for (const {p, s, i, result} of checks) {
      const r = await result;
      const expected = s.recordedVerdict === "timeout" ? "time_limit" : s.recordedVerdict;
      if (r.verdict !== expected || (expected !== "accepted" && r.failedTest !== s.recordedFailedTest)) {
        wrong.push(`${p.id}#${i} (${s.label}): recorded ${s.recordedVerdict}@${s.recordedFailedTest}, judged ${r.verdict}@${r.failedTest}`);
      }
      if (s.label === "correct") expect(r.verdict, `${p.id}#${i}`).toBe("accepted");
      else expect(r.verdict, `${p.id}#${i}`).not.toBe("accepted");
    }
    expect(wrong).toEqual([]);
  }, 600_000);

  it.skipIf(!haveSharedSample)("agrees with the shared sample's recorded verdicts (accepted vs not)", async () => {
    const problems = readProblemsJsonl(SHARED_SAMPLE).filter((p) => !p.multipleAnswersSuspected);
    const checks = problems.flatMap((p) => p.solutions.map((s, i) => ({p, s, i, result: judgeOnProblem(pool, p, s.code, {capture: "none"})})));
    let agree = 0;
    const disagreements: string[] = [];
    for (const {p, s, i, result} of checks) {
      const r = await result;
      if ((s.recordedVerdict === "accepted") === (r.verdict === "accepted")) agree++;
      else disagreements.push(`${p.id}#${i}: recorded ${s.recordedVerdict}, judged ${r.verdict} — ${explain(p, s.code, s.recordedVerdict)}`);
    }
    const rate = agree / checks.length;
    console.log(`judge agreement with local_verdict: ${agree}/${checks.length} = ${(100 * rate).toFixed(2)}%\n${disagreements.join("\n")}`);
    // Every disagreement must have a known cause checked on the program; the rate goes into the closing note.
    for (const d of disagreements) expect(d).not.toMatch(/unexplained/);
    expect(rate).toBeGreaterThanOrEqual(0.975);
  }, 600_000);
  if (!haveSharedSample) it.skip(SHARED_SKIP_MESSAGE, () => {});
});

/** Why our verdict differs from the sample's recorded one, checked on the program, or "unexplained". */
function explain(problem: Problem, code: string, recorded: string | null): string {
  if (problem.ioMode === "function" && recorded === "failed" && /\bprint\(/.test(code)) {
    return "function mode: the program prints to stdout; judged by its return value, as TACO's call-based harness does";
  }
  if (recorded === "timeout") return "the recorded timeout is load-dependent (data/README: accepted on a less loaded re-run)";
  return "unexplained";
}
