// Judging a program on a problem's tests: limits from the problem, verdicts, and the first failing test.
import type {Problem, TestCase} from "../datasets/index.ts";
import {allTests, hiddenTests} from "../datasets/index.ts";
import type {SandboxPool} from "./pool.ts";
import type {JudgeMode, Verdict, WorkerJob, WorkerLimits, WorkerTestResult} from "./protocol.ts";

/** Limits used when a problem states none (APPS/TACO rows often do not). */
export const DEFAULT_LIMITS = {timeLimitS: 4, memoryBytes: 1 << 30, outputBytes: 64 << 20};

export interface LimitOptions {
  /** Multiplies the problem's time limit (limits are often set for C++). Default 1. */
  timeFactor?: number;
  timeLimitS?: number;
  memoryBytes?: number;
  outputBytes?: number;
}

/**
 * The largest limits a problem file may set. A larger value is clamped to these: a hostile or mistaken file
 * (`time_limit_s: 1e6`, `memory_limit_bytes: 1e12`) must neither overflow the timers nor lift the sandbox's
 * memory ceiling (the runners' 1 GiB, worker.py DEFAULT_CEILINGS). Explicit options (CLI flags) are the user's
 * own choice and are only held below HARD_MAX_CPU_S, the runners' CPU ceiling.
 */
export const MAX_PROBLEM_LIMITS = {timeLimitS: 60, memoryBytes: 1 << 30} as const;
export const HARD_MAX_CPU_S = 3600;

/** CPU limit = the problem's time limit (× factor); wall = 3 × that + 1 s, so load on the machine is not a TLE. */
export function limitsFor(problem: Pick<Problem, "timeLimitS" | "memoryLimitBytes"> | null, options: LimitOptions = {}): WorkerLimits {
  const stated = problem?.timeLimitS == null ? null : Math.min(problem.timeLimitS, MAX_PROBLEM_LIMITS.timeLimitS);
  const statedMemory = problem?.memoryLimitBytes == null ? null : Math.min(problem.memoryLimitBytes, MAX_PROBLEM_LIMITS.memoryBytes);
  const cpu = Math.min((options.timeLimitS ?? stated ?? DEFAULT_LIMITS.timeLimitS) * (options.timeFactor ?? 1), HARD_MAX_CPU_S);
  return {
    cpu_s: cpu,
    wall_s: 3 * cpu + 1,
    memory_bytes: options.memoryBytes ?? statedMemory ?? DEFAULT_LIMITS.memoryBytes,
    output_bytes: options.outputBytes ?? DEFAULT_LIMITS.outputBytes
  };
}

export interface TestOutcome {
  /** Index in the problem's public + private + generated order. */
  index: number;
  verdict: Verdict;
  cpuMs: number | null;
  wallMs: number | null;
  memoryKb?: number;
  exitCode?: number | null;
  error?: string;
  stdout?: string;
  stdoutTruncated?: boolean;
  stderr?: string;
  /** Function mode: the returned value as JSON. */
  value?: string;
  note?: string;
  trace?: unknown;
}

export interface ExecutionResult {
  verdict: Verdict;
  /** First failing test (index in public + private + generated), or null. */
  failedTest: number | null;
  testsRun: number;
  tests: TestOutcome[];
  timeMs: number;
  compileError?: string;
  /** Set when the sandbox itself failed (not the program); such results are never cached. */
  sandboxError?: string;
}

export interface JudgeRequest {
  code: string;
  ioMode: "stdio" | "function";
  fnName: string | null;
  tests: TestCase[];
  /** Index of `tests[0]` among the problem's public + private + generated tests. */
  firstIndex?: number;
  limits: WorkerLimits;
  mode?: JudgeMode;
  stopOnFailure?: boolean;
  capture?: WorkerJob["capture"];
  excerptBytes?: number;
  trace?: boolean;
  traceOptions?: Record<string, unknown>;
}

