// Figures 3–5: pass n@k at equal program budget (multi vs single turn, feedback kinds, CoT-retry by max turns).
import {bootstrapMean, pairedDifference, passNAtKMultiTurn} from "../metrics/index.ts";
import {categoryCounts, NO_CATEGORIES} from "./aggregate.ts";
import {cellDiversity} from "./diversity.ts";
import {paperRows, provenanceOf, round} from "./common.ts";
import {withFigureRun, type FigureRun} from "./runs.ts";

/** Monte Carlo shuffles per problem (the study: 10,000). */
export const SHUFFLES = 10_000;

function supportedGrid(run: Pick<FigureRun, "record">): Array<[number, number]> {
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

/** pass n@k per cell; the estimators get per-problem category counts aggregated in DuckDB (aggregate.ts). */
export async function estimateCells(run: FigureRun, grid: Array<[number, number]>): Promise<{rows: CellEstimate[]; perProblem: Map<string, Float64Array>}> {
  const rows: CellEstimate[] = [];
  const perProblem = new Map<string, Float64Array>();
  if (!grid.length) return {rows, perProblem};
  for (const {model, strategy, byProblem} of await categoryCounts(run)) {
    const categories = run.record.problemKeys.map((key) => byProblem.get(key) ?? NO_CATEGORIES);
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

function unsupported(run: Pick<FigureRun, "record">): string[] {
  return (run.record.nk ?? []).filter(([, k]) => k > run.record.samples).map(([n, k]) => `${n}@${k}`);
}

export function multiVsSingleTable(profile?: string) {
  return withFigureRun("multi-vs-single", profile, multiVsSingleOf);
}

/** The multi- vs single-turn table of a run (exported for the figures bench). */
export async function multiVsSingleOf(run: FigureRun) {
  const grid = supportedGrid(run);
  const {rows, perProblem} = await estimateCells(run, grid);
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

export function feedbackGranularityTable(profile?: string) {
  return withFigureRun("feedback-granularity", profile, feedbackGranularityOf);
}

async function feedbackGranularityOf(run: FigureRun) {
  const {rows} = await estimateCells(run, supportedGrid(run));
  const diversity = [];
  for (const cell of await cellDiversity(run)) {
    const {bins, values, mean} = cell.similarity;
    diversity.push({
      model: cell.model,
      feedback: strategyLabel(cell.strategy).feedback,
      similarityBins: bins,
      similarityValues: values,
      similarityMean: mean,
      distinctRate: round(bootstrapMean(Float64Array.from(cell.distinct), {resamples: 1000, seed: 5}).mean),
      nonCodeFraction: cell.nonCode.count ? round(cell.nonCode.sum / cell.nonCode.count) : null,
      meanTurns: round(cell.turns / cell.trajectories, 3)
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

export function cotRetryTable(profile?: string) {
  return withFigureRun("cot-retry", profile, cotRetryOf);
}

async function cotRetryOf(run: FigureRun) {
  const {rows} = await estimateCells(run, supportedGrid(run));
  return {
    provenance: provenanceOf(run, "CoT-retry vs plain multi-turn by maximum turns"),
    grid: supportedGrid(run).map(([n, k]) => `${n}@${k}`),
    unsupported: unsupported(run),
    rows: rows.map((r) => ({...r, ...strategyLabel(r.strategy), budget: `${r.n}@${r.k}`})),
    paper: paperRows((r) => r.source.startsWith("Figure: scaling max number of turns") || r.setting.toLowerCase().includes("cot-retry"))
  };
}
