// Reference (the JS path figures used before they aggregated in DuckDB), kept to check the SQL path's output.
// Figures 3–5: pass n@k at equal program budget (multi vs single turn, feedback kinds, CoT-retry by max turns).
import {
  bootstrapMean,
  categoriesFromTrajectories,
  consecutiveSimilarities,
  distinctProgramRate,
  pairedDifference,
  passNAtKMultiTurn
} from "../../../loaders/metrics/index.ts";
import type {TrajectoryRecord} from "../../../loaders/trajectories/trajectory.ts";
import {groupBy, paperRows, provenanceOf, round, turnsOf} from "./common.ts";
import {figureRun, type FigureRun} from "./runs.ts";

/** Monte Carlo shuffles per problem (the study: 10,000). */
export const SHUFFLES = 10_000;

function supportedGrid(run: FigureRun): Array<[number, number]> {
  return (run.record.nk ?? []).filter(([, k]) => k <= run.record.samples);
}

interface CellEstimate {
  model: string;
  strategy: string;
  n: number;
  k: number;
  mean: number | null;
  lo: number | null;
  hi: number | null;
}

function estimateCells(run: FigureRun, grid: Array<[number, number]>): {rows: CellEstimate[]; perProblem: Map<string, Float64Array>} {
  const rows: CellEstimate[] = [];
  const perProblem = new Map<string, Float64Array>();
  if (!grid.length) return {rows, perProblem};
  for (const [id, cell] of groupBy(run.trajectories, (t) => `${t.model}|${t.strategyId}`)) {
    const [model, strategy] = id.split("|");
    const byProblem = groupBy(cell, (t) => t.problemKey);
    const categories = run.record.problemKeys.map((key) => categoriesFromTrajectories((byProblem.get(key) ?? []).map(turnsOf)));
    const {estimates} = passNAtKMultiTurn(categories, grid, {resamples: SHUFFLES, seed: 11, bootstrapResamples: 2000});
    for (const e of estimates) {
      perProblem.set(`${model}|${strategy}|${e.n}@${e.k}`, e.perProblem);
      rows.push({model, strategy, n: e.n, k: e.k, mean: round(e.mean), lo: round(e.lo), hi: round(e.hi)});
    }
  }
  return {rows, perProblem};
}

function strategyLabel(strategy: string): {family: string; feedback: string | null; maxTurns: number} {
  const parts = strategy.split("/");
  if (parts[0] === "single") return {family: "single-turn", feedback: null, maxTurns: 1};
  return {family: parts[0] === "cot-retry" ? "CoT-retry" : "multi-turn", feedback: parts[1], maxTurns: Number(parts[2])};
}

function unsupported(run: FigureRun): string[] {
  return (run.record.nk ?? []).filter(([, k]) => k > run.record.samples).map(([n, k]) => `${n}@${k}`);
}

export async function multiVsSingleTable(profile?: string) {
  const run = await figureRun("multi-vs-single", profile);
  const grid = supportedGrid(run);
  const {rows, perProblem} = estimateCells(run, grid);
  const differences = [];
  for (const model of run.record.models) {
    const single = run.record.strategies.find((s) => s.startsWith("single/"));
    const multi = run.record.strategies.find((s) => s.startsWith("multi/"));
    if (!single || !multi) continue;
    for (const [n, k] of grid) {
      const d = pairedDifference(perProblem.get(`${model.name}|${multi}|${n}@${k}`)!, perProblem.get(`${model.name}|${single}|${n}@${k}`)!, {resamples: 2000, seed: 3});
      differences.push({model: model.label, n, k, difference: round(d.mean), lo: round(d.lo), hi: round(d.hi)});
    }
  }
  return {
    provenance: provenanceOf(run, "Multi-turn vs single-turn at equal sample budget"),
    grid: grid.map(([n, k]) => `${n}@${k}`),
    unsupported: unsupported(run),
    rows: rows.map((r) => ({...r, ...strategyLabel(r.strategy), budget: `${r.n}@${r.k}`})),
    differences,
    paper: paperRows((r) => r.source.startsWith("Qualitative multi-turn") || r.source.startsWith("Figure: scaling max number of turns"))
  };
}

/** Similarity of consecutive programs per trajectory, binned for the page (values are many; bins are few). */
function similarityBins(trajectories: TrajectoryRecord[]): {bins: Array<{bin: number; count: number}>; values: number; mean: number | null} {
  const counts = new Array(20).fill(0);
  let total = 0;
  let sum = 0;
  for (const t of trajectories) {
    const programs = t.turns.map((turn) => turn.code).filter((c): c is string => c !== null);
    for (const s of consecutiveSimilarities(programs)) {
      counts[Math.min(19, Math.floor(s * 20))]++;
      total++;
      sum += s;
    }
  }
  return {bins: counts.map((count, i) => ({bin: round(i / 20, 2)!, count})), values: total, mean: total ? round(sum / total) : null};
}

export async function feedbackGranularityTable(profile?: string) {
  const run = await figureRun("feedback-granularity", profile);
  const {rows} = estimateCells(run, supportedGrid(run));
  const diversity = [];
  for (const [id, cell] of groupBy(run.trajectories, (t) => `${t.model}|${t.strategyId}`)) {
    const [model, strategy] = id.split("|");
    const {bins, values, mean} = similarityBins(cell);
    const distinct = [...groupBy(cell, (t) => t.problemKey).values()].map((list) =>
      distinctProgramRate(list.flatMap((t) => t.turns.map((turn) => turn.code).filter((c): c is string => c !== null))) ?? 0
    );
    const nonCode = cell.flatMap((t) => t.turns.filter((turn) => turn.totalChars > 0).map((turn) => turn.nonCodeChars / turn.totalChars));
    diversity.push({
      model,
      feedback: strategyLabel(strategy).feedback,
      similarityBins: bins,
      similarityValues: values,
      similarityMean: mean,
      distinctRate: round(bootstrapMean(Float64Array.from(distinct), {resamples: 1000, seed: 5}).mean),
      nonCodeFraction: nonCode.length ? round(nonCode.reduce((a, b) => a + b, 0) / nonCode.length) : null,
      meanTurns: round(cell.reduce((n, t) => n + t.turns.length, 0) / cell.length, 3)
    });
  }
  return {
    provenance: provenanceOf(run, "Execution feedback granularity"),
    grid: supportedGrid(run).map(([n, k]) => `${n}@${k}`),
    unsupported: unsupported(run),
    rows: rows.map((r) => ({...r, ...strategyLabel(r.strategy), budget: `${r.n}@${r.k}`})),
    diversity,
    paper: paperRows((r) => r.source.startsWith("Table: execution-feedback granularity"))
  };
}

export async function cotRetryTable(profile?: string) {
  const run = await figureRun("cot-retry", profile);
  const {rows} = estimateCells(run, supportedGrid(run));
  return {
    provenance: provenanceOf(run, "CoT-retry vs plain multi-turn by maximum turns"),
    grid: supportedGrid(run).map(([n, k]) => `${n}@${k}`),
    unsupported: unsupported(run),
    rows: rows.map((r) => ({...r, ...strategyLabel(r.strategy), budget: `${r.n}@${r.k}`})),
    paper: paperRows((r) => r.source.startsWith("Figure: scaling max number of turns") || r.setting.toLowerCase().includes("cot-retry"))
  };
}
