// `reprompt run EXPERIMENT [--profile NAME]`: runs or resumes an experiment, with progress.
import type {Command} from "commander";
import {experimentNames, loadExperiment} from "../trajectories/experiment.ts";
import {runExperiment} from "../trajectories/run.ts";
import {describeShard, parseShard} from "../trajectories/shard.ts";
import {UsageError, type CliIo} from "./io.ts";

export function registerRun(program: Command, io: CliIo): void {
  program
    .command("run")
    .description("run (or resume) an experiment; only work missing from the store is done")
    .argument("[experiment]", "experiment name (file in experiments/); omit to list them")
    .option("--profile <name>", "profile: demo (offline, human baseline) or paper (your models, full budgets)", "demo")
    .option("--lanes <n>", "parallel sandbox workers (default: number of cores)")
    .option("--shard <I/N>", "run only slice I of N (0-based; auto/N reads JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)")
    .option("--json", "print the run record as JSON")
    .action(async (name: string | undefined, options: {profile: string; lanes?: string; shard?: string; json?: boolean}) => {
      if (!name) {
        for (const n of experimentNames()) {
          const e = await loadExperiment(n);
          io.stdout(`${n.padEnd(24)} ${e.title} [profiles: ${Object.keys(e.profiles).join(", ")}]\n`);
        }
        return;
      }
      const lanes = options.lanes === undefined ? undefined : Number(options.lanes);
      if (lanes !== undefined && !(Number.isInteger(lanes) && lanes > 0)) throw new UsageError(`--lanes must be a positive integer, got ${options.lanes}`);
      const shard = options.shard === undefined ? undefined : parseShard(options.shard);
      const experiment = await loadExperiment(name);
      const {runKey, record} = await runExperiment(experiment, {profile: options.profile, lanes, shard});
      if (options.json) io.stdout(JSON.stringify({runKey, ...record, ...(shard ? {shard} : {})}) + "\n");
      else if (shard)
        io.stdout(
          `${record.experiment}/${record.profile} ${describeShard(shard)}: ${record.counts.created} new trajectories of ${record.trajectories} in the run; ` +
            `${record.counts.completionsRequested} completions requested, ${record.counts.completionsReused} reused (no run record: run it unsharded once, at no cost, to record run ${runKey})\n`
        )
      else
        io.stdout(
          `${record.experiment}/${record.profile}: ${record.trajectories} trajectories (${record.counts.created} new, ${record.counts.reused} from the store); ` +
            `${record.counts.completionsRequested} completions requested, ${record.counts.completionsReused} reused; run ${runKey}\n`
        );
    });
}
