// Pure renderers of the test-level feedback texts (binary, failed, failed_passed) from judge results.
import type {TestCase} from "../datasets/index.ts";
import type {ExecutionResult, TestOutcome, WorkerLimits} from "../execution/index.ts";

/** Per-value character limit when none is given: long enough for typical samples, short enough for a prompt. */
export const DEFAULT_MAX_VALUE_CHARS = 1000;
/** Failed (or passed) tests shown at most; public tests are few, but TACO rows can carry dozens. */
export const DEFAULT_MAX_TESTS = 10;

export interface RenderOptions {
  /** How inputs and outputs read: stdin/stdout, or JSON arguments and return values. Default "stdio". */
  ioMode?: "stdio" | "function";
  /** Characters kept of each input, expected and actual value before the truncation marker. */
  maxValueChars?: number;
  /** Tests shown per section; the rest are counted in one line. */
  maxTests?: number;
  /** The limits the tests ran under, so a time or memory verdict can name the limit. */
  limits?: WorkerLimits;
}

/** Cuts `text` to `limit` characters with a visible marker; `moreUnknown` when the text was already cut upstream. */
export function truncateValue(text: string, limit = DEFAULT_MAX_VALUE_CHARS, moreUnknown = false): string {
  if (text.length <= limit) return moreUnknown ? `${text}…[truncated: the rest was not captured]` : text;
  const rest = text.length - limit;
  return `${text.slice(0, limit)}…[truncated ${rest}${moreUnknown ? "+" : ""} more characters]`;
}

/** A labelled value in a fence, so blank lines and trailing spaces in it stay unambiguous. */
export function fenced(label: string, value: string, limit: number, moreUnknown = false): string {
  const body = value.replace(/\n$/, "");
  if (body === "" && !moreUnknown) return `${label}: (empty)`;
  return `${label}:\n\`\`\`\n${truncateValue(body, limit, moreUnknown)}\n\`\`\``;
}

function seconds(s: number): string {
  return `${Number(s.toFixed(2))} second${s === 1 ? "" : "s"}`;
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1 << 20))} MB`;
}

/** The verdict in plain words, naming the limit where there is one. */
export function verdictWords(outcome: Pick<TestOutcome, "verdict">, limits?: WorkerLimits): string {
  switch (outcome.verdict) {
    case "accepted":
      return "passed";
    case "wrong_answer":
      return "wrong answer";
    case "runtime_error":
      return "runtime error";
    case "time_limit":
      return limits ? `time limit exceeded: the program ran longer than ${seconds(limits.cpu_s)} and was stopped` : "time limit exceeded: the program was stopped";
    case "memory_limit":
      return limits ? `memory limit exceeded: the program used more than ${megabytes(limits.memory_bytes)}` : "memory limit exceeded";
    case "output_limit":
      return limits ? `output limit exceeded: the program printed more than ${megabytes(limits.output_bytes)}` : "output limit exceeded";
    default:
      return outcome.verdict.replace(/_/g, " ");
  }
}

/** The text of one test: what went in, what was expected, what came out (or what went wrong). */
export function renderTest(outcome: TestOutcome, test: TestCase | undefined, options: RenderOptions = {}): string {
  const limit = options.maxValueChars ?? DEFAULT_MAX_VALUE_CHARS;
  const fn = options.ioMode === "function";
  const passed = outcome.verdict === "accepted";
  const parts = [`Test ${outcome.index + 1} ${passed ? "passed" : `failed (${verdictWords(outcome, options.limits)})`}.`];
  if (test) {
    parts.push(fenced(fn ? "Input (arguments as JSON)" : "Input", test.input, limit));
    if (!passed) parts.push(fenced(fn ? "Expected return value" : "Expected output", test.output, limit));
  }
  const actual = fn ? outcome.value : outcome.stdout;
  const cut = !fn && outcome.stdoutTruncated === true;
  const limitVerdict = outcome.verdict === "time_limit" || outcome.verdict === "memory_limit" || outcome.verdict === "output_limit";
  if (outcome.verdict === "runtime_error") {
    if (actual) parts.push(fenced(fn ? "Your return value" : "Your output before the error", actual, limit, cut));
    const error = errorText(outcome);
    if (error) parts.push(fenced("Error", error, limit));
  } else if (limitVerdict) {
    if (actual) parts.push(fenced("Your output before it was stopped", actual, limit, cut));
  } else if (fn && actual === undefined && outcome.error) {
    parts.push(fenced("Error", outcome.error, limit));
  } else {
    parts.push(fenced(fn ? "Your return value" : "Your output", actual ?? "", limit, cut));
  }
  return parts.join("\n");
}

/** The last traceback lines, or for a bare exit status the program's own stderr with it. */
function errorText(outcome: TestOutcome): string {
  const error = outcome.error?.trim() ?? "";
  const stderr = outcome.stderr?.trim() ?? "";
  if ((!error || /^exit status -?\d+$/.test(error) || /^killed by /.test(error)) && stderr) {
    return error ? `${stderr}\n${error}` : stderr;
  }
  return error;
}

export function compileErrorText(results: Pick<ExecutionResult, "compileError">, options: RenderOptions = {}): string {
  return fenced("The code does not compile", results.compileError ?? "", options.maxValueChars ?? DEFAULT_MAX_VALUE_CHARS);
}

export function allPassedText(results: Pick<ExecutionResult, "testsRun">): string {
  return results.testsRun === 0 ? "There are no public tests to run, so nothing failed." : `All ${results.testsRun} public tests passed.`;
}

/** Pass or fail in one sentence (a compile error is still named: every kind reports it). */
export function renderBinary(results: ExecutionResult, options: RenderOptions = {}): string {
  if (results.verdict === "compile_error") return compileErrorText(results, options);
  if (results.verdict === "accepted") return allPassedText(results);
  return "The code did not pass the public tests.";
}

function section(outcomes: TestOutcome[], tests: TestCase[], options: RenderOptions, what: string): string[] {
  const max = options.maxTests ?? DEFAULT_MAX_TESTS;
  const shown = outcomes.slice(0, max).map((o) => renderTest(o, tests[o.index], options));
  if (outcomes.length > max) shown.push(`(${outcomes.length - max} more ${what} not shown.)`);
  return shown;
}

/**
 * Each failed public test (input, expected, actual or the error); with `includePassed`, the passed tests too.
 * `tests` are the problem's public tests, indexed like the outcomes (public tests come first in judge order).
 */
export function renderFailed(results: ExecutionResult, tests: TestCase[], options: RenderOptions & {includePassed?: boolean} = {}): string {
  if (results.verdict === "compile_error") return compileErrorText(results, options);
  if (results.verdict === "accepted") return allPassedText(results);
  const failed = results.tests.filter((t) => t.verdict !== "accepted");
  if (failed.length === 0) return "The code did not pass the public tests.";
  const failedText = section(failed, tests, options, "failed tests").join("\n\n");
  if (!options.includePassed) return failedText;
  const passed = results.tests.filter((t) => t.verdict === "accepted");
  const passedText = passed.length ? section(passed, tests, options, "passed tests").join("\n\n") : "(none)";
  return `Tests that did not pass:\n\n${failedText}\n\nTests that passed:\n\n${passedText}`;
}

export function renderFailedPassed(results: ExecutionResult, tests: TestCase[], options: RenderOptions = {}): string {
  return renderFailed(results, tests, {...options, includePassed: true});
}
