// `reprompt bench exec|generate|metrics`: the project's benchmarks (also `npm run bench -- NAME`).
import type {Command} from "commander";
import {UsageError, type CliIo} from "./io.ts";

const BENCHES: Record<string, (log: (line: string) => void) => Promise<unknown>> = {
  exec: async (log) => (await import("../../bench/exec.ts")).benchExec(log),
  generate: async (log) => (await import("../../bench/generate.ts")).benchGenerate(log),
  metrics: async (log) => (await import("../../bench/metrics.ts")).benchMetrics(log)
};

export function registerBench(program: Command, io: CliIo): void {
  program
    .command("bench")
    .description("benchmarks: exec (sandbox vs one interpreter per test), generate (request scheduling), metrics (study scale)")
    .argument("<which>", Object.keys(BENCHES).join(" | "))
    .action(async (which: string) => {
      const bench = BENCHES[which];
      if (!bench) throw new UsageError(`unknown benchmark "${which}" (choose ${Object.keys(BENCHES).join(", ")})`);
      await bench((line) => io.stdout(line + "\n"));
    });
}
