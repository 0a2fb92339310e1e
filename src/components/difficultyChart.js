// Problems per difficulty label, one bar per dataset.
import * as Plot from "npm:@observablehq/plot";

export function difficultyChart(problems, {width} = {}) {
  const order = [...new Map(problems.map((d) => [d.difficulty, d.difficulty_order]))].sort((a, b) => a[1] - b[1]).map((d) => d[0]);
  return Plot.plot({
    width,
    height: 260,
    x: {label: null, domain: order},
    y: {label: "problems", grid: true},
    color: {legend: true, label: "io mode"},
    fx: {label: null},
    marks: [
      Plot.barY(problems, Plot.groupX({y: "count"}, {x: "difficulty", fx: "source", fill: "io_mode", tip: true})),
      Plot.ruleY([0])
    ]
  });
}
