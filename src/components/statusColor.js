// One colour per evidence status, shared by every chart that shows a paper number.
const ORDER = ["confirmed", "secondary+dataset", "dataset fact", "unconfirmed for paper", "derived", "unconfirmed"];
const COLORS = ["#1b9e77", "#66a61e", "#7570b3", "#e7298a", "#a6761d", "#d95f02"];

export function statusColor(rows) {
  const present = new Set(rows.map((d) => d.status));
  const domain = [...ORDER.filter((s) => present.has(s)), ...[...present].filter((s) => !ORDER.includes(s))];
  return {domain, range: domain.map((s) => COLORS[ORDER.indexOf(s)] ?? "#999")};
}
