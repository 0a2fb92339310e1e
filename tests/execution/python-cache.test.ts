// The interpreter cache is private to the user and checked before use; a dropped bubblewrap layer is loud and
// recorded with its reason (also when the interpreter's location is the reason).
import {chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, appendFileSync, existsSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {SandboxPool} from "../../loaders/execution/pool.ts";
import {findOnPath, resolvePython} from "../../loaders/execution/python.ts";
import {cacheDirFor, readCacheEntry, writeCacheEntry} from "../../loaders/execution/pythonCache.ts";
import {hashOf} from "../../loaders/store/index.ts";
import {tempDir} from "../helpers/tmp.ts";
import {bubblewrapProblem} from "./hostile-harness.ts";

const root = tempDir("reprompt-pycache-");
const uid = process.geteuid!();
/** A real executable that is not Python: what an attacker would plant. */
function plantedBinary(name: string, mode = 0o755): string {
  const path = join(root, name);
  copyFileSync("/usr/bin/true", path);
  chmodSync(path, mode);
  return path;
}

describe("the interpreter cache", () => {
  it("ignores an entry planted in the shared temp directory (the old cache location)", async () => {
    const sharedTmp = join(root, "shared-tmp");
    const planted = plantedBinary("evil-old");
    const real = (await import("node:fs")).realpathSync(findOnPath()!);
    mkdirSync(join(sharedTmp, "reprompt-cache"), {recursive: true});
    const key = hashOf({real, pyenv: process.env.PYENV_VERSION ?? null, cwd: process.cwd()});
    writeFileSync(join(sharedTmp, "reprompt-cache", `python-${key}.json`), JSON.stringify({executable: planted, prefixes: [], version: "3.99.0"}));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = sharedTmp;
    try {
      const info = await resolvePython({...process.env, XDG_CACHE_HOME: join(root, "cache-a")}, {warn: () => {}, uid: () => uid});
      expect(info.executable).not.toBe(planted);
      expect(info.version).toMatch(/^3\./);
      expect(info.version).not.toBe("3.99.0");
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
  });

  it("lives in $XDG_CACHE_HOME/reprompt, mode 0700, with 0600 entries that are reused", async () => {
    const env = {...process.env, XDG_CACHE_HOME: join(root, "cache-b")};
    const first = await resolvePython(env, {warn: () => {}, uid: () => uid});
    const dir = cacheDirFor(env);
    expect(dir).toBe(join(root, "cache-b", "reprompt"));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const entries = readdirSync(dir);
    expect(entries).toHaveLength(1);
    expect(statSync(join(dir, entries[0]!)).mode & 0o777).toBe(0o600);
    expect(await resolvePython(env, {warn: () => {}, uid: () => uid})).toEqual(first);
  });

  it("does not use an entry naming a binary others can write, or one changed since it was probed", () => {
    const dir = join(root, "entries");
    mkdirSync(dir, {mode: 0o700});
    const good = plantedBinary("owned-binary");
    writeCacheEntry(join(dir, "good.json"), {executable: good});
    expect(readCacheEntry(join(dir, "good.json"), uid)).toEqual({executable: good});
    appendFileSync(good, "x"); // replaced after probing: size and mtime differ
    expect(readCacheEntry(join(dir, "good.json"), uid)).toBeNull();

    const writable = plantedBinary("world-writable", 0o755);
    writeCacheEntry(join(dir, "writable.json"), {executable: writable});
    chmodSync(writable, 0o777);
    expect(readCacheEntry(join(dir, "writable.json"), uid)).toBeNull();
    expect(readCacheEntry(join(dir, "good.json"), uid + 1)).toBeNull(); // owned by someone who is neither us nor root
  });

  it("refuses a cache directory that is not private, and says so", async () => {
    const base = join(root, "cache-open");
    mkdirSync(join(base, "reprompt"), {recursive: true});
    chmodSync(join(base, "reprompt"), 0o777);
    const warnings: string[] = [];
    const info = await resolvePython({...process.env, XDG_CACHE_HOME: base}, {warn: (l) => warnings.push(l), uid: () => uid});
    expect(info.version).toMatch(/^3\./);
    expect(warnings.join("\n")).toMatch(/not using the interpreter cache: .*mode 777/);
    expect(readdirSync(join(base, "reprompt"))).toEqual([]);
    // and one owned by another user
    const other: string[] = [];
    await resolvePython({...process.env, XDG_CACHE_HOME: join(root, "cache-b")}, {warn: (l) => other.push(l), uid: () => uid + 1});
    expect(other.join("\n")).toMatch(/owned by uid/);
  });
});

const bwrapProblem = await bubblewrapProblem();

describe.skipIf(bwrapProblem !== null)("falling back without bubblewrap", () => {
  it("an interpreter under /tmp makes auto mode fall back loudly, naming the location, in the banner and the provenance line", async () => {
    const real = await resolvePython();
    const link = join(root, "python3");
    if (!existsSync(link)) symlinkSync(real.executable, link);
    expect(link.startsWith("/tmp/")).toBe(true);
    const log: string[] = [];
    const pool = await SandboxPool.start({python: {...real, executable: link}, bubblewrap: "auto", lanes: 1, log: (l) => log.push(l)});
    try {
      expect(pool.launch.isolation).toBe("no-bubblewrap");
      const provenance = pool.describe().split("\n")[0]!; // what a run records as RunRecord.sandbox
      expect(provenance).toMatch(/WITHOUT bubblewrap/);
      expect(provenance).toContain(`${link} is under /tmp`);
      expect(log.join("\n")).toMatch(/WARNING: bubblewrap does not work here, so auto mode runs WITHOUT it/);
    } finally {
      await pool.close();
    }
  });
});
