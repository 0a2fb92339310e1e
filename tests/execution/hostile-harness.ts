// Shared machinery of the hostile-program suites: pools per isolation level, what each case may observe on the host
// (processes, files, listeners, a bystander process), and the checks every hostile run must pass.
import {spawn, type ChildProcess} from "node:child_process";
import {randomBytes} from "node:crypto";
import {createServer as createTcpServer, type Server} from "node:net";
import {createSocket} from "node:dgram";
import {existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statfsSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {dirname, join} from "node:path";
import {expect} from "vitest";
import type {TestCase} from "../../loaders/datasets/index.ts";
import {judgeTests, limitsFor, type ExecutionResult} from "../../loaders/execution/judge.ts";
import {probeBubblewrap} from "../../loaders/execution/isolation.ts";
import {SandboxPool} from "../../loaders/execution/pool.ts";
import type {Verdict} from "../../loaders/execution/protocol.ts";
import {resolvePython} from "../../loaders/execution/python.ts";
import {repoRoot} from "../helpers/node.ts";

export type Level = "always" | "never";
export const LEVEL_NAME: Record<Level, string> = {always: "bubblewrap", never: "no-bubblewrap"};
/** CPU 1 s (wall 3 × 1 + 1 = 4 s), 256 MB, 1 MB of output; bubblewrap's /tmp capped at 32 MB. */
export const LIMITS = limitsFor(null, {timeLimitS: 1, memoryBytes: 256 << 20, outputBytes: 1 << 20});
export const TMPFS_BYTES = 32 << 20;
export const EXECUTION_DIR = join(repoRoot, "tests", "execution");

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const randomId = (bytes = 6) => randomBytes(bytes).toString("hex");

/** Null when bubblewrap works here, else why not (the bubblewrap suites are then skipped, visibly). */
export async function bubblewrapProblem(): Promise<string | null> {
  return probeBubblewrap(await resolvePython());
}

/** A pool at one isolation level, or the reason this machine cannot run that level (missing Landlock or seccomp). */
export async function startPool(level: Level, lanes: number): Promise<SandboxPool | string> {
  try {
    const pool = await SandboxPool.start({lanes, bubblewrap: level, tmpfsBytes: TMPFS_BYTES, log: () => {}});
    expect(pool.launch.isolation).toBe(LEVEL_NAME[level]);
    return pool;
  } catch (error) {
    const message = (error as Error).message;
    if (/sandbox refused to start|bubblewrap was required/.test(message)) return message;
    throw error;
  }
}

export function judge(pool: SandboxPool, code: string, tests: TestCase[]): Promise<ExecutionResult> {
  return judgeTests(pool, {code, ioMode: "stdio", fnName: null, tests, limits: LIMITS, stopOnFailure: false, capture: "all", excerptBytes: 2048});
}

export const CONTROL = "a, b = map(int, input().split())\nprint(a + b)\n";

/** Pool health: a correct program right after a hostile one is still accepted. */
export async function expectHealthy(pool: SandboxPool): Promise<void> {
  const result = await judge(pool, CONTROL, [{input: "3 4\n", output: "7\n"}, {input: "10 -2\n", output: "8\n"}]);
  expect(result.sandboxError, "sandbox error in the control program").toBeUndefined();
  expect(result.tests.map((t) => t.verdict), "control program after a hostile one").toEqual(["accepted", "accepted"]);
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

function read(path: string): string {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return "";
  }
}

interface ProcInfo {
  pid: number;
  ppid: number;
  start: string;
}

function procStat(pid: number): ProcInfo | null {
  const text = read(`/proc/${pid}/stat`);
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const fields = text.slice(close + 2).split(" ");
  return {pid, ppid: Number(fields[1]), start: fields[19]};
}

function pids(): number[] {
  return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number);
}

