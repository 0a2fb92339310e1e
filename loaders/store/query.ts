// SQL over the store: DuckDB views over every kind's segments, and exports to Parquet for pages.
import {existsSync, readdirSync} from "node:fs";
import {join, resolve} from "node:path";
import {DuckDBInstance, type DuckDBConnection} from "@duckdb/node-api";

export interface StoreQuery {
  /** Runs SQL and returns JSON-safe rows (BIGINT as numbers or strings, never bigint). */
  all<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Writes the result of `sql` to a zstd Parquet file. */
  exportParquet(sql: string, path: string): Promise<void>;
  /** Streams the result of `sql` to a file (DuckDB COPY: nothing is held in JS) and returns the rows written. */
  copyTo(sql: string, path: string, format: "csv" | "parquet" | "jsonl"): Promise<number>;
  /** The record kinds that have a view. */
  kinds: string[];
  close(): void;
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Opens an in-memory DuckDB with one view per record kind (`key`, `ts`, `data` JSON), deduplicated by key
 * (the first stored wins, as in `Store.get`). Reads never lock the store: writers keep running.
 */
export async function queryStore(dir: string): Promise<StoreQuery> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const segments = join(dir, "segments");
  const kinds = existsSync(segments)
    ? readdirSync(segments, {withFileTypes: true}).filter((d) => d.isDirectory()).map((d) => d.name)
    : [];
  const usable: string[] = [];
  for (const kind of kinds) {
    const files = readdirSync(join(segments, kind)).filter((f) => f.endsWith(".jsonl"));
    if (files.length === 0) continue;
    const glob = sqlString(resolve(segments, kind, "*.jsonl"));
    await connection.run(
      `CREATE VIEW ${kind} AS SELECT key, ts, data FROM read_json(${glob}, format='newline_delimited',
         columns={key: 'VARCHAR', ts: 'VARCHAR', data: 'JSON'}, ignore_errors=true, filename=true)
       WHERE key IS NOT NULL
       QUALIFY row_number() OVER (PARTITION BY key ORDER BY ts, filename) = 1`
    );
    usable.push(kind);
  }
  return {
    kinds: usable,
    all: (sql) => readAll(connection, sql),
    exportParquet: async (sql, path) => {
      await connection.run(`COPY (${sql}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`);
    },
    copyTo: async (sql, path, format) => {
      const options = format === "csv" ? "FORMAT csv, HEADER true" : format === "parquet" ? "FORMAT parquet, COMPRESSION zstd" : "FORMAT json";
      const rows = await readAll<Record<string, unknown>>(connection, `COPY (${sql}) TO ${sqlString(path)} (${options})`);
      return Number(Object.values(rows[0] ?? {})[0] ?? 0);
    },
    close: () => {
      connection.closeSync();
      instance.closeSync();
    }
  };
}

async function readAll<T>(connection: DuckDBConnection, sql: string): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson() as T[];
}
