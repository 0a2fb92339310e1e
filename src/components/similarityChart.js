// Similarity of consecutive programs within a trajectory, per feedback kind (the study's Figure 6), models side by side.
import * as Plot from "npm:@observablehq/plot";

export function similarityChart(diversity, {width} = {}) {
  const rows = diversity.flatMap((d) => {
    const total = d.similarityBins.reduce((n, b) => n + b.count, 0) || 1;
    return d.similarityBins.map((b) => ({feedback: d.feedback, model: d.model, bin: b.bin, share: b.count / total}));
  });
  const models = new Set(rows.map((d) => d.model)).size;
  return Plot.plot({
    width,
    height: 280,
    fx: models > 1 ? {label: null} : undefined,
    x: {label: "edit similarity of consecutive programs (1 = identical)", domain: [0, 1]},
    y: {label: "share of program pairs", percent: true, grid: true},
    color: {legend: true},
    marks: [Plot.lineY(rows, {x: (d) => d.bin + 0.025, y: "share", stroke: "feedback", curve: "step", fx: models > 1 ? "model" : undefined, z: (d) => `${d.model}|${d.feedback}`, tip: true}), Plot.ruleY([0])]
  });
}
