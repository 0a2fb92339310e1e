// The CLI's entry: builds the command tree and maps failures to exit codes (DESIGN.md, "The CLI").
import {Command, CommanderError} from "commander";
import {loadConfig} from "../config/index.ts";
import {processIo, UsageError, type CliIo} from "./io.ts";
import {registerEstimate} from "./estimate.ts";
import {registerExec} from "./exec.ts";
import {registerJudge} from "./judge.ts";
import {registerProblems} from "./problems.ts";
import {registerPrompts} from "./prompts.ts";
import {registerRun} from "./run.ts";
import {registerFigure} from "./figure.ts";
import {registerFeedback} from "./feedback.ts";
import {registerModels} from "./models.ts";
import {registerRft} from "./rft.ts";
import {registerBench} from "./bench.ts";
import {registerExport} from "./export.ts";
import {escapeControls, terminalBlock} from "./terminal.ts";
import {configForDisplay} from "../config/display.ts";
import {registerStore} from "./store.ts";
import {registerLaunch} from "./launch.ts";

const VERSION = "0.1.0";

/** Errors whose message is written for the user (file, field, what to do): printed without a stack trace. */
const USER_ERRORS = new Set([
  "UsageError",
  "ProblemFileError",
  "ConfigError",
  "ExperimentError",
  "StrategySpecError",
  "IdentityChangedError",
  "DatasetReadError",
  "FeedbackError",
  "EstimateInputError",
  "LlamaModelFileError",
  "OpenAIBackendError",
  "RftError",
  "ExportError"
]);

export function buildProgram(io: CliIo): Command {
  const program = new Command("reprompt")
    .description("Re-run and publish the study of how LLMs reason in (multi-turn) code generation")
    .version(VERSION)
    .showSuggestionAfterError()
    .configureOutput({writeOut: io.stdout, writeErr: io.stderr})
    .exitOverride();
  registerProblems(program, io);
  registerJudge(program, io);
  registerExec(program, io);
  registerPrompts(program, io);
  registerEstimate(program, io);
  registerRun(program, io);
  registerFigure(program, io);
  registerFeedback(program, io);
  registerModels(program, io);
  registerRft(program, io);
  registerBench(program, io);
  registerExport(program, io);
  registerStore(program, io);
  registerLaunch(program, io);
  program
    .command("config")
    .description("print the configuration reprompt reads (reprompt.config.js)")
    .option("--json", "machine-readable output")
    .action(async (options: {json?: boolean}) => {
      const config = await loadConfig();
      const shown = configForDisplay(config); // a baseURL's query string or userinfo can hold a key
      io.stdout(options.json ? JSON.stringify(shown) + "\n" : JSON.stringify(shown, null, 2) + "\n");
    });
  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[], rawIo: CliIo = processIo): Promise<number> {
  // Every command's output passes the shared escaper: ids, program output and server replies are untrusted.
  const io: CliIo = {stdout: (text) => rawIo.stdout(escapeControls(text)), stderr: (text) => rawIo.stderr(escapeControls(text))};
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, {from: "user"});
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2; // commander already printed the message (unknown command, bad flag)
    }
    if (error instanceof Error && USER_ERRORS.has(error.name)) {
      io.stderr(`reprompt: ${terminalBlock(error.message, 4000)}\n`);
      return error instanceof UsageError ? error.exitCode : 2;
    }
    io.stderr(`reprompt: unexpected error: ${terminalBlock(String((error as Error).stack ?? error), 8000)}\n`);
    return 1;
  }
}
