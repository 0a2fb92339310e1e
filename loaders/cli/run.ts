// `reprompt run EXPERIMENT [--profile NAME] [--dry-run]`: runs or resumes an experiment (or estimates it), with progress.
import type {Command} from "commander";
import {loadConfig} from "../config/index.ts";
import {openDefaultStore} from "../store/index.ts";
import {allExperimentNames, loadExperiment} from "../trajectories/experiment.ts";
import {RunInterrupted, runExperiment} from "../trajectories/run.ts";
import {dryRun, estimateRun, estimateTable} from "../trajectories/runEstimate.ts";
import {runEstimates} from "../trajectories/runTotals.ts";
import {describeShard, parseShard} from "../trajectories/shard.ts";
import {UsageError, type CliIo} from "./io.ts";
import {summaryTable} from "./runSummary.ts";

export function registerRun(program: Command, io: CliIo): void {
  program
    .command("run")
    .description("run (or resume) an experiment; only work missing from the store is done")
    .argument("[experiment]", "experiment name (file in experiments/ or `experiments` in reprompt.config.js); omit to list them")
    .option("--profile <name>", "profile: demo (offline, human baseline), paper (your models, full budgets) or one of reprompt.config.js's `profiles`", "demo")
    .option("--lanes <n>", "parallel sandbox workers (default: number of cores)")
    .option("--dry-run", "send nothing: print what the run would cost (requests, completions, tokens, price)")
    .option("--json", "print the run record (or, with --dry-run, the estimate) as JSON")
    .option("--shard <I/N>", "run only slice I of N (0-based; auto/N reads JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)")
    .option("--accept-identity-change", "resume although a model server now reports a different model than the stored completions came from")
    .action(async (name: string | undefined, options: {profile: string; lanes?: string; json?: boolean; dryRun?: boolean; shard?: string; acceptIdentityChange?: boolean}) => {
      const config = await loadConfig();
      if (!name) {
        for (const n of allExperimentNames(config)) {
          const e = await loadExperiment(n, undefined, config);
          io.stdout(`${n.padEnd(24)} ${e.title} [profiles: ${Object.keys(e.profiles).join(", ")}]\n`);
        }
        return;
      }
      const lanes = options.lanes === undefined ? undefined : Number(options.lanes);
      if (lanes !== undefined && !(Number.isInteger(lanes) && lanes > 0)) throw new UsageError(`--lanes must be a positive integer, got ${options.lanes}`);
      const shard = options.shard === undefined ? undefined : parseShard(options.shard);
      const experiment = await loadExperiment(name, undefined, config);
      const store = openDefaultStore();
      // SIGINT stops the run cleanly: what arrived is stored, what is in flight is dropped (a second ^C exits now).
      const stop = new AbortController();
      const onSigint = () => {
        if (stop.signal.aborted) process.exit(130);
        io.stderr("\nstopping: storing what has arrived, dropping requests in flight (^C again to quit at once)\n");
        stop.abort();
      };
      try {
        if (options.dryRun) {
          const estimate = await dryRun(experiment, {profile: options.profile, config, store});
          io.stdout(options.json ? JSON.stringify(estimate) + "\n" : estimateTable(estimate));
          return;
        }
        process.on("SIGINT", onSigint);
        let summary;
        try {
          summary = await runExperiment(experiment, {
            profile: options.profile,
            lanes,
            config,
            store,
            shard,
            signal: stop.signal,
            acceptIdentityChange: options.acceptIdentityChange,
            // The same estimate as --dry-run, before the first request (stderr: stdout stays the record with --json).
            onPlan: (prepared) => io.stderr(estimateTable(estimateRun(experiment.name, options.profile, prepared, store)))
          });
        } catch (error) {
          if (error instanceof RunInterrupted) throw new UsageError(error.message, 130);
          throw error;
        } finally {
          process.off("SIGINT", onSigint);
        }
        const {runKey, record} = summary;
        if (shard && shard.count > 1) {
          // A shard is a part of a run: no run record, no summary of the whole (run it unsharded once, at no cost).
          if (options.json) io.stdout(JSON.stringify({runKey, ...record, shard}) + "\n");
          else
            io.stdout(
              `${record.experiment}/${record.profile} ${describeShard(shard)}: ${record.counts.created} new trajectories of ${record.trajectories} in the run; ` +
                `${record.counts.completionsRequested} completions requested, ${record.counts.completionsReused} reused (no run record: run it unsharded once, at no cost, to record run ${runKey})\n`
            );
          return;
        }
        const cells = await runEstimates(store.dir, record, experiment.baseline ?? record.strategies[0] ?? null);
        const table = summaryTable(record, cells);
        if (options.json) {
          io.stderr(table);
          io.stdout(JSON.stringify({runKey, ...record}) + "\n");
        } else {
          io.stdout(table + `run ${runKey}\n`);
        }
      } finally {
        store.close();
      }
    });
}
