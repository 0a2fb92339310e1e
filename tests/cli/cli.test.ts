import {execFileSync, spawnSync} from "node:child_process";
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {main} from "../../loaders/cli/main.ts";
import {cliPath, repoRoot} from "../helpers/node.ts";
import {tempDir} from "../helpers/tmp.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {io: {stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t)}, out, err};
}

describe("reprompt CLI", () => {
  it("lists every command of the contract in --help (as a user runs it)", () => {
    const help = execFileSync(process.execPath, [cliPath(), "--help"], {cwd: repoRoot, encoding: "utf8"});
    for (const command of ["judge", "exec", "prompts", "feedback", "run", "estimate", "figure", "rft", "bench", "problems"]) {
      expect(help).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    }
  });

  it("exits non-zero with a useful message on an unknown command or a bad flag", () => {
    const unknown = spawnSync(process.execPath, [cliPath(), "jduge"], {cwd: repoRoot, encoding: "utf8"});
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown command 'jduge'[\s\S]*Did you mean judge\?/);
    const badFlag = spawnSync(process.execPath, [cliPath(), "problems", "--problems", "x", "--problem", "x"], {cwd: repoRoot, encoding: "utf8"});
    expect(badFlag.status).not.toBe(0);
    expect(badFlag.stderr).toMatch(/unknown option '--problem'[\s\S]*Did you mean --problems\?/);
  });

  it("validates a problem file and reports the bad line and field", async () => {
    const dir = tempDir();
    const file = join(dir, "p.jsonl");
    writeFileSync(file, '{"id":"a","dataset":"d","io_mode":"stdio","public_tests":[],"private_tests":"none"}\n');
    const {io, err} = capture();
    expect(await main(["problems", "--problems", file], io)).toBe(2);
    expect(err.join("")).toContain(`${file}:1: field \`private_tests\``);
  });

  it("prints one JSON line per problem with --json", async () => {
    const {io, out} = capture();
    expect(await main(["problems", "--problems", join(repoRoot, "data/demo/problems.jsonl"), "--json"], io)).toBe(0);
    const rows = out.join("").trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThanOrEqual(24);
    expect(rows[0]).toHaveProperty("tests.private");
  });
});
