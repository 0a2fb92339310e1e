// `reprompt feedback` on a temporary problem file: the text, --json, and errors that name the bad flag or file.
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {Command} from "commander";
import {describe, expect, it} from "vitest";
import {registerFeedback} from "../../loaders/cli/feedback.ts";
import {tempDir} from "../helpers/tmp.ts";
import {BUGGY} from "./fixtures.ts";

const dir = tempDir("reprompt-feedback-");
const problems = join(dir, "problems.jsonl");
const code = join(dir, "buggy.py");
writeFileSync(
  problems,
  JSON.stringify({
    id: "sum",
    dataset: "test",
    io_mode: "stdio",
    time_limit_s: 1,
    public_tests: [
      {input: "3\n1 2 3\n", output: "6\n"},
      {input: "4\n5 -1 0 2\n", output: "6\n"}
    ],
    private_tests: []
  }) + "\n"
);
writeFileSync(code, BUGGY);

async function run(args: string[]): Promise<{out: string; err: string}> {
  const out: string[] = [];
  const err: string[] = [];
  const io = {stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t)};
  const program = new Command("reprompt").exitOverride().configureOutput({writeOut: io.stdout, writeErr: io.stderr});
  registerFeedback(program, io);
  await program.parseAsync(["feedback", ...args, "--lanes", "1", "--allow-degraded-sandbox"], {from: "user"});
  return {out: out.join(""), err: err.join("")};
}

describe("reprompt feedback", () => {
  it("prints the feedback text of the chosen kind", async () => {
    const {out} = await run(["--kind", "failed", "--problems", problems, "--id", "sum", "--code", code]);
    expect(out).toBe("Test 2 failed (wrong answer).\nInput:\n```\n4\n5 -1 0 2\n```\nExpected output:\n```\n6\n```\nYour output:\n```\n7\n```\n");
  });

  it("prints the whole object with --json", async () => {
    const {out} = await run(["--kind", "ldb", "--problems", problems, "--id", "sum", "--code", code, "--json"]);
    const feedback = JSON.parse(out);
    expect(feedback).toMatchObject({kind: "ldb", passed: false, tracedTest: 1, publicResults: {verdict: "wrong_answer", testsRun: 2}});
    expect(feedback.text).toContain("[BLOCK-0] module level");
  });

  it("rejects a bad kind, an unknown id and unreadable files, naming the flag or file", async () => {
    await expect(run(["--kind", "verbose", "--problems", problems, "--id", "sum", "--code", code])).rejects.toThrow(
      "--kind must be one of binary, failed, failed_passed, ldb, got verbose"
    );
    await expect(run(["--kind", "binary", "--problems", problems, "--id", "nope", "--code", code])).rejects.toThrow(`--id: no problem with id nope in ${problems}`);
    await expect(run(["--kind", "binary", "--problems", problems, "--id", "sum", "--code", join(dir, "missing.py")])).rejects.toThrow(
      `cannot read --code ${join(dir, "missing.py")} (ENOENT)`
    );
    await expect(run(["--kind", "binary", "--problems", join(dir, "none.jsonl"), "--id", "sum", "--code", code])).rejects.toThrow(
      `${join(dir, "none.jsonl")}:0: cannot read the file (ENOENT)`
    );
  });
});