/** Processes and threads whose command line, environment or name (comm, per thread too) contains `marker`. */
export function markedProcesses(marker: string): string[] {
  const found: string[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    const texts = [read(`/proc/${pid}/cmdline`), read(`/proc/${pid}/environ`), read(`/proc/${pid}/comm`)];
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      /* gone */
    }
    for (const tid of tids) texts.push(read(`/proc/${pid}/task/${tid}/comm`));
    if (texts.some((t) => t.includes(marker))) found.push(`${pid} ${read(`/proc/${pid}/comm`).trim()} ${read(`/proc/${pid}/cmdline`).replace(/\0/g, " ")}`);
  }
  return found;
}

/** Remembers every sandbox process (bwrap, worker, runner) descending from this test process, to check none outlives the pool. */
export class ProcessWatch {
  private readonly seen = new Map<string, string>();
  /** Without bubblewrap, the host temp bases (/tmp/reprompt-sandbox-*) the runners worked in. */
  readonly tempBases = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  start(intervalMs = 200): void {
    this.timer = setInterval(() => this.record(), intervalMs);
  }

  record(): void {
    const all = pids().map(procStat).filter((p): p is ProcInfo => p !== null);
    const children = new Map<number, ProcInfo[]>();
    for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    const queue = [...(children.get(process.pid) ?? [])];
    while (queue.length) {
      const p = queue.shift()!;
      queue.push(...(children.get(p.pid) ?? []));
      const cmdline = read(`/proc/${p.pid}/cmdline`).replace(/\0/g, " ");
      if (!/worker\.py|bwrap|reprompt-sandbox/.test(cmdline)) continue;
      this.seen.set(`${p.pid}@${p.start}`, cmdline.trim());
      try {
        const cwd = readlinkSync(`/proc/${p.pid}/cwd`);
        if (/\/reprompt-sandbox-[^/]+\/run-[^/]+$/.test(cwd)) this.tempBases.add(dirname(cwd));
      } catch {
        /* gone */
      }
    }
  }

  get count(): number {
    return this.seen.size;
  }

  /** Recorded sandbox processes still running (same pid and start time). */
  survivors(): string[] {
    return [...this.seen].filter(([key]) => {
      const [pid, start] = key.split("@");
      return procStat(Number(pid))?.start === start;
    }).map(([key, cmdline]) => `${key} ${cmdline}`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

export async function waitUntil(condition: () => boolean, timeoutMs: number, stepMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(stepMs);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What one hostile case may try to reach on the host

export interface Secrets {
  /** Random text in a file inside the repository. */
  repoSecret: string;
  repoSecretPath: string;
  /** Random API key set in this process's environment before the pool starts. */
  envSecret: string;
}

export interface CaseEnv extends Secrets {
  level: Level;
  marker: string;
  /** A host directory the program must not change: victim.txt, keep.txt, sub/inner.txt. */
  caseDir: string;
  repoRoot: string;
  nodePid: number;
  bystanderPid: number;
  tcpPort: number;
  udpPort: number;
  unixPath: string;
  abstractName: string;
  /** Free bytes of the host's temp directory's file system when the case started. */
  hostTmpFree: number;
}

export interface Bait {
  env: CaseEnv;
  received: {tcp: number; udp: number; unix: number; abstract: number};
  bystander: ChildProcess;
  snapshot: Map<string, string>;
  release(): Promise<void>;
}

export function hostTmpFree(): number {
  const stat = statfsSync(tmpdir());
  return stat.bavail * stat.bsize;
}

function listen(server: Server, options: {port?: number; host?: string; path?: string}): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options, () => resolve());
  });
}

function snapshotDir(dir: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (path: string, rel: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const stat = statSync(full);
      const content = stat.isDirectory() ? "<dir>" : readFileSync(full, "utf8");
      entries.set(join(rel, name), `${stat.mode.toString(8)} ${stat.mtimeMs} ${content}`);
      if (stat.isDirectory()) walk(full, join(rel, name));
    }
  };
  walk(dir, "");
  return entries;
}

