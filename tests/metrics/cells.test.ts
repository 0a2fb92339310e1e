// Per-(model, strategy) estimates from aggregated category rows, checked against values worked out by hand.
import {describe, expect, it} from "vitest";
import {estimateCells, type CategoryRow} from "../../loaders/metrics/index.ts";

const row = (strategy: string, problem: string, cost: number, cls: number, n: number): CategoryRow => ({model: "m", strategy, problem_key: problem, cost, class: cls, n});

// A: p1 has 1 correct of 3, p2 has 3 of 3; B (baseline): nothing correct on either.
const rows: CategoryRow[] = [
  row("A", "p1", 1, 2, 1),
  row("A", "p1", 1, 0, 2),
  row("A", "p2", 1, 2, 3),
  row("B", "p1", 1, 1, 3),
  row("B", "p2", 1, 0, 3),
  row("C", "p1", 1, 2, 3) // C has no trajectory on p2: it cannot be estimated on these problems
];

describe("estimateCells", () => {
  const cells = estimateCells(rows, {problemKeys: ["p1", "p2"], k: [1, 3, 10], nk: [[1, 3]], samples: 3, baseline: "B", bootstrapResamples: 500});
  const get = (strategy: string, budget: string) => cells.find((c) => c.strategy === strategy && c.budget === budget);

  it("pass@k is the per-problem unbiased estimate averaged over problems; budgets beyond the samples are left out", () => {
    expect(get("A", "pass@1")!.mean).toBeCloseTo((1 / 3 + 1) / 2, 12);
    expect(get("A", "pass@3")!.mean).toBeCloseTo(1, 12);
    expect(get("B", "pass@1")!.mean).toBe(0);
    expect(get("A", "pass@10")).toBeUndefined();
    expect(cells.some((c) => c.strategy === "C")).toBe(false);
  });

  it("pass 1@3 on single-turn samples: one of the public-passing programs among 3 is submitted", () => {
    // A, p1: all 3 drawn; 1 candidate, correct → 1. p2: 1. B: candidates all wrong → 0.
    expect(get("A", "1@3")!.mean).toBeCloseTo(1, 12);
    expect(get("B", "1@3")!.mean).toBe(0);
  });

  it("each strategy minus the baseline, paired over problems; the baseline has none", () => {
    const d = get("A", "pass@1")!.difference!;
    expect(d.baseline).toBe("B");
    expect(d.mean).toBeCloseTo(2 / 3, 12);
    expect(d.lo).toBeLessThanOrEqual(d.mean);
    expect(d.hi).toBeGreaterThanOrEqual(d.mean);
    expect(get("B", "pass@1")!.difference).toBeNull();
  });
});
