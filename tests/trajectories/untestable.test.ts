// Problems that cannot fail: no hidden test → refused or skipped; no public test → no multi-turn, counted.
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {main} from "../../loaders/cli/main.ts";
import {parseConfig} from "../../loaders/config/index.ts";
import {loadSourceReport, MAX_REPORTED_BAD_LINES, parseProblemsJsonl} from "../../loaders/datasets/index.ts";
import {judgeTests, limitsFor, NoTestsError, SandboxPool} from "../../loaders/execution/index.ts";
import {Store} from "../../loaders/store/index.ts";
import {parseExperiment} from "../../loaders/trajectories/experiment.ts";
import {silentProgress} from "../../loaders/trajectories/progress.ts";
import {runExperiment} from "../../loaders/trajectories/run.ts";
import type {TrajectoryRecord} from "../../loaders/trajectories/trajectory.ts";
import {createScriptedBackend, fenced, userTexts} from "../helpers/scriptedBackend.ts";
import {tempDir} from "../helpers/tmp.ts";
import {MAX_CORRECT, maxRow, SUM_CORRECT, SUM_WRONG, sumRow, writeProblems} from "./fixtures.ts";

const dir = tempDir("reprompt-untestable-");

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {io: {stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t)}, out, err};
}

describe("a problem without tests", () => {
  const noTests = sumRow({id: "no-tests", public_tests: [], private_tests: [], generated_tests: []});
  const noHidden = sumRow({id: "no-hidden", private_tests: [], generated_tests: []});
  const file = writeProblems(dir, [maxRow(), noTests], "no-tests.jsonl");
  const publicOnly = writeProblems(dir, [maxRow(), noHidden], "no-hidden.jsonl");

  it("with no test at all is refused by `problems` and `judge`, naming the line and the problem", async () => {
    for (const command of [["problems"], ["judge"]]) {
      const {io, out, err} = capture();
      expect(await main([...command, "--problems", file], io)).toBe(2);
      expect(err.join("")).toBe(`reprompt: ${file}:2: problem "no-tests" has no test at all (public_tests, private_tests and generated_tests are empty): it cannot be judged, every program would pass\n`);
      expect(out.join("")).toBe("");
    }
  });

  it("with public tests only is valid for `problems` (which says experiments skip it)", async () => {
    const {io, err} = capture();
    expect(await main(["problems", "--problems", publicOnly], io)).toBe(0);
    expect(err.join("")).toContain("1 without hidden tests: experiments skip them");
  });

  it("is skipped and counted when a dataset is read (no hidden test: a final program would be judged on nothing)", async () => {
    const load = await loadSourceReport({kind: "jsonl", name: "t", path: writeProblems(dir, [maxRow(), noHidden, noTests], "both.jsonl")});
    expect(load.problems.map((p) => p.id)).toEqual(["max-two"]);
    expect(load.skipped).toEqual({no_hidden_tests: 1, no_tests: 1});
  });

  it("never gets `accepted` with no test run", async () => {
    const request = {code: SUM_WRONG, ioMode: "stdio" as const, fnName: null, tests: [], limits: limitsFor(null)};
    await expect(judgeTests(null as unknown as SandboxPool, request)).rejects.toThrow(NoTestsError);
  });
});

