// Per-cell diversity of a run's programs (edit similarity, distinct rate, prose share), streamed page by page.
import {createHash} from "node:crypto";
import {consecutiveSimilarities, normaliseProgram} from "../metrics/index.ts";
import {forEachTurns, type TurnsRow} from "./aggregate.ts";
import {round} from "./common.ts";
import type {FigureRun} from "./runs.ts";

const BINS = 20;

export interface CellDiversity {
  model: string;
  strategy: string;
  /** Similarity of consecutive programs per trajectory, binned (values are many; bins are few). */
  similarity: {bins: Array<{bin: number; count: number}>; values: number; mean: number | null};
  /** Per problem in plan order: distinct normalised programs / programs (0 when it had none). */
  distinct: number[];
  /** Reply turns with text: sum of their non-code fractions (in plan order, as the mean always was) and count. */
  nonCode: {sum: number; count: number};
  turns: number;
  trajectories: number;
}

interface Accumulator extends Omit<CellDiversity, "similarity"> {
  bins: number[];
  simSum: number;
  simCount: number;
  /** The problem being read: the plan lists a cell's trajectories problem by problem. */
  problem: string | null;
  programs: Set<string>;
  programCount: number;
  seen: Set<string>;
}

/**
 * One pass over the run's trajectories in plan order. Memory is per cell and per current problem (a set of
 * program hashes), not per trajectory: the plan keeps a cell's trajectories of one problem together, and
 * a problem met again after another one is an error rather than a silently different distinct rate.
 */
export async function cellDiversity(run: FigureRun): Promise<CellDiversity[]> {
  const cells = new Map<string, Accumulator>();
  await forEachTurns(run, (row) => addTrajectory(cells, row));
  return [...cells.values()].map((c) => {
    closeProblem(c);
    return {
      model: c.model,
      strategy: c.strategy,
      similarity: {bins: c.bins.map((count, i) => ({bin: round(i / BINS, 2)!, count})), values: c.simCount, mean: c.simCount ? round(c.simSum / c.simCount) : null},
      distinct: c.distinct,
      nonCode: c.nonCode,
      turns: c.turns,
      trajectories: c.trajectories
    };
  });
}

function addTrajectory(cells: Map<string, Accumulator>, row: TurnsRow): void {
  const id = JSON.stringify([row.model, row.strategy]);
  let c = cells.get(id);
  if (!c) {
    c = {model: row.model, strategy: row.strategy, distinct: [], nonCode: {sum: 0, count: 0}, turns: 0, trajectories: 0, bins: new Array(BINS).fill(0), simSum: 0, simCount: 0, problem: null, programs: new Set(), programCount: 0, seen: new Set()};
    cells.set(id, c);
  }
  if (row.problem_key !== c.problem) {
    closeProblem(c);
    if (c.seen.has(row.problem_key)) throw new Error(`diversity: trajectories of problem ${row.problem_key} (${row.model}, ${row.strategy}) are not contiguous in the run's plan`);
    c.seen.add(row.problem_key);
    c.problem = row.problem_key;
  }
  const programs = row.codes.filter((code): code is string => code !== null);
  for (const s of consecutiveSimilarities(programs)) {
    c.bins[Math.min(BINS - 1, Math.floor(s * BINS))]++;
    c.simCount++;
    c.simSum += s;
  }
  for (const code of programs) c.programs.add(createHash("sha256").update(normaliseProgram(code)).digest("base64"));
  c.programCount += programs.length;
  row.total.forEach((total, i) => {
    if (total > 0) {
      c.nonCode.sum += row.non_code[i]! / total;
      c.nonCode.count++;
    }
  });
  c.turns += row.codes.length;
  c.trajectories++;
}

function closeProblem(c: Accumulator): void {
  if (c.problem === null) return;
  c.distinct.push(c.programCount === 0 ? 0 : c.programs.size / c.programCount);
  c.problem = null;
  c.programs = new Set();
  c.programCount = 0;
}
