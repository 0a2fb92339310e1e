import {appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {queryStore, Store} from "../../loaders/store/index.ts";
import {finished, spawnTs} from "../helpers/node.ts";
import {tempDir} from "../helpers/tmp.ts";

describe("store", () => {
  it("stores by content key, returns the first record and survives reopening", () => {
    const dir = tempDir();
    const store = Store.open({dir});
    const a = store.put("request", {model: "m", messages: ["hi"], seed: 1}, {text: "one"});
    const again = store.put("request", {seed: 1, messages: ["hi"], model: "m"}, {text: "two"});
    expect(a.created).toBe(true);
    expect(again).toEqual({key: a.key, created: false});
    expect(store.get("request", a.key)).toEqual({text: "one"});
    expect(store.get("request", "0".repeat(32))).toBeUndefined();
    store.close();
    const reopened = Store.open({dir});
    expect(reopened.get("request", a.key)).toEqual({text: "one"});
    expect(reopened.count("request")).toBe(1);
    reopened.close();
  });

  it("rejects unsafe kinds and use after close", () => {
    const store = Store.open({dir: tempDir()});
    expect(() => store.put("../x", {}, {})).toThrow(/invalid record kind/);
    store.close();
    expect(() => store.get("request", "k")).toThrow(/after close/);
  });

  it("ignores a torn last line and keeps every complete record", () => {
    const dir = tempDir();
    const store = Store.open({dir, sealOnClose: false});
    const keys = [1, 2, 3].map((i) => store.put("execution", {i}, {verdict: "accepted", i}).key);
    store.close();
    const [segment] = readdirSync(join(dir, "segments", "execution"));
    appendFileSync(join(dir, "segments", "execution", segment), '{"key":"abc","ts":"2026","data":{"verd');
    const reader = Store.open({dir});
    expect(reader.count("execution")).toBe(3);
    for (const key of keys) expect(reader.get<{verdict: string}>("execution", key)?.verdict).toBe("accepted");
    expect(reader.has("execution", "abc")).toBe(false);
    reader.close();
  });

  it("lets two writer processes run at once: each writes its own segment and both see everything", async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([
      finished(spawnTs("tests/store/writer-process.ts", [dir, "a", "300"])),
      finished(spawnTs("tests/store/writer-process.ts", [dir, "b", "300"]))
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    // each writer sealed its own segment on close: nothing is left in the live tail
    expect(readdirSync(join(dir, "segments", "sample"))).toHaveLength(0);
    expect(readdirSync(join(dir, "sealed", "sample")).filter((f) => f.endsWith(".idx"))).toHaveLength(2);
    const store = Store.open({dir, autoCompactAt: 0});
    expect(store.count("sample")).toBe(600);
    for (const line of (a.stdout + b.stdout).trim().split("\n")) {
      const [key] = line.split(" ");
      expect(store.has("sample", key)).toBe(true);
    }
    store.close();
  });

  it("sees records another live process writes after a refresh", async () => {
    const dir = tempDir();
    const reader = Store.open({dir});
    expect(reader.count("sample")).toBe(0);
    const child = await finished(spawnTs("tests/store/writer-process.ts", [dir, "late", "50"]));
    expect(child.code).toBe(0);
    expect(reader.count("sample")).toBe(0);
    reader.refresh("sample");
    expect(reader.count("sample")).toBe(50);
    reader.close();
  });

  it("keeps every completed record when the writer is killed mid-write (SIGKILL, large records)", async () => {
    for (let round = 0; round < 3; round++) {
      const dir = tempDir();
      const child = spawnTs("tests/store/writer-process.ts", [dir, `kill${round}`, "-1", String(2_000_000)]);
      const done = finished(child);
      const acknowledged: string[] = [];
      let buffer = "";
      child.stdout!.on("data", (chunk) => {
        buffer += chunk;
        const lines = buffer.split("\n");
        buffer = lines.pop()!;
        acknowledged.push(...lines.map((l) => l.split(" ")[0]));
        if (acknowledged.length >= 5 + round * 7) child.kill("SIGKILL");
      });
      const result = await done;
      expect(result.signal).toBe("SIGKILL");
      const store = Store.open({dir});
      for (const key of acknowledged) {
        const record = store.get<{body: string}>("sample", key);
        expect(record?.body.length).toBe(2_000_000);
      }
      expect(store.count("sample")).toBeGreaterThanOrEqual(acknowledged.length);
      store.close();
      const q = await queryStore(dir);
      const [{n}] = await q.all<{n: number}>("SELECT count(*)::INTEGER AS n FROM sample");
      q.close();
      expect(n).toBe(Store.open({dir}).count("sample"));
    }
  });

  it("seals finished writers' segments into key-sorted packs without losing or duplicating records", async () => {
    const dir = tempDir();
    for (const tag of ["x", "y", "z"]) {
      const child = spawnTs("tests/store/writer-process.ts", [dir, tag, "40"], {env: {...process.env, STORE_SEAL_ON_CLOSE: "0"}});
      expect((await finished(child)).code).toBe(0);
    }
    // a writer that raced another on the same keys leaves duplicates: a copy of a segment of a dead writer
    const kindDir = join(dir, "segments", "sample");
    copyFileSync(join(kindDir, readdirSync(kindDir)[0]), join(kindDir, "w-20200101T000000Z-999999-abcdef.jsonl"));
    const store = Store.open({dir, autoCompactAt: 0});
    const before = new Map([...store.keys("sample")].map((k) => [k, store.get("sample", k)]));
    expect(before.size).toBe(120);
    expect(store.compact(["sample"])).toEqual({sample: 4});
    expect(readdirSync(kindDir)).toHaveLength(0);
    const after = Store.open({dir, autoCompactAt: 0});
    expect(after.count("sample")).toBe(120);
    for (const [key, value] of before) expect(after.get("sample", key)).toEqual(value);
    const packs = readdirSync(join(dir, "sealed", "sample")).filter((f) => f.endsWith(".jsonl"));
    expect(packs).toHaveLength(1);
    const lines = readFileSync(join(dir, "sealed", "sample", packs[0]), "utf8").trim().split("\n");
    const keys = lines.map((line) => JSON.parse(line).key as string);
    expect(keys).toEqual([...before.keys()].sort());
    store.close();
    after.close();
  });

  it("never seals the segment of a writer that is still alive", () => {
    const dir = tempDir();
    const live = Store.open({dir, effects: {isAlive: () => true}});
    live.put("sample", {i: 1}, {i: 1});
    const other = Store.open({dir, effects: {isAlive: () => true, pid: 999_999}});
    other.put("sample", {i: 2}, {i: 2});
    expect(other.compact(["sample"])).toEqual({sample: 0});
    expect(readdirSync(join(dir, "segments", "sample"))).toHaveLength(2);
    live.close();
    other.close();
  });

  it("answers SQL over records and exports Parquet", async () => {
    const dir = tempDir();
    const store = Store.open({dir});
    for (let i = 0; i < 10; i++) store.put("execution", {i}, {verdict: i % 3 === 0 ? "accepted" : "wrong_answer", ms: i});
    store.close();
    const q = await queryStore(dir);
    expect(q.kinds).toEqual(["execution"]);
    const rows = await q.all<{verdict: string; n: number}>(
      "SELECT data->>'verdict' AS verdict, count(*)::INTEGER AS n FROM execution GROUP BY 1 ORDER BY 1"
    );
    expect(rows).toEqual([
      {verdict: "accepted", n: 4},
      {verdict: "wrong_answer", n: 6}
    ]);
    const out = join(dir, "out.parquet");
    await q.exportParquet("SELECT key, (data->>'ms')::INTEGER AS ms FROM execution", out);
    const [{n}] = await q.all<{n: number}>(`SELECT sum(ms)::INTEGER AS n FROM read_parquet('${out}')`);
    expect(n).toBe(45);
    q.close();
    expect(existsSync(out)).toBe(true);
  });
});
