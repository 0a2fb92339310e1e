import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {Command} from "commander";
import {describe, expect, it} from "vitest";
import {registerEstimate} from "../../loaders/cli/estimate.ts";
import {UsageError} from "../../loaders/cli/io.ts";
import {estimateFromLines, passAtK, passNAtKSingleTurn} from "../../loaders/metrics/index.ts";
import {tempDir} from "../helpers/tmp.ts";
import {passNAtKMultiTurnBrute} from "./bruteforce.ts";

const T = {public: true, all: true};
const W = {public: true, all: false};
const F = {public: false, all: false};

// a: single-turn, 4 samples, 2 public-passing, 1 correct; b: multi-turn, 4 trajectories of 1–3 turns
const a = {problem_id: "a", trajectories: [[T], [W], [F], [F]]};
const b = {problem_id: "b", trajectories: [[T], [F, W], [F, F, T], [F, F, F]]};
const LINES = [JSON.stringify(a), "", JSON.stringify(b)];

describe("estimateFromLines", () => {
  it("computes pass@k over trajectories and pass n@k with intervals on a tiny file", () => {
    const result = estimateFromLines(LINES, {k: [1, 2], nk: [[1, 2], [2, 5]], seed: 0});
    expect(Object.keys(result)).toEqual(["pass@k", "pass_n@k"]);
    expect(result["pass@k"]["1"]).toBeCloseTo((passAtK(4, 1, 1) + passAtK(4, 2, 1)) / 2, 14);
    expect(result["pass@k"]["2"]).toBeCloseTo((passAtK(4, 1, 2) + passAtK(4, 2, 2)) / 2, 14);
    for (const [n, k] of [
      [1, 2],
      [2, 5]
    ] as const) {
      const e = result["pass_n@k"][`${n}@${k}`]!;
      const truth = (passNAtKSingleTurn(4, 2, 1, n, k) + passNAtKMultiTurnBrute(b.trajectories, n, k)) / 2;
      expect(Math.abs(e.mean - truth)).toBeLessThan(0.02); // problem b is simulated: 10,000 shuffles, SE < 0.0025 on the mean
      expect(e.lo).toBeLessThanOrEqual(e.mean);
      expect(e.hi).toBeGreaterThanOrEqual(e.mean);
      expect(Object.keys(e)).toEqual(["mean", "lo", "hi"]);
    }
    expect(estimateFromLines(LINES, {k: [1], nk: [[1, 2]], seed: 0})).toEqual(estimateFromLines(LINES, {k: [1], nk: [[1, 2]], seed: 0}));
  });

  it("gives exact single-turn values for single-turn input", () => {
    const result = estimateFromLines([JSON.stringify(a)], {k: [], nk: [[1, 3]], seed: 0});
    const exact = passNAtKSingleTurn(4, 2, 1, 1, 3);
    expect(result["pass_n@k"]["1@3"]).toEqual({mean: exact, lo: exact, hi: exact});
  });

  it("names the file, line and field of bad input", () => {
    const bad = (line: string, options = {k: [1], nk: [] as Array<[number, number]>, seed: 0}) => () =>
      estimateFromLines([JSON.stringify(a), "", line], {...options, file: "input.jsonl"});
    const wrongType = {problem_id: "c", trajectories: [[T], [T], [{public: "yes", all: false}]]};
    expect(bad(JSON.stringify(wrongType))).toThrow('input.jsonl:3: field "trajectories[2][0].public": expected boolean');
    expect(bad(JSON.stringify({problem_id: "c", trajectories: [[{public: true}]]}))).toThrow(
      'input.jsonl:3: field "trajectories[0][0].all": missing (expected boolean)'
    );
    expect(bad(JSON.stringify({problem_id: "c", trajectories: [[T], []]}))).toThrow(
      'input.jsonl:3: field "trajectories[1]": expected at least 1 turn'
    );
    expect(bad(JSON.stringify({problem_id: "c", trajectories: []}))).toThrow(
      'input.jsonl:3: field "trajectories": expected at least 1 trajectory'
    );
    expect(bad(JSON.stringify({trajectories: [[T]]}))).toThrow('input.jsonl:3: field "problem_id"');
    expect(bad("{not json")).toThrow(/^input\.jsonl:3: not valid JSON/);
    expect(bad("[1]")).toThrow("input.jsonl:3: expected an object");
    expect(bad(JSON.stringify(a))).toThrow('input.jsonl:3: field "problem_id": "a" already appeared on line 1');
    expect(bad(JSON.stringify({problem_id: 7, trajectories: [[T]]}), {k: [2], nk: [], seed: 0})).toThrow(
      'input.jsonl:3: pass@2 needs at least 2 trajectories per problem, but problem 7 has 1'
    );
    expect(() => estimateFromLines(LINES, {k: [1], nk: [[3, 1]], seed: 0})).toThrow(/n ≤ k/);
    expect(() => estimateFromLines(["", " "], {k: [1], nk: [], seed: 0, file: "e.jsonl"})).toThrow("e.jsonl: no problems");
  });

  it("allows an n@k budget beyond every program (all trajectories are taken)", () => {
    const result = estimateFromLines(LINES, {k: [], nk: [[1, 1000]], seed: 0});
    // a: 2 candidates, 1 correct → 1/2; b: candidates T, W, T → 2/3
    expect(result["pass_n@k"]["1@1000"]!.mean).toBeCloseTo((1 / 2 + 2 / 3) / 2, 14);
  });
});

