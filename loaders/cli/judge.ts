// `reprompt judge`: every human solution of a problem file against all of its tests, one JSON line each.
import type {Command} from "commander";
import {readProblemsJsonl} from "../datasets/index.ts";
import {judgeOnProblem, type JudgeMode} from "../execution/index.ts";
import {UsageError, type CliIo} from "./io.ts";
import {addSandboxFlags, startPool, type SandboxFlags} from "./sandboxOptions.ts";

const MODES: JudgeMode[] = ["codecontests", "strict", "taco"];

export function registerJudge(program: Command, io: CliIo): void {
  const command = program
    .command("judge")
    .description("judge every solutions[].code of every problem against all its tests (one JSON line per solution)")
    .requiredOption("--problems <file>", "problems in the JSONL schema of data/demo/problems.jsonl")
    .option("--mode <mode>", "output comparison: codecontests (default) | strict | taco", "codecontests")
    .option("--id <id>", "only this problem")
    .option("--time-factor <x>", "multiply every time limit (limits are often set for C++)", "1");
  addSandboxFlags(command).action(async (options: SandboxFlags & {problems: string; mode: string; id?: string; timeFactor: string}) => {
    if (!MODES.includes(options.mode as JudgeMode)) throw new UsageError(`--mode must be one of ${MODES.join(", ")}, got ${options.mode}`);
    const timeFactor = Number(options.timeFactor);
    if (!(timeFactor > 0)) throw new UsageError(`--time-factor must be a positive number, got ${options.timeFactor}`);
    let problems = readProblemsJsonl(options.problems, {requireTests: true});
    if (options.id) {
      problems = problems.filter((p) => p.id === options.id);
      if (!problems.length) throw new UsageError(`no problem with id ${options.id} in ${options.problems}`);
    }
    const pool = await startPool(options);
    try {
      const jobs = problems.flatMap((problem) =>
        problem.solutions.map((solution, index) => ({
          problem,
          index,
          result: judgeOnProblem(pool, problem, solution.code, {mode: options.mode as JudgeMode, timeFactor, capture: "none"})
        }))
      );
      // Print in input order as results arrive (all jobs are already queued on the pool).
      for (const job of jobs) {
        const result = await job.result;
        io.stdout(
          JSON.stringify({
            problem_id: job.problem.id,
            solution_index: job.index,
            verdict: result.verdict,
            failed_test: result.failedTest,
            tests_run: result.testsRun,
            time_ms: Math.round(result.timeMs)
          }) + "\n"
        );
      }
    } finally {
      await pool.close();
    }
  });
}
