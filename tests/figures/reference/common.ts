// Reference (the JS path figures used before they aggregated in DuckDB), kept to check the SQL path's output.
// What every figure table carries: provenance, the paper's numbers for it, and grouping helpers.
import {readPaperReference, type PaperNumber} from "../../../loaders/figures/paperReference.ts";
import type {FigureRun} from "./runs.ts";
export {turnsOf} from "../../../loaders/trajectories/trajectory.ts";

export interface Provenance {
  experiment: string;
  title: string;
  profile: string;
  dataset: string;
  problems: number;
  models: Array<{name: string; label: string; description: string; nullBaseline: boolean; sizeB: number | null}>;
  samples: number;
  strategies: number;
  trajectories: number;
  engine: string;
  sandbox: string;
  finishedAt: string;
  runKey: string;
}

export function provenanceOf(run: FigureRun, title: string): Provenance {
  const r = run.record;
  return {
    experiment: r.experiment,
    title,
    profile: r.profile,
    dataset: r.dataset,
    problems: r.problemKeys.length,
    models: r.models.map((m) => ({name: m.name, label: m.label, description: m.description, nullBaseline: m.nullBaseline, sizeB: m.sizeB})),
    samples: r.samples,
    strategies: r.strategies.length,
    trajectories: r.trajectories,
    engine: `${r.engine.trajectory} / ${r.engine.execution}`,
    sandbox: r.sandbox,
    finishedAt: r.finishedAt,
    runKey: run.runKey
  };
}

/** The paper's rows whose `source` matches, for the page to show beside ours with their evidence status. */
export function paperRows(match: (row: PaperNumber) => boolean): PaperNumber[] {
  return readPaperReference().filter(match);
}

/** Groups trajectories by a key, keeping first-seen order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Rounds for JSON sent to pages (they stay small and diffs stay readable). */
export function round(value: number | null, digits = 4): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.round(value * 10 ** digits) / 10 ** digits;
}
