// What figures need from a run's trajectories, aggregated in DuckDB: per (model, strategy, problem) counts.
import type {ProblemCategories} from "../metrics/index.ts";
import type {FigureRun} from "./runs.ts";

/** One (model, strategy) cell's per-problem values; cells come in the run's plan order (first trajectory first). */
export interface Cell<T> {
  model: string;
  strategy: string;
  byProblem: Map<string, T>;
}

export interface SampleCount {
  /** Trajectories of the problem in the cell. */
  samples: number;
  /** Of them, those whose final program passed all tests. */
  correct: number;
}

interface Row {
  model: string;
  strategy: string;
  problem_key: string;
  first: number;
}

function cellsOf<R extends Row, T>(rows: R[], add: (cell: Map<string, T>, row: R) => void): Array<Cell<T>> {
  const cells = new Map<string, Cell<T> & {first: number}>();
  for (const row of rows) {
    const id = JSON.stringify([row.model, row.strategy]);
    let cell = cells.get(id);
    if (!cell) cells.set(id, (cell = {model: row.model, strategy: row.strategy, byProblem: new Map(), first: row.first}));
    cell.first = Math.min(cell.first, row.first);
    add(cell.byProblem, row);
  }
  return [...cells.values()].sort((a, b) => a.first - b.first).map(({model, strategy, byProblem}) => ({model, strategy, byProblem}));
}

/** pass@k inputs: per cell and problem, how many trajectories and how many passed all tests. */
export async function sampleCounts(run: FigureRun): Promise<Array<Cell<SampleCount>>> {
  const rows = await run.query.all<Row & {samples: number; correct: number}>(`
    SELECT model, strategy, problem_key, count(*)::INTEGER AS samples, count_if(all_passed)::INTEGER AS correct, min(ord)::INTEGER AS first
    FROM rt GROUP BY model, strategy, problem_key ORDER BY first`);
  return cellsOf<Row & SampleCount, SampleCount>(rows, (cell, r) => cell.set(r.problem_key, {samples: r.samples, correct: r.correct}));
}

/**
 * pass n@k inputs: per cell and problem, the counts per (cost in turns, final class) that categories.ts
 * defines — the class computed in SQL the way `classifyFinalTurn` does (not public-passing: 0; public and
 * all: 2; public only: 1), so no trajectory is ever a JS object.
 */
export async function categoryCounts(run: FigureRun): Promise<Array<Cell<ProblemCategories>>> {
  const rows = await run.query.all<Row & {cost: number; cls: number; count: number}>(`
      SELECT model, strategy, problem_key, cost,
             (CASE WHEN NOT last_public THEN 0 WHEN all_passed THEN 2 ELSE 1 END)::INTEGER AS cls,
             count(*)::INTEGER AS count, min(ord)::INTEGER AS first
      FROM rt GROUP BY ALL ORDER BY first`);
  const bad = rows.find((r) => !(Number.isInteger(r.cost) && r.cost >= 1));
  if (bad) throw new RangeError(`a trajectory needs at least one turn (model ${bad.model}, strategy ${bad.strategy}, problem ${bad.problem_key})`);
  const maxCost = new Map<string, number>();
  for (const r of rows) {
    const id = JSON.stringify([r.model, r.strategy, r.problem_key]);
    maxCost.set(id, Math.max(maxCost.get(id) ?? 1, r.cost));
  }
  return cellsOf<(typeof rows)[number], ProblemCategories>(rows, (cell, r) => {
    let problem = cell.get(r.problem_key);
    if (!problem) cell.set(r.problem_key, (problem = {counts: new Int32Array(maxCost.get(JSON.stringify([r.model, r.strategy, r.problem_key]))! * 3)}));
    problem.counts[(r.cost - 1) * 3 + r.cls] += r.count;
  });
}

/** A problem with no trajectories in the cell: what the estimators see for it (they reject it as before). */
export const NO_CATEGORIES: ProblemCategories = {counts: new Int32Array(3)};

/** What diversity measures read of one trajectory's turns (programs and reply lengths, no prompts). */
export interface TurnsRow {
  model: string;
  strategy: string;
  problem_key: string;
  /** Per turn: the extracted program (null when the reply had none), and reply characters outside code / in total. */
  codes: Array<string | null>;
  non_code: number[];
  total: number[];
}

/** Trajectories per page read back from DuckDB: bounded memory whatever the run's size. */
const PAGE = 5000;

/**
 * Visits the run's trajectories in plan order, a page at a time. Their programs are copied once into a
 * temporary table (DuckDB spills it to a temporary directory past its memory limit), then read by `ord`
 * ranges, which DuckDB's row-group statistics answer without scanning the rest.
 */
export async function forEachTurns(run: FigureRun, visit: (row: TurnsRow) => void): Promise<void> {
  await run.query.all(`
    CREATE OR REPLACE TEMP TABLE rt_turns AS
    SELECT rt.ord, rt.model, rt.strategy, rt.problem_key,
           json_extract_string(t.data, '$.turns[*].code') AS codes,
           json_extract(t.data, '$.turns[*].nonCodeChars')::INTEGER[] AS non_code,
           json_extract(t.data, '$.turns[*].totalChars')::INTEGER[] AS total
    FROM rt JOIN trajectory t ON t.key = rt.key
    ORDER BY rt.ord`);
  try {
    const [{n}] = await run.query.all<{n: number}>(`SELECT count(*)::INTEGER AS n FROM rt_turns`);
    for (let from = 0; from < n; from += PAGE) {
      const rows = await run.query.all<TurnsRow>(`SELECT model, strategy, problem_key, codes, non_code, total FROM rt_turns WHERE ord >= ${from} AND ord < ${from + PAGE} ORDER BY ord`);
      for (const row of rows) visit(row);
    }
  } finally {
    await run.query.all(`DROP TABLE IF EXISTS rt_turns`);
  }
}
