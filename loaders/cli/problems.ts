// `reprompt problems`: checks a problem file and summarises it (a quick way to validate your own dataset).
import type {Command} from "commander";
import {allTests, hasPublicTests, judgeDefect, readProblemsJsonl} from "../datasets/index.ts";
import type {CliIo} from "./io.ts";
import {terminalField} from "./terminal.ts";

export function registerProblems(program: Command, io: CliIo): void {
  program
    .command("problems")
    .description("validate a problem file (JSONL) and print one summary line per problem")
    .requiredOption("--problems <file>", "problems in the JSONL schema of data/demo/problems.jsonl")
    .option("--json", "JSON lines instead of a table")
    .action((options: {problems: string; json?: boolean}) => {
      const problems = readProblemsJsonl(options.problems, {requireTests: true});
      for (const p of problems) {
        const row = {
          id: p.id,
          dataset: p.dataset,
          difficulty: p.difficulty.label,
          io_mode: p.ioMode,
          tests: {public: p.tests.public.length, private: p.tests.private.length, generated: p.tests.generated.length},
          solutions: {
            correct: p.solutions.filter((s) => s.label === "correct").length,
            incorrect: p.solutions.filter((s) => s.label === "incorrect").length
          }
        };
        io.stdout(
          options.json
            ? JSON.stringify(row) + "\n"
            : `${terminalField(p.id).padEnd(28)} ${terminalField(p.difficulty.label, 40).padEnd(12)} ${p.ioMode.padEnd(8)} tests ${allTests(p).length
                .toString()
                .padStart(3)}  solutions ${row.solutions.correct}+/${row.solutions.incorrect}-\n`
        );
      }
      const noPublic = problems.filter((p) => !hasPublicTests(p)).length;
      const noHidden = problems.filter((p) => judgeDefect(p) === "no_hidden_tests").length;
      const notes = [
        noHidden ? `${noHidden} without hidden tests: experiments skip them, a final program would be judged on nothing` : "",
        noPublic ? `${noPublic} without public tests: multi-turn feedback and pass n@k skip them` : ""
      ].filter(Boolean);
      const note = notes.length ? ` (${notes.join("; ")})` : "";
      if (!options.json) io.stderr(`${problems.length} problems OK in ${terminalField(options.problems, 1000)}${note}\n`);
    });
}
