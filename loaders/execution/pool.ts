// A pool of sandbox workers (one per lane): jobs go to an idle worker; a stuck worker is killed and replaced.
import {spawn, type ChildProcess} from "node:child_process";
import {rmSync} from "node:fs";
import {availableParallelism, totalmem} from "node:os";
import pLimit from "p-limit";
import {laneBudget} from "./budget.ts";
import {planLaunch, SCRATCH_TMPFS_BYTES, type Launch, type LaunchOptions} from "./isolation.ts";
import type {WorkerJob, WorkerReply, SecurityReport} from "./protocol.ts";
import {resolvePython, type PythonInfo} from "./python.ts";

export interface PoolOptions extends LaunchOptions {
  /** Parallel workers; default: the number of cores. */
  lanes?: number;
  python?: PythonInfo;
  /** Run even when Landlock or seccomp is missing (filesystem or syscalls unconfined). */
  allowDegraded?: boolean;
  /** The largest memory limit jobs will have, for the lanes' memory budget (default 1 GiB, the runners' ceiling). */
  memoryCeilingBytes?: number;
  /** Where the one-time isolation banner goes (default: stderr). */
  log?: (line: string) => void;
}

/** Environment for the worker: nothing of the user's (no API keys), only what Python needs. */
function workerEnv(): NodeJS.ProcessEnv {
  return {PATH: "/usr/bin:/bin", REPROMPT_OUT_FD: "3", LANG: "C.UTF-8"};
}

/** One Python worker process and the job it is running. */
class Lane {
  private child: ChildProcess | null = null;
  private buffer = "";
  private waiting: ((line: string | null) => void) | null = null;
  private lines: string[] = [];
  security: SecurityReport | null = null;

  constructor(private readonly launch: Launch) {}

  async start(): Promise<SecurityReport> {
    const child = spawn(this.launch.command, this.launch.args, {stdio: ["pipe", "ignore", "pipe", "pipe"], detached: true, env: workerEnv()});
    this.child = child;
    this.buffer = "";
    this.lines = [];
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => {
      this.buffer += chunk.toString("utf8");
      let newline: number;
      while ((newline = this.buffer.indexOf("\n")) !== -1) {
        this.deliver(this.buffer.slice(0, newline));
        this.buffer = this.buffer.slice(newline + 1);
      }
    });
    child.on("close", () => {
      if (this.child === child) this.child = null;
      this.deliver(null);
    });
    child.stdin!.on("error", () => {}); // a dead worker is noticed by `close`
    const ready = await this.next(30_000);
    if (!ready) throw new Error(`sandbox worker failed to start: ${stderr.trim() || "no output"}`);
    const message = JSON.parse(ready) as {t: string; security: SecurityReport};
    this.security = message.security;
    return message.security;
  }

  private deliver(line: string | null): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve(line);
    } else if (line !== null) this.lines.push(line);
  }

  private next(timeoutMs: number): Promise<string | null> {
    if (this.lines.length) return Promise.resolve(this.lines.shift()!);
    if (!this.child) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        resolve("__timeout__");
      }, timeoutMs);
      this.waiting = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
    });
  }

  async run(job: WorkerJob, timeoutMs: number): Promise<WorkerReply> {
    if (!this.child) await this.start();
    this.child!.stdin!.write(JSON.stringify(job) + "\n");
    const line = await this.next(timeoutMs);
    if (line === "__timeout__" || line === null) {
      this.kill();
      const why = line === null ? "the sandbox worker died" : `the sandbox worker did not answer within ${Math.round(timeoutMs / 1000)} s`;
      return {t: "done", id: job.id, compile_error: null, tests: [], time_ms: timeoutMs, worker_error: why};
    }
    return JSON.parse(line) as WorkerReply;
  }

  /** Ends the worker politely (it removes its temp dirs), then by force; removes what a killed one left. */
  async shutdown(graceMs = 3000): Promise<void> {
    const child = this.child;
    if (child) {
      const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
      child.stdin?.end();
      const timer = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), graceMs).unref());
      if ((await Promise.race([closed, timer])) === "late") this.kill();
    }
    this.child = null;
    // Without bubblewrap the temp dirs are on the host: make sure none survives a worker killed mid-job.
    const base = (this.security as {temp_base?: string} | null)?.temp_base;
    if (this.launch.isolation !== "bubblewrap" && base && base.includes("reprompt-sandbox-")) rmSync(base, {recursive: true, force: true});
  }

  kill(): void {
    const child = this.child;
    this.child = null;
    if (child?.pid) {
      try {
        process.kill(-child.pid, "SIGKILL"); // the whole process group: bwrap, worker and runners
      } catch {
        /* already gone */
      }
    }
  }
}

