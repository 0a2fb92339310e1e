// One value per row with its 95% interval: dots and horizontal rules (used for gains, calibration, comparisons).
import * as Plot from "npm:@observablehq/plot";

export function intervalDots(rows, {x = "value", lo = "lo", hi = "hi", y, color, fy, width, label = "", percent = true, zero = false, height} = {}) {
  const ys = [...new Set(rows.map((d) => d[y]))];
  const longest = Math.max(0, ...ys.map((v) => String(v).length));
  return Plot.plot({
    width,
    height: height ?? 50 + ys.length * 22 * (fy ? new Set(rows.map((d) => d[fy])).size : 1),
    marginLeft: Math.min(Math.max(80, longest * 6.2 + 12), (width ?? 640) * 0.55),
    x: {label, percent, grid: true},
    y: {label: null, domain: ys},
    fy: fy ? {label: null} : undefined,
    color: color ? {legend: true} : undefined,
    marks: [
      zero ? Plot.ruleX([0], {stroke: "#999"}) : null,
      Plot.ruleY(rows, {y, fy, x1: lo, x2: hi, stroke: color ?? "currentColor", strokeOpacity: 0.6}),
      Plot.dot(rows, {x, y, fy, fill: color ?? "currentColor", r: 4, tip: true})
    ]
  });
}
