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
 * The run's trajectory records (key, data): a trajectory belongs to the run when its model (and backend
 * identity), strategy, problem, sample index and seed match; should two match (another judge mode of the same
 * plan), the latest is taken.
 */
export function runTrajectoryDataSql(run: RunSelection): string {
  const models = run.models.map((m) => `(json_extract_string(data, '$.model') = ${sqlString(m.name)} AND json_extract_string(data, '$.backend') = ${sqlString(m.identity)})`).join(" OR ") || "false";
  return `SELECT key, data FROM trajectory
    WHERE (${models})
      AND json_extract_string(data, '$.strategyId') IN (${list(run.strategies)})
      AND json_extract_string(data, '$.problemKey') IN (${list(run.problemKeys)})
      AND CAST(json_extract_string(data, '$.index') AS INTEGER) < ${Math.trunc(run.samples)}
      AND CAST(json_extract_string(data, '$.sampling.seed') AS BIGINT) = ${Math.trunc(run.seed)}
    QUALIFY row_number() OVER (
      PARTITION BY json_extract_string(data, '$.model'), json_extract_string(data, '$.strategyId'), json_extract_string(data, '$.problemKey'), json_extract_string(data, '$.index')
      ORDER BY ts DESC) = 1`;
}

/** Columns every exported row starts with: which trajectory it belongs to. */
const IDENTITY = `t.key AS trajectory_key,
      json_extract_string(t.data, '$.model') AS model,
      json_extract_string(t.data, '$.strategyId') AS strategy,
      regexp_replace(json_extract_string(t.data, '$.problem'), '^[^/]*/', '') AS problem_id,
      CAST(json_extract_string(t.data, '$.index') AS INTEGER) AS sample`;

/**
 * One row per trajectory of the run: trajectory_key, model, strategy, problem_id, sample, problem, problem_key,
 * turns, public_passed, all_passed, final_verdict, prompt_tokens, completion_tokens, completion_tokens_shared, usage_missing,
 * reply_chars, null_baseline.
 */
export function runTrajectoriesSql(run: RunSelection): string {
  return `SELECT ${IDENTITY},
      json_extract_string(t.data, '$.problem') AS problem,
      json_extract_string(t.data, '$.problemKey') AS problem_key,
      CAST(json_array_length(json_extract(t.data, '$.turns')) AS INTEGER) AS turns,
      CAST(json_extract_string(t.data, '$.final.publicPassed') AS BOOLEAN) AS public_passed,
      CAST(json_extract_string(t.data, '$.final.allPassed') AS BOOLEAN) AS all_passed,
      json_extract_string(t.data, '$.final.hiddenVerdict') AS final_verdict,
      CAST(json_extract_string(t.data, '$.tokensIn') AS BIGINT) AS prompt_tokens,
      CAST(json_extract_string(t.data, '$.tokensOut') AS BIGINT) AS completion_tokens,
      CAST(coalesce(json_extract_string(t.data, '$.tokensOutShared'), '0') AS DOUBLE) AS completion_tokens_shared,
      CAST(coalesce(json_extract_string(t.data, '$.usageMissing'), '0') AS INTEGER) AS usage_missing,
      CAST(list_sum(CAST(json_extract(t.data, '$.turns[*].totalChars') AS BIGINT[])) AS BIGINT) AS reply_chars,
      CAST(json_extract_string(t.data, '$.nullBaseline') AS BOOLEAN) AS null_baseline
    FROM (${runTrajectoryDataSql(run)}) t`;
}

/** One row per turn: the trajectory's identity, then turn, prompt_ids, extraction, code, public verdict, feedback, tokens. */
export function runTurnsSql(run: RunSelection): string {
  return `SELECT ${IDENTITY},
      CAST(json_extract_string(u.turn, '$.turn') AS INTEGER) AS turn,
      array_to_string(CAST(json_extract(u.turn, '$.promptIds') AS VARCHAR[]), ' ') AS prompt_ids,
      json_extract_string(u.turn, '$.extraction') AS extraction,
      json_extract_string(u.turn, '$.code') AS code,
      json_extract_string(u.turn, '$.public.verdict') AS public_verdict,
      CAST(json_extract_string(u.turn, '$.public.passed') AS BOOLEAN) AS public_passed,
      CAST(json_extract_string(u.turn, '$.public.failedTest') AS INTEGER) AS public_failed_test,
      CAST(json_extract_string(u.turn, '$.public.testsRun') AS INTEGER) AS public_tests_run,
      json_extract_string(u.turn, '$.feedback.kind') AS feedback_kind,
      json_extract_string(u.turn, '$.feedback.text') AS feedback_text,
      CAST(json_extract_string(u.turn, '$.tokensIn') AS BIGINT) AS prompt_tokens,
      CAST(json_extract_string(u.turn, '$.tokensOut') AS BIGINT) AS completion_tokens,
      CAST(coalesce(json_extract_string(u.turn, '$.tokensOutShared'), '0') AS DOUBLE) AS completion_tokens_shared,
      CAST(json_extract_string(u.turn, '$.totalChars') AS BIGINT) AS reply_chars,
      CAST(json_extract_string(u.turn, '$.nonCodeChars') AS BIGINT) AS non_code_chars
    FROM (${runTrajectoryDataSql(run)}) t, LATERAL (SELECT unnest(CAST(json_extract(t.data, '$.turns[*]') AS JSON[])) AS turn) u`;
}

/** One row per execution a trajectory used: each turn's public tests, and the final program's hidden tests. */
export function runExecutionsSql(run: RunSelection): string {
  return `WITH runs AS (
      SELECT ${IDENTITY},
        CAST(json_extract_string(u.turn, '$.turn') AS INTEGER) AS turn, 'public' AS phase,
        json_extract_string(u.turn, '$.public.executionKey') AS execution_key
      FROM (${runTrajectoryDataSql(run)}) t, LATERAL (SELECT unnest(CAST(json_extract(t.data, '$.turns[*]') AS JSON[])) AS turn) u
      UNION ALL
      SELECT ${IDENTITY},
        CAST(json_extract_string(t.data, '$.final.turn') AS INTEGER) AS turn, 'hidden' AS phase,
        json_extract_string(t.data, '$.final.hiddenExecutionKey') AS execution_key
      FROM (${runTrajectoryDataSql(run)}) t
    )
    SELECT r.*, json_extract_string(e.data, '$.verdict') AS verdict,
      CAST(json_extract_string(e.data, '$.failedTest') AS INTEGER) AS failed_test,
      CAST(json_extract_string(e.data, '$.testsRun') AS INTEGER) AS tests_run,
      CAST(json_extract_string(e.data, '$.timeMs') AS DOUBLE) AS time_ms
    FROM runs r LEFT JOIN execution e ON e.key = r.execution_key
    WHERE r.execution_key IS NOT NULL`;
}

/** Per model and strategy: trajectories, solved, and token totals (what run records and `run --json` carry). */
export function runTotalsSql(run: RunSelection): string {
  return `SELECT model, strategy, count(*)::DOUBLE AS trajectories, count(*) FILTER (WHERE all_passed)::DOUBLE AS solved,
      sum(prompt_tokens)::DOUBLE AS prompt_tokens, sum(completion_tokens)::DOUBLE AS completion_tokens,
      round(sum(completion_tokens_shared))::DOUBLE AS completion_tokens_shared,
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
