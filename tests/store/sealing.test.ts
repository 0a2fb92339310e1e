// Sealing at scale and under faults: > 512 MiB in 24 segments, a sealer killed at every step, foreign files
// and symlinks in a kind directory (issue 12, item 6).
import {existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {queryStore, Store} from "../../loaders/store/index.ts";
import {recordLine} from "../../loaders/store/segments.ts";
import {finished, spawnTs} from "../helpers/node.ts";
import {tempDir} from "../helpers/tmp.ts";

/** Writes `segments` finished segments (dead writers: no lease) of `perSegment` records of `bytes` each. */
function deadSegments(dir: string, kind: string, segments: number, perSegment: number, bytes: number): string[] {
  const kindDir = join(dir, "segments", kind);
  mkdirSync(kindDir, {recursive: true});
  const keys: string[] = [];
  const filler = "x".repeat(bytes);
  for (let s = 0; s < segments; s++) {
    const lines: string[] = [];
    for (let r = 0; r < perSegment; r++) {
      const key = (s * perSegment + r).toString(16).padStart(32, "0");
      keys.push(key);
      lines.push(recordLine(key, "2026-01-01T00:00:00.000Z", {s, r, body: filler}));
    }
    // two segments repeat a record of the segment before: duplicates the sealer must drop
    if (s > 0 && s % 12 === 0) lines.push(recordLine(keys[keys.length - perSegment - 1], "2026-01-01T00:00:00.000Z", {dup: true}));
    writeFileSync(join(kindDir, `w-20260101T0000${String(s).padStart(2, "0")}Z-${1000 + s}-abcdef.jsonl`), lines.join(""));
  }
  return keys;
}

describe("sealing", () => {
  it("opens, runs and queries a store whose finished segments pass 512 MiB in 24 segments", async () => {
    const dir = tempDir();
    const keys = deadSegments(dir, "sample", 24, 12, 2 * 1024 * 1024); // 24 × 12 × 2 MiB = 576 MiB
    const before = process.memoryUsage().rss;
    const store = Store.open({dir, effects: {log: () => {}}});
    expect(store.count("sample")).toBe(keys.length); // sealed on open, duplicates dropped
    const grown = (process.memoryUsage().rss - before) / 2 ** 20;
    expect(grown).toBeLessThan(400); // streamed: nowhere near the 576 MiB of data (old compaction: ~3.4×)
    expect(readdirSync(join(dir, "segments", "sample"))).toEqual([]);
    expect(store.get<{s: number; r: number}>("sample", keys[12 * 12])).toMatchObject({s: 12, r: 0});
    expect(store.get<{s: number; r: number; dup?: boolean}>("sample", keys[12 * 12 - 1])).toMatchObject({s: 11, r: 11});
    expect(store.put("sample", {more: 1}, {more: 1}).created).toBe(true); // it runs: new records land
    store.close();
    const q = await queryStore(dir, {log: () => {}});
    const [{n, distinct}] = await q.all<{n: number; distinct: number}>("SELECT count(*)::INTEGER AS n, count(DISTINCT key)::INTEGER AS distinct FROM sample");
    q.close();
    expect({n, distinct}).toEqual({n: keys.length + 1, distinct: keys.length + 1});
  }, 240_000);

  it("leaves an openable store with every record when the sealer is killed at any step", async () => {
    for (const step of ["pack-written", "pack-renamed", "pack-committed", "sealed"]) {
      const dir = tempDir();
      const keys = deadSegments(dir, "sample", 3, 20, 1000);
      const child = await finished(spawnTs("tests/store/seal-process.ts", [dir, "sample", step]));
      expect(child.signal, step).toBe("SIGKILL");
      const store = Store.open({dir, autoCompactAt: 0});
      expect(store.count("sample"), step).toBe(keys.length);
      for (const key of keys) expect(store.has("sample", key)).toBe(true);
      // the next seal finishes the job and leaves no temp file or uncommitted pack behind
      store.compact(["sample"]);
      expect(store.count("sample")).toBe(keys.length);
      const sealed = readdirSync(join(dir, "sealed", "sample"));
      expect(sealed.filter((f) => f.includes(".tmp")), step).toEqual([]);
      const packs = sealed.filter((f) => f.endsWith(".jsonl"));
      for (const pack of packs) expect(sealed, step).toContain(pack.replace(/\.jsonl$/, ".idx"));
      const lines = packs.flatMap((p) => readFileSync(join(dir, "sealed", "sample", p), "utf8").trim().split("\n"));
      expect(new Set(lines.map((l) => JSON.parse(l).key)).size, step).toBe(lines.length); // unique across packs
      expect(lines.length, step).toBe(keys.length);
      store.close();
    }
  });

  it("never follows a symlinked kind directory nor touches foreign files, and skips lines without a string key", () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    for (let i = 0; i < 24; i++) writeFileSync(join(elsewhere, `data-${String(i).padStart(2, "0")}.jsonl`), `{"value":${i}}\n{"key":${i}}\n`);
    mkdirSync(join(dir, "segments"), {recursive: true});
    symlinkSync(elsewhere, join(dir, "segments", "linked"));
    const logs: string[] = [];
    const store = Store.open({dir, effects: {log: (m) => logs.push(m)}});
    expect(store.count("linked")).toBe(0);
    store.compact(["linked"]);
    expect(readdirSync(elsewhere)).toHaveLength(24);
    for (const f of readdirSync(elsewhere)) expect(readFileSync(join(elsewhere, f), "utf8")).toMatch(/^\{"value":\d+\}\n\{"key":\d+\}\n$/);
    expect(logs.join("\n")).toMatch(/linked is not a real directory/);
    expect(lstatSync(join(dir, "segments", "linked")).isSymbolicLink()).toBe(true);

    // a real kind directory with foreign files and keyless lines beside a real segment
    const kindDir = join(dir, "segments", "sample");
    mkdirSync(kindDir, {recursive: true});
    writeFileSync(join(kindDir, "data-01.jsonl"), `{"key":"${"a".repeat(32)}","ts":"t","data":1}\n`);
    writeFileSync(join(kindDir, "notes.txt"), "mine\n");
    const good = "b".repeat(32);
    writeFileSync(
      join(kindDir, "w-20260101T000000Z-4242-abcdef.jsonl"),
      `{"value":1}\n{"key":7,"ts":"t","data":2}\n{"key":"","ts":"t","data":3}\n${recordLine(good, "t", {ok: true}).trimEnd()}\n`
    );
    symlinkSync(join(elsewhere, "data-00.jsonl"), join(kindDir, "w-20260101T000001Z-4243-abcdef.jsonl"));
    store.compact(["sample"]);
    expect(readdirSync(kindDir).sort()).toEqual(["data-01.jsonl", "notes.txt", "w-20260101T000001Z-4243-abcdef.jsonl"]);
    expect(existsSync(join(elsewhere, "data-00.jsonl"))).toBe(true);
    expect(store.count("sample")).toBe(1);
    expect(store.get("sample", good)).toEqual({ok: true});
    expect(store.has("sample", "a".repeat(32))).toBe(false);
    store.close();
  });
});
