// Hostile programs against the sandbox, once inside bubblewrap and once with the fallback layers alone (Landlock,
// seccomp, rlimits). Each case asserts its verdict class, that nothing escaped (processes, files, secrets, network,
// host processes) and that the pool still judges a correct program right after it. The cases are in
// hostile-cases.ts and hostile-cases-io.ts; what every run must satisfy is in hostile-harness.ts.
import {existsSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {ExecutionResult} from "../../loaders/execution/judge.ts";
import type {SandboxPool} from "../../loaders/execution/pool.ts";
import {tempDir} from "../helpers/tmp.ts";
import {PROCESS_CASES} from "./hostile-cases.ts";
import {IO_CASES} from "./hostile-cases-io.ts";
import {
  bubblewrapProblem, EXECUTION_DIR, expectHealthy, expectNothingEscaped, judge, layBait, LEVEL_NAME, ProcessWatch,
  randomId, startPool, verdicts, waitUntil, type Level, type Secrets
} from "./hostile-harness.ts";

const CASES = [...PROCESS_CASES, ...IO_CASES];
const bwrapProblem = await bubblewrapProblem();
if (bwrapProblem) console.warn(`hostile.test.ts: SKIPPING the bubblewrap level, bubblewrap does not work here: ${bwrapProblem}`);

const baseDir = tempDir("reprompt-hostile-");
const secrets: Secrets = {
  repoSecret: `repo-secret-${randomId(12)}`,
  repoSecretPath: join(EXECUTION_DIR, `.secret-${randomId(6)}`),
  envSecret: `sk-test-secret-${randomId(12)}`
};
const savedKey = process.env.OPENAI_API_KEY;

beforeAll(() => {
  writeFileSync(secrets.repoSecretPath, secrets.repoSecret);
  process.env.OPENAI_API_KEY = secrets.envSecret; // before any pool starts: the worker must not inherit it
});

afterAll(() => {
  rmSync(secrets.repoSecretPath, {force: true});
  if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
  else process.env.OPENAI_API_KEY = savedKey;
});

function summary(result: ExecutionResult): string {
  return verdicts(result).join(",") + (result.sandboxError ? ` [sandbox: ${result.sandboxError}]` : "");
}

for (const level of ["always", "never"] as Level[]) {
  describe.skipIf(level === "always" && bwrapProblem !== null)(`hostile programs, ${LEVEL_NAME[level]}`, () => {
    let pool: SandboxPool | null = null;
    let unavailable = "";
    let started = 0;
    const watch = new ProcessWatch();
    const observed: string[] = [];

    beforeAll(async () => {
      started = Date.now();
      const result = await startPool(level, 2);
      if (typeof result === "string") {
        unavailable = result;
        console.warn(`hostile.test.ts: SKIPPING ${LEVEL_NAME[level]}: ${result}`);
      } else pool = result;
      watch.start();
    });

    afterAll(async () => {
      watch.stop();
      await pool?.close();
    });

    for (const c of CASES.filter((c) => !c.levels || c.levels.includes(level))) {
      it.concurrent(c.name, async ({skip}) => {
        if (!pool) return skip(unavailable);
        const bait = await layBait(level, baseDir, secrets);
        try {
          const tests = c.tests ?? [{input: "3 4\n", output: "7\n"}];
          const result = await judge(pool, c.code(bait.env), tests);
          watch.record();
          observed.push(`${c.name}: ${summary(result)} (${Math.round(result.timeMs)} ms)`);
          expect(result.sandboxError, "the sandbox itself failed").toBeUndefined();
          if (result.verdict !== "compile_error") expect(result.testsRun, "every test ran").toBe(tests.length);
          for (const [i, t] of result.tests.entries()) {
            expect(c.expected, `verdict of test ${i}: ${JSON.stringify({...t, stdout: t.stdout?.slice(0, 200), stderr: t.stderr?.slice(-300)})}`).toContain(t.verdict);
          }
          if (result.verdict === "compile_error") expect(c.expected).toContain("compile_error");
          expect(result.timeMs, "the job took too long (a hang)").toBeLessThan(c.maxMs ?? 15_000);
          await c.check?.(result, bait.env);
          await expectNothingEscaped(bait, result);
          await expectHealthy(pool);
        } finally {
          await bait.release();
        }
      }, 120_000);
    }

    it("leaves no sandbox process running after pool.close()", async ({skip}) => {
      if (!pool) return skip(unavailable);
      await expectHealthy(pool); // both lanes still serve after every hostile case
      await expectHealthy(pool);
      watch.record();
      watch.stop();
      expect(watch.count, "the watch saw the pool's processes").toBeGreaterThanOrEqual(2);
      await pool.close();
      await waitUntil(() => watch.survivors().length === 0, 5000);
      expect(watch.survivors()).toEqual([]);
      // Hygiene, not an assertion (hostile-reuse.test.ts asserts it): without bubblewrap the killed workers leave
      // their temp bases on the host.
      const left = [...watch.tempBases].filter((dir) => existsSync(dir));
      for (const dir of left) rmSync(dir, {recursive: true, force: true});
      if (left.length) observed.push(`(removed ${left.length} temp base(s) the closed pool left on the host: ${left.join(", ")})`);
      console.log(`hostile programs, ${LEVEL_NAME[level]}: ${CASES.length} cases in ${((Date.now() - started) / 1000).toFixed(1)} s\n  ` + observed.join("\n  "));
    }, 30_000);
  });
}
