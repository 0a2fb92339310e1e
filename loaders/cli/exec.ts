// `reprompt exec`: one program, run once in the sandbox, as one JSON object.
import {readFileSync} from "node:fs";
import type {Command} from "commander";
import {judgeTests, limitsFor} from "../execution/index.ts";
import {UsageError, type CliIo} from "./io.ts";
import {addSandboxFlags, startPool, type SandboxFlags} from "./sandboxOptions.ts";

function readOrFail(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
}

export function registerExec(program: Command, io: CliIo): void {
  const command = program
    .command("exec")
    .description("run one program once in the sandbox; prints {verdict, exit_code, stdout, stderr, time_ms}")
    .requiredOption("--code <file>", "the Python 3 program")
    .option("--input <file>", "standard input (default: empty)")
    .option("--expected <file>", "expected output: the run is judged (accepted / wrong_answer)")
    .option("--time-limit <seconds>", "CPU time limit", "4")
    .option("--memory-limit <MB>", "memory limit in MB", "1024");
  addSandboxFlags(command).action(async (options: SandboxFlags & {code: string; input?: string; expected?: string; timeLimit: string; memoryLimit: string}) => {
    const timeLimitS = Number(options.timeLimit);
    const memoryMb = Number(options.memoryLimit);
    if (!(timeLimitS > 0)) throw new UsageError(`--time-limit must be a positive number of seconds, got ${options.timeLimit}`);
    if (!(memoryMb > 0)) throw new UsageError(`--memory-limit must be a positive number of MB, got ${options.memoryLimit}`);
    const code = readOrFail(options.code, "--code");
    const input = options.input ? readOrFail(options.input, "--input") : "";
    const expected = options.expected ? readOrFail(options.expected, "--expected") : null;
    const pool = await startPool({lanes: "1", ...options});
    try {
      const result = await judgeTests(pool, {
        code,
        ioMode: "stdio",
        fnName: null,
        tests: [{input, output: expected as string}],
        limits: limitsFor(null, {timeLimitS, memoryBytes: Math.round(memoryMb * 1024 * 1024)}),
        capture: "all",
        excerptBytes: 64 * 1024
      });
      if (result.sandboxError) throw new Error(`sandbox failure: ${result.sandboxError}`);
      const test = result.tests[0];
      io.stdout(
        JSON.stringify({
          verdict: result.verdict,
          exit_code: result.verdict === "compile_error" ? 1 : (test?.exitCode ?? null),
          stdout: test?.stdout ?? "",
          stderr: result.compileError ?? [test?.stderr, test?.error].filter(Boolean).join(test?.stderr ? "\n" : ""),
          time_ms: Math.round(test?.wallMs ?? result.timeMs)
        }) + "\n"
      );
    } finally {
      await pool.close();
    }
  });
}
