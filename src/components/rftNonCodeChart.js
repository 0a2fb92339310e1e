// RFT behaviour: share of each reply outside code blocks, distinct programs and consecutive-program similarity, ours beside the paper's.
import * as Plot from "npm:@observablehq/plot";

/** ours: diversity rows {role, prompting, nonCodeFraction, distinctRate, similarityMean}; paper: RFT behaviour rows. */
export function rftNonCodeChart(ours, paper, {width, caption} = {}) {
  const rows = [
    ...ours.flatMap((d) => [
      {role: d.role, series: `${d.role} · ${d.prompting}`, measure: "non-code fraction", value: d.nonCodeFraction, who: "ours"},
      {role: d.role, series: `${d.role} · ${d.prompting}`, measure: "distinct programs per problem", value: d.distinctRate, who: "ours"},
      {role: d.role, series: `${d.role} · ${d.prompting}`, measure: "consecutive-program similarity", value: d.similarityMean, who: "ours"}
    ]),
    ...paper
      .filter((r) => r.value != null && /non-code/.test(r.metric))
      .map((r) => {
        const role = /RFT/.test(r.model) ? "fine-tuned" : "base";
        return {role, series: `${role} (paper)`, measure: "non-code fraction", value: r.value, who: `paper (${r.status})`};
      })
  ].filter((d) => d.value != null);
  return Plot.plot({
    width,
    caption,
    height: 110 + 26 * new Set(rows.map((d) => d.series)).size * new Set(rows.map((d) => d.measure)).size,
    marginLeft: 200,
    marginRight: 170,
    x: {label: "share (%)", domain: [0, 100], grid: true, percent: true},
    y: {label: null},
    fy: {label: null},
    color: {legend: true, domain: ["base", "fine-tuned"]},
    symbol: {legend: true},
    marks: [
      Plot.ruleX([0]),
      Plot.dot(rows.filter((d) => d.who === "ours"), {x: "value", y: "series", fy: "measure", fill: "role", symbol: "who", r: 5, tip: true}),
      Plot.dot(rows.filter((d) => d.who !== "ours"), {x: "value", y: "series", fy: "measure", stroke: "role", strokeWidth: 2, symbol: "who", r: 6, tip: true})
    ]
  });
}
