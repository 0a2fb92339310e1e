// Runs a program on a problem's public tests in the sandbox and renders the feedback of one kind.
import type {Problem, TestCase} from "../datasets/index.ts";
import {judgeTests, limitsFor, selectTests, type ExecutionResult, type JudgeMode, type LimitOptions, type SandboxPool, type TestOutcome, type WorkerLimits} from "../execution/index.ts";
import {FEEDBACK_KINDS, type FeedbackKind} from "../prompts/index.ts";
import {LDB_DEFAULTS, parseTrace, renderLdb, type LdbRenderOptions} from "./ldb.ts";
import {DEFAULT_MAX_VALUE_CHARS, renderBinary, renderFailed, renderTest, type RenderOptions} from "./text.ts";

export interface LdbRunOptions extends LdbRenderOptions {
  /** The traced run's CPU limit is the problem's × this + `extraTimeS` (tracing slows a program down). */
  timeFactor?: number;
  extraTimeS?: number;
  /** Line events recorded before the tracer lets the program run on untraced. */
  maxEvents?: number;
}

export interface FeedbackOptions extends Pick<RenderOptions, "maxValueChars" | "maxTests"> {
  /** Output comparison (default "codecontests", as in judging). */
  mode?: JudgeMode;
  /** Limits of the public-test run (default: the problem's). */
  limits?: LimitOptions;
  ldb?: LdbRunOptions;
}

export const LDB_RUN_DEFAULTS = {timeFactor: 2, extraTimeS: 2, maxEvents: 100_000} as const;

export interface Feedback {
  kind: FeedbackKind;
  /** The inner feedback text; the prompts stage wraps it in the kind's framing prompt. */
  text: string;
  /** All public tests passed (the multi-turn loop stops there). */
  passed: boolean;
  publicResults: ExecutionResult;
  /**
   * ldb only: why the trace could not be shown; `text` then holds `failed` feedback (with a note saying so),
   * so the caller should frame it with the `failed` prompt rather than the debugger one.
   */
  fallback?: string;
  /** ldb only: the index (among the public tests) of the test that was traced or meant to be. */
  tracedTest?: number;
}

/** The sandbox itself failed (not the program): the feedback would be wrong, so there is none. */
export class FeedbackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeedbackError";
  }
}

export function isFeedbackKind(kind: string): kind is FeedbackKind {
  return (FEEDBACK_KINDS as readonly string[]).includes(kind);
}

/**
 * Feedback of `kind` for `code` on the problem's public tests. All public tests run (no stop at the first
 * failure) with output captured; `ldb` then re-runs the first failing one under the tracer.
 */
export async function renderFeedback(kind: FeedbackKind, problem: Problem, code: string, pool: SandboxPool, options: FeedbackOptions = {}): Promise<Feedback> {
  if (!isFeedbackKind(kind)) throw new FeedbackError(`unknown feedback kind ${JSON.stringify(kind)} (expected ${FEEDBACK_KINDS.join(", ")})`);
  const limits = limitsFor(problem, options.limits);
  const {tests, firstIndex} = selectTests(problem, "public");
  if (tests.length === 0) throw new FeedbackError(`problem ${problem.id} has no public tests: there is nothing to run, so no feedback to give (multi-turn runs skip such problems)`);
  const maxValueChars = options.maxValueChars ?? DEFAULT_MAX_VALUE_CHARS;
  const publicResults = await judgeTests(pool, {
    code,
    ioMode: problem.ioMode,
    fnName: problem.fnName,
    tests,
    firstIndex,
    limits,
    mode: options.mode,
    stopOnFailure: false,
    capture: "all",
    // Beyond the shown characters so the truncation marker can count what was cut.
    excerptBytes: Math.max(4 * maxValueChars, 64 * 1024)
  });
  if (publicResults.sandboxError) throw new FeedbackError(`sandbox failure while running the public tests: ${publicResults.sandboxError}`);
  const passed = publicResults.verdict === "accepted";
  const render: RenderOptions = {ioMode: problem.ioMode, limits, maxValueChars, maxTests: options.maxTests};
  const base = {kind, passed, publicResults};
  switch (kind) {
    case "binary":
      return {...base, text: renderBinary(publicResults, render)};
    case "failed":
      return {...base, text: renderFailed(publicResults, tests, render)};
    case "failed_passed":
      return {...base, text: renderFailed(publicResults, tests, {...render, includePassed: true})};
    case "ldb":
      if (passed || publicResults.verdict === "compile_error") return {...base, text: renderFailed(publicResults, tests, render)};
      return {...base, ...(await ldbFeedback(problem, code, pool, publicResults, tests, limits, render, options))};
  }
}

