// Figure 7a: what noise looks like. The null baseline ignores prompts, so every difference between its
// strategies is noise; its spread tells how large a difference must be to mean anything at this sample size.
import {bootstrapMean, pairedDifference} from "../metrics/index.ts";
import {sampleCounts} from "./aggregate.ts";
import {provenanceOf, round} from "./common.ts";
import {loadExperiment} from "../trajectories/experiment.ts";
import {loaderInputs} from "./loaderInputs.ts";
import {siteProfile, withFigureRun, type FigureRun} from "./runs.ts";
import {perProblemPassAtK} from "./singleTurnGrid.ts";

export async function calibrationTable(profile = siteProfile()) {
  // The page also shows the explorer, which reads other experiments: it says which of them lack this profile.
  const explorer = await loaderInputs("explorer.parquet", profile);
  const experiment = await loadExperiment("single-turn-grid");
  if (!experiment.profiles[profile]) {
    return {status: "no-profile" as const, profile, experiment: experiment.name, profiles: Object.keys(experiment.profiles), explorer};
  }
  return {...(await withFigureRun("single-turn-grid", profile, calibrationOf)), explorer};
}

async function calibrationOf(run: FigureRun) {
  const k = 1;
  const baselineModels = run.record.models.filter((m) => m.nullBaseline);
  const counts = await sampleCounts(run);
  const strategies = [];
  const summary = [];
  for (const model of baselineModels) {
    const perStrategy = new Map<string, Float64Array>();
    for (const cell of counts.filter((c) => c.model === model.name)) {
      perStrategy.set(cell.strategy, perProblemPassAtK(run.record.problemKeys, cell.byProblem, k));
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
  return {status: "ok" as const, provenance: provenanceOf(run, "Calibration: the null baseline's spread"), strategies, summary};
}
