// CoT-retry vs plain multi-turn: pass n@k against the maximum number of turns, one panel per budget (and model, side by side).
import * as Plot from "npm:@observablehq/plot";

export function turnsChart(rows, {width} = {}) {
  const models = new Set(rows.map((d) => d.model)).size;
  const budgets = {label: null, domain: [...new Set(rows.map((d) => d.budget))].sort((a, b) => Number(a.split("@")[1]) - Number(b.split("@")[1]))};
  // Several models: one column per model, side by side, one row per budget (lines of two models never share a panel).
  const facets = models > 1 ? {fx: "model", fy: "budget"} : {fx: "budget"};
  return Plot.plot({
    width,
    height: models > 1 ? 60 + 240 * budgets.domain.length : 300,
    marginRight: models > 1 ? 60 : undefined,
    x: {label: "maximum turns", ticks: [1, 2, 3]},
    y: {label: "pass n@k", percent: true, grid: true, zero: true},
    fx: models > 1 ? {label: null} : budgets,
    fy: models > 1 ? budgets : undefined,
    color: {legend: true},
    marks: [
      Plot.ruleX(rows, {x: "maxTurns", ...facets, y1: "lo", y2: "hi", stroke: "family", dx: (d) => (d.family === "CoT-retry" ? 4 : -4)}),
      Plot.line(rows, {x: "maxTurns", ...facets, y: "mean", stroke: "family", z: (d) => `${d.model}|${d.family}`}),
      Plot.dot(rows, {x: "maxTurns", ...facets, y: "mean", fill: "family", r: 4, tip: true})
    ]
  });
}
