// `reprompt bench exec`: naive (one interpreter per test) vs reprompt's sandbox on the same corpus and verdicts.
import {availableParallelism} from "node:os";
import {judgeOnProblem, SandboxPool, type ExecutionResult} from "../loaders/execution/index.ts";
import type {Problem} from "../loaders/datasets/index.ts";
import {benchProblems} from "./corpus.ts";

interface Run {
  seconds: number;
  tests: number;
  cpuMs: number;
  results: ExecutionResult[];
}

async function runAll(pool: SandboxPool, jobs: Array<{problem: Problem; code: string}>): Promise<Run> {
  const started = performance.now();
  const results = await Promise.all(jobs.map((j) => judgeOnProblem(pool, j.problem, j.code, {capture: "none"})));
  const seconds = (performance.now() - started) / 1000;
  const tests = results.reduce((n, r) => n + r.testsRun, 0);
  const cpuMs = results.reduce((n, r) => n + r.tests.reduce((m, t) => m + (t.cpuMs ?? 0), 0), 0);
  return {seconds, tests, cpuMs, results};
}

export async function benchExec(log: (line: string) => void, options: {lanes?: number} = {}): Promise<{speedup: number}> {
  const lanes = options.lanes ?? availableParallelism();
  const problems = await benchProblems(log);
  const jobs = problems.flatMap((problem) => problem.solutions.map((s) => ({problem, code: s.code})));
  log(`corpus: ${problems.length} problems, ${jobs.length} programs; ${lanes} lanes; stop at the first failing test`);
  const ours = await SandboxPool.start({lanes, log});
  const oursRun = await runAll(ours, jobs);
  await ours.close();
  const naive = await SandboxPool.start({lanes, script: "naive.py", log});
  const naiveRun = await runAll(naive, jobs);
  await naive.close();
  const differ = jobs
    .map((job, i) => ({job, ours: oursRun.results[i], naive: naiveRun.results[i]}))
    .filter((d) => d.ours.verdict !== d.naive.verdict || d.ours.failedTest !== d.naive.failedTest);
  for (const d of differ) {
    log(`verdicts differ: ${d.job.problem.id}: ours ${d.ours.verdict}@${d.ours.failedTest}, naive ${d.naive.verdict}@${d.naive.failedTest}`);
  }
  const rate = (r: Run) => r.tests / r.seconds;
  const overhead = (r: Run) => (r.seconds * 1000 * lanes - r.cpuMs) / r.tests;
  log(`naive:    ${naiveRun.tests} tests in ${naiveRun.seconds.toFixed(1)} s = ${rate(naiveRun).toFixed(1)} tests/s; per-test overhead ${overhead(naiveRun).toFixed(1)} ms`);
  log(`reprompt: ${oursRun.tests} tests in ${oursRun.seconds.toFixed(1)} s = ${rate(oursRun).toFixed(1)} tests/s; per-test overhead ${overhead(oursRun).toFixed(2)} ms`);
  log(`same verdicts: ${jobs.length - differ.length}/${jobs.length} programs`);
  const speedup = rate(oursRun) / rate(naiveRun);
  log(`speedup: ${speedup.toFixed(1)}x`);
  return {speedup};
}