describe("reprompt estimate (CLI)", () => {
  function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const program = new Command("reprompt").exitOverride().configureOutput({writeOut: (t) => out.push(t), writeErr: (t) => err.push(t)});
    registerEstimate(program, {stdout: (t) => out.push(t), stderr: (t) => err.push(t)});
    return {promise: program.parseAsync(args, {from: "user"}), out, err};
  }
  const dir = tempDir();
  const file = join(dir, "outcomes.jsonl");
  writeFileSync(file, LINES.join("\n") + "\n");

  it("prints the JSON contract on one line with --json", async () => {
    const {promise, out} = run(["estimate", "--input", file, "--k", "1,4", "--nk", "1@3,2@9", "--seed", "5", "--json"]);
    await promise;
    expect(out.join("").trim().split("\n")).toHaveLength(1);
    const parsed = JSON.parse(out.join(""));
    expect(Object.keys(parsed["pass@k"])).toEqual(["1", "4"]);
    expect(Object.keys(parsed["pass_n@k"])).toEqual(["1@3", "2@9"]);
    expect(parsed).toEqual(estimateFromLines(LINES, {k: [1, 4], nk: [[1, 3], [2, 9]], seed: 5}));
  });

  it("prints a readable table without --json, with the default grid", async () => {
    const big = join(dir, "big.jsonl");
    writeFileSync(big, JSON.stringify({problem_id: "x", trajectories: Array.from({length: 100}, (_, i) => [i % 7 === 0 ? T : F])}) + "\n");
    const {promise, out} = run(["estimate", "--input", big]);
    await promise;
    const text = out.join("");
    for (const label of ["pass@1", "pass@10", "pass@100", "pass 1@3", "pass 10@30", "pass 33@100", "pass 100@300"]) expect(text).toContain(label);
  });

  it("rejects bad flags and bad input with clear messages", async () => {
    await expect(run(["estimate", "--input", file, "--nk", "3@1"]).promise).rejects.toThrow(/--nk: "3@1": n must not exceed k/);
    await expect(run(["estimate", "--input", file, "--nk", "1-3"]).promise).rejects.toThrow(/--nk: "1-3" is not of the form n@k/);
    await expect(run(["estimate", "--input", file, "--k", "1,ten"]).promise).rejects.toThrow(/--k: "ten" is not a positive integer/);
    await expect(run(["estimate", "--input", file, "--k", "0"]).promise).rejects.toThrow(/--k: "0"/);
    await expect(run(["estimate", "--input", file, "--seed", "-1"]).promise).rejects.toThrow(/--seed/);
    await expect(run(["estimate", "--input", join(dir, "missing.jsonl")]).promise).rejects.toThrow(/cannot read --input/);
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, JSON.stringify(a) + "\n" + JSON.stringify({problem_id: "q", trajectories: [[{public: 1, all: true}]]}) + "\n");
    const failure = run(["estimate", "--input", bad, "--k", "1"]).promise;
    await expect(failure).rejects.toBeInstanceOf(UsageError);
    await expect(failure).rejects.toThrow(`${bad}:2: field "trajectories[0][0].public": expected boolean`);
  });
});
