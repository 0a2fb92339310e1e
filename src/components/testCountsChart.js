// Tests per problem, split into public / private / generated (stacked), sorted by difficulty.
import * as Plot from "npm:@observablehq/plot";

export function testCountsChart(problems, {width} = {}) {
  const long = problems.flatMap((d) =>
    ["public", "private", "generated"].map((pool) => ({id: d.id, difficulty: d.difficulty, order: d.difficulty_order, pool, tests: d[`${pool}_tests`]}))
  );
  return Plot.plot({
    width,
    height: 40 + problems.length * 16,
    marginLeft: 190,
    x: {label: "tests", grid: true},
    y: {label: null, domain: problems.map((d) => d.id)},
    color: {legend: true, domain: ["public", "private", "generated"]},
    marks: [Plot.barX(long, {x: "tests", y: "id", fill: "pool", tip: true}), Plot.ruleX([0])]
  });
}
