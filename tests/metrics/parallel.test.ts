import {describe, expect, it} from "vitest";
import {categoriesFromArrays, passNAtKMultiTurn, runMultiTurnTasks} from "../../loaders/metrics/index.ts";
import {finished, spawnTs} from "../helpers/node.ts";

describe("multi-turn tasks over worker threads", () => {
  it("gives the in-thread results, in task order, on real worker threads (node --import tsx)", async () => {
    const run = await finished(spawnTs("tests/metrics/parallel-check.ts"));
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({same: true, tasks: 5});
  });

  it("falls back to the calling thread where workers cannot load TypeScript, with the same results", async () => {
    const problems = [categoriesFromArrays([1, 2, 3, 1, 2], [2, 1, 0, 1, 2]), categoriesFromArrays([1, 3, 3, 2], [1, 2, 0, 0])];
    const task = {problems, grid: [[1, 2], [2, 5]] as Array<[number, number]>, options: {seed: 3, resamples: 2000}};
    const [a, b] = await runMultiTurnTasks([task, {...task, options: {seed: 4, resamples: 2000}}], 2);
    expect(a).toEqual(passNAtKMultiTurn(task.problems, task.grid, task.options));
    expect(b!.estimates[0]!.mean).not.toBe(a!.estimates[0]!.mean);
  });
});
