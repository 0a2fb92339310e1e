// Single-turn grid: reasoning prompt (rows) × instruction prompt (columns), colour = pass@k, one panel per model, side by side.
import * as Plot from "npm:@observablehq/plot";

export function gridHeatmap(cells, {k, width} = {}) {
  const data = cells.filter((c) => c.k === k && c.strategy !== "single/none+none");
  const reasoning = [...new Set(data.map((d) => d.reasoning))];
  const instruction = [...new Set(data.map((d) => d.instruction))];
  return Plot.plot({
    width,
    height: 90 + reasoning.length * 34,
    marginLeft: 150,
    marginBottom: 70,
    x: {label: "instruction prompt", domain: instruction, tickRotate: -25},
    y: {label: "reasoning prompt", domain: reasoning},
    fx: {label: null},
    color: {scheme: "blues", legend: true, label: `pass@${k}`, percent: true},
    marks: [
      Plot.cell(data, {x: "instruction", y: "reasoning", fx: "model", fill: "value", inset: 0.5, tip: {channels: {"95% CI": (d) => `${(100 * d.lo).toFixed(1)}–${(100 * d.hi).toFixed(1)}%`}}}),
      Plot.text(data, {x: "instruction", y: "reasoning", fx: "model", text: (d) => (100 * d.value).toFixed(1), fill: (d) => (d.value > 0.6 ? "white" : "black"), fontSize: 10})
    ]
  });
}
