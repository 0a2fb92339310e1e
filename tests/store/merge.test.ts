// `reprompt store merge`: a union of stores, idempotent, with duplicates reported.
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {Store} from "../../loaders/store/index.ts";
import {mergeStores} from "../../loaders/store/merge.ts";
import {cliPath, finished} from "../helpers/node.ts";
import {spawn} from "node:child_process";
import {tempDir} from "../helpers/tmp.ts";

function fill(dir: string, from: number, to: number, variant = ""): string[] {
  const store = Store.open({dir});
  const keys: string[] = [];
  for (let i = from; i < to; i++) keys.push(store.put("sample", {i}, {i, variant: i === 5 ? variant : ""}).key);
  store.put("other", {tag: dir}, {tag: "x"});
  store.close();
  return keys;
}

describe("store merge", () => {
  it("unions shard stores, is idempotent and reports keys whose records differ", () => {
    const base = tempDir();
    const [a, b, into] = ["a", "b", "into"].map((n) => join(base, n));
    const keysA = fill(a, 0, 30, "from-a"); // 0..29
    const keysB = fill(b, 20, 50, "from-b"); // 20..49: 20..29 overlap, all equal
    fill(into, 5, 6, "from-into"); // key 5 already in the target with a different record
    const first = mergeStores([a, b], into);
    expect(first.sample).toEqual({added: 49, same: 10, conflicts: 1, invalid: 0, conflictKeys: [keysA[5]]});
    expect(first.other.added).toBe(2);
    const second = mergeStores([a, b], into);
    expect(second.sample).toMatchObject({added: 0, same: 59, conflicts: 1});
    const merged = Store.open({dir: into});
    expect(merged.count("sample")).toBe(50);
    for (const key of new Set([...keysA, ...keysB])) expect(merged.has("sample", key)).toBe(true);
    expect(merged.get("sample", keysA[5])).toEqual({i: 5, variant: "from-into"});
    merged.close();
    expect(() => mergeStores([into], into)).toThrow(/target itself/);
  });

  it("runs from the CLI with a JSON report", async () => {
    const base = tempDir();
    fill(join(base, "s1"), 0, 3);
    const child = spawn(process.execPath, [cliPath(), "store", "merge", join(base, "s1"), "--into", join(base, "t"), "--json"], {stdio: ["ignore", "pipe", "pipe"]});
    const result = await finished(child);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).sample).toMatchObject({added: 3, conflicts: 0});
    const stats = await finished(spawn(process.execPath, [cliPath(), "store", "stats", "--store", join(base, "t"), "--json"], {stdio: ["ignore", "pipe", "pipe"]}));
    expect(JSON.parse(stats.stdout).find((r: {kind: string}) => r.kind === "sample")).toMatchObject({sealed: 3, live: 0});
  }, 180_000);
});
