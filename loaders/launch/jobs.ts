// Job files for a sharded run: a Slurm array script or a Kubernetes Indexed Job, each task running one shard.
import {stringify} from "yaml";

export interface LaunchSpec {
  experiment: string;
  profile: string;
  shards: number;
  /** Container image (required for k8s; for Slurm, runs the command in it with apptainer). */
  image?: string;
  /** Where the shared store lives: a path on the cluster's shared file system (Slurm) or a PVC name (k8s). */
  storeVolume?: string;
  cpus: number;
  /** Memory per task, e.g. 8G (Slurm) / 8Gi (k8s); given as accepted by the scheduler. */
  mem: string;
  /** Sandbox lanes per task (default: cpus). */
  lanes?: number;
  /** Config file as the task sees it (REPROMPT_CONFIG). */
  config?: string;
  /** Project directory the Slurm task runs in (default: where launch was run). */
  workdir: string;
  /** Kubernetes Secret whose keys become environment variables (the models' apiKeyEnv): keys never go in files. */
  envSecret?: string;
  /** Slurm time limit, e.g. 24:00:00. */
  time?: string;
  partition?: string;
}

/** Where the store is mounted inside a Kubernetes pod. */
export const K8S_STORE_MOUNT = "/store";

export class LaunchError extends Error {
  override name = "UsageError";
  readonly exitCode = 2;
}

/** The command every task runs: its shard comes from the scheduler's task index. */
export function shardCommand(spec: LaunchSpec): string[] {
  return ["npx", "reprompt", "run", spec.experiment, "--profile", spec.profile, "--shard", `auto/${spec.shards}`, "--lanes", String(spec.lanes ?? spec.cpus)];
}

/** A DNS-1123 name (Kubernetes object names; also a tidy Slurm job name). */
export function jobName(spec: Pick<LaunchSpec, "experiment" | "profile">): string {
  const name = `reprompt-${spec.experiment}-${spec.profile}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  return name.slice(0, 63).replace(/-$/, "");
}

/** POSIX shell quoting: every word is safe to paste, whatever the experiment or path is called. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

export function slurmScript(spec: LaunchSpec): string {
  const name = jobName(spec);
  const command = shardCommand(spec).map(shellQuote).join(" ");
  const env: string[] = [];
  if (spec.storeVolume) env.push(`export REPROMPT_STORE=${shellQuote(spec.storeVolume)}`);
  if (spec.config) env.push(`export REPROMPT_CONFIG=${shellQuote(spec.config)}`);
  const run = spec.image
    ? `apptainer exec${spec.storeVolume ? ` --bind ${shellQuote(spec.storeVolume)}` : ""} ${shellQuote(spec.image)} ${command}`
    : command;
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${name}`,
    `#SBATCH --array=0-${spec.shards - 1}`,
    `#SBATCH --cpus-per-task=${spec.cpus}`,
    `#SBATCH --mem=${spec.mem}`,
    ...(spec.time ? [`#SBATCH --time=${spec.time}`] : []),
    ...(spec.partition ? [`#SBATCH --partition=${spec.partition}`] : []),
    `#SBATCH --output=${name}-%A_%a.log`,
    "# One array task per shard; each runs the work units whose bucket mod N is its SLURM_ARRAY_TASK_ID.",
    "# Tasks share one store on a shared file system; a re-submitted (or differently sized) array runs only what is missing.",
    "set -euo pipefail",
    `cd ${shellQuote(spec.workdir)}`,
    ...env,
    run,
    ""
  ].join("\n");
}

/** The Indexed Job as a plain object (also what the YAML is made from). */
export function k8sJob(spec: LaunchSpec): Record<string, unknown> {
  if (!spec.image) throw new LaunchError("launch k8s: --image is required (an image with this project, Node 20, Python 3 and bubblewrap; see README, \"Running in containers\")");
  if (!spec.storeVolume) throw new LaunchError("launch k8s: --store-volume is required (a ReadWriteMany PersistentVolumeClaim every shard mounts at /store)");
  const name = jobName(spec);
  const env = [{name: "REPROMPT_STORE", value: K8S_STORE_MOUNT}, ...(spec.config ? [{name: "REPROMPT_CONFIG", value: spec.config}] : [])];
  const resources = {cpu: String(spec.cpus), memory: spec.mem};
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {name, labels: {app: "reprompt", experiment: jobName({experiment: spec.experiment, profile: spec.profile}).slice(0, 63)}},
    spec: {
      completionMode: "Indexed",
      completions: spec.shards,
      parallelism: spec.shards,
      // A failed shard is retried; its finished work is in the store, so a retry costs only what was lost.
      backoffLimit: spec.shards * 3,
      template: {
        metadata: {labels: {app: "reprompt"}},
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "reprompt",
              image: spec.image,
              command: shardCommand(spec),
              env,
              ...(spec.envSecret ? {envFrom: [{secretRef: {name: spec.envSecret}}]} : {}),
              resources: {requests: resources, limits: resources},
              volumeMounts: [{name: "store", mountPath: K8S_STORE_MOUNT}],
              // bubblewrap creates user namespaces: the runtime's default seccomp and AppArmor profiles refuse that.
              securityContext: {seccompProfile: {type: "Unconfined"}, appArmorProfile: {type: "Unconfined"}, allowPrivilegeEscalation: false}
            }
          ],
          volumes: [{name: "store", persistentVolumeClaim: {claimName: spec.storeVolume}}]
        }
      }
    }
  };
}

export function k8sManifest(spec: LaunchSpec): string {
  return [
    "# Kubernetes Indexed Job: pod i runs shard i (JOB_COMPLETION_INDEX); all mount one ReadWriteMany store volume.",
    "# Without user namespaces for bubblewrap, drop the securityContext: the sandbox keeps Landlock + seccomp + rlimits.",
    stringify(k8sJob(spec))
  ].join("\n");
}

/** How to submit the file just written, and how to finish the run once every shard is done. */
export function submitHint(kind: "slurm" | "k8s", file: string, spec: LaunchSpec): string {
  const submit = kind === "slurm" ? `sbatch ${shellQuote(file)}` : `kubectl apply -f ${shellQuote(file)}`;
  const watch = kind === "slurm" ? `squeue --name=${jobName(spec)}` : `kubectl get job ${jobName(spec)} -w`;
  return [
    `wrote ${file}: ${spec.shards} shard(s) of ${spec.experiment}/${spec.profile}`,
    `submit:  ${submit}`,
    `watch:   ${watch}`,
    `then:    npx reprompt run ${shellQuote(spec.experiment)} --profile ${shellQuote(spec.profile)}   # against the same store: sends no request, records the run`
  ].join("\n");
}
