import {describe, expect, it} from "vitest";
import {
  Rng,
  categoriesFromTrajectories,
  passNAtKMultiTurn,
  passNAtKPerProblem,
  passNAtKSingleTurn,
  type Turn
} from "../../loaders/metrics/index.ts";
import {passNAtKMultiTurnBrute} from "./bruteforce.ts";

const RESAMPLES = 10_000;
const KERNELS = ["auto", "stop", "first-correct"] as const;

/**
 * Tolerance for a Monte Carlo mean of R draws in [0, 1] with true mean v: its standard error is at most
 * sqrt(v(1 − v)/R) (a [0, 1] variable's variance is at most v(1 − v)); 5 standard errors puts a false alarm
 * below 1e-6 per comparison, and the runs are seeded, so a pass is reproducible.
 */
function tolerance(v: number): number {
  return 5 * Math.sqrt((v * (1 - v)) / RESAMPLES) + 1e-12;
}

function randomTrajectory(rng: Rng, maxTurns: number): Turn[] {
  const turns: Turn[] = [];
  const length = 1 + rng.nextInt(maxTurns);
  for (let t = 0; t < length; t++) {
    const pub = rng.nextInt(2) === 1;
    turns.push({public: pub, all: pub && rng.nextInt(2) === 1});
  }
  return turns;
}

const GRID: Array<[number, number]> = [
  [1, 1],
  [1, 2],
  [2, 3],
  [1, 4],
  [3, 5],
  [2, 7],
  [4, 9],
  [5, 30]
];

