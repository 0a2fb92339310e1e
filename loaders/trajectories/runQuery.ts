// SQL over the store's `trajectory` view selecting one run's trajectories: what totals, pages and exports aggregate.
import {sqlString} from "../store/index.ts";

/** What identifies a run's trajectories (a RunRecord has all of it). */
export interface RunSelection {
  models: ReadonlyArray<{name: string; identity: string}>;
  strategies: readonly string[];
  problemKeys: readonly string[];
  samples: number;
  seed: number;
}

const list = (values: readonly string[]) => (values.length ? values.map(sqlString).join(", ") : "NULL");

/**
 * One row per trajectory of the run: key, model, strategy, problem, problem_id, problem_key, sample, turns,
 * public_passed, all_passed, final_verdict, prompt_tokens, completion_tokens, usage_missing, reply_chars,
 * null_baseline. A trajectory belongs to the run when its model (and backend identity), strategy, problem,
 * sample index and seed match; should two match (another judge mode of the same plan), the latest is taken.
 */
export function runTrajectoriesSql(run: RunSelection): string {
  const models = run.models.map((m) => `(json_extract_string(data, '$.model') = ${sqlString(m.name)} AND json_extract_string(data, '$.backend') = ${sqlString(m.identity)})`).join(" OR ") || "false";
  return `SELECT * EXCLUDE (ts) FROM (
    SELECT key, ts,
      json_extract_string(data, '$.model') AS model,
      json_extract_string(data, '$.strategyId') AS strategy,
      json_extract_string(data, '$.problem') AS problem,
      regexp_replace(json_extract_string(data, '$.problem'), '^[^/]*/', '') AS problem_id,
      json_extract_string(data, '$.problemKey') AS problem_key,
      CAST(json_extract_string(data, '$.index') AS INTEGER) AS sample,
      CAST(json_array_length(json_extract(data, '$.turns')) AS INTEGER) AS turns,
      CAST(json_extract_string(data, '$.final.publicPassed') AS BOOLEAN) AS public_passed,
      CAST(json_extract_string(data, '$.final.allPassed') AS BOOLEAN) AS all_passed,
      json_extract_string(data, '$.final.hiddenVerdict') AS final_verdict,
      CAST(json_extract_string(data, '$.tokensIn') AS BIGINT) AS prompt_tokens,
      CAST(json_extract_string(data, '$.tokensOut') AS BIGINT) AS completion_tokens,
      CAST(coalesce(json_extract_string(data, '$.usageMissing'), '0') AS INTEGER) AS usage_missing,
      CAST(list_sum(CAST(json_extract(data, '$.turns[*].totalChars') AS BIGINT[])) AS BIGINT) AS reply_chars,
      CAST(json_extract_string(data, '$.nullBaseline') AS BOOLEAN) AS null_baseline
    FROM trajectory
    WHERE (${models})
      AND json_extract_string(data, '$.strategyId') IN (${list(run.strategies)})
      AND json_extract_string(data, '$.problemKey') IN (${list(run.problemKeys)})
      AND CAST(json_extract_string(data, '$.index') AS INTEGER) < ${Math.trunc(run.samples)}
      AND CAST(json_extract_string(data, '$.sampling.seed') AS BIGINT) = ${Math.trunc(run.seed)}
    QUALIFY row_number() OVER (PARTITION BY model, strategy, problem_key, sample ORDER BY ts DESC) = 1
  )`;
}

/** Per model and strategy: trajectories, solved, and token totals (what run records and `run --json` carry). */
export function runTotalsSql(run: RunSelection): string {
  return `SELECT model, strategy, count(*)::DOUBLE AS trajectories, count(*) FILTER (WHERE all_passed)::DOUBLE AS solved,
      sum(prompt_tokens)::DOUBLE AS prompt_tokens, sum(completion_tokens)::DOUBLE AS completion_tokens,
      sum(usage_missing)::DOUBLE AS calls_without_usage, sum(reply_chars)::DOUBLE AS reply_chars
    FROM (${runTrajectoriesSql(run)}) GROUP BY model, strategy ORDER BY model, strategy`;
}

/**
 * Per model, strategy, problem and (cost in turns, final class): the counts pass@k and pass n@k need
 * (loaders/metrics/categories.ts: class 0 not a candidate, 1 candidate wrong, 2 candidate correct).
 */
export function runCategoriesSql(run: RunSelection): string {
  return `SELECT model, strategy, problem_key, turns AS cost,
      CASE WHEN NOT public_passed THEN 0 WHEN all_passed THEN 2 ELSE 1 END AS class, count(*)::DOUBLE AS n
    FROM (${runTrajectoriesSql(run)}) GROUP BY ALL ORDER BY ALL`;
}
