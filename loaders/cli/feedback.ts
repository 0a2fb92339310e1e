// `reprompt feedback`: the execution feedback a model would get for a program on a problem's public tests.
import {readFileSync} from "node:fs";
import type {Command} from "commander";
import {readProblemsJsonl} from "../datasets/index.ts";
import {FeedbackError, isFeedbackKind, renderFeedback} from "../feedback/index.ts";
import {FEEDBACK_KINDS} from "../prompts/index.ts";
import {UsageError, type CliIo} from "./io.ts";
import {addSandboxFlags, startPool, type SandboxFlags} from "./sandboxOptions.ts";
import {terminalBlock} from "./terminal.ts";

const MODES = ["codecontests", "strict", "taco"] as const;

interface FeedbackFlags extends SandboxFlags {
  kind: string;
  problems: string;
  id: string;
  code: string;
  json?: boolean;
  mode: string;
  timeFactor: string;
  maxChars: string;
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`${flag} must be a positive number, got ${text}`);
  return value;
}

export function registerFeedback(program: Command, io: CliIo): void {
  const command = program
    .command("feedback")
    .description("the execution feedback a model would get for a program (runs the problem's public tests)")
    .requiredOption("--kind <kind>", `feedback kind: ${FEEDBACK_KINDS.join(" | ")}`)
    .requiredOption("--problems <file>", "problems in the JSONL schema of data/demo/problems.jsonl")
    .requiredOption("--id <id>", "the problem's id in that file")
    .requiredOption("--code <file>", "the Python 3 program")
    .option("--json", "print the whole feedback object (text, passed, public results, fallback) as one JSON line")
    .option("--mode <mode>", "output comparison: codecontests (default) | strict | taco", "codecontests")
    .option("--time-factor <x>", "multiply the problem's time limit", "1")
    .option("--max-chars <n>", "characters kept of each input/expected/actual value", "1000");
  addSandboxFlags(command).action(async (options: FeedbackFlags) => {
    const kind = options.kind;
    if (!isFeedbackKind(kind)) throw new UsageError(`--kind must be one of ${FEEDBACK_KINDS.join(", ")}, got ${kind}`);
    if (!(MODES as readonly string[]).includes(options.mode)) throw new UsageError(`--mode must be one of ${MODES.join(", ")}, got ${options.mode}`);
    const timeFactor = positive("--time-factor", options.timeFactor);
    const maxValueChars = Math.round(positive("--max-chars", options.maxChars));
    const problem = readProblemsJsonl(options.problems).find((p) => p.id === options.id);
    if (!problem) throw new UsageError(`--id: no problem with id ${options.id} in ${options.problems}`);
    let code: string;
    try {
      code = readFileSync(options.code, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read --code ${options.code} (${(error as NodeJS.ErrnoException).code ?? error})`);
    }
    const pool = await startPool({lanes: "1", ...options});
    try {
      const feedback = await renderFeedback(kind, problem, code, pool, {
        mode: options.mode as (typeof MODES)[number],
        limits: {timeFactor},
        maxValueChars
      });
      io.stdout(options.json ? JSON.stringify(feedback) + "\n" : terminalBlock(feedback.text, 100_000) + "\n");
    } catch (error) {
      if (error instanceof FeedbackError) throw new UsageError(error.message, 1); // the sandbox, not the user: exit 1
      throw error;
    } finally {
      await pool.close();
    }
  });
}
