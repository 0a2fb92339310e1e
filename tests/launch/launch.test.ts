// `reprompt launch`: the Slurm script and the Kubernetes manifest it writes are valid and run the right shard.
import {execFileSync} from "node:child_process";
import {chmodSync, readFileSync, writeFileSync, mkdirSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {parse, parseAllDocuments} from "yaml";
import {main} from "../../loaders/cli/main.ts";
import {experimentNames} from "../../loaders/trajectories/experiment.ts";
import {parseShard} from "../../loaders/trajectories/shard.ts";
import {tempDir} from "../helpers/tmp.ts";

const dir = tempDir("reprompt-launch-");
const experiment = experimentNames().find((n) => n === "multi-vs-single") ?? experimentNames()[0]!;

async function cli(args: string[]): Promise<{code: number; out: string; err: string}> {
  let out = "";
  let err = "";
  const code = await main(args, {stdout: (t) => (out += t), stderr: (t) => (err += t)});
  return {code, out, err};
}

describe("reprompt launch slurm", () => {
  const file = join(dir, "job.sbatch");
  it("writes an array script with one task per shard, and says how to submit it", async () => {
    const {code, out, err} = await cli(["launch", "slurm", experiment, "--profile", "demo", "--shards", "25", "--cpus", "8", "--mem", "16G", "--store-volume", "/shared/it's store", "--time", "12:00:00", "--workdir", dir, "--out", file]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain(`sbatch ${file}`);
    const script = readFileSync(file, "utf8");
    expect(script.split("\n")[0]).toBe("#!/bin/bash");
    expect(script).toMatch(/^#SBATCH --array=0-24$/m);
    expect(script).toMatch(/^#SBATCH --cpus-per-task=8$/m);
    expect(script).toMatch(/^#SBATCH --mem=16G$/m);
    expect(script).toMatch(/^#SBATCH --time=12:00:00$/m);
    execFileSync("bash", ["-n", file]); // parses as bash
  });

  it("each task runs `reprompt run … --shard auto/25` in the project, on the shared store, as its array index says", () => {
    // A stand-in npx on PATH prints what it was asked to run and where.
    const bin = join(dir, "bin");
    mkdirSync(bin, {recursive: true});
    writeFileSync(join(bin, "npx"), '#!/bin/bash\necho "cwd=$PWD store=$REPROMPT_STORE task=$SLURM_ARRAY_TASK_ID args=$*"\n');
    chmodSync(join(bin, "npx"), 0o755);
    const out = execFileSync("bash", [file], {env: {PATH: `${bin}:/usr/bin:/bin`, SLURM_ARRAY_TASK_ID: "7"}, encoding: "utf8"});
    expect(out.trim()).toBe(`cwd=${dir} store=/shared/it's store task=7 args=reprompt run ${experiment} --profile demo --shard auto/25 --lanes 8`);
    expect(parseShard("auto/25", {SLURM_ARRAY_TASK_ID: "7"})).toEqual({index: 7, count: 25});
  });
});

describe("reprompt launch k8s", () => {
  const file = join(dir, "job.yaml");
  it("writes an Indexed Job: N completions, the store volume, resources, the shard command", async () => {
    const {code, out} = await cli(["launch", "k8s", experiment, "--profile", "demo", "--shards", "25", "--image", "ghcr.io/example/reprompt:1", "--store-volume", "reprompt-store", "--cpus", "4", "--mem", "8Gi", "--env-secret", "model-keys", "--out", file]);
    expect(code).toBe(0);
    expect(out).toContain(`kubectl apply -f ${file}`);
    const text = readFileSync(file, "utf8");
    const docs = parseAllDocuments(text);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.errors).toEqual([]);
    const job = parse(text);
    expect([job.apiVersion, job.kind]).toEqual(["batch/v1", "Job"]);
    expect(job.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(job.spec).toMatchObject({completionMode: "Indexed", completions: 25, parallelism: 25});
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    const [container] = pod.containers;
    expect(container.image).toBe("ghcr.io/example/reprompt:1");
    expect(container.command).toEqual(["npx", "reprompt", "run", experiment, "--profile", "demo", "--shard", "auto/25", "--lanes", "4"]);
    expect(container.resources.limits).toEqual({cpu: "4", memory: "8Gi"});
    expect(container.envFrom).toEqual([{secretRef: {name: "model-keys"}}]);
    const store = container.env.find((e: {name: string}) => e.name === "REPROMPT_STORE");
    const mount = container.volumeMounts.find((m: {name: string}) => m.name === "store");
    expect(store.value).toBe(mount.mountPath);
    expect(pod.volumes).toEqual([{name: "store", persistentVolumeClaim: {claimName: "reprompt-store"}}]);
    // The index Kubernetes sets on each pod is what `--shard auto/N` reads.
    expect(parseShard("auto/25", {JOB_COMPLETION_INDEX: "24"})).toEqual({index: 24, count: 25});
  });

  it("refuses to write a manifest without an image or a store volume, and an unknown profile", async () => {
    const noImage = await cli(["launch", "k8s", experiment, "--profile", "demo", "--shards", "2", "--store-volume", "v", "--out", join(dir, "x.yaml")]);
    expect(noImage.code).toBe(2);
    expect(noImage.err).toMatch(/--image is required/);
    const badProfile = await cli(["launch", "slurm", experiment, "--profile", "no-such-profile", "--shards", "2", "--out", join(dir, "y.sbatch")]);
    expect(badProfile.code).toBe(2);
    expect(badProfile.err).toMatch(/no profile "no-such-profile"/);
    const badShards = await cli(["launch", "slurm", experiment, "--profile", "demo", "--shards", "0", "--out", join(dir, "z.sbatch")]);
    expect(badShards.err).toMatch(/--shards must be a positive integer/);
  });
});
