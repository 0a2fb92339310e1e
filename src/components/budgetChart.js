// pass n@k at each budget (1@3, 10@30, …) with 95% intervals: one panel per budget, one column per strategy.
import * as Plot from "npm:@observablehq/plot";

function budgetOrder(budget) {
  const [n, k] = budget.split("@").map(Number);
  return k * 1000 + n;
}

export function budgetChart(rows, {series, width, label = "pass n@k"} = {}) {
  const models = new Set(rows.map((d) => d.model)).size;
  return Plot.plot({
    width,
    height: 90 + 240 * models,
    marginBottom: 60,
    x: {label: null, tickRotate: -20},
    y: {label, percent: true, grid: true, zero: true},
    fx: {label: "budget n@k (submissions @ programs)", domain: [...new Set(rows.map((d) => d.budget))].sort((a, b) => budgetOrder(a) - budgetOrder(b))},
    fy: models > 1 ? {label: null} : undefined,
    color: {legend: true},
    marks: [
      Plot.ruleX(rows, {x: series, fx: "budget", fy: models > 1 ? "model" : undefined, y1: "lo", y2: "hi", stroke: series, strokeWidth: 2}),
      Plot.dot(rows, {x: series, fx: "budget", fy: models > 1 ? "model" : undefined, y: "mean", fill: series, r: 5, tip: {channels: {"95% low": "lo", "95% high": "hi", strategy: "strategy"}}})
    ]
  });
}
