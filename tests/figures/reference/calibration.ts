// Reference (the JS path figures used before they aggregated in DuckDB), kept to check the SQL path's output.
// Figure 7a: what noise looks like. The null baseline ignores prompts, so every difference between its
// strategies is noise; its spread tells how large a difference must be to mean anything at this sample size.
import {bootstrapMean, pairedDifference} from "../../../loaders/metrics/index.ts";
import {groupBy, provenanceOf, round} from "./common.ts";
import {figureRun} from "./runs.ts";
import {perProblemPassAtK} from "./singleTurnGrid.ts";

export async function calibrationTable(profile?: string) {
  const run = await figureRun("single-turn-grid", profile);
  const k = 1;
  const baselineModels = run.record.models.filter((m) => m.nullBaseline);
  const strategies = [];
  const summary = [];
  for (const model of baselineModels) {
    const perStrategy = new Map<string, Float64Array>();
    for (const [strategy, cell] of groupBy(run.trajectories.filter((t) => t.model === model.name), (t) => t.strategyId)) {
      perStrategy.set(strategy, perProblemPassAtK(run, cell, k));
    }
    const baseline = perStrategy.get("single/none+none");
    let excluding = 0;
    let compared = 0;
    for (const [strategy, values] of perStrategy) {
      const ci = bootstrapMean(values, {resamples: 2000, seed: 13});
      const row: Record<string, unknown> = {model: model.label, strategy, value: round(ci.mean), lo: round(ci.lo), hi: round(ci.hi)};
      if (baseline && strategy !== "single/none+none") {
        const d = pairedDifference(values, baseline, {resamples: 2000, seed: 17});
        row.difference = round(d.mean);
        row.dLo = round(d.lo);
        row.dHi = round(d.hi);
        compared++;
        if (d.lo > 0 || d.hi < 0) excluding++;
      }
      strategies.push(row);
    }
    const values = [...perStrategy.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
    summary.push({
      model: model.label,
      k,
      strategies: perStrategy.size,
      samples: run.record.samples,
      problems: run.record.problemKeys.length,
      min: round(Math.min(...values)),
      max: round(Math.max(...values)),
      spread: round(Math.max(...values) - Math.min(...values)),
      comparedWithBaseline: compared,
      intervalsExcludingZero: excluding
    });
  }
  return {provenance: provenanceOf(run, "Calibration: the null baseline's spread"), strategies, summary};
}
