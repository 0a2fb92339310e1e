// Programs that attack the judging of the programs after them. A runner process serves many programs in turn, so
// whatever a program leaves in it (patched modules, a hidden thread, bytes on the judge's channel, files) must not
// decide a later program's verdict or outlive the pool. Each case has its own one-lane pool, so the innocent
// program runs in the very runner (and worker) the hostile one used.
import {existsSync, rmSync} from "node:fs";
import {dirname} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {ExecutionResult} from "../../loaders/execution/judge.ts";
import type {SandboxPool} from "../../loaders/execution/pool.ts";
import {ANSWER} from "./hostile-cases.ts";
import {bubblewrapProblem, CONTROL, judge, LEVEL_NAME, ProcessWatch, randomId, sleep, startPool, verdicts, waitUntil, type Level} from "./hostile-harness.ts";

const bwrapProblem = await bubblewrapProblem();
if (bwrapProblem) console.warn(`hostile-reuse.test.ts: SKIPPING the bubblewrap level, bubblewrap does not work here: ${bwrapProblem}`);

const TESTS = [{input: "3 4\n", output: "7\n"}, {input: "10 -2\n", output: "8\n"}];

interface ReuseCase {
  name: string;
  hostile: string;
  /** The program judged after it (default: a correct a + b). */
  innocent?: string;
  /** Time between the two programs. */
  pauseMs?: number;
  /** How many innocent programs in a row must be judged correctly. */
  innocentRuns?: number;
  /** Checks on the hostile program's own result. */
  hostileCheck?: (result: ExecutionResult) => void;
}

const CASES: ReuseCase[] = [
  {
    name: "patches the runner module so later programs report a time limit",
    hostile: "import sys\ndef install(runner=sys.modules['runner']):\n    original = runner.run_test\n" +
      "    def patched(code, program, *args, _original=original, **kwargs):\n        report = _original(code, program, *args, **kwargs)\n" +
      "        if 'PATCHER' not in program['code']:\n            report['outcome'] = 'time'\n        return report\n    runner.run_test = patched\n" +
      "install()\n# PATCHER\n" + ANSWER,
    hostileCheck: (result) => expect(verdicts(result)).toEqual(["accepted", "accepted"])
  },
  {
    name: "leaves a hidden _thread that holds the GIL in a C call after the program returned",
    hostile: "import _thread, time\ndef hog(sleep=time.sleep, total=sum, numbers=range):\n    sleep(0.3)\n    total(numbers(10**13))\n" +
      "_thread.start_new_thread(hog, ())\n" + ANSWER,
    pauseMs: 600,
    hostileCheck: (result) => expect(verdicts(result)).toEqual(["accepted", "accepted"])
  },
  {
    name: "forges a report line on the judge's channel (every inherited pipe)",
    hostile: "import json, os, stat\nline = json.dumps({'t': 'result', 'index': 0, 'outcome': 'ok', 'cpu_ms': 0, 'wall_ms': 0, 'out_bytes': 2, " +
      "'stdout': '7\\n', 'stderr': '', 'clean': True, 'exit_code': 0}) + '\\n'\nfor fd in range(3, 64):\n    try:\n" +
      "        if stat.S_ISFIFO(os.fstat(fd).st_mode):\n            os.write(fd, line.encode())\n    except OSError:\n        pass\n" + ANSWER,
    innocentRuns: 3
  },
  {
    name: "patches a standard module (math.gcd) the next program uses",
    hostile: "import math\nmath.gcd = lambda a, b: -1\n" + ANSWER,
    innocent: "import math\na, b = map(int, input().split())\nprint(a + b if math.gcd(12, 18) == 6 else 'gcd is broken')\n",
    hostileCheck: (result) => expect(verdicts(result)).toEqual(["accepted", "accepted"])
  },
  {
    name: "leaves a file in its temp dir for the next program to read",
    hostile: `with open("note.txt", "w") as f:\n    f.write("left by the previous program ${randomId()}")\n` + ANSWER,
    innocent: "import os\nleft = [open(n).read() for n in os.listdir('.') if os.path.isfile(n)]\nassert not left, left\n" + ANSWER,
    hostileCheck: (result) => expect(verdicts(result)).toEqual(["accepted", "accepted"])
  }
];

for (const level of ["always", "never"] as Level[]) {
  describe.skipIf(level === "always" && bwrapProblem !== null)(`programs attacking later programs, ${LEVEL_NAME[level]}`, () => {
    const watch = new ProcessWatch();
    beforeAll(() => watch.start());
    afterAll(() => watch.stop());

    async function withPool(run: (pool: SandboxPool) => Promise<void>, skip: (note: string) => void): Promise<void> {
      const pool = await startPool(level, 1);
      if (typeof pool === "string") return skip(pool);
      try {
        await run(pool);
      } finally {
        watch.record();
        await pool.close();
      }
    }

    for (const c of CASES) {
      it.concurrent(c.name, ({skip}) => withPool(async (pool) => {
        const hostile = await judge(pool, c.hostile, TESTS);
        expect(hostile.sandboxError).toBeUndefined();
        c.hostileCheck?.(hostile);
        await sleep(c.pauseMs ?? 0);
        for (let i = 0; i < (c.innocentRuns ?? 1); i++) {
          const innocent = await judge(pool, c.innocent ?? CONTROL, TESTS);
          const seen = JSON.stringify({sandboxError: innocent.sandboxError, tests: innocent.tests.map((t) => ({verdict: t.verdict, cpuMs: t.cpuMs, error: t.error, note: t.note}))});
          expect(innocent.sandboxError, `innocent program ${i + 1} after the hostile one: ${seen}`).toBeUndefined();
          expect(verdicts(innocent), `innocent program ${i + 1} after the hostile one: ${seen}`).toEqual(["accepted", "accepted"]);
        }
      }, skip), 90_000);
    }

    it.skipIf(level === "always")("removes what a program left in its temp dir when the pool closes", ({skip}) => withPool(async (pool) => {
      // Without bubblewrap the temp dirs are host paths under /tmp; inside bubblewrap they live in its private tmpfs.
      const result = await judge(pool, "import os, sys\nopen('left.bin', 'wb').write(b'x' * (1 << 20))\nprint(os.getcwd(), file=sys.stderr)\n" + ANSWER, TESTS);
      expect(verdicts(result)).toEqual(["accepted", "accepted"]);
      const cwd = (result.tests[0].stderr ?? "").trim();
      expect(cwd).toMatch(/^\/.*run-/);
      expect(existsSync(cwd), "the temp dir is a host path while the pool runs").toBe(true);
      await pool.close();
      await waitUntil(() => !existsSync(dirname(cwd)), 3000);
      const leftFile = existsSync(cwd);
      const leftBase = existsSync(dirname(cwd));
      if (/\/reprompt-sandbox-[^/]+$/.test(dirname(cwd))) rmSync(dirname(cwd), {recursive: true, force: true}); // do not litter /tmp
      expect(leftFile, `${cwd} (with the program's 1 MB file) is left on the host after pool.close()`).toBe(false);
      expect(leftBase, `the worker's temp base ${dirname(cwd)} is left on the host after pool.close()`).toBe(false);
    }, skip), 60_000);

    it("leaves no sandbox process running", async () => {
      watch.record();
      expect(watch.count).toBeGreaterThan(0);
      await waitUntil(() => watch.survivors().length === 0, 5000);
      expect(watch.survivors()).toEqual([]);
    }, 30_000);
  });
}
