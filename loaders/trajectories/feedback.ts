// Feedback for the next turn, from the public-test results the turn already has (only LDB runs anything more).
import type {Problem} from "../datasets/index.ts";
import type {ExecutionResult, SandboxPool, WorkerLimits} from "../execution/index.ts";
import {limitsFor} from "../execution/index.ts";
import {renderBinary, renderFailed, renderFeedback, DEFAULT_MAX_VALUE_CHARS} from "../feedback/index.ts";
import type {FeedbackKind} from "../prompts/index.ts";
import {hashOf, type Store} from "../store/index.ts";

/** Public runs keep this much of each output so truncation markers can say how much was cut. */
export const FEEDBACK_EXCERPT_BYTES = Math.max(4 * DEFAULT_MAX_VALUE_CHARS, 64 * 1024);

export interface TurnFeedback {
  text: string;
  /** The framing to use: the kind asked for, or `failed` when an LDB trace fell back to failed tests. */
  kind: FeedbackKind;
  fallback?: string;
}

/** LDB feedback under way, by store key: concurrent trajectories with the same program share one trace. */
const inflight = new Map<string, Promise<TurnFeedback>>();

/** Bumped when LDB feedback's rendering changes, so stored texts of the old rendering are not reused. */
export const LDB_FEEDBACK_VERSION = "ldb-1";

export async function renderTurnFeedback(
  store: Store,
  pool: SandboxPool,
  kind: FeedbackKind,
  problem: Problem,
  code: string,
  publicResult: ExecutionResult,
  /** The limits the public tests ran under (the trajectory's, time factor included); the problem's by default. */
  limits: WorkerLimits = limitsFor(problem)
): Promise<TurnFeedback> {
  const render = {ioMode: problem.ioMode, limits, maxValueChars: DEFAULT_MAX_VALUE_CHARS};
  switch (kind) {
    case "binary":
      return {kind, text: renderBinary(publicResult, render)};
    case "failed":
      return {kind, text: renderFailed(publicResult, problem.tests.public, render)};
    case "failed_passed":
      return {kind, text: renderFailed(publicResult, problem.tests.public, {...render, includePassed: true})};
    case "ldb": {
      // LDB costs two sandbox runs (public tests, then the traced one): stored, like every other paid-for result.
      const key = store.key("feedback", {version: LDB_FEEDBACK_VERSION, code: hashOf(code), tests: hashOf(problem.tests.public), io: [problem.ioMode, problem.fnName], limits: render.limits});
      const stored = store.get<TurnFeedback>("feedback", key);
      if (stored) return stored;
      const pending = inflight.get(key);
      if (pending) return pending;
      const sameLimits = {timeLimitS: limits.cpu_s, memoryBytes: limits.memory_bytes, outputBytes: limits.output_bytes};
      const promise = renderFeedback("ldb", problem, code, pool, {limits: sameLimits}).then((feedback) => {
        const result: TurnFeedback = feedback.fallback ? {kind: "failed", text: feedback.text, fallback: feedback.fallback} : {kind, text: feedback.text};
        store.putWithKeys("feedback", [{key, data: result}]);
        return result;
      });
      inflight.set(key, promise);
      try {
        return await promise;
      } finally {
        inflight.delete(key);
      }
    }
  }
}
