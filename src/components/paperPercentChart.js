// The paper's percentage results (pass@k, pass n@k, gains) as dots coloured by evidence status.
import * as Plot from "npm:@observablehq/plot";
import {statusColor} from "./statusColor.js";

function shorten(text, max) {
  return text.length > max ? text.slice(0, max - 1).trimEnd() + "…" : text;
}

/** A short row label: who, under what setting, on what, at which budget. */
export function paperLabel(d) {
  const budget = d.n != null && d.k != null ? `${d.n}@${d.k}` : d.k != null ? `pass@${d.k}` : "";
  const setting = shorten(d.setting.replace(/\s*\(.*?\)\s*/g, " ").replace(/\s+,/g, ",").trim(), 38);
  const what = d.metric.startsWith("pass") ? "" : shorten(d.metric, 24);
  return [d.model || d.benchmark, setting, what, d.split, budget].filter(Boolean).join(" · ");
}

export function paperPercentChart(rows, {width} = {}) {
  const numbers = rows
    .filter((d) => d.value != null && (d.unit === "%" || d.unit.startsWith("percentage points")))
    .map((d) => ({...d, label: paperLabel(d), kind: d.unit === "%" ? "value (%)" : "gain (points)"}));
  return Plot.plot({
    width,
    height: 40 + numbers.length * 26,
    marginLeft: Math.min(420, (width ?? 640) * 0.55),
    x: {label: "percent / percentage points", grid: true, domain: [0, Math.max(60, ...numbers.map((d) => d.value)) * 1.1]},
    y: {label: null, domain: numbers.map((d) => d.label)},
    color: {...statusColor(rows), legend: true},
    symbol: {legend: true},
    marks: [
      Plot.ruleY(numbers, {y: "label", stroke: "#ddd"}),
      Plot.dot(numbers, {x: "value", y: "label", fill: "status", symbol: "kind", r: 5, tip: {channels: {evidence: "evidence", note: "note"}}}),
      Plot.text(numbers, {x: "value", y: "label", text: (d) => d.valueText, dx: 10, textAnchor: "start"})
    ]
  });
}
