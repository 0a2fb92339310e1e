// Reference (the JS path figures used before they aggregated in DuckDB), kept to check the SQL path's output.
// Figure 1 (single-turn grid) and the CoT-by-size/difficulty figure: pass@k per strategy, best combos, gains.
import {bootstrapMean, pairedDifference, passAtK} from "../../../loaders/metrics/index.ts";
import type {TrajectoryRecord} from "../../../loaders/trajectories/trajectory.ts";
import {groupBy, paperRows, provenanceOf, round} from "./common.ts";
import {figureRun, type FigureRun} from "./runs.ts";

const BOOTSTRAP = {resamples: 2000, seed: 7};

/** Per problem (in run order): pass@k of one (model, strategy) cell. */
export function perProblemPassAtK(run: FigureRun, cell: TrajectoryRecord[], k: number): Float64Array {
  const byProblem = groupBy(cell, (t) => t.problemKey);
  return Float64Array.from(run.record.problemKeys, (key) => {
    const list = byProblem.get(key) ?? [];
    return passAtK(list.length, list.filter((t) => t.final.allPassed).length, k);
  });
}

function budgets(run: FigureRun): number[] {
  return (run.record.k ?? [1, 10, 100]).filter((k) => k <= run.record.samples);
}

function parseSingle(strategy: string): {reasoning: string; instruction: string} {
  const [reasoning, instruction] = strategy.replace(/^single\//, "").split("+");
  return {reasoning, instruction};
}

export interface GridCell {
  model: string;
  strategy: string;
  reasoning: string;
  instruction: string;
  k: number;
  value: number | null;
  lo: number | null;
  hi: number | null;
}

function gridCells(run: FigureRun): {cells: GridCell[]; perProblem: Map<string, Float64Array>} {
  const cells: GridCell[] = [];
  const perProblem = new Map<string, Float64Array>();
  const byCell = groupBy(run.trajectories, (t) => `${t.model}|${t.strategyId}`);
  for (const [id, cell] of byCell) {
    const [model, strategy] = id.split("|");
    for (const k of budgets(run)) {
      const values = perProblemPassAtK(run, cell, k);
      perProblem.set(`${model}|${strategy}|${k}`, values);
      const ci = bootstrapMean(values, BOOTSTRAP);
      cells.push({model, strategy, ...parseSingle(strategy), k, value: round(ci.mean), lo: round(ci.lo), hi: round(ci.hi)});
    }
  }
  return {cells, perProblem};
}

export async function singleTurnGridTable(profile?: string) {
  const run = await figureRun("single-turn-grid", profile);
  const {cells, perProblem} = gridCells(run);
  const best = [];
  for (const [model, modelCells] of groupBy(cells, (c) => c.model)) {
    for (const k of budgets(run)) {
      const ranked = modelCells.filter((c) => c.k === k && c.strategy !== "single/none+none").sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
      const baseline = perProblem.get(`${model}|single/none+none|${k}`)!;
      for (const cell of ranked.slice(0, 5)) {
        const gain = pairedDifference(perProblem.get(`${model}|${cell.strategy}|${k}`)!, baseline, BOOTSTRAP);
        best.push({...cell, gain: round(gain.mean), gainLo: round(gain.lo), gainHi: round(gain.hi)});
      }
    }
  }
  return {
    provenance: provenanceOf(run, "Single-turn grid: reasoning × instruction prompts"),
    k: budgets(run),
    cells,
    best,
    paper: paperRows((r) => r.source.startsWith("Single-turn CoT gains"))
  };
}

export async function cotSizeDifficultyTable(profile?: string) {
  const run = await figureRun("cot-size-difficulty", profile);
  const {cells} = gridCells(run);
  const ks = budgets(run);
  const kMax = ks[ks.length - 1];
  const rows = [];
  const difficulties = new Map<string, {label: string; order: number; keys: string[]}>();
  for (const key of run.record.problemKeys) {
    const d = run.problems.get(key)!.difficulty;
    const entry = difficulties.get(d.label) ?? {label: d.label, order: d.order, keys: []};
    entry.keys.push(key);
    difficulties.set(d.label, entry);
  }
  for (const model of run.record.models) {
    const ranked = cells.filter((c) => c.model === model.name && c.k === kMax && c.strategy !== "single/none+none").sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
    const bestStrategy = ranked[0]?.strategy;
    if (!bestStrategy) continue;
    const mine = run.trajectories.filter((t) => t.model === model.name);
    for (const difficulty of [...difficulties.values()].sort((a, b) => a.order - b.order)) {
      const subset: FigureRun = {...run, record: {...run.record, problemKeys: difficulty.keys}};
      for (const k of ks) {
        const best = perProblemPassAtK(subset, mine.filter((t) => t.strategyId === bestStrategy), k);
        const base = perProblemPassAtK(subset, mine.filter((t) => t.strategyId === "single/none+none"), k);
        const gain = pairedDifference(best, base, BOOTSTRAP);
        const bestMean = bootstrapMean(best, BOOTSTRAP);
        const baseMean = bootstrapMean(base, BOOTSTRAP);
        rows.push({
          model: model.label,
          sizeB: model.sizeB,
          nullBaseline: model.nullBaseline,
          difficulty: difficulty.label,
          order: difficulty.order,
          problems: difficulty.keys.length,
          k,
          bestStrategy,
          best: round(bestMean.mean),
          baseline: round(baseMean.mean),
          gain: round(gain.mean),
          lo: round(gain.lo),
          hi: round(gain.hi)
        });
      }
    }
  }
  return {
    provenance: provenanceOf(run, "CoT gains by model size and problem difficulty"),
    k: ks,
    rows,
    paper: paperRows((r) => r.source.startsWith("Single-turn CoT gains") || r.source.startsWith("TACO by difficulty"))
  };
}
