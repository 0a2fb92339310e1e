// The table a run ends with: pass@k / pass n@k per strategy and model, tokens, requests and faults.
import type {CellEstimate} from "../metrics/index.ts";
import type {RunRecord} from "../trajectories/run.ts";

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function summaryTable(record: RunRecord, cells: readonly CellEstimate[]): string {
  const lines: string[] = [`summary ${record.experiment} / ${record.profile} (${record.dataset}, ${record.problemKeys.length} problems × ${record.samples} samples)`];
  const rows: string[][] = [["model", "strategy", "estimate", "95% interval", "prompt tok", "completion tok"]];
  for (const t of record.tokens) {
    const mine = cells.filter((c) => c.model === t.model && c.strategy === t.strategy);
    const tokens = (n: number) => (t.callsWithoutUsage > 0 && n === 0 ? "n/a" : n.toLocaleString("en"));
    const first = mine.length ? mine : [null];
    first.forEach((c, i) =>
      rows.push([
        i === 0 ? t.model : "",
        i === 0 ? t.strategy : "",
        c ? `${c.budget} ${pct(c.mean)}` : `solved ${t.solved}/${t.trajectories}`,
        c ? `${pct(c.lo)} – ${pct(c.hi)}` : "",
        i === 0 ? tokens(t.promptTokens) : "",
        i === 0 ? tokens(t.completionTokens) : ""
      ])
    );
  }
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  for (const r of rows) lines.push("  " + r.map((cell, j) => cell.padEnd(widths[j]!)).join("  ").trimEnd());
  const faults = Object.entries(record.faults).filter(([, n]) => n > 0).map(([k, n]) => `${k}×${n}`);
  lines.push(
    `  ${record.trajectories} trajectories (${record.counts.created} new, ${record.counts.reused} from the store); ` +
      `${record.counts.requestsSent ?? 0} requests sent, ${record.counts.completionsRequested} completions requested, ${record.counts.completionsReused} reused; faults: ${faults.length ? faults.join(" ") : "none"}`
  );
  if (record.tokens.some((t) => t.callsWithoutUsage > 0)) lines.push("  n/a: the server reported no token usage for those calls");
  return lines.join("\n") + "\n";
}