export class SandboxPool {
  private readonly idle: Lane[];
  private readonly limit: ReturnType<typeof pLimit>;
  private nextId = 1;

  private constructor(
    lanes: Lane[],
    readonly launch: Launch,
    readonly python: PythonInfo,
    readonly security: SecurityReport
  ) {
    this.idle = lanes;
    this.limit = pLimit(lanes.length);
  }

  static async start(options: PoolOptions = {}): Promise<SandboxPool> {
    const python = options.python ?? (await resolvePython());
    const launch = await planLaunch(python, options);
    // Each lane's runner and spare may each use a whole ceiling (worker.py DEFAULT_CEILINGS: 1 GiB or the job's limit).
    const scratch = launch.isolation === "bubblewrap" ? (options.tmpfsBytes ?? SCRATCH_TMPFS_BYTES) : 0;
    const budget = laneBudget(Math.max(1, options.lanes ?? availableParallelism()), options.memoryCeilingBytes ?? 1 << 30, scratch, totalmem() * 0.75);
    if (budget.reduced) announce(`sandbox: ${budget.reduced}`, options.log);
    const lanes = Array.from({length: budget.lanes}, () => new Lane(launch));
    const reports = await Promise.all(lanes.map((lane) => lane.start()));
    const security = reports[0];
    const pool = new SandboxPool(lanes, launch, python, security);
    const problem = pool.degradation(options.script === "naive.py");
    if (problem && !options.allowDegraded) {
      await pool.close();
      throw new Error(`sandbox refused to start: ${problem}. Run on Linux with Landlock and seccomp, or pass allowDegraded (--allow-degraded-sandbox) to accept it.`);
    }
    announce(pool.describe(), options.log);
    return pool;
  }

  /** Why this sandbox is weaker than designed, or null. */
  private degradation(naive: boolean): string | null {
    if (naive) return null;
    const missing = [!this.security.landlock_abi && "Landlock (filesystem unconfined)", !this.security.seccomp && "seccomp (fork, exec and sockets allowed)"].filter(Boolean);
    return missing.length ? `missing ${missing.join(" and ")}` : null;
  }

  /** One line saying what protects the machine, said once per process. */
  describe(): string {
    const s = this.security;
    if (s.naive) return `naive executor (no sandbox; benchmark only), Python ${s.python}`;
    const layers = [
      this.launch.isolation === "bubblewrap" ? "bubblewrap (no network, private mounts and pids, capped tmpfs)" : null,
      s.landlock_abi ? `Landlock ABI ${s.landlock_abi}` : null,
      s.seccomp ? "seccomp" : null,
      "rlimits",
      "process-group kill"
    ].filter(Boolean);
    let line = `sandbox: ${layers.join(" + ")}; ${this.idle.length} lane(s); Python ${s.python} (${this.python.executable})`;
    // The first line is the run's provenance (RunRecord.sandbox): a dropped layer and its reason belong in it.
    if (this.launch.isolation !== "bubblewrap") line += `; WITHOUT bubblewrap (${this.launch.bwrapError ?? "not requested"})`;
    if (this.launch.isolation !== "bubblewrap") {
      const why = this.launch.bwrapError === "disabled by configuration" ? "bubblewrap is disabled by configuration" : `bubblewrap does not work here, so auto mode runs WITHOUT it (${this.launch.bwrapError})`;
      line +=
        `\nsandbox: WARNING: ${why}: no private mount, pid or network namespace and no cap on ` +
        "temp-dir size; network, fork and exec stay blocked by seccomp and file access by Landlock. Install bubblewrap " +
        "(apt-get install bubblewrap) or allow unprivileged user namespaces to restore them.";
    }
    return line;
  }

  get lanes(): number {
    return this.idle.length;
  }

  /** Runs one job on the next idle worker. Never rejects for program behaviour; worker trouble is in the reply. */
  run(job: Omit<WorkerJob, "id">): Promise<WorkerReply> {
    const id = this.nextId++;
    const perTest = (job.limits.wall_s + 2) * 2;
    // setTimeout fires at once past 2^31 − 1 ms (~24.8 days): never ask for more, whatever the limits say.
    const timeoutMs = Math.min((job.tests.length * perTest + 30) * 1000, 2 ** 31 - 1);
    return this.limit(async () => {
      const lane = this.idle.pop()!;
      try {
        return await lane.run({...job, id}, timeoutMs);
      } finally {
        this.idle.push(lane);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.idle.map((lane) => lane.shutdown()));
  }
}

const announced = new Set<string>();

function announce(line: string, log?: (line: string) => void): void {
  if (announced.has(line)) return;
  announced.add(line);
  (log ?? ((l: string) => process.stderr.write(l + "\n")))(line);
}
