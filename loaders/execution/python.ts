// Finding the real Python 3 interpreter once: a pyenv shim costs ~2 s per start, the real binary ~80 ms.
import {execFile} from "node:child_process";
import {accessSync, constants, existsSync, readFileSync, realpathSync} from "node:fs";
import {delimiter, join} from "node:path";
import {promisify} from "node:util";
import {hashOf} from "../store/index.ts";
import {privateCacheDir, readCacheEntry, untrustedExecutableReason, writeCacheEntry, type CacheEffects} from "./pythonCache.ts";

const run = promisify(execFile);

export interface PythonInfo {
  /** The interpreter binary itself (never a shim). */
  executable: string;
  /** Directories the interpreter needs to read (sys.prefix, sys.base_prefix, …): bound into the sandbox. */
  prefixes: string[];
  version: string;
}

const PROBE = "import sys, json; print(json.dumps({'executable': sys.executable, 'prefixes': sorted({sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}), 'version': sys.version.split()[0], 'major': sys.version_info[0]}))";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `python3` on PATH, following symlinks. */
export function findOnPath(env: NodeJS.ProcessEnv = process.env, name = "python3"): string | null {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate) && isExecutable(candidate)) return candidate;
  }
  return null;
}

function isScript(path: string): boolean {
  const head = readFileSync(path).subarray(0, 2).toString("latin1");
  return head === "#!";
}

async function probe(command: string): Promise<PythonInfo> {
  const {stdout} = await run(command, ["-I", "-S", "-c", PROBE], {timeout: 30_000});
  const info = JSON.parse(stdout) as PythonInfo & {major: number};
  if (info.major !== 3) throw new Error(`${command} is Python ${info.version}; reprompt needs Python 3`);
  return {executable: realpathSync(info.executable), prefixes: info.prefixes.map((p) => realpathSync(p)), version: info.version};
}

/**
 * Resolves the interpreter: $REPROMPT_PYTHON, else `python3` on PATH. A shim (a script, as pyenv installs) is
 * run once to learn the binary behind it, and the answer is cached (keyed by shim, PYENV_VERSION and cwd) in the
 * user's private cache directory (pythonCache.ts): an entry is used only while its binary is owned by root or
 * the user, not writable by others and unchanged since it was probed, since reprompt runs whatever it names.
 */
export async function resolvePython(env: NodeJS.ProcessEnv = process.env, effects?: CacheEffects): Promise<PythonInfo> {
  const requested = env.REPROMPT_PYTHON ?? findOnPath(env);
  if (!requested) throw new Error("no python3 found on PATH: install Python 3 or set REPROMPT_PYTHON to its path");
  const real = realpathSync(requested);
  const uid = process.geteuid?.() ?? 0;
  const cacheDir = privateCacheDir(env, effects);
  const cacheFile = cacheDir && join(cacheDir, `python-${hashOf({real, pyenv: env.PYENV_VERSION ?? null, cwd: process.cwd()})}.json`);
  const cached = cacheFile ? readCacheEntry<PythonInfo>(cacheFile, uid) : null;
  if (cached && !isScript(cached.executable)) return cached;
  const info = await probe(isScript(real) ? requested : real);
  const reason = untrustedExecutableReason(info.executable, uid);
  if (cacheFile && !reason) writeCacheEntry(cacheFile, info);
  return info;
}
