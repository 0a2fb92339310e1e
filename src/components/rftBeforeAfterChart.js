// RFT before/after: pass n@k of the base and the fine-tuned model (ours, with 95% intervals) beside the paper's points.
import * as Plot from "npm:@observablehq/plot";

function budgetOrder(budget) {
  const [n, k] = budget.split("@").map(Number);
  return k * 1000 + n;
}

/** ours: rows {role, prompting, budget, mean, lo, hi}; paper: the paper's RFT result rows (values in %). */
export function rftBeforeAfterChart(ours, paper, {width, caption} = {}) {
  const mine = ours.map((d) => ({...d, series: `${d.role} · ${d.prompting}`, who: "ours"}));
  const theirs = paper
    .filter((r) => r.metric === "pass n@k" && r.value != null && r.n != null && r.k != null)
    .map((r) => {
      const role = /RFT/.test(r.model) ? "fine-tuned" : "base";
      return {role, series: role === "base" ? "base · multi-turn (study's prompting)" : "fine-tuned · multi-turn, no CoT", budget: `${r.n}@${r.k}`, mean: r.value / 100, who: `paper (${r.status})`, model: r.model};
    });
  const budgets = [...new Set([...mine, ...theirs].map((d) => d.budget))].sort((a, b) => budgetOrder(a) - budgetOrder(b));
  return Plot.plot({
    width,
    caption,
    height: 340,
    marginBottom: 100,
    marginLeft: 70,
    fx: {label: "budget n@k (submissions @ programs)", domain: budgets},
    x: {label: null, tickRotate: -25},
    y: {label: "pass n@k (%)", percent: true, grid: true, domain: [0, 100]},
    color: {legend: true, domain: ["base", "fine-tuned"]},
    symbol: {legend: true, domain: [...(mine.length ? ["ours"] : []), ...new Set(theirs.map((d) => d.who))]},
    marks: [
      Plot.ruleX(mine, {x: "series", fx: "budget", y1: "lo", y2: "hi", stroke: "role", strokeWidth: 2}),
      Plot.dot(mine, {x: "series", fx: "budget", y: "mean", fill: "role", symbol: "who", r: 5, tip: {channels: {model: "model", "95% low": "lo", "95% high": "hi"}}}),
      Plot.dot(theirs, {x: "series", fx: "budget", y: "mean", stroke: "role", symbol: "who", r: 6, strokeWidth: 2, tip: {channels: {model: "model"}}}),
      Plot.ruleY([0])
    ]
  });
}
