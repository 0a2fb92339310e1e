// `reprompt prompts`: the JSON contract and the readable listing (on a program of its own: main.ts wires it later).
import {Command, CommanderError} from "commander";
import {describe, expect, it} from "vitest";
import {registerPrompts} from "../../loaders/cli/prompts.ts";
import {PROMPTS} from "../../loaders/prompts/index.ts";

async function run(args: string[]): Promise<{out: string; err: string; code: number}> {
  const out: string[] = [];
  const err: string[] = [];
  const io = {stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t)};
  const program = new Command("reprompt").exitOverride().configureOutput({writeOut: io.stdout, writeErr: io.stderr});
  registerPrompts(program, io);
  try {
    await program.parseAsync(args, {from: "user"});
    return {out: out.join(""), err: err.join(""), code: 0};
  } catch (error) {
    if (error instanceof CommanderError) return {out: out.join(""), err: err.join(""), code: error.exitCode};
    throw error;
  }
}

describe("reprompt prompts", () => {
  it("--json prints exactly the whole catalog as [{id, family, title, text, source}]", async () => {
    const {out, code} = await run(["prompts", "--json"]);
    expect(code).toBe(0);
    const rows = JSON.parse(out) as Array<Record<string, string>>;
    expect(rows).toEqual(PROMPTS.map((p) => ({id: p.id, family: p.family, title: p.title, text: p.text, source: "study"})));
    for (const row of rows) expect(Object.keys(row)).toEqual(["id", "family", "title", "text", "source"]);
    expect(new Set(rows.map((r) => r.family))).toEqual(new Set(["reasoning", "instruction", "feedback", "retry"]));
  });

  it("--family filters, in the listing and in JSON", async () => {
    const json = JSON.parse((await run(["prompts", "--json", "--family", "retry"])).out) as Array<{id: string}>;
    expect(json.map((r) => r.id)).toEqual(["cot-retry-plan", "cot-retry-naive"]);
    const {out} = await run(["prompts", "--family", "instruction"]);
    expect(out).toMatch(/^instruction \(7\)/);
    expect(out).toMatch(/^  weak-then-better  [0-9a-f]{12}  .*\[grid\]$/m);
    expect(out).toMatch(/^  none  [0-9a-f]{12}  .*$\n {4}\(empty/m);
    expect(out).not.toContain("self-reflection");
  });

  it("lists every prompt with its text when run without options", async () => {
    const {out, err} = await run(["prompts"]);
    for (const p of PROMPTS) expect(out).toContain(`  ${p.id}  `);
    expect(out).toContain("    Take the examples in the problem one at a time.");
    expect(err).toMatch(/^22 prompts/);
  });

  it("rejects an unknown family with the allowed choices", async () => {
    const {code, err} = await run(["prompts", "--family", "reasonin"]);
    expect(code).not.toBe(0);
    expect(err).toMatch(/reasoning, instruction, feedback, retry/);
  });
});
