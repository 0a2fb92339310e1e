// Human solutions per problem: listed correct (right) vs listed incorrect (left).
import * as Plot from "npm:@observablehq/plot";

export function solutionCountsChart(problems, {width} = {}) {
  const long = problems.flatMap((d) => [
    {id: d.id, label: "correct", count: d.correct_solutions},
    {id: d.id, label: "incorrect", count: -d.incorrect_solutions}
  ]);
  return Plot.plot({
    width,
    height: 40 + problems.length * 16,
    marginLeft: 190,
    x: {label: "← incorrect · human solutions · correct →", grid: true, tickFormat: Math.abs},
    y: {label: null, domain: problems.map((d) => d.id)},
    color: {legend: true, domain: ["correct", "incorrect"], range: ["#1b9e77", "#d95f02"]},
    marks: [Plot.barX(long, {x: "count", y: "id", fill: "label", tip: true}), Plot.ruleX([0])]
  });
}
