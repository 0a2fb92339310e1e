// `reprompt launch slurm|k8s EXPERIMENT --profile P --shards N`: writes a job array file for a sharded run.
import {writeFileSync} from "node:fs";
import {resolve} from "node:path";
import type {Command} from "commander";
import {jobName, k8sManifest, slurmScript, submitHint, type LaunchSpec} from "../launch/jobs.ts";
import {experimentNames, loadExperiment, profileOf} from "../trajectories/experiment.ts";
import {UsageError, type CliIo} from "./io.ts";

interface LaunchFlags {
  profile: string;
  shards: string;
  image?: string;
  storeVolume?: string;
  cpus: string;
  mem?: string;
  lanes?: string;
  config?: string;
  workdir?: string;
  envSecret?: string;
  time?: string;
  partition?: string;
  out?: string;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got ${value}`);
  return n;
}

export function registerLaunch(program: Command, io: CliIo): void {
  program
    .command("launch")
    .description("write a Slurm array script or a Kubernetes Indexed Job that runs an experiment in N shards")
    .argument("<scheduler>", "slurm | k8s")
    .argument("<experiment>", "experiment name")
    .requiredOption("--profile <name>", "profile to run")
    .requiredOption("--shards <n>", "number of shards (array tasks / job completions)")
    .option("--image <ref>", "container image (k8s: required; slurm: run in it with apptainer)")
    .option("--store-volume <v>", "shared store: a path on the shared file system (slurm) or a ReadWriteMany PVC name (k8s)")
    .option("--cpus <n>", "CPUs per shard", "4")
    .option("--mem <size>", "memory per shard (slurm: 8G; k8s: 8Gi)")
    .option("--lanes <n>", "sandbox lanes per shard (default: --cpus)")
    .option("--config <path>", "reprompt.config.js as the task sees it (REPROMPT_CONFIG)")
    .option("--workdir <dir>", "slurm: project directory the tasks run in (default: the current one)")
    .option("--env-secret <name>", "k8s: Secret whose keys become environment variables (API keys)")
    .option("--time <limit>", "slurm: time limit per task, e.g. 24:00:00")
    .option("--partition <name>", "slurm: partition")
    .option("--out <file>", "where to write (default: <job name>.sbatch / .yaml)")
    .action(async (scheduler: string, experiment: string, flags: LaunchFlags) => {
      if (scheduler !== "slurm" && scheduler !== "k8s") throw new UsageError(`launch: scheduler must be slurm or k8s, got "${scheduler}"`);
      if (!experimentNames().includes(experiment)) throw new UsageError(`launch: no experiment "${experiment}" (available: ${experimentNames().join(", ")})`);
      profileOf(await loadExperiment(experiment), flags.profile); // a profile that does not exist fails here, not on the cluster
      const spec: LaunchSpec = {
        experiment,
        profile: flags.profile,
        shards: positiveInt(flags.shards, "--shards")!,
        image: flags.image,
        storeVolume: flags.storeVolume,
        cpus: positiveInt(flags.cpus, "--cpus")!,
        mem: flags.mem ?? (scheduler === "slurm" ? "8G" : "8Gi"),
        lanes: positiveInt(flags.lanes, "--lanes"),
        config: flags.config,
        workdir: resolve(flags.workdir ?? process.cwd()),
        envSecret: flags.envSecret,
        time: flags.time,
        partition: flags.partition
      };
      const text = scheduler === "slurm" ? slurmScript(spec) : k8sManifest(spec);
      const file = resolve(flags.out ?? `${jobName(spec)}.${scheduler === "slurm" ? "sbatch" : "yaml"}`);
      writeFileSync(file, text, {mode: scheduler === "slurm" ? 0o755 : 0o644});
      io.stdout(submitHint(scheduler, file, spec) + "\n");
    });
}
