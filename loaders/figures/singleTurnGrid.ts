// Figure 1 (single-turn grid) and the CoT-by-size/difficulty figure: pass@k per strategy, best combos, gains.
import {bootstrapMean, pairedDifference, passAtK} from "../metrics/index.ts";
import {sampleCounts, type Cell, type SampleCount} from "./aggregate.ts";
import {groupBy, paperRows, provenanceOf, round} from "./common.ts";
import {withFigureRun, type FigureRun} from "./runs.ts";

const BOOTSTRAP = {resamples: 2000, seed: 7};

/** Per problem (in the order of `problemKeys`): pass@k of one (model, strategy) cell. */
export function perProblemPassAtK(problemKeys: readonly string[], byProblem: Map<string, SampleCount>, k: number): Float64Array {
  return Float64Array.from(problemKeys, (key) => {
    const counts = byProblem.get(key) ?? {samples: 0, correct: 0};
    return passAtK(counts.samples, counts.correct, k);
  });
}

function budgets(run: Pick<FigureRun, "record">): number[] {
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

function gridCells(run: FigureRun, counts: Array<Cell<SampleCount>>): {cells: GridCell[]; perProblem: Map<string, Float64Array>} {
  const cells: GridCell[] = [];
  const perProblem = new Map<string, Float64Array>();
  for (const {model, strategy, byProblem} of counts) {
    for (const k of budgets(run)) {
      const values = perProblemPassAtK(run.record.problemKeys, byProblem, k);
      perProblem.set(`${model}|${strategy}|${k}`, values);
      const ci = bootstrapMean(values, BOOTSTRAP);
      cells.push({model, strategy, ...parseSingle(strategy), k, value: round(ci.mean), lo: round(ci.lo), hi: round(ci.hi)});
    }
  }
  return {cells, perProblem};
}

export function singleTurnGridTable(profile?: string) {
  return withFigureRun("single-turn-grid", profile, async (run) => singleTurnGridOf(run, await sampleCounts(run)));
}

/** The single-turn grid from a run's per-problem counts (exported for the figures bench). */
export function singleTurnGridOf(run: FigureRun, counts: Array<Cell<SampleCount>>) {
  const {cells, perProblem} = gridCells(run, counts);
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

export function cotSizeDifficultyTable(profile?: string) {
  return withFigureRun("cot-size-difficulty", profile, async (run) => cotSizeDifficultyOf(run, await sampleCounts(run)));
}

function cotSizeDifficultyOf(run: FigureRun, counts: Array<Cell<SampleCount>>) {
  const {cells} = gridCells(run, counts);
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
    const cellOf = (strategy: string) => counts.find((c) => c.model === model.name && c.strategy === strategy)?.byProblem ?? new Map<string, SampleCount>();
    for (const difficulty of [...difficulties.values()].sort((a, b) => a.order - b.order)) {
      for (const k of ks) {
        const best = perProblemPassAtK(difficulty.keys, cellOf(bestStrategy), k);
        const base = perProblemPassAtK(difficulty.keys, cellOf("single/none+none"), k);
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
