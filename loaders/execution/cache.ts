// Execution records in the store: a program judged once on a test set is never judged again.
import {hashOf, type Store} from "../store/index.ts";
import {judgeTests, type ExecutionResult, type JudgeRequest} from "./judge.ts";
import type {SandboxPool} from "./pool.ts";

/** Bumped when the sandbox's verdict logic changes, so results of the old logic are not reused. */
export const EXECUTION_ENGINE_VERSION = "exec-1";

/** Test sets are hashed once each (hidden tests can be megabytes; every judge call needs the hash). */
const testSetHashes = new WeakMap<object, string>();

function testSetHash(tests: JudgeRequest["tests"]): string {
  let hash = testSetHashes.get(tests);
  if (!hash) testSetHashes.set(tests, (hash = hashOf(tests)));
  return hash;
}

/** Key material of an execution: code + test-set hash + limits + judge mode (+ engine version). */
export function executionKeyMaterial(request: JudgeRequest): unknown {
  return {
    engine: EXECUTION_ENGINE_VERSION,
    code: hashOf(request.code),
    tests: testSetHash(request.tests),
    firstIndex: request.firstIndex ?? 0,
    io: [request.ioMode, request.fnName],
    limits: request.limits,
    mode: request.mode ?? "codecontests",
    stop: request.stopOnFailure ?? true,
    capture: request.capture ?? "failed",
    excerpt: request.excerptBytes ?? null,
    trace: request.trace ? (request.traceOptions ?? {}) : null
  };
}

/** Executions under way, per store: concurrent trajectories that need the same run share one. */
const inflight = new WeakMap<Store, Map<string, Promise<ExecutionResult>>>();

/** Judges through the store: a stored result is returned as is; a new one is stored before it is returned. */
export async function cachedJudge(store: Store, pool: SandboxPool, request: JudgeRequest): Promise<{key: string; result: ExecutionResult; cached: boolean}> {
  const key = store.key("execution", executionKeyMaterial(request));
  const stored = store.get<ExecutionResult>("execution", key);
  if (stored) return {key, result: stored, cached: true};
  let running = inflight.get(store);
  if (!running) inflight.set(store, (running = new Map()));
  const pending = running.get(key);
  if (pending) return {key, result: await pending, cached: true};
  const promise = judgeTests(pool, request).then((result) => {
    if (!result.sandboxError) store.putWithKeys("execution", [{key, data: result}]);
    return result;
  });
  running.set(key, promise);
  try {
    return {key, result: await promise, cached: false};
  } finally {
    running.delete(key);
  }
}