const LIMIT_REASONS: Partial<Record<TestOutcome["verdict"], string>> = {
  time_limit: "the program exceeded the time limit on this test, so no trace could be recorded",
  memory_limit: "the program exceeded the memory limit on this test, so no trace could be recorded",
  output_limit: "the program exceeded the output limit on this test, so no trace could be recorded"
};

async function ldbFeedback(
  problem: Problem,
  code: string,
  pool: SandboxPool,
  results: ExecutionResult,
  tests: TestCase[],
  limits: WorkerLimits,
  render: RenderOptions,
  options: FeedbackOptions
): Promise<{text: string; fallback?: string; tracedTest: number}> {
  const failed = results.tests.find((t) => t.verdict !== "accepted")!;
  const test = tests[failed.index];
  const fallback = (reason: string) => ({
    text: `Note: the debugger trace is not available (${reason}), so the failed tests are shown instead.\n\n${renderFailed(results, tests, render)}`,
    fallback: reason,
    tracedTest: failed.index
  });
  // A run that hit a limit would hit it again under the (slower) tracer, and the runner drops the trace then.
  const limitReason = LIMIT_REASONS[failed.verdict];
  if (limitReason) return fallback(limitReason);

  const ldb = {...LDB_DEFAULTS, ...LDB_RUN_DEFAULTS, ...options.ldb};
  const cpu = limits.cpu_s * ldb.timeFactor + ldb.extraTimeS;
  const keepHead = Math.ceil(ldb.maxBlocks / 2);
  const traced = await judgeTests(pool, {
    code,
    ioMode: problem.ioMode,
    fnName: problem.fnName,
    tests: [test],
    firstIndex: failed.index,
    limits: {...limits, cpu_s: cpu, wall_s: 3 * cpu + 1},
    mode: options.mode,
    capture: "none",
    trace: true,
    traceOptions: {
      max_events: ldb.maxEvents,
      keep_head: keepHead,
      keep_tail: ldb.maxBlocks - keepHead,
      // Lets the tracer skip rendering values the state cut would drop anyway (same cut as renderLdb's).
      state_chars: ldb.stateChars,
      max_value_chars: Math.max(ldb.stateChars, 100),
      // Function-mode programs: the tracer makes the call itself (the runner's own call is not traced).
      ...(problem.ioMode === "function" ? {call: {fn_name: problem.fnName, input: test.input}} : {})
    }
  });
  if (traced.sandboxError) return fallback(`the sandbox failed during the traced run: ${traced.sandboxError}`);
  const outcome = traced.tests[0];
  const trace = parseTrace(outcome?.trace);
  const rendered = trace ? renderLdb(trace, ldb) : null;
  if (rendered === null) {
    if (trace) return fallback("the trace is empty");
    if (!outcome) return fallback(traced.compileError ? "the tracer could not load the program" : "the traced run returned nothing");
    if (outcome.verdict === "time_limit") return fallback(`the traced run exceeded its time limit of ${Number(cpu.toFixed(2))} s`);
    if (outcome.verdict === "memory_limit") return fallback("the traced run exceeded the memory limit");
    return fallback(outcome.error ? `the tracer failed: ${outcome.error.split("\n").pop()}` : "the traced run returned no trace");
  }
  return {text: `${renderTest(failed, test, render)}\n\nDebugger trace of this test:\n${rendered}`, tracedTest: failed.index};
}
