// How the sandbox worker is started: inside bubblewrap where it works, or with its in-process layers only.
import {execFile} from "node:child_process";
import {existsSync, lstatSync, readlinkSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {promisify} from "node:util";
import type {PythonInfo} from "./python.ts";

const run = promisify(execFile);

/** The Python side of the sandbox (worker.py, runner.py, …), bound read-only into bubblewrap. */
export const SANDBOX_PY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "python");
const INSIDE_DIR = "/opt/reprompt-sandbox";

export interface Launch {
  command: string;
  args: string[];
  /** What the layers are, for the banner and for every result's provenance. */
  isolation: "bubblewrap" | "no-bubblewrap";
  bwrapError: string | null;
}

/** Read-only bind arguments for the system paths Python needs; /bin and /lib may be symlinks into /usr. */
function systemBinds(): string[] {
  const args: string[] = ["--ro-bind", "/usr", "/usr"];
  for (const path of ["/bin", "/lib", "/lib64", "/lib32", "/sbin"]) {
    if (!existsSync(path)) continue;
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) args.push("--symlink", readlinkSync(path), path);
    else args.push("--ro-bind", path, path);
  }
  for (const file of ["/etc/localtime", "/etc/ld.so.cache"]) if (existsSync(file)) args.push("--ro-bind", file, file);
  return args;
}

export function bwrapArgs(python: PythonInfo, script: string, tmpfsBytes: number): string[] {
  const prefixes = python.prefixes.filter((p) => !p.startsWith("/usr/"));
  return [
    "--unshare-all",
    "--unshare-user",
    "--uid", "65534",
    "--gid", "65534",
    "--cap-drop", "ALL",
    "--disable-userns",
    "--die-with-parent",
    "--new-session",
    ...systemBinds(),
    ...prefixes.flatMap((p) => ["--ro-bind", p, p]),
    ...(prefixes.some((p) => python.executable.startsWith(p + "/")) || python.executable.startsWith("/usr/")
      ? []
      : ["--ro-bind", python.executable, python.executable]),
    "--ro-bind", SANDBOX_PY_DIR, INSIDE_DIR,
    "--proc", "/proc",
    "--dev", "/dev",
    "--size", String(tmpfsBytes),
    "--tmpfs", "/tmp",
    "--clearenv",
    "--setenv", "PATH", "/usr/bin:/bin",
    "--setenv", "REPROMPT_TEMP_BASE", "/tmp",
    "--chdir", "/tmp",
    "--",
    python.executable, "-I", "-S", "-B", join(INSIDE_DIR, script)
  ];
}

/**
 * Size of the RAM-backed /tmp a bubblewrapped worker (its runner and its spare) shares: far below any memory
 * limit, since programs need next to no scratch space and whatever they write there is memory too (the worker
 * also counts a runner's scratch files against the program's memory limit; see worker.py `scratch_bytes`).
 */
export const SCRATCH_TMPFS_BYTES = 16 << 20;

export interface LaunchOptions {
  /** "auto": bubblewrap when it works here; "never": in-process layers only; "always": fail without it. */
  bubblewrap?: "auto" | "always" | "never";
  tmpfsBytes?: number;
  script?: "worker.py" | "naive.py";
}

const probed = new Map<string, Promise<string | null>>();

/** Mount points bubblewrap replaces with its own: an interpreter under one of them is invisible inside. */
const REPLACED_MOUNTS = ["/tmp", "/proc", "/dev"];

/** Why bubblewrap cannot run this interpreter because of where it lives, or null. */
export function locationProblem(python: PythonInfo): string | null {
  for (const path of [python.executable, ...python.prefixes]) {
    const mount = REPLACED_MOUNTS.find((m) => path === m || path.startsWith(`${m}/`));
    if (mount) return `the interpreter's ${path === python.executable ? "binary" : "prefix"} ${path} is under ${mount}, which bubblewrap replaces with its own`;
  }
  return null;
}

/** Tries bubblewrap once per process and interpreter; resolves to null when it works, else to its error text. */
export function probeBubblewrap(python: PythonInfo): Promise<string | null> {
  const key = JSON.stringify([python.executable, python.prefixes]);
  const known = probed.get(key);
  if (known) return known;
  const result = (async () => {
    try {
      await run("bwrap", [...bwrapArgs(python, "worker.py", 1 << 20).slice(0, -5), python.executable, "-I", "-S", "-c", "pass"], {timeout: 20_000});
      return null;
    } catch (error) {
      const e = error as NodeJS.ErrnoException & {stderr?: string};
      if (e.code === "ENOENT") return "bwrap is not installed";
      const detail = (e.stderr?.trim() || e.message).split("\n")[0];
      const location = locationProblem(python);
      return location ? `${location} (${detail})` : detail;
    }
  })();
  probed.set(key, result);
  return result;
}

export async function planLaunch(python: PythonInfo, options: LaunchOptions = {}): Promise<Launch> {
  const script = options.script ?? "worker.py";
  const mode = options.bubblewrap ?? ((process.env.REPROMPT_BWRAP as LaunchOptions["bubblewrap"]) || "auto");
  const direct: Launch = {command: python.executable, args: ["-I", "-S", "-B", join(SANDBOX_PY_DIR, script)], isolation: "no-bubblewrap", bwrapError: null};
  if (mode === "never" || script === "naive.py") return {...direct, bwrapError: mode === "never" ? "disabled by configuration" : null};
  const error = await probeBubblewrap(python);
  if (error === null) return {command: "bwrap", args: bwrapArgs(python, script, options.tmpfsBytes ?? SCRATCH_TMPFS_BYTES), isolation: "bubblewrap", bwrapError: null};
  if (mode === "always") throw new Error(`sandbox: bubblewrap was required but does not work here: ${error}`);
  return {...direct, bwrapError: error};
}
