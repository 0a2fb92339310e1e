// The figures' SQL aggregations on a tiny hand-made store, against counts worked out by hand.
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {categoryCounts, sampleCounts} from "../../loaders/figures/aggregate.ts";
import {cellDiversity} from "../../loaders/figures/diversity.ts";
import {loadRunTrajectories, type FigureRun} from "../../loaders/figures/runs.ts";
import {queryStore, Store, type StoreQuery} from "../../loaders/store/index.ts";
import type {RunRecord} from "../../loaders/trajectories/run.ts";
import {tempDir} from "../helpers/tmp.ts";

interface T {
  key: string;
  strategy: string;
  problem: string;
  /** Per turn: passed the public tests, program, non-code and total reply characters. */
  turns: Array<[boolean, string | null, number, number]>;
  all: boolean;
}

// P1 under s: t0 public on turn 2 and correct (cost 2, class 2), t1 never public (cost 3, class 0), t2
// public but wrong (cost 1, class 1). P2 under s: t3 correct (1, 2); t4 marked all-passed but not public
// (inconsistent: class 0 for pass n@k, yet counted correct by pass@k). P1 under s2: t5 correct. t6 is stored
// but belongs to no run here.
const TRAJECTORIES: T[] = [
  {key: "t0", strategy: "s", problem: "P1", turns: [[false, "print(1)", 5, 10], [true, "print(1)  # same", 0, 0]], all: true},
  {key: "t1", strategy: "s", problem: "P1", turns: [[false, null, 1, 4], [false, "x=1", 2, 4], [false, "x=1", 3, 4]], all: false},
  {key: "t2", strategy: "s", problem: "P1", turns: [[true, "print(1)", 0, 0]], all: false},
  {key: "t3", strategy: "s", problem: "P2", turns: [[true, "y", 1, 2]], all: true},
  {key: "t4", strategy: "s", problem: "P2", turns: [[false, null, 0, 0]], all: true},
  {key: "t5", strategy: "s2", problem: "P1", turns: [[true, "z", 0, 3]], all: true},
  {key: "t6", strategy: "s", problem: "P1", turns: [[true, "w", 0, 3]], all: true}
];

function record(t: T, index: number) {
  return {
    model: "m",
    strategyId: t.strategy,
    problemKey: t.problem,
    index,
    turns: t.turns.map(([passed, code, nonCodeChars, totalChars], i) => ({turn: i + 1, code, public: {passed}, nonCodeChars, totalChars})),
    // As the trajectory loop writes it: from the last turn.
    final: {turn: t.turns.length, publicPassed: t.turns.at(-1)![0], allPassed: t.all}
  };
}

const dir = join(tempDir("reprompt-aggregate-"), "store");
let query: StoreQuery;
let run: FigureRun;
const RUN_KEYS = ["t0", "t1", "t2", "t3", "t4", "t5"];

beforeAll(async () => {
  const store = Store.open({dir, autoCompactAt: 0});
  store.putWithKeys("trajectory", TRAJECTORIES.map((t, i) => ({key: t.key, data: record(t, i)})));
  store.close();
  query = await queryStore(dir);
  await loadRunTrajectories(query, "run-1", RUN_KEYS);
  run = {runKey: "run-1", record: {problemKeys: ["P1", "P2"]} as RunRecord, problems: new Map(), query};
});
afterAll(() => query?.close());

describe("figure aggregations in DuckDB", () => {
  it("pass@k counts: trajectories and all-passed finals per cell and problem, cells in plan order", async () => {
    const cells = await sampleCounts(run);
    expect(cells.map((c) => [c.model, c.strategy, Object.fromEntries(c.byProblem)])).toEqual([
      ["m", "s", {P1: {samples: 3, correct: 1}, P2: {samples: 2, correct: 2}}],
      ["m", "s2", {P1: {samples: 1, correct: 1}}]
    ]);
  });

  it("pass n@k categories: counts[(cost − 1) · 3 + class], sized by the problem's longest trajectory", async () => {
    const cells = await categoryCounts(run);
    expect(cells.map((c) => [c.strategy, Object.fromEntries([...c.byProblem].map(([p, v]) => [p, [...v.counts]]))])).toEqual([
      ["s", {P1: [0, 1, 0, 0, 0, 1, 1, 0, 0], P2: [1, 0, 1]}],
      ["s2", {P1: [0, 0, 1]}]
    ]);
  });

  it("diversity: similarity bins, distinct rate per problem, prose share, turns", async () => {
    const [s, s2] = await cellDiversity(run);
    // t0's two programs normalise to the same text, as do t1's two: two similarities of 1 (the top bin).
    expect(s!.similarity.values).toBe(2);
    expect(s!.similarity.mean).toBe(1);
    expect(s!.similarity.bins[19]!.count).toBe(2);
    expect(s!.similarity.bins.reduce((n, b) => n + b.count, 0)).toBe(2);
    // P1: programs print(1), print(1), x=1, x=1, print(1) → 2 distinct of 5; P2: y → 1 of 1.
    expect(s!.distinct).toEqual([0.4, 1]);
    // Turns with text: 5/10, 1/4, 2/4, 3/4, 1/2.
    expect(s!.nonCode.count).toBe(5);
    expect(s!.nonCode.sum).toBeCloseTo(2.5, 12);
    expect([s!.turns, s!.trajectories]).toEqual([8, 5]);
    expect([s2!.distinct, s2!.turns, s2!.trajectories]).toEqual([[1], 1, 1]);
  });

  it("a run key missing from the store is an error naming it", async () => {
    const other = await queryStore(dir);
    try {
      await expect(loadRunTrajectories(other, "run-2", ["t0", "nope", "t1"])).rejects.toThrow(/trajectory nope of run run-2 is missing from the store \(1 of 3 missing\)/);
    } finally {
      other.close();
    }
  });
});
