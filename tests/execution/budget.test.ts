// The lanes' memory budget counts the spare runner of every lane at its full ceiling.
import {describe, expect, it} from "vitest";
import {laneBudget, RUNNERS_PER_LANE} from "../../loaders/execution/budget.ts";

const GiB = 2 ** 30;

describe("laneBudget", () => {
  it("a lane costs two runners at their ceiling plus its scratch", () => {
    expect(RUNNERS_PER_LANE).toBe(2);
    expect(laneBudget(4, GiB, 16 << 20, 100 * GiB).laneBytes).toBe(2 * GiB + (16 << 20));
  });

  it("reduces the lanes to what fits, counting the spare (8 GiB fits 3 lanes of 2 GiB + scratch, not 4)", () => {
    const budget = laneBudget(8, GiB, 16 << 20, 8 * GiB);
    expect(budget.lanes).toBe(3);
    expect(budget.reduced).toMatch(/8 lanes asked for, 3 fit/);
  });

  it("keeps what was asked for when it fits, and never goes below one lane", () => {
    expect(laneBudget(2, GiB, 0, 24 * GiB)).toMatchObject({lanes: 2, reduced: null});
    expect(laneBudget(2, 64 * GiB, 0, 8 * GiB).lanes).toBe(1);
  });
});
