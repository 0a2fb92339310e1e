// pass@k / pass n@k per strategy with 95% intervals, one panel per model side by side (or each strategy minus the baseline).
import * as Plot from "npm:@observablehq/plot";

export function strategyCellsChart(cells, {width, difference = false, baseline = "the baseline"} = {}) {
  const rows = difference
    ? cells.filter((c) => c.difference).map((c) => ({...c, mean: c.difference.mean, lo: c.difference.lo, hi: c.difference.hi}))
    : cells;
  const strategies = [...new Set(rows.map((d) => d.strategy))];
  const budgets = [...new Set(rows.map((d) => d.budget))];
  const longest = Math.max(0, ...strategies.map((s) => s.length));
  return Plot.plot({
    width,
    height: 40 + strategies.length * 22 * budgets.length + 30,
    marginLeft: Math.min(longest * 6.2 + 12, (width ?? 640) * 0.45),
    x: {label: difference ? `minus ${baseline} (points)` : "estimate", percent: true, grid: true},
    y: {label: null, domain: strategies},
    fx: {label: null},
    fy: {label: null, domain: budgets},
    marks: [
      difference ? Plot.ruleX([0], {stroke: "#999"}) : null,
      Plot.ruleY(rows, {fx: "modelLabel", fy: "budget", y: "strategy", x1: "lo", x2: "hi", strokeOpacity: 0.6}),
      Plot.dot(rows, {fx: "modelLabel", fy: "budget", y: "strategy", x: "mean", r: 4, fill: "currentColor", tip: true})
    ]
  });
}