/** Sets up the bait for one case: its own directory, listeners, a bystander process and a marker. */
export async function layBait(level: Level, baseDir: string, secrets: Secrets): Promise<Bait> {
  const marker = `hx${randomId(5)}`;
  const caseDir = join(baseDir, marker);
  mkdirSync(join(caseDir, "sub"), {recursive: true});
  writeFileSync(join(caseDir, "victim.txt"), `original ${marker}\n`);
  writeFileSync(join(caseDir, "keep.txt"), "keep me\n");
  writeFileSync(join(caseDir, "sub", "inner.txt"), "inner\n");
  const received = {tcp: 0, udp: 0, unix: 0, abstract: 0};
  const tcp = createTcpServer((socket) => {
    received.tcp++;
    socket.destroy();
  });
  await listen(tcp, {port: 0, host: "127.0.0.1"});
  const unix = createTcpServer((socket) => {
    received.unix++;
    socket.destroy();
  });
  const unixPath = join(baseDir, `${marker}.sock`);
  await listen(unix, {path: unixPath});
  const abstractName = `reprompt-hostile-${marker}`;
  const abstract = createTcpServer((socket) => {
    received.abstract++;
    socket.destroy();
  });
  await listen(abstract, {path: "\0" + abstractName});
  const udp = createSocket("udp4");
  udp.on("message", () => received.udp++);
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  const bystander = spawn("sleep", ["120"], {stdio: "ignore"});
  const snapshot = snapshotDir(caseDir);
  const env: CaseEnv = {
    ...secrets, level, marker, caseDir, repoRoot, nodePid: process.pid, bystanderPid: bystander.pid!,
    tcpPort: (tcp.address() as {port: number}).port, udpPort: udp.address().port, unixPath, abstractName, hostTmpFree: hostTmpFree()
  };
  return {
    env, received, bystander, snapshot,
    async release() {
      bystander.kill("SIGKILL");
      udp.close();
      await Promise.all([tcp, unix, abstract].map((s) => new Promise((resolve) => s.close(resolve))));
    }
  };
}

function resultTexts(result: ExecutionResult): string {
  return [result.compileError ?? "", result.sandboxError ?? "", ...result.tests.flatMap((t) => [t.stdout ?? "", t.stderr ?? "", t.error ?? "", t.note ?? ""])].join("\n");
}

/** The checks every hostile run must pass, whatever the program tried. */
export async function expectNothingEscaped(bait: Bait, result: ExecutionResult): Promise<void> {
  const {env} = bait;
  const texts = resultTexts(result);
  expect(texts.includes(env.repoSecret), "the repository secret reached the program's output").toBe(false);
  expect(texts.includes(env.envSecret), "the tool's API key reached the program's output").toBe(false);
  expect(markedProcesses(env.marker), "processes or threads created by the program are still running").toEqual([]);
  expect(snapshotDir(env.caseDir), "the program changed a host directory").toEqual(bait.snapshot);
  for (const path of [join(repoRoot, `.pwned-${env.marker}`), join(EXECUTION_DIR, `.pwned-${env.marker}`), `/tmp/.pwned-${env.marker}`]) {
    expect(existsSync(path), `the program created ${path}`).toBe(false);
  }
  expect(readFileSync(env.repoSecretPath, "utf8"), "the repository secret file changed").toBe(env.repoSecret);
  await sleep(50); // let a datagram or connection that was sent arrive
  expect(bait.received, "the program reached a listener on the host").toEqual({tcp: 0, udp: 0, unix: 0, abstract: 0});
  expect(bait.bystander.exitCode === null && bait.bystander.signalCode === null, "a host process was killed").toBe(true);
  expect(/TracerPid:\s+0\b/.test(read(`/proc/${env.bystanderPid}/status`)), "a host process is being traced").toBe(true);
}

export function verdicts(result: ExecutionResult): Verdict[] {
  return result.tests.length ? result.tests.map((t) => t.verdict) : [result.verdict];
}
