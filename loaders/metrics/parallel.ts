// Multi-turn pass n@k for many problem sets (e.g. one per strategy) spread over worker threads.
import {availableParallelism} from "node:os";
import {isMainThread, parentPort, Worker, workerData} from "node:worker_threads";
import type {ProblemCategories} from "./categories.ts";
import {passNAtKMultiTurn, type MultiTurnOptions, type NAtKEstimate} from "./multiturn.ts";

/** One problem set to estimate; `options.seed` should differ between sets that must not share draws. */
export interface MultiTurnTask {
  problems: readonly ProblemCategories[];
  grid: ReadonlyArray<readonly [number, number]>;
  options: MultiTurnOptions;
}

export interface MultiTurnTaskResult {
  estimates: NAtKEstimate[];
  exactProblems: number;
}

const MARKER = "reprompt-metrics-worker";

interface TaskMessage {
  index: number;
  counts: Int32Array[];
  grid: Array<[number, number]>;
  options: MultiTurnOptions;
}

/**
 * Runs every task and returns the results in task order. Results do not depend on the thread count: each
 * task's draws come from its own seed and per-problem streams, never from which thread ran it. Tasks are
 * handed out one at a time (a worker takes the next when it finishes), which balances uneven problem sets.
 *
 * Workers load this TypeScript module, so they need the loader the parent runs under (`node --import tsx`,
 * inherited through execArgv). Where no worker can start (e.g. a runner with its own transform), or with
 * `threads` ≤ 1, the tasks run on the calling thread instead.
 */
export async function runMultiTurnTasks(tasks: readonly MultiTurnTask[], threads = availableParallelism()): Promise<MultiTurnTaskResult[]> {
  const workers = Math.min(threads, tasks.length);
  if (workers <= 1) return tasks.map(runTask);
  try {
    return await runOnWorkers(tasks, workers);
  } catch (error) {
    if ((error as {workerStartFailed?: boolean}).workerStartFailed) return tasks.map(runTask);
    throw error;
  }
}

function runTask(task: MultiTurnTask): MultiTurnTaskResult {
  return passNAtKMultiTurn(task.problems, task.grid, task.options);
}

function runOnWorkers(tasks: readonly MultiTurnTask[], count: number): Promise<MultiTurnTaskResult[]> {
  return new Promise((resolve, reject) => {
    const results: MultiTurnTaskResult[] = new Array(tasks.length);
    let next = 0;
    let done = 0;
    let failed = false;
    const pool: Worker[] = [];
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      for (const w of pool) void w.terminate();
      reject(error);
    };
    const feed = (worker: Worker) => {
      if (next >= tasks.length) {
        void worker.terminate();
        return;
      }
      const index = next++;
      const task = tasks[index]!;
      const message: TaskMessage = {
        index,
        counts: task.problems.map((p) => p.counts),
        grid: task.grid.map(([n, k]) => [n, k]),
        options: task.options
      };
      worker.postMessage(message);
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL(import.meta.url), {workerData: {[MARKER]: true}});
      let started = false;
      pool.push(worker);
      worker.on("message", (reply: {ready?: true; index: number; result?: MultiTurnTaskResult; error?: string}) => {
        if (reply.ready) {
          started = true;
          return;
        }
        if (reply.error !== undefined) return fail(new Error(`metrics worker: ${reply.error}`));
        results[reply.index] = reply.result!;
        if (++done === tasks.length) resolve(results);
        else feed(worker);
      });
      worker.on("error", (error) => fail(started ? error : Object.assign(error, {workerStartFailed: true})));
      feed(worker);
    }
  });
}

/** Worker side: estimate each task message and reply with its result. */
if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[MARKER]) {
  const port = parentPort;
  port.postMessage({ready: true});
  port.on("message", (message: TaskMessage) => {
    try {
      const problems = message.counts.map((counts) => ({counts}));
      const result = passNAtKMultiTurn(problems, message.grid, message.options);
      port.postMessage({index: message.index, result});
    } catch (error) {
      port.postMessage({index: message.index, error: (error as Error).stack ?? String(error)});
    }
  });
}
