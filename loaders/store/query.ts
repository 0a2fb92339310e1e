// SQL over the store: one DuckDB view per record kind (`key VARCHAR, ts VARCHAR, data JSON`, one row per key),
// and exports to Parquet for pages. A view is the union of the kind's sealed packs (key-sorted Parquet, unique by
// construction: read as they are, no dedup over all rows) and its small live tail (the segments being written),
// deduplicated by the store's rule (a sealed record wins; among unsealed copies the earliest segment name wins)
// and materialised once, so a segment sealed away while the view is used cannot break a query.
import {readdirSync, renameSync, unlinkSync} from "node:fs";
import {join, resolve} from "node:path";
import {DuckDBInstance, type DuckDBConnection} from "@duckdb/node-api";
import {listPacks, parquetPath, sealedDir} from "./packs.ts";
import {isRealDirectory, listSegments} from "./segments.ts";
import {Store} from "./store.ts";

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

export interface QueryOptions {
  /** Seal finished segments first (default true): later queries and opens then read packs, not segments. */
  seal?: boolean;
  log?(message: string): void;
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const JSON_COLUMNS = `format='newline_delimited', columns={key: 'VARCHAR', ts: 'VARCHAR', data: 'JSON'}`;

function list(files: string[]): string {
  return `[${files.map((f) => sqlString(resolve(f))).join(", ")}]`;
}

/** The kinds a store has (real directories only, under segments/ or sealed/). */
export function storeKinds(dir: string): string[] {
  const kinds = new Set<string>();
  for (const sub of ["segments", "sealed"]) {
    try {
      for (const entry of readdirSync(join(dir, sub), {withFileTypes: true})) {
        if (/^[a-z][a-z0-9_]*$/.test(entry.name) && isRealDirectory(join(dir, sub, entry.name))) kinds.add(entry.name);
      }
    } catch {
      /* no such directory yet */
    }
  }
  return [...kinds].sort();
}

/** Opens an in-memory DuckDB with one view per record kind. Reads never lock the store: writers keep running. */
export async function queryStore(dir: string, options: QueryOptions = {}): Promise<StoreQuery> {
  const log = options.log ?? ((m: string) => process.stderr.write(m + "\n"));
  const kinds = storeKinds(dir);
  if (options.seal ?? true) {
    const store = Store.open({dir, autoCompactAt: 0, sealOnClose: false, effects: {log}});
    try {
      for (const kind of kinds) store.seal(kind);
    } finally {
      store.close();
    }
  }
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const usable: string[] = [];
  for (const kind of kinds) {
    const parts = await sealedParts(connection, sealedDir(dir, kind), log);
    const live = await liveTail(connection, kind, join(dir, "segments", kind), parts);
    if (live) parts.push(`SELECT key, ts, data FROM ${live}`);
    if (parts.length === 0) continue;
    await connection.run(`CREATE VIEW ${kind} AS ${parts.join(" UNION ALL ")}`);
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

/** SELECTs over the sealed packs: their Parquet (made now when missing), or the pack itself if that failed. */
async function sealedParts(connection: DuckDBConnection, dir: string, log: (m: string) => void): Promise<string[]> {
  const packs = listPacks(dir);
  if (packs.length === 0) return [];
  const parquet: string[] = [];
  const json: string[] = [];
  const present = new Set(readdirSync(dir));
  for (const pack of packs) {
    const target = parquetPath(pack);
    if (present.has(target.slice(target.lastIndexOf("/") + 1)) || (await convertPack(connection, pack, target, log))) parquet.push(target);
    else json.push(pack);
  }
  const parts: string[] = [];
  if (parquet.length) parts.push(`SELECT key, ts, data::JSON AS data FROM read_parquet(${list(parquet)})`);
  if (json.length) parts.push(`SELECT key, ts, data FROM read_json(${list(json)}, ${JSON_COLUMNS})`);
  return parts;
}

/** Streams a pack (already in key order) into Parquet; DuckDB's COPY keeps memory bounded. */
export async function convertPack(connection: DuckDBConnection, pack: string, target: string, log: (m: string) => void): Promise<boolean> {
  const temp = `${target}.tmp-${process.pid}`;
  try {
    // A pack's lines are the store's own (`{"key":…,"ts":…,"data":…}`): cut them as text (4× faster than
    // parsing every record as JSON; `data` is cast to JSON by the view).
    await connection.run(
      `COPY (SELECT line[9:k - 1] AS key, json_extract_string(line[k + 7:d - 1], '$') AS ts, line[d + 8:-2] AS data
         FROM (SELECT line, strpos(line, '","ts":') AS k, strpos(line, ',"data":') AS d
               FROM read_csv(${sqlString(resolve(pack))}, columns={line: 'VARCHAR'}, delim=E'\\x01', quote='', escape='',
                             header=false, max_line_size=1073741824)))
       TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 20000)`
    );
    renameSync(temp, target);
    return true;
  } catch (error) {
    log(`store: could not write ${target} (${(error as Error).message}); reading the pack as JSON`);
    try {
      unlinkSync(temp);
    } catch {
      /* never written */
    }
    return false;
  }
}

/** Materialises the live tail (deduplicated, minus keys already sealed) into a temp table; null when empty. */
async function liveTail(connection: DuckDBConnection, kind: string, dir: string, sealed: string[]): Promise<string | null> {
  const table = `__live_${kind}`;
  for (let attempt = 0; ; attempt++) {
    const files = listSegments(dir);
    if (files.length === 0) return null;
    try {
      await connection.run(
        `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT key, ts, data FROM read_json(${list(files)}, ${JSON_COLUMNS},
           ignore_errors=true, filename=true, maximum_object_size=1073741824)
         WHERE key IS NOT NULL QUALIFY row_number() OVER (PARTITION BY key ORDER BY filename) = 1`
      );
      break;
    } catch (error) {
      // a segment sealed (deleted) between listing and reading: list again
      if (attempt >= 3 || !/No such file|not found|does not exist/i.test((error as Error).message)) throw error;
    }
  }
  const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  if ((reader.getRowObjectsJson()[0] as {n: number}).n === 0) return null;
  if (sealed.length) await connection.run(`DELETE FROM ${table} WHERE key IN (SELECT key FROM (${sealed.join(" UNION ALL ")}))`);
  return table;
}

async function readAll<T>(connection: DuckDBConnection, sql: string): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson() as T[];
}
