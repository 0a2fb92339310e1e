// Run as `node --import tsx tests/metrics/parallel-check.ts`: compares worker-thread results with in-thread ones.
import {Rng, categoriesFromArrays, passNAtKMultiTurn, runMultiTurnTasks, type MultiTurnTask} from "../../loaders/metrics/index.ts";

const rng = new Rng(77);
const grid: Array<[number, number]> = [
  [1, 3],
  [10, 30],
  [5, 60]
];
const tasks: MultiTurnTask[] = Array.from({length: 5}, (_, t) => {
  const problems = Array.from({length: 12}, () => {
    const costs = Array.from({length: 40}, () => 1 + rng.nextInt(3));
    const classes = costs.map(() => rng.nextInt(3));
    return categoriesFromArrays(costs, classes);
  });
  return {problems, grid, options: {seed: t, resamples: 3000, bootstrapResamples: 500}};
});
const parallel = await runMultiTurnTasks(tasks, 2);
const serial = tasks.map((task) => passNAtKMultiTurn(task.problems, task.grid, task.options));
const same = JSON.stringify(parallel.map((r) => r.estimates.map((e) => [e.mean, e.lo, e.hi, Array.from(e.perProblem)]))) ===
  JSON.stringify(serial.map((r) => r.estimates.map((e) => [e.mean, e.lo, e.hi, Array.from(e.perProblem)])));
console.log(JSON.stringify({same, tasks: parallel.length}));
