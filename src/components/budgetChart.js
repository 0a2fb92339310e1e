// pass n@k at each budget (1@3, 10@30, …) with 95% intervals: one panel per budget (and model, side by side), one column per strategy.
import * as Plot from "npm:@observablehq/plot";

function budgetOrder(budget) {
  const [n, k] = budget.split("@").map(Number);
  return k * 1000 + n;
}

export function budgetChart(rows, {series, width, label = "pass n@k"} = {}) {
  const models = new Set(rows.map((d) => d.model)).size;
  const budgets = {label: "budget n@k (submissions @ programs)", domain: [...new Set(rows.map((d) => d.budget))].sort((a, b) => budgetOrder(a) - budgetOrder(b))};
  // Several models: one column per model, side by side, one row per budget; one model: one panel per budget.
  const facets = models > 1 ? {fx: "model", fy: "budget"} : {fx: "budget"};
  return Plot.plot({
    width,
    height: models > 1 ? 90 + 220 * budgets.domain.length : 330,
    marginBottom: 60,
    marginRight: models > 1 ? 60 : undefined,
    x: {label: null, tickRotate: -20},
    y: {label, percent: true, grid: true, zero: true},
    fx: models > 1 ? {label: null} : budgets,
    fy: models > 1 ? budgets : undefined,
    color: {legend: true},
    marks: [
      Plot.ruleX(rows, {x: series, ...facets, y1: "lo", y2: "hi", stroke: series, strokeWidth: 2}),
      Plot.dot(rows, {x: series, ...facets, y: "mean", fill: series, r: 5, tip: {channels: {"95% low": "lo", "95% high": "hi", strategy: "strategy"}}})
    ]
  });
}
