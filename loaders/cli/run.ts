// `reprompt run EXPERIMENT [--profile NAME]`: runs or resumes an experiment, with progress.
import type {Command} from "commander";
import {experimentNames, loadExperiment} from "../trajectories/experiment.ts";
import {RunInterrupted, runExperiment} from "../trajectories/run.ts";
import {UsageError, type CliIo} from "./io.ts";

export function registerRun(program: Command, io: CliIo): void {
  program
    .command("run")
    .description("run (or resume) an experiment; only work missing from the store is done")
    .argument("[experiment]", "experiment name (file in experiments/); omit to list them")
    .option("--profile <name>", "profile: demo (offline, human baseline) or paper (your models, full budgets)", "demo")
    .option("--lanes <n>", "parallel sandbox workers (default: number of cores)")
    .option("--json", "print the run record as JSON")
    .option("--accept-identity-change", "resume although a model server now reports a different model than the stored completions came from")
    .action(async (name: string | undefined, options: {profile: string; lanes?: string; json?: boolean; acceptIdentityChange?: boolean}) => {
      if (!name) {
        for (const n of experimentNames()) {
          const e = await loadExperiment(n);
          io.stdout(`${n.padEnd(24)} ${e.title} [profiles: ${Object.keys(e.profiles).join(", ")}]\n`);
        }
        return;
      }
      const lanes = options.lanes === undefined ? undefined : Number(options.lanes);
      if (lanes !== undefined && !(Number.isInteger(lanes) && lanes > 0)) throw new UsageError(`--lanes must be a positive integer, got ${options.lanes}`);
      const experiment = await loadExperiment(name);
      // SIGINT stops the run cleanly: what arrived is stored, what is in flight is dropped (a second ^C exits now).
      const stop = new AbortController();
      const onSigint = () => {
        if (stop.signal.aborted) process.exit(130);
        io.stderr("\nstopping: storing what has arrived, dropping requests in flight (^C again to quit at once)\n");
        stop.abort();
      };
      process.on("SIGINT", onSigint);
      let summary;
      try {
        summary = await runExperiment(experiment, {profile: options.profile, lanes, signal: stop.signal, acceptIdentityChange: options.acceptIdentityChange});
      } catch (error) {
        if (error instanceof RunInterrupted) throw new UsageError(error.message, 130);
        throw error;
      } finally {
        process.off("SIGINT", onSigint);
      }
      const {runKey, record} = summary;
      if (options.json) io.stdout(JSON.stringify({runKey, ...record}) + "\n");
      else
        io.stdout(
          `${record.experiment}/${record.profile}: ${record.trajectories} trajectories (${record.counts.created} new, ${record.counts.reused} from the store); ` +
            `${record.counts.completionsRequested} completions requested, ${record.counts.completionsReused} reused; run ${runKey}\n`
        );
    });
}