describe("pass n@k, multi-turn (budget in programs)", () => {
  it.each(KERNELS)("Monte Carlo (%s kernel) matches enumeration over every permutation (N ≤ 6, mixed turn counts)", (kernel) => {
    const rng = new Rng(2025);
    let simulated = 0;
    for (let trial = 0; trial < 40; trial++) {
      const N = 2 + rng.nextInt(5);
      const trajectories = Array.from({length: N}, () => randomTrajectory(rng, 3));
      const problem = categoriesFromTrajectories(trajectories);
      const {values, exact} = passNAtKPerProblem([problem], GRID, {seed: trial, resamples: RESAMPLES, kernel});
      if (!exact[0]) simulated++;
      GRID.forEach(([n, k], i) => {
        const truth = passNAtKMultiTurnBrute(trajectories, n, k);
        expect(Math.abs(values[i]![0]! - truth), `trial ${trial} ${n}@${k}: ${values[i]![0]} vs ${truth}`).toBeLessThanOrEqual(tolerance(truth));
      });
    }
    expect(simulated).toBeGreaterThan(15); // the comparison exercised the simulation, not only the closed forms
  });

  it.each(KERNELS)("forced simulation (%s kernel) agrees with the brute force on the cases the closed forms cover", (kernel) => {
    const cases: Turn[][][] = [
      // every final turn correct: solved iff the first trajectory fits in k
      [
        [{public: true, all: true}],
        [{public: false, all: false}, {public: true, all: true}],
        [{public: false, all: false}, {public: false, all: false}, {public: true, all: true}]
      ],
      // uniform cost 2: the single-turn formula with floor(k/2) draws
      [
        [{public: false, all: false}, {public: true, all: true}],
        [{public: false, all: false}, {public: true, all: false}],
        [{public: true, all: true}, {public: false, all: false}],
        [{public: true, all: false}, {public: true, all: false}]
      ]
    ];
    for (const trajectories of cases) {
      const problem = categoriesFromTrajectories(trajectories);
      const exact = passNAtKPerProblem([problem], GRID, {seed: 1});
      const forced = passNAtKPerProblem([problem], GRID, {seed: 1, simulateAlways: true, kernel});
      expect(exact.exact[0]).toBe(1);
      GRID.forEach(([n, k], i) => {
        const truth = passNAtKMultiTurnBrute(trajectories, n, k);
        expect(exact.values[i]![0]).toBeCloseTo(truth, 12);
        expect(Math.abs(forced.values[i]![0]! - truth)).toBeLessThanOrEqual(tolerance(truth));
      });
    }
  });

  it("single-turn input gives the exact closed form (no simulation)", () => {
    const trajectories: Turn[][] = [];
    for (let i = 0; i < 200; i++) trajectories.push([{public: i < 40, all: i < 9}]);
    const grid: Array<[number, number]> = [
      [1, 3],
      [10, 30],
      [33, 100],
      [100, 300]
    ];
    const {values, exact} = passNAtKPerProblem([categoriesFromTrajectories(trajectories)], grid, {seed: 3});
    expect(exact[0]).toBe(1);
    grid.forEach(([n, k], i) => expect(values[i]![0]).toBe(passNAtKSingleTurn(200, 40, 9, n, Math.min(k, 200))));
  });

  it.each(KERNELS)("simulation at scale (%s kernel, N = 200) agrees with the exact single-turn value", (kernel) => {
    const trajectories: Turn[][] = [];
    for (let i = 0; i < 200; i++) trajectories.push([{public: i < 60, all: i < 4}]);
    const grid: Array<[number, number]> = [
      [1, 3],
      [10, 30],
      [5, 100],
      [2, 180],
      [33, 199]
    ];
    const problem = categoriesFromTrajectories(trajectories);
    const forced = passNAtKPerProblem([problem], grid, {seed: 11, simulateAlways: true, kernel});
    expect(forced.exact[0]).toBe(0);
    grid.forEach(([n, k], i) => {
      const truth = passNAtKSingleTurn(200, 60, 4, n, k);
      expect(Math.abs(forced.values[i]![0]! - truth), `${n}@${k}`).toBeLessThanOrEqual(tolerance(truth));
    });
  });

  it("the two kernels agree at the study's scale (N = 200 trajectories of 1–3 turns)", () => {
    const rng = new Rng(31);
    const grid: Array<[number, number]> = [
      [1, 3],
      [10, 30],
      [33, 100],
      [100, 300]
    ];
    for (let trial = 0; trial < 4; trial++) {
      const trajectories = Array.from({length: 200}, () => randomTrajectory(rng, 3));
      const problem = categoriesFromTrajectories(trajectories);
      const stop = passNAtKPerProblem([problem], grid, {seed: trial, kernel: "stop"});
      const first = passNAtKPerProblem([problem], grid, {seed: trial, kernel: "first-correct"});
      grid.forEach((_, i) => {
        const a = stop.values[i]![0]!;
        const b = first.values[i]![0]!;
        // two independent estimates: the difference has at most sqrt(2) times one estimate's standard error
        expect(Math.abs(a - b), `trial ${trial} pair ${i}`).toBeLessThanOrEqual(Math.SQRT2 * tolerance((a + b) / 2) + 1e-9);
      });
    }
  });

  it("is reproducible by seed, independent of the problem's position given its stream, and sensitive to the seed", () => {
    const rng = new Rng(5);
    const problems = Array.from({length: 4}, () =>
      categoriesFromTrajectories(Array.from({length: 30}, () => randomTrajectory(rng, 3)))
    );
    const a = passNAtKPerProblem(problems, GRID, {seed: 9, resamples: 2000});
    const b = passNAtKPerProblem(problems, GRID, {seed: 9, resamples: 2000});
    const tail = passNAtKPerProblem(problems.slice(2), GRID, {seed: 9, resamples: 2000, firstStream: 2});
    const other = passNAtKPerProblem(problems, GRID, {seed: 10, resamples: 2000});
    expect(b.values).toEqual(a.values);
    GRID.forEach((_, i) => expect(Array.from(tail.values[i]!)).toEqual(Array.from(a.values[i]!.slice(2))));
    expect(other.values).not.toEqual(a.values);
  });

  it("reports means with bootstrap intervals over problems that contain the mean", () => {
    const rng = new Rng(8);
    const problems = Array.from({length: 40}, () =>
      categoriesFromTrajectories(Array.from({length: 20}, () => randomTrajectory(rng, 3)))
    );
    const {estimates} = passNAtKMultiTurn(problems, GRID, {seed: 1, resamples: 2000});
    for (const e of estimates) {
      expect(e.lo).toBeLessThanOrEqual(e.mean);
      expect(e.hi).toBeGreaterThanOrEqual(e.mean);
      expect(e.mean).toBeCloseTo(e.perProblem.reduce((a, b) => a + b, 0) / 40, 12);
    }
    expect(() => passNAtKMultiTurn(problems, [[3, 1]])).toThrow(/n ≤ k/);
  });
});
