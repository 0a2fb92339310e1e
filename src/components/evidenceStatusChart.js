// How many of the paper's numbers carry each evidence status (confirmed from the paper text, or not).
import * as Plot from "npm:@observablehq/plot";
import {statusColor} from "./statusColor.js";

export function evidenceStatusChart(rows, {width} = {}) {
  const recovered = rows.map((d) => ({...d, recovered: d.valueText === "" ? "value not recovered" : "value recovered"}));
  return Plot.plot({
    width,
    height: 220,
    marginLeft: 170,
    x: {label: "numbers in the reference file", grid: true},
    y: {label: null},
    color: {...statusColor(rows), legend: true},
    marks: [
      Plot.barX(recovered, Plot.groupY({x: "count"}, {y: "status", fill: "status", sort: {y: "-x"}, tip: true})),
      Plot.ruleX([0])
    ]
  });
}