function toOutcome(t: WorkerTestResult, offset: number): TestOutcome {
  const outcome: TestOutcome = {index: t.index + offset, verdict: t.verdict, cpuMs: t.cpu_ms, wallMs: t.wall_ms};
  if (t.memory_kb !== undefined) outcome.memoryKb = t.memory_kb;
  if (t.exit_code !== undefined) outcome.exitCode = t.exit_code;
  if (t.error) outcome.error = t.error;
  else if (t.value_error) outcome.error = t.value_error;
  if (t.stdout !== undefined) outcome.stdout = t.stdout;
  if (t.stdout_truncated) outcome.stdoutTruncated = true;
  if (t.stderr !== undefined) outcome.stderr = t.stderr;
  if (t.value !== undefined) outcome.value = t.value;
  if (t.note) outcome.note = t.note;
  if (t.trace !== undefined) outcome.trace = t.trace;
  return outcome;
}

/** Judging was asked for with no test: a caller's mistake, never a verdict. */
export class NoTestsError extends Error {
  override name = "NoTestsError";
}

/** Runs a program on tests in the sandbox and sums up the verdict (the first non-accepted test decides). */
export async function judgeTests(pool: SandboxPool, request: JudgeRequest): Promise<ExecutionResult> {
  const offset = request.firstIndex ?? 0;
  // "accepted" means at least one test ran and passed; with none, nothing was checked (see judgeDefect).
  if (request.tests.length === 0) throw new NoTestsError("no tests to run: a program is accepted only when at least one test ran");
  const reply = await pool.run({
    code: request.code,
    tests: request.tests.map((t) => ({input: t.input, output: t.output})),
    io_mode: request.ioMode,
    fn_name: request.fnName,
    mode: request.mode ?? "codecontests",
    limits: request.limits,
    stop_on_failure: request.stopOnFailure ?? true,
    capture: request.capture ?? "failed",
    excerpt_bytes: request.excerptBytes,
    trace: request.trace,
    trace_options: request.traceOptions
  });
  if (reply.worker_error) {
    return {verdict: "runtime_error", failedTest: null, testsRun: 0, tests: [], timeMs: reply.time_ms, sandboxError: reply.worker_error};
  }
  if (reply.compile_error !== null) {
    return {verdict: "compile_error", failedTest: offset, testsRun: 0, tests: [], timeMs: reply.time_ms, compileError: reply.compile_error};
  }
  const tests = reply.tests.map((t) => toOutcome(t, offset));
  const failed = tests.find((t) => t.verdict !== "accepted");
  if (!failed && tests.length === 0) return {verdict: "runtime_error", failedTest: null, testsRun: 0, tests, timeMs: reply.time_ms, sandboxError: "the sandbox reported no test results"};
  return {verdict: failed?.verdict ?? "accepted", failedTest: failed?.index ?? null, testsRun: tests.length, tests, timeMs: reply.time_ms};
}

export type TestSelection = "all" | "public" | "hidden";

/** The tests of a selection and the index of the first one in the problem's overall order. */
export function selectTests(problem: Problem, selection: TestSelection): {tests: TestCase[]; firstIndex: number} {
  if (selection === "public") return {tests: problem.tests.public, firstIndex: 0};
  if (selection === "hidden") return {tests: hiddenTests(problem), firstIndex: problem.tests.public.length};
  return {tests: allTests(problem), firstIndex: 0};
}

export interface ProblemJudgeOptions extends LimitOptions {
  tests?: TestSelection;
  mode?: JudgeMode;
  stopOnFailure?: boolean;
  capture?: WorkerJob["capture"];
}

/** Judges `code` on a problem (all tests by default), limits from the problem. */
export function judgeOnProblem(pool: SandboxPool, problem: Problem, code: string, options: ProblemJudgeOptions = {}): Promise<ExecutionResult> {
  const {tests, firstIndex} = selectTests(problem, options.tests ?? "all");
  return judgeTests(pool, {
    code,
    ioMode: problem.ioMode,
    fnName: problem.fnName,
    tests,
    firstIndex,
    limits: limitsFor(problem, options),
    mode: options.mode,
    stopOnFailure: options.stopOnFailure,
    capture: options.capture
  });
}

/** The result for a completion that had no code to run. */
export function noCodeResult(): ExecutionResult {
  return {verdict: "no_code", failedTest: null, testsRun: 0, tests: [], timeMs: 0};
}
