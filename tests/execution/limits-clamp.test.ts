// Limits stated by a problem file are clamped to documented maxima: absurd values neither overflow the timers
// nor lift the sandbox's memory ceiling.
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {limitsFor, MAX_PROBLEM_LIMITS} from "../../loaders/execution/judge.ts";
import {cliPath, finished, spawnTs} from "../helpers/node.ts";
import {tempDir} from "../helpers/tmp.ts";

const dir = tempDir("reprompt-limits-");

describe("problem limits", () => {
  it("are clamped to the maxima (60 s, 1 GiB), and the wall limit follows the clamped CPU limit", () => {
    expect(MAX_PROBLEM_LIMITS).toEqual({timeLimitS: 60, memoryBytes: 2 ** 30});
    const limits = limitsFor({timeLimitS: 1e6, memoryLimitBytes: 1e12});
    expect(limits).toMatchObject({cpu_s: 60, wall_s: 181, memory_bytes: 2 ** 30});
    expect(limitsFor({timeLimitS: 2, memoryLimitBytes: 256 << 20})).toMatchObject({cpu_s: 2, wall_s: 7, memory_bytes: 256 << 20});
  });

  it("`reprompt judge` judges a correct solution of a problem with absurd limits as accepted, promptly", async () => {
    const file = join(dir, "absurd.jsonl");
    const row = {
      id: "absurd", dataset: "test", io_mode: "stdio", description: "echo", time_limit_s: 1e6, memory_limit_bytes: 1e12,
      public_tests: [{input: "3\n", output: "3\n"}], private_tests: [],
      solutions: [{code: "print(input())\n", listed_as: "correct"}]
    };
    writeFileSync(file, JSON.stringify(row) + "\n");
    const out = await finished(spawnTs(cliPath(), ["judge", "--problems", file, "--lanes", "1"]));
    expect(out.code, out.stderr).toBe(0);
    const line = JSON.parse(out.stdout.trim()) as {verdict: string; time_ms: number};
    expect(line.verdict, out.stdout).toBe("accepted");
    expect(line.time_ms).toBeLessThan(60_000);
  });
});
