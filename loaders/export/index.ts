// Results out for analysis: one run's trajectories, turns, executions or metric cells as CSV, Parquet or JSONL (DuckDB COPY).
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {estimateCells, type CategoryRow} from "../metrics/index.ts";
import {queryStore, sqlString, type StoreQuery} from "../store/index.ts";
import type {RunRecord} from "../trajectories/run.ts";
import {runCategoriesSql, runExecutionsSql, runTrajectoriesSql, runTurnsSql} from "../trajectories/runQuery.ts";

export const EXPORT_WHAT = ["trajectories", "turns", "executions", "metrics"] as const;
export const EXPORT_FORMATS = ["csv", "parquet", "jsonl"] as const;
export type ExportWhat = (typeof EXPORT_WHAT)[number];
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ExportError extends Error {
  override name = "ExportError";
}

/** The latest run of an experiment profile in the store (what its figure shows), or null. */
export async function latestRun(query: StoreQuery, experiment: string, profile: string): Promise<{runKey: string; record: RunRecord} | null> {
  if (!query.kinds.includes("run_latest") || !query.kinds.includes("run")) return null;
  const rows = await query.all<{key: string; data: string | object}>(
    `SELECT json_extract_string(l.data, '$.runKey') AS key, r.data FROM run_latest l JOIN run r ON r.key = json_extract_string(l.data, '$.runKey')
     WHERE json_extract_string(l.data, '$.experiment') = ${sqlString(experiment)} AND json_extract_string(l.data, '$.profile') = ${sqlString(profile)}
     ORDER BY json_extract_string(l.data, '$.at') DESC, l.ts DESC LIMIT 1`
  );
  if (!rows.length) return null;
  const data = rows[0]!.data;
  return {runKey: rows[0]!.key, record: (typeof data === "string" ? JSON.parse(data) : data) as RunRecord};
}

export interface ExportOptions {
  storeDir: string;
  experiment: string;
  profile: string;
  what: ExportWhat;
  format: ExportFormat;
  out: string;
  /** The strategy metric rows are compared with (default: the run's first strategy). */
  baseline?: string | null;
}

/** Writes the export; rows stream from DuckDB to the file (metric cells, a few per model and strategy, go via a temp file). */
export async function exportRun(options: ExportOptions): Promise<{runKey: string; rows: number}> {
  const query = await queryStore(options.storeDir);
  const temp = mkdtempSync(join(tmpdir(), "reprompt-export-"));
  try {
    const run = await latestRun(query, options.experiment, options.profile);
    if (!run) throw new ExportError(`no run of ${options.experiment} under profile ${options.profile} in the store ${options.storeDir}; run it first: npx reprompt run ${options.experiment} --profile ${options.profile}`);
    const record = run.record;
    let sql: string;
    const order = "ORDER BY model, strategy, problem_id, sample";
    if (options.what === "trajectories") sql = `${runTrajectoriesSql(record)} ${order}`;
    else if (options.what === "turns") sql = `${runTurnsSql(record)} ${order}, turn`;
    else if (options.what === "executions") sql = `${runExecutionsSql(record)} ${order}, turn, phase DESC`;
    else {
      const cells = estimateCells(await query.all<CategoryRow>(runCategoriesSql(record)), {
        problemKeys: record.problemKeys,
        k: record.k,
        nk: record.nk,
        samples: record.samples,
        baseline: options.baseline ?? record.strategies[0] ?? null
      });
      const file = join(temp, "metrics.jsonl");
      writeFileSync(
        file,
        cells
          .map((c) =>
            JSON.stringify({
              model: c.model, strategy: c.strategy, metric: c.metric, n: c.n, k: c.k, budget: c.budget,
              estimate: c.mean, lo: c.lo, hi: c.hi,
              baseline: c.difference?.baseline ?? null, difference: c.difference?.mean ?? null,
              difference_lo: c.difference?.lo ?? null, difference_hi: c.difference?.hi ?? null,
              problems: record.problemKeys.length, samples: record.samples
            })
          )
          .join("\n") + "\n"
      );
      sql = `SELECT * FROM read_json(${sqlString(file)}, format='newline_delimited', columns={model: 'VARCHAR', strategy: 'VARCHAR', metric: 'VARCHAR', n: 'INTEGER', k: 'INTEGER', budget: 'VARCHAR', estimate: 'DOUBLE', lo: 'DOUBLE', hi: 'DOUBLE', baseline: 'VARCHAR', difference: 'DOUBLE', difference_lo: 'DOUBLE', difference_hi: 'DOUBLE', problems: 'INTEGER', samples: 'INTEGER'})`;
      sql += cells.length === 0 ? " WHERE false" : " ORDER BY model, strategy, metric, k, n";
    }
    const rows = await query.copyTo(sql, options.out, options.format);
    return {runKey: run.runKey, rows};
  } finally {
    query.close();
    rmSync(temp, {recursive: true, force: true});
  }
}
