// A figure's data starts here: run (or resume) its experiment, then expose the run's trajectories to SQL.
import {closeSync, mkdtempSync, openSync, rmSync, writeSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {loadExperiment} from "../trajectories/experiment.ts";
import {runExperiment, type RunRecord} from "../trajectories/run.ts";
import {openDefaultStore, queryStore, sqlString, type StoreQuery} from "../store/index.ts";
import type {Problem, StoredProblem} from "../datasets/index.ts";
import {loadConfig} from "../config/index.ts";
import {publishedModels} from "./publish.ts";

/** Which profile the site is built from: `demo` (offline, human baseline) unless REPROMPT_PROFILE says otherwise. */
export function siteProfile(env: NodeJS.ProcessEnv = process.env): string {
  return env.REPROMPT_PROFILE || "demo";
}

/**
 * One run as figures read it. Its trajectories are never JS objects: `query` holds table `rt` (one row per
 * trajectory of the run: ord = plan position, model, strategy, problem_key, idx, cost = turns, last_public,
 * all_passed, key) next to the store's views, and figures aggregate over it in SQL (aggregate.ts).
 */
export interface FigureRun {
  runKey: string;
  record: RunRecord;
  /** The run's problems by store key (a few hundred at most: one per problem, not per trajectory). */
  problems: Map<string, Problem>;
  query: StoreQuery;
}

/** Runs only what is missing (nothing, when the store has it all), then calls `use` with the run's SQL tables. */
export async function withFigureRun<T>(experimentName: string, profile: string | undefined, use: (run: FigureRun) => Promise<T>): Promise<T> {
  const experiment = await loadExperiment(experimentName);
  const store = openDefaultStore();
  let summary;
  let problems: Map<string, Problem>;
  try {
    summary = await runExperiment(experiment, {profile: profile ?? siteProfile(), store});
    problems = new Map(summary.record.problemKeys.map((key) => [key, store.get<StoredProblem>("problem", key)!.problem]));
  } finally {
    store.close();
  }
  const {runKey, record} = summary;
  const {query, close} = await openFigureQuery(store.dir);
  try {
    await loadRunTrajectories(query, runKey, summary.trajectoryKeys);
    // Pages get the endpoint or, redacted, the model and the identity its server reported (publish.ts).
    const served = await servedModels(query);
    const models = publishedModels(record, await loadConfig(), (name) => served.get(name) ?? null);
    return await use({runKey, record: {...record, models}, problems, query});
  } finally {
    close();
  }
}

/** Per model of the run, the model name its server reported in the first completion of its first trajectory. */
async function servedModels(query: StoreQuery): Promise<Map<string, string>> {
  if (!query.kinds.includes("request")) return new Map();
  const rows = await query.all<{model: string; served: string | null}>(`
    WITH first AS (SELECT model, min(ord) AS ord FROM rt GROUP BY model),
         rk AS (SELECT f.model, json_extract_string(t.data, '$.turns[0].requestKeys[0]') AS request_key
                FROM first f JOIN rt USING (model, ord) JOIN trajectory t ON t.key = rt.key)
    SELECT rk.model, json_extract_string(r.data, '$.completion.meta.serverModel') AS served
    FROM rk JOIN request r ON r.key = rk.request_key`);
  return new Map(rows.filter((r) => typeof r.served === "string").map((r) => [r.model, r.served!]));
}

/**
 * DuckDB's memory for one figure. Its default (80 % of RAM) lets a scan of millions of JSON records grow to
 * several GB; with a limit it streams in the same time and spills what does not fit (e.g. the programs the
 * diversity measures page through) to a temporary directory. REPROMPT_FIGURE_MEMORY overrides it.
 */
export const FIGURE_MEMORY_LIMIT = "1GB";

/** The store's SQL views with the figures' memory limit and a spill directory (removed on close). */
export async function openFigureQuery(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<{query: StoreQuery; close: () => void}> {
  const limit = env.REPROMPT_FIGURE_MEMORY || FIGURE_MEMORY_LIMIT;
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(limit)) throw new Error(`REPROMPT_FIGURE_MEMORY: expected a size such as 1GB or 512MiB, got ${JSON.stringify(limit)}`);
  const query = await queryStore(dir);
  const spill = mkdtempSync(join(tmpdir(), "reprompt-duckdb-"));
  const close = () => {
    query.close();
    rmSync(spill, {recursive: true, force: true});
  };
  try {
    await query.all(`SET memory_limit = ${sqlString(limit)}`);
    await query.all(`SET temp_directory = ${sqlString(spill)}`);
  } catch (error) {
    close();
    throw error;
  }
  return {query, close};
}

/** Lines per write when handing the key list to DuckDB (bounded memory whatever the run's size). */
const KEYS_PER_WRITE = 10_000;

/**
 * Builds table `rt` from the run's trajectory keys: the keys go to DuckDB through a temporary file (so no
 * SQL text or result holds them all), are joined with the store's `trajectory` view, and only the fields
 * the estimators need are extracted. A key missing from the store is an error, as it always was.
 */
export async function loadRunTrajectories(query: StoreQuery, runKey: string, keys: readonly string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "reprompt-run-keys-"));
  try {
    const file = join(dir, "keys.csv");
    const fd = openSync(file, "w");
    try {
      writeSync(fd, "ord,key\n");
      for (let from = 0; from < keys.length; from += KEYS_PER_WRITE) {
        let chunk = "";
        for (let i = from; i < Math.min(keys.length, from + KEYS_PER_WRITE); i++) chunk += `${i},${keys[i]}\n`;
        writeSync(fd, chunk);
      }
    } finally {
      closeSync(fd);
    }
    await createRunTable(query, `read_csv(${sqlString(file)}, header=true, columns={'ord': 'BIGINT', 'key': 'VARCHAR'})`);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
  const [{planned, found}] = await query.all<{planned: number; found: number}>(
    `SELECT (SELECT count(*) FROM run_key)::INTEGER AS planned, (SELECT count(*) FROM rt)::INTEGER AS found`
  );
  if (found !== planned) {
    const [missing] = await query.all<{key: string}>(`SELECT key FROM run_key ANTI JOIN rt USING (key) ORDER BY ord LIMIT 1`);
    throw new Error(`trajectory ${missing?.key} of run ${runKey} is missing from the store (${planned - found} of ${planned} missing)`);
  }
}

