// `reprompt bench exec`: naive (one interpreter per test) vs reprompt's sandbox on the same corpus and verdicts.
import {availableParallelism} from "node:os";
import type {Problem} from "../loaders/datasets/index.ts";
import {judgeOnProblem, SandboxPool, type ExecutionResult} from "../loaders/execution/index.ts";
import {benchCorpora} from "./corpus.ts";

interface Run {
  seconds: number;
  tests: number;
  cpuMs: number;
  /** Tests stopped at their time limit: every executor pays the limit itself for those. */
  timeLimited: number;
  results: ExecutionResult[];
}

async function runAll(pool: SandboxPool, jobs: Array<{problem: Problem; code: string}>): Promise<Run> {
  const started = performance.now();
  const results = await Promise.all(jobs.map((j) => judgeOnProblem(pool, j.problem, j.code, {capture: "none"})));
  const seconds = (performance.now() - started) / 1000;
  const all = results.flatMap((r) => r.tests);
  return {
    seconds,
    tests: all.length,
    cpuMs: all.reduce((n, t) => n + (t.cpuMs ?? 0), 0),
    timeLimited: all.filter((t) => t.verdict === "time_limit").length,
    results
  };
}

const rate = (r: Run) => r.tests / r.seconds;

function describe(name: string, r: Run, lanes: number): string {
  const overhead = (r.seconds * 1000 * lanes - r.cpuMs) / r.tests;
  return `${name.padEnd(9)} ${String(r.tests).padStart(5)} tests in ${r.seconds.toFixed(1).padStart(6)} s = ${rate(r).toFixed(1).padStart(6)} tests/s; per-test overhead ${overhead.toFixed(2)} ms (wall × lanes − test CPU, per test)`;
}

export async function benchExec(log: (line: string) => void, options: {lanes?: number} = {}): Promise<{speedup: number}> {
  const lanes = options.lanes ?? availableParallelism();
  const corpora = await benchCorpora(log);
  const ours = await SandboxPool.start({lanes, log});
  const naive = await SandboxPool.start({lanes, script: "naive.py", log});
  const totals = {ours: {seconds: 0, tests: 0}, naive: {seconds: 0, tests: 0}};
  let programs = 0;
  let same = 0;
  try {
    for (const corpus of corpora) {
      const jobs = corpus.problems.flatMap((problem) => problem.solutions.map((s) => ({problem, code: s.code})));
      log(`-- ${corpus.name}: ${corpus.problems.length} problems, ${jobs.length} programs; ${lanes} lanes; stop at the first failing test`);
      const oursRun = await runAll(ours, jobs);
      const naiveRun = await runAll(naive, jobs);
      jobs.forEach((job, i) => {
        const a = oursRun.results[i];
        const b = naiveRun.results[i];
        programs++;
        if (a.verdict === b.verdict && a.failedTest === b.failedTest) same++;
        else log(`verdicts differ: ${job.problem.id}: reprompt ${a.verdict}@${a.failedTest}, naive ${b.verdict}@${b.failedTest}`);
      });
      log(describe("naive", naiveRun, lanes));
      log(describe("reprompt", oursRun, lanes));
      log(`${corpus.name}: speedup ${(rate(oursRun) / rate(naiveRun)).toFixed(1)}x; tests stopped at their time limit: ${oursRun.timeLimited} (both executors spend the limit itself on these)`);
      for (const [key, run] of [["ours", oursRun], ["naive", naiveRun]] as const) {
        totals[key].seconds += run.seconds;
        totals[key].tests += run.tests;
      }
    }
  } finally {
    await ours.close();
    await naive.close();
  }
  log(`same verdicts: ${same}/${programs} programs`);
  const speedup = totals.ours.tests / totals.ours.seconds / (totals.naive.tests / totals.naive.seconds);
  log(`speedup: ${speedup.toFixed(1)}x`);
  return {speedup};
}
