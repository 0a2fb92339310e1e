// Finding the real Python 3 interpreter once: a pyenv shim costs ~2 s per start, the real binary ~80 ms.
import {execFile} from "node:child_process";
import {accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {delimiter, join} from "node:path";
import {promisify} from "node:util";
import {hashOf} from "../store/index.ts";

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
 * run once to learn the binary behind it, and the answer is cached (keyed by shim, PYENV_VERSION and cwd).
 */
export async function resolvePython(env: NodeJS.ProcessEnv = process.env): Promise<PythonInfo> {
  const requested = env.REPROMPT_PYTHON ?? findOnPath(env);
  if (!requested) throw new Error("no python3 found on PATH: install Python 3 or set REPROMPT_PYTHON to its path");
  const real = realpathSync(requested);
  const cacheDir = join(tmpdir(), "reprompt-cache");
  const cacheFile = join(cacheDir, `python-${hashOf({real, pyenv: env.PYENV_VERSION ?? null, cwd: process.cwd()})}.json`);
  if (existsSync(cacheFile)) {
    try {
      const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as PythonInfo;
      if (existsSync(cached.executable) && !isScript(cached.executable)) return cached;
    } catch {
      /* a broken cache entry is simply rebuilt */
    }
  }
  const info = await probe(isScript(real) ? requested : real);
  mkdirSync(cacheDir, {recursive: true});
  writeFileSync(cacheFile, JSON.stringify(info));
  return info;
}
