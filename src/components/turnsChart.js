// CoT-retry vs plain multi-turn: pass n@k against the maximum number of turns, one panel per budget.
import * as Plot from "npm:@observablehq/plot";

export function turnsChart(rows, {width} = {}) {
  return Plot.plot({
    width,
    height: 300,
    x: {label: "maximum turns", ticks: [1, 2, 3]},
    y: {label: "pass n@k", percent: true, grid: true, zero: true},
    fx: {label: null, domain: [...new Set(rows.map((d) => d.budget))].sort((a, b) => Number(a.split("@")[1]) - Number(b.split("@")[1]))},
    color: {legend: true},
    marks: [
      Plot.ruleX(rows, {x: "maxTurns", fx: "budget", y1: "lo", y2: "hi", stroke: "family", dx: (d) => (d.family === "CoT-retry" ? 4 : -4)}),
      Plot.line(rows, {x: "maxTurns", fx: "budget", y: "mean", stroke: "family", z: (d) => `${d.model}|${d.family}`}),
      Plot.dot(rows, {x: "maxTurns", fx: "budget", y: "mean", fill: "family", r: 4, tip: true})
    ]
  });
}
