// The JSON-lines protocol between the tool and the Python sandbox worker (worker.py / naive.py).

export type Verdict =
  | "accepted"
  | "wrong_answer"
  | "runtime_error"
  | "time_limit"
  | "memory_limit"
  | "output_limit"
  | "compile_error"
  | "no_code";

export const VERDICTS: Verdict[] = ["accepted", "wrong_answer", "runtime_error", "time_limit", "memory_limit", "output_limit", "compile_error", "no_code"];

export type JudgeMode = "codecontests" | "strict" | "taco";

export interface WorkerLimits {
  cpu_s: number;
  wall_s: number;
  memory_bytes: number;
  output_bytes: number;
}

export interface WorkerJob {
  id: number;
  code: string;
  /** Tests to run in order; `output: null` means "no expected output: a clean run is accepted". */
  tests: Array<{input: string; output: string | null}>;
  io_mode: "stdio" | "function";
  fn_name: string | null;
  mode: JudgeMode;
  limits: WorkerLimits;
  stop_on_failure: boolean;
  /** Which tests keep their stdout/stderr excerpt in the result. */
  capture: "none" | "failed" | "all";
  excerpt_bytes?: number;
  trace?: boolean;
  trace_options?: Record<string, unknown>;
}

export interface WorkerTestResult {
  index: number;
  verdict: Exclude<Verdict, "compile_error" | "no_code">;
  cpu_ms: number | null;
  wall_ms: number | null;
  out_bytes?: number;
  memory_kb?: number;
  exit_code?: number | null;
  error?: string;
  value_error?: string;
  stdout?: string;
  stdout_truncated?: boolean;
  stderr?: string;
  value?: string;
  note?: string;
  isolated?: boolean;
  trace?: unknown;
}

export interface WorkerReply {
  t: "done";
  id: number;
  compile_error: string | null;
  tests: WorkerTestResult[];
  time_ms: number;
  worker_error?: string;
}

export interface SecurityReport {
  landlock_abi?: number;
  seccomp?: boolean;
  drop_capabilities?: boolean;
  python?: string;
  naive?: boolean;
  /** Where the worker keeps its runners' temp dirs (inside bubblewrap: its private tmpfs). */
  temp_base?: string;
}
