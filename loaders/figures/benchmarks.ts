// The "Benchmarks" table: every configured dataset's problems, read through the store like every figure.
import {loadConfig, type RepromptConfig} from "../config/index.ts";
import {loadSource, storeProblems} from "../datasets/index.ts";
import {openDefaultStore, queryStore, sqlString, type Store} from "../store/index.ts";
import {parquetBytes} from "./emit.ts";

/** Stores the configured datasets' problems and returns their keys (work is skipped for stored ones). */
export async function ingestConfiguredDatasets(store: Store, config: RepromptConfig): Promise<string[]> {
  const keys: string[] = [];
  for (const source of config.datasets) {
    const problems = await loadSource(source);
    keys.push(...storeProblems(store, source.name, problems).keys);
  }
  return keys;
}

/** One row per problem: difficulty, test counts, human solution counts. */
export function benchmarkSql(keys: string[]): string {
  const list = keys.length ? keys.map(sqlString).join(", ") : "NULL";
  return `
    SELECT
      data->>'source' AS source,
      data->'problem'->>'dataset' AS dataset,
      data->'problem'->>'id' AS id,
      coalesce(data->'problem'->>'name', data->'problem'->>'id') AS name,
      data->'problem'->'difficulty'->>'label' AS difficulty,
      (data->'problem'->'difficulty'->>'order')::DOUBLE AS difficulty_order,
      data->'problem'->>'ioMode' AS io_mode,
      json_array_length(data->'problem'->'tests'->'public')::INTEGER AS public_tests,
      json_array_length(data->'problem'->'tests'->'private')::INTEGER AS private_tests,
      json_array_length(data->'problem'->'tests'->'generated')::INTEGER AS generated_tests,
      len(list_filter(data->'problem'->'solutions'->>'$[*].label', x -> x = 'correct'))::INTEGER AS correct_solutions,
      len(list_filter(data->'problem'->'solutions'->>'$[*].label', x -> x = 'incorrect'))::INTEGER AS incorrect_solutions,
      (data->'problem'->>'timeLimitS')::DOUBLE AS time_limit_s,
      (data->'problem'->>'multipleAnswersSuspected')::BOOLEAN AS multiple_answers
    FROM problem WHERE key IN (${list})
    ORDER BY source, difficulty_order, id`;
}

/** Builds the benchmarks table as Parquet bytes (the page reads it with FileAttachment().parquet()). */
export async function benchmarksParquet(): Promise<Buffer> {
  const config = await loadConfig();
  const store = openDefaultStore();
  let keys: string[];
  try {
    keys = await ingestConfiguredDatasets(store, config);
  } finally {
    store.close();
  }
  const query = await queryStore(store.dir);
  try {
    return await parquetBytes(query, benchmarkSql(keys));
  } finally {
    query.close();
  }
}
