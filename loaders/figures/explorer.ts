// Figure 7b, the trajectory explorer: a few trajectories per problem and strategy, every turn's prompt, reply,
// code, verdict and feedback, as one zstd Parquet table (text compresses well; pages stay small).
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {DuckDBInstance} from "@duckdb/node-api";
import {openDefaultStore, sqlString} from "../store/index.ts";
import type {RequestRecord} from "../trajectories/completions.ts";
import {loadExperiment} from "../trajectories/experiment.ts";
import type {TrajectoryRecord} from "../trajectories/trajectory.ts";
import {siteProfile, withFigureRun, type FigureRun} from "./runs.ts";

const PER_CELL = 2;
const EXPLORER_COLUMNS = ["experiment", "model", "strategy", "problem", "problem_name", "difficulty", "prompt", "reply", "code", "verdict", "feedback"];
const MAX_TEXT = 6000;

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}\n…[${text.length - MAX_TEXT} more characters]` : text;
}

export async function explorerParquet(experiments = ["feedback-granularity", "cot-retry"], profile = siteProfile()): Promise<Buffer> {
  return rowsToParquet(await explorerRows(experiments, profile));
}

/** The first PER_CELL trajectories (plan order) of each (model, strategy, problem), chosen in SQL. */
async function shownKeys(run: FigureRun): Promise<string[]> {
  const rows = await run.query.all<{key: string}>(`
    SELECT key FROM (
      SELECT key, ord, row_number() OVER w AS nth, min(ord) OVER w2 AS group_first FROM rt
      WINDOW w AS (PARTITION BY model, strategy, problem_key ORDER BY ord), w2 AS (PARTITION BY model, strategy, problem_key)
    ) WHERE nth <= ${PER_CELL} ORDER BY group_first, ord`);
  return rows.map((r) => r.key);
}

export async function explorerRows(experiments = ["feedback-granularity", "cot-retry"], profile = siteProfile()) {
  const rows: Array<Record<string, string | number | boolean | null>> = [];
  const runs = [];
  // An experiment without this profile has no trajectories here; the page says which (calibration.json's `explorer`).
  for (const name of experiments) {
    if (!(await loadExperiment(name)).profiles[profile]) continue;
    runs.push(await withFigureRun(name, profile, async (run) => ({name, problems: run.problems, keys: await shownKeys(run)})));
  }
  // Opened after the runs, so it sees every request they stored.
  const store = openDefaultStore();
  try {
    for (const {name, problems, keys} of runs) {
      for (const key of keys) {
        const t = store.get<TrajectoryRecord>("trajectory", key)!;
        const problem = problems.get(t.problemKey)!;
        t.turns.forEach((turn, i) => {
          const calls = turn.requestKeys.map((key) => store.get<RequestRecord>("request", key)!);
          rows.push({
            experiment: name,
            model: t.model,
            strategy: t.strategyId,
            problem: problem.id,
            problem_name: problem.name ?? problem.id,
            difficulty: problem.difficulty.label,
            trajectory: t.index,
            turn: turn.turn,
            turns: t.turns.length,
            prompt: cut(calls.map((c) => c.messages[c.messages.length - 1].content).join("\n\n— next call —\n\n")),
            reply: cut(calls.map((c) => c.completion.text).join("\n\n— next call —\n\n")),
            code: turn.code === null ? null : cut(turn.code),
            verdict: turn.public.verdict,
            public_passed: turn.public.passed,
            feedback: turn.feedback ? cut(turn.feedback.text) : null,
            final_all_passed: i === t.turns.length - 1 ? t.final.allPassed : null,
            hidden_verdict: i === t.turns.length - 1 ? t.final.hiddenVerdict : null
          });
        });
      }
    }
  } finally {
    store.close();
  }
  return rows;
}

/** Writes rows (JSON-typed) to a zstd Parquet file through DuckDB and returns its bytes. */
export async function rowsToParquet(rows: Array<Record<string, unknown>>, emptyColumns: readonly string[] = EXPLORER_COLUMNS): Promise<Buffer> {
  // No rows: the table still has its columns (all text), so the page reads it and says there is nothing.
  const empty = rows.length === 0;
  if (empty) rows = [Object.fromEntries(emptyColumns.map((c) => [c, ""]))];
  const dir = mkdtempSync(join(tmpdir(), "reprompt-rows-"));
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const json = join(dir, "rows.json");
    const out = join(dir, "rows.parquet");
    writeFileSync(json, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    await connection.run(`CREATE TABLE rows AS SELECT * FROM read_json(${sqlString(json)}, format='newline_delimited')`);
    // Whole numbers arrive as BIGINT, which the browser's Arrow reads as BigInt (Plot and tables choke on it).
    const columns = (await connection.runAndReadAll("DESCRIBE rows")).getRowObjectsJson() as Array<{column_name: string; column_type: string}>;
    const select = columns.map((c) => (c.column_type === "BIGINT" ? `"${c.column_name}"::INTEGER AS "${c.column_name}"` : `"${c.column_name}"`)).join(", ");
    await connection.run(`COPY (SELECT ${select} FROM rows${empty ? " WHERE false" : ""}) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`);
    return readFileSync(out);
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, {recursive: true, force: true});
  }
}
