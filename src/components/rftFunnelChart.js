// The RFT data funnel: trajectories (or tokens, or problems) left after each stage, single- vs multi-turn.
import * as Plot from "npm:@observablehq/plot";

const SPLIT_COLORS = {all: "#7570b3", "single-turn": "#1b9e77", "multi-turn": "#d95f02"};

export function rftFunnelChart(stages, {metric = "trajectories", label = metric, width} = {}) {
  const order = [...new Set(stages.map((d) => d.stage))];
  const splits = Object.keys(SPLIT_COLORS).filter((s) => stages.some((d) => d.split === s));
  return Plot.plot({
    width,
    height: 300,
    marginBottom: 50,
    fx: {label: null, domain: order, padding: 0.15},
    x: {axis: null, domain: splits},
    y: {label, grid: true, zero: true, tickFormat: "s"},
    color: {legend: true, domain: splits, range: splits.map((s) => SPLIT_COLORS[s])},
    marks: [
      Plot.barY(stages, {fx: "stage", x: "split", y: metric, fill: "split", tip: {channels: {problems: "problems", trajectories: "trajectories", tokens: "tokens"}}}),
      Plot.text(stages, {fx: "stage", x: "split", y: metric, text: (d) => d[metric].toLocaleString("en"), dy: -6, fontSize: 10}),
      Plot.ruleY([0])
    ]
  });
}
