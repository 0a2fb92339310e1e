// The per-user cache of resolved interpreters: a private directory, and entries checked before they are trusted.
import {chmodSync, lstatSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync, renameSync} from "node:fs";
import {homedir} from "node:os";
import {dirname, isAbsolute, join} from "node:path";

/** What a cache entry records of the interpreter, so a replaced binary is noticed and probed again. */
export interface Fingerprint {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export interface CacheEffects {
  /** Where a refusal to use the cache is said (default: stderr). */
  warn: (line: string) => void;
  uid: () => number;
}

const defaultEffects: CacheEffects = {
  warn: (line) => process.stderr.write(`${line}\n`),
  uid: () => process.geteuid?.() ?? 0
};

/** $XDG_CACHE_HOME/reprompt, else ~/.cache/reprompt: a user's own directory, never the shared /tmp. */
export function cacheDirFor(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), ".cache");
  return join(base, "reprompt");
}

/** Why `path` cannot be trusted by user `uid` as a private directory, or null. */
export function untrustedDirReason(path: string, uid: number): string | null {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return `${path} is a symbolic link`;
  if (!stat.isDirectory()) return `${path} is not a directory`;
  if (stat.uid !== uid) return `${path} is owned by uid ${stat.uid}, not ${uid}`;
  if ((stat.mode & 0o077) !== 0) return `${path} has mode ${(stat.mode & 0o777).toString(8)}, not 700`;
  // Whoever can write the parent can swap the directory for their own (unless the parent is sticky, as /tmp is).
  const parent = statSync(dirname(path));
  if (parent.uid !== uid && parent.uid !== 0) return `its parent ${dirname(path)} is owned by uid ${parent.uid}`;
  if ((parent.mode & 0o022) !== 0 && (parent.mode & 0o1000) === 0) return `its parent ${dirname(path)} is writable by others`;
  return null;
}

/** The private cache directory (created 0700), or null with a warning when it exists but is not private. */
export function privateCacheDir(env: NodeJS.ProcessEnv = process.env, effects: CacheEffects = defaultEffects): string | null {
  const dir = cacheDirFor(env);
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700});
    const reason = untrustedDirReason(dir, effects.uid());
    if (reason) {
      effects.warn(`reprompt: not using the interpreter cache: ${reason} (the cache names the binary reprompt runs)`);
      return null;
    }
    return dir;
  } catch (error) {
    effects.warn(`reprompt: not using the interpreter cache ${dir}: ${(error as Error).message}`);
    return null;
  }
}

/** Why the file at `path` cannot be run as the cached interpreter, or null. */
export function untrustedExecutableReason(path: string, uid: number): string | null {
  if (!isAbsolute(path)) return `${path} is not an absolute path`;
  const real = realpathSync(path);
  const stat = statSync(real);
  if (!stat.isFile()) return `${real} is not a regular file`;
  if (stat.uid !== uid && stat.uid !== 0) return `${real} is owned by uid ${stat.uid}`;
  if ((stat.mode & 0o022) !== 0) return `${real} is writable by group or others`;
  if ((stat.mode & 0o111) === 0) return `${real} is not executable`;
  const dir = statSync(dirname(real));
  if ((dir.mode & 0o002) !== 0) return `${real} is in a world-writable directory`;
  return null;
}

export function fingerprintOf(path: string): Fingerprint {
  const stat = statSync(path);
  return {dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs};
}

/** Reads an entry and returns its value only if the executable still passes every check and is unchanged. */
export function readCacheEntry<T extends {executable: string}>(file: string, uid: number): T | null {
  try {
    const entry = JSON.parse(readFileSync(file, "utf8")) as {info: T; fingerprint: Fingerprint};
    const executable = entry.info?.executable;
    if (typeof executable !== "string" || untrustedExecutableReason(executable, uid)) return null;
    const now = fingerprintOf(executable);
    const then = entry.fingerprint;
    if (!then || now.dev !== then.dev || now.ino !== then.ino || now.size !== then.size || now.mtimeMs !== then.mtimeMs) return null;
    return entry.info;
  } catch {
    return null; // missing or broken: probed again
  }
}

/** Writes an entry atomically, private to the user. */
export function writeCacheEntry(file: string, info: {executable: string}): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({info, fingerprint: fingerprintOf(info.executable)}), {mode: 0o600});
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}