describe("a problem with no public test", () => {
  let pool: SandboxPool;
  beforeAll(async () => {
    pool = await SandboxPool.start({lanes: 2, log: () => {}});
  });
  afterAll(() => pool?.close());
  const noPublic = sumRow({id: "no-public", public_tests: []});
  const file = writeProblems(dir, [noPublic, maxRow()], "no-public.jsonl");
  const config = parseConfig({datasets: [{kind: "jsonl", name: "t", path: file}], models: [{name: "m", backend: "openai", baseURL: "http://127.0.0.1:9/v1", model: "s"}]}, "test config");
  // Always right on TASK-SUM after a first wrong turn; always right on TASK-MAX.
  const scripted = createScriptedBackend((messages) => {
    const users = userTexts(messages);
    if (!users[0]!.includes("TASK-SUM")) return fenced(MAX_CORRECT);
    return fenced(users.length > 1 ? SUM_CORRECT : SUM_WRONG);
  });
  const stores: Store[] = [];
  afterAll(() => stores.forEach((s) => s.close()));
  const run = (name: string, profile: Record<string, unknown>) => {
    const store = Store.open({dir: join(dir, name), autoCompactAt: 0});
    stores.push(store);
    const experiment = parseExperiment({name: "np", title: "np", figure: "np", profiles: {p: {problems: {source: "t"}, models: ["m"], samples: 2, ...profile} as never}}, "np");
    const lines: string[] = [];
    return runExperiment(experiment, {profile: "p", store, pool, config, backendFor: async () => scripted, progress: silentProgress, report: (l) => lines.push(l)}).then((summary) => ({
      summary,
      lines,
      trajectories: summary.trajectoryKeys.map((k) => store.get<TrajectoryRecord>("trajectory", k)!)
    }));
  };

  it("is left out of a multi-turn profile and counted (feedback would have nothing to run)", async () => {
    const {summary, lines, trajectories} = await run("multi", {strategies: [{kind: "multi", feedback: "failed", maxTurns: 3}]});
    expect(summary.record.skipped).toEqual({no_public_tests: 1});
    expect(lines).toEqual(["dataset t: 1 skipped (no public tests)"]);
    expect(new Set(trajectories.map((t) => t.problem))).toEqual(new Set(["traj-test/max-two"]));
  });

  it("is left out of a profile reporting pass n@k", async () => {
    const {summary} = await run("nk", {strategies: [{kind: "single"}], nk: [[1, 2]]});
    expect(summary.record.skipped).toEqual({no_public_tests: 1});
  });

  it("is judged on its hidden tests in a single-turn pass@k profile, its public verdict `not_run`", async () => {
    const {summary, trajectories} = await run("single", {strategies: [{kind: "single"}]});
    expect(summary.record.skipped).toEqual({});
    const onIt = trajectories.filter((t) => t.problem === "traj-test/no-public");
    expect(onIt).toHaveLength(2);
    for (const t of onIt) {
      expect(t.turns.map((turn) => turn.public.verdict)).toEqual(["not_run"]);
      // Turn 1 is the wrong program: the hidden tests catch it.
      expect(t.final).toMatchObject({hiddenVerdict: "wrong_answer", allPassed: false});
    }
  });
});

describe("JSONL validation", () => {
  it("reports every bad line, not only the first", () => {
    const good = JSON.stringify(sumRow());
    const text = [good, "{not json", JSON.stringify({...sumRow({id: "b"}), io_mode: "file"}), good.replace('"sum-two"', '"c"'), JSON.stringify({...sumRow({id: "d"}), private_tests: "x"})].join("\n");
    let message = "";
    try {
      parseProblemsJsonl(text, "f.jsonl");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")[0]).toBe("f.jsonl: 3 bad lines:");
    expect(message).toMatch(/^ {2}f\.jsonl:2: not valid JSON/m);
    expect(message).toMatch(/^ {2}f\.jsonl:3: field `io_mode`/m);
    expect(message).toMatch(/^ {2}f\.jsonl:5: field `private_tests`/m);
  });

  it("lists bad lines up to a cap and counts the rest", () => {
    const bad = MAX_REPORTED_BAD_LINES + 5;
    const text = Array.from({length: bad}, () => "{").join("\n");
    let message = "";
    try {
      parseProblemsJsonl(text, "f.jsonl");
    } catch (error) {
      message = (error as Error).message;
    }
    const listed = message.split("\n").filter((l) => /^ {2}f\.jsonl:\d+:/.test(l));
    expect(listed).toHaveLength(MAX_REPORTED_BAD_LINES);
    expect(message).toContain(`f.jsonl: ${bad} bad lines:`);
    expect(message.trimEnd().endsWith("… and 5 more bad lines")).toBe(true);
  });
});
