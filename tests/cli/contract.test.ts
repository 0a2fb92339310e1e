// Small CLI contract cases: defaults that do not fit are dropped with a note; explicit ones are errors; bad
// input lines are all reported.
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {main} from "../../loaders/cli/main.ts";
import {MAX_REPORTED_BAD_LINES} from "../../loaders/config/badLines.ts";
import {tempDir} from "../helpers/tmp.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {io: {stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t)}, out, err};
}

const dir = tempDir("reprompt-contract-");
const t = (pub: boolean, all: boolean) => ({public: pub, all});
// Three trajectories per problem: pass@1 by hand = mean over problems of (correct / 3) = (1/3 + 1/3) / 2.
const threeEach = join(dir, "three.jsonl");
writeFileSync(
  threeEach,
  [
    {problem_id: "a", trajectories: [[t(true, true)], [t(false, false), t(true, false)], [t(false, false)]]},
    {problem_id: "b", trajectories: [[t(false, false)], [t(true, false)], [t(true, true)]]}
  ]
    .map((row) => JSON.stringify(row))
    .join("\n") + "\n"
);

describe("reprompt estimate", () => {
  it("drops default pass@k budgets above N with a note (estimate --nk 1@3 on 3 trajectories works)", async () => {
    const {io, out, err} = capture();
    expect(await main(["estimate", "--nk", "1@3", "--input", threeEach, "--json"], io)).toBe(0);
    const result = JSON.parse(out.join(""));
    expect(Object.keys(result["pass@k"])).toEqual(["1"]);
    expect(result["pass@k"]["1"]).toBeCloseTo(1 / 3, 12);
    expect(Object.keys(result["pass_n@k"])).toEqual(["1@3"]);
    expect(err.join("")).toContain("note: default pass@k budgets 10, 100 dropped (the smallest problem has 3 trajectories)");
  });

  it("still refuses an explicitly requested budget above N", async () => {
    const {io, err} = capture();
    expect(await main(["estimate", "--k", "1,10", "--input", threeEach, "--json"], io)).toBe(2);
    expect(err.join("")).toMatch(/pass@10 needs at least 10 trajectories per problem, but problem "a" has 3/);
  });

  it("reports every bad line of the input (up to a cap), not only the first", async () => {
    const file = join(dir, "bad.jsonl");
    const good = JSON.stringify({problem_id: "ok", trajectories: [[t(true, true)]]});
    const bad = Array.from({length: MAX_REPORTED_BAD_LINES + 3}, (_, i) => (i % 2 ? "{" : JSON.stringify({problem_id: `p${i}`, trajectories: []})));
    writeFileSync(file, [good, ...bad].join("\n") + "\n");
    const {io, err} = capture();
    expect(await main(["estimate", "--k", "1", "--input", file, "--json"], io)).toBe(2);
    const text = err.join("");
    expect(text).toContain(`${file}: ${bad.length} bad lines:`);
    expect(text).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:2: field "trajectories": expected at least 1 trajectory`));
    expect(text).toMatch(/:3: not valid JSON/);
    expect(text.trimEnd().endsWith("… and 3 more bad lines")).toBe(true);
  });
});
