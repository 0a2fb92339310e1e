// Untrusted text printed by the CLI (problem ids, program output, server error bodies) cannot drive the terminal
// and is cut to a readable length.
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {createOpenAIBackend} from "../../loaders/backends/openai.ts";
import {DEFAULT_SAMPLING} from "../../loaders/backends/types.ts";
import {main} from "../../loaders/cli/main.ts";
import {escapeControls, terminalField} from "../../loaders/cli/terminal.ts";
import {Rng} from "../../loaders/metrics/prng.ts";
import {startFakeOpenAI, type FakeOpenAI} from "../helpers/fakeOpenAI.ts";
import {tempDir} from "../helpers/tmp.ts";

const dir = tempDir("reprompt-terminal-");
/** Clear screen, set the window title, ring, NUL, 8-bit CSI, a right-to-left override, a carriage return. */
const HOSTILE = "a\u001b[2J\u001b]0;pwned\u0007b\u0000c\u009b31m\u202ed\re";
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

async function cli(args: string[]): Promise<{code: number; out: string; err: string}> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {stdout: (t) => out.push(t), stderr: (t) => err.push(t)});
  return {code, out: out.join(""), err: err.join("")};
}

const servers: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("terminal escaping", () => {
  it("`problems` prints a hostile id with its control characters made visible, and a long one cut", async () => {
    const file = join(dir, "ids.jsonl");
    const row = (id: string) => JSON.stringify({id, dataset: "t", io_mode: "stdio", public_tests: [], private_tests: [{input: "", output: "1\n"}]});
    writeFileSync(file, `${row(HOSTILE)}\n${row("z".repeat(5000))}\n`);
    const {code, out, err} = await cli(["problems", "--problems", file]);
    expect(code, err).toBe(0);
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out).toContain("a\\u001b[2J\\u001b]0;pwned\\u0007b\\u0000c\\u009b31m\\u202ed\\u000de");
    expect(out.split("\n")[1]!.length).toBeLessThan(400);
  });

  it("`feedback` prints a program's hostile output escaped", async () => {
    const problems = join(dir, "p.jsonl");
    writeFileSync(problems, JSON.stringify({id: "p", dataset: "t", io_mode: "stdio", time_limit_s: 2, public_tests: [{input: "", output: "ok\n"}], private_tests: []}) + "\n");
    const code = join(dir, "hostile.py");
    writeFileSync(code, `print(${JSON.stringify(HOSTILE)})\n`);
    const {code: exit, out, err} = await cli(["feedback", "--kind", "failed", "--problems", problems, "--id", "p", "--code", code, "--lanes", "1"]);
    expect(exit, err).toBe(0);
    expect(out).toContain("pwned");
    expect(out).not.toMatch(RAW_CONTROL);
  });

  it("a server's 200 KB error body is cut to its start in the error message", async () => {
    const server = await startFakeOpenAI({faults: [{kind: "status", status: 401, message: `bad key ${"E".repeat(200_000)}${HOSTILE}`}]});
    servers.push(server);
    const backend = createOpenAIBackend({name: "t", baseURL: server.baseURL, model: "m", maxRetries: 0});
    const error = await backend.complete({messages: [{role: "user", content: "x"}], sampling: DEFAULT_SAMPLING, n: 1}).then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(/HTTP 401: bad key E+…\[\d+ more characters\]/);
    expect(error!.message.length).toBeLessThan(3000);
    await backend.close();
  });

  it("escaped JSON stays JSON with the same value (seeded fuzz over every control character)", () => {
    const rng = new Rng(5);
    for (let i = 0; i < 2000; i++) {
      let s = "";
      for (let j = 0; j < 12; j++) s += String.fromCharCode(rng.nextUint32() % 3 === 0 ? 0x2020 + (rng.nextUint32() % 0x60) : rng.nextUint32() % 0xa0);
      const line = escapeControls(JSON.stringify({s}));
      expect(line).not.toMatch(RAW_CONTROL);
      expect(JSON.parse(line)).toEqual({s});
    }
    expect(terminalField("x\ny\tz")).toBe("x\\ny\\tz");
  });
});
