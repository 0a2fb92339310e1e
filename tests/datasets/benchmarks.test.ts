import {describe, expect, it} from "vitest";
import {parseConfig} from "../../loaders/config/index.ts";
import {benchmarkSql, ingestConfiguredDatasets} from "../../loaders/figures/benchmarks.ts";
import {queryStore, Store} from "../../loaders/store/index.ts";
import {tempDir} from "../helpers/tmp.ts";

describe("benchmarks table (engine → store → SQL)", () => {
  it("counts tests and labelled human solutions per problem, and stores problems once", async () => {
    const dir = tempDir();
    const config = parseConfig({datasets: [{kind: "jsonl", name: "demo", path: "data/demo/problems.jsonl"}]}, "test");
    const store = Store.open({dir});
    const keys = await ingestConfiguredDatasets(store, config);
    const again = await ingestConfiguredDatasets(store, config);
    expect(again).toEqual(keys);
    expect(store.count("problem")).toBe(keys.length);
    const problems = keys.map((k) => store.get<{problem: {id: string; tests: Record<string, unknown[]>; solutions: {label: string}[]}}>("problem", k)!.problem);
    store.close();
    const q = await queryStore(dir);
    const rows = await q.all<Record<string, number | string>>(benchmarkSql(keys));
    q.close();
    expect(rows).toHaveLength(keys.length);
    for (const row of rows) {
      const p = problems.find((x) => x.id === row.id)!;
      expect(row.public_tests).toBe(p.tests.public.length);
      expect(row.private_tests).toBe(p.tests.private.length);
      expect(row.correct_solutions).toBe(p.solutions.filter((s) => s.label === "correct").length);
      expect(row.incorrect_solutions).toBe(p.solutions.filter((s) => s.label === "incorrect").length);
    }
  });

  it("rejects a bad config naming the field", () => {
    expect(() => parseConfig({datasets: [{kind: "jsonl", name: "a b", path: "x"}]}, "reprompt.config.js")).toThrow(
      /reprompt\.config\.js: datasets\[0\]\.name: /
    );
    expect(() => parseConfig({datasets: [{kind: "jsonl", name: "a", path: "x"}, {kind: "jsonl", name: "a", path: "y"}]}, "c.js")).toThrow(/duplicate dataset name "a"/);
  });
});