/**
 * `run_key(ord, key)` from `source`, and `rt` from it joined with the store's trajectories, one JSON parse
 * per record (a list of paths). Cost and the last turn's public verdict come from `final`, which the
 * trajectory loop writes from its last turn (`final.turn` = number of turns, turns being numbered from 1).
 */
export async function createRunTable(query: StoreQuery, source: string): Promise<void> {
  if (!query.kinds.includes("trajectory")) throw new Error("the store has no trajectories (run the experiment first)");
  await query.all(`CREATE OR REPLACE TEMP TABLE run_key AS SELECT ord, key FROM ${source}`);
  await query.all(`
    CREATE OR REPLACE TEMP TABLE rt AS
    SELECT ord, key, f[1] AS model, f[2] AS strategy, f[3] AS problem_key, f[4]::INTEGER AS idx, f[5]::INTEGER AS cost,
           coalesce(f[6]::BOOLEAN, false) AS last_public, coalesce(f[7]::BOOLEAN, false) AS all_passed
    FROM (
      SELECT r.ord, r.key,
             json_extract_string(t.data, ['$.model', '$.strategyId', '$.problemKey', '$.index', '$.final.turn', '$.final.publicPassed', '$.final.allPassed']) AS f
      FROM run_key r JOIN trajectory t ON t.key = r.key
    )
    ORDER BY ord`);
}
