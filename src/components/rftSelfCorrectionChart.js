// RFT self-correction: of the trajectories that reached turn t (turn t − 1 failed), the share whose turn-t program passes the public tests.
import * as Plot from "npm:@observablehq/plot";

export function rftSelfCorrectionChart(rows, {width} = {}) {
  const data = rows.map((d) => ({...d, series: `${d.role} · ${d.prompting}`}));
  return Plot.plot({
    width,
    height: 280,
    x: {label: "turn", ticks: [...new Set(data.map((d) => d.turn))], tickFormat: "d"},
    y: {label: "corrected at this turn (public tests pass)", percent: true, grid: true, zero: true},
    color: {legend: true},
    marks: [
      Plot.line(data, {x: "turn", y: "rate", stroke: "series"}),
      Plot.dot(data, {x: "turn", y: "rate", fill: "series", r: 4, tip: {channels: {reached: "reached", corrected: "corrected", "solved (all tests)": "solved"}}}),
      Plot.ruleY([0])
    ]
  });
}
