// Execution: the sandboxed judge (Python workers behind a pool), limits and verdicts.
export {DEFAULT_LIMITS, judgeOnProblem, judgeTests, limitsFor, noCodeResult, NoTestsError, selectTests} from "./judge.ts";
export type {ExecutionResult, JudgeRequest, LimitOptions, ProblemJudgeOptions, TestOutcome, TestSelection} from "./judge.ts";
export {SandboxPool, type PoolOptions} from "./pool.ts";
export {resolvePython, type PythonInfo} from "./python.ts";
export {VERDICTS, type JudgeMode, type Verdict, type WorkerLimits} from "./protocol.ts";
export {cachedJudge, EXECUTION_ENGINE_VERSION} from "./cache.ts";
