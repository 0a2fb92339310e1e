// Shared plumbing for benchmarks read from Parquet with DuckDB: finding the files, checking columns, failing fast on remote paths.
import {existsSync} from "node:fs";
import {basename} from "node:path";
import {DuckDBInstance, type DuckDBConnection, type Json} from "@duckdb/node-api";
import {sqlString} from "../store/index.ts";
import type {Problem} from "./problem.ts";

/** What a dataset reader returns: the problems, and how many rows were left out or kept with a caveat, by reason. */
export interface DatasetLoad {
  problems: Problem[];
  /** Rows not turned into problems, by reason (e.g. `file_io`, `no_tests`). Never silent: every left-out row is counted. */
  skipped: Record<string, number>;
  /** Problems kept but worth knowing about, by reason (e.g. `statement_has_pictures`). */
  flagged: Record<string, number>;
}

export interface ParquetReadOptions {
  /**
   * How long finding and describing a remote (hf://, https://, s3://) path may take before we give up. DuckDB fails in
   * about half a second when it cannot fetch its httpfs extension, but a black-holed network could hang it; this bounds that.
   */
  remoteTimeoutMs?: number;
}

export const DEFAULT_REMOTE_TIMEOUT_MS = 4000;

/**
 * A dataset file could not be read. The message names the dataset, the file, and where known the 0-based row within
 * that file, the problem's name and the field, so a bad row can be found with any Parquet viewer.
 */
export class DatasetReadError extends Error {
  constructor(
    readonly dataset: string,
    readonly file: string | null,
    readonly row: number | null,
    readonly field: string | null,
    problem: string,
    readonly problemName: string | null = null
  ) {
    const where = [dataset, file, row === null ? null : `row ${row}${problemName ? ` (${JSON.stringify(problemName)})` : ""}`].filter(Boolean).join(": ");
    super(`${where}: ${field ? `field \`${field}\`: ` : ""}${problem}`);
    this.name = "DatasetReadError";
  }
}

export function isRemotePath(path: string): boolean {
  return /^(hf|https?|s3|gcs|gs|az|abfss?):\/\//i.test(path);
}

function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

export interface ParquetFile {
  path: string;
  /** Column name → DuckDB type, as DESCRIBE reports it. */
  columns: Map<string, string>;
  rows: number;
}

export interface ParquetSpec {
  /** Used in messages: "CodeContests", "TACO". */
  dataset: string;
  /** A local file, a glob, or a remote path DuckDB understands. */
  path: string;
  /** Columns every file must have (checked before any row is read). */
  required: readonly string[];
  /** How to get the files onto disk, shown when a remote path cannot be read. */
  downloadHint: string;
}

export interface ParquetSession {
  files: ParquetFile[];
  /**
   * Streams `SELECT <select> FROM <file> [WHERE <where>]` with `file_row_number` (0-based) added. Rows come in file
   * order without an ORDER BY (DuckDB preserves insertion order for scans by default), so a shard is never sorted in memory.
   */
  rows(file: ParquetFile, select: string, where?: string): AsyncGenerator<Record<string, Json>>;
  count(file: ParquetFile, where: string): Promise<number>;
}

/** Opens DuckDB, resolves and checks the files, runs `work`, and always closes DuckDB. */
export async function withParquet<T>(spec: ParquetSpec, options: ParquetReadOptions, work: (session: ParquetSession) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  let abandoned = false;
  try {
    const remote = isRemotePath(spec.path);
    const probe = resolveFiles(spec, connection);
    let files: ParquetFile[];
    if (remote) {
      try {
        files = await withTimeout(probe, options.remoteTimeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS, () => {
          abandoned = true;
          connection.interrupt();
        });
      } catch (error) {
        throw remoteError(spec, error);
      }
    } else {
      files = await probe;
    }
    return await work(session(spec, connection, files));
  } finally {
    // A query abandoned on timeout may still be unwinding; closing under it is not safe, so leave it to the GC.
    if (!abandoned) {
      connection.closeSync();
      instance.closeSync();
    }
  }
}

async function resolveFiles(spec: ParquetSpec, connection: DuckDBConnection): Promise<ParquetFile[]> {
  let paths: string[];
  if (hasGlob(spec.path)) {
    const reader = await connection.runAndReadAll(`SELECT file FROM glob(${sqlString(spec.path)}) ORDER BY file`);
    paths = reader.getRowObjectsJson().map((r) => String(r.file));
    if (paths.length === 0) throw new DatasetReadError(spec.dataset, spec.path, null, null, "no file matches this path");
  } else {
    if (!isRemotePath(spec.path) && !existsSync(spec.path)) throw new DatasetReadError(spec.dataset, spec.path, null, null, "file not found");
    paths = [spec.path];
  }
  const files: ParquetFile[] = [];
  for (const path of paths) {
    const from = `read_parquet(${sqlString(path)})`;
    let columns: Map<string, string>;
    let rows: number;
    try {
      const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
      columns = new Map(described.getRowObjectsJson().map((r) => [String(r.column_name), String(r.column_type)]));
      const counted = await connection.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${from}`);
      rows = Number(counted.getRowObjectsJson()[0].n);
    } catch (error) {
      if (isRemotePath(path)) throw error;
      throw new DatasetReadError(spec.dataset, path, null, null, `not a readable Parquet file (${firstLine(error)})`);
    }
    const missing = spec.required.filter((c) => !columns.has(c));
    if (missing.length) {
      const list = missing.map((c) => `\`${c}\``).join(", ");
      throw new DatasetReadError(spec.dataset, path, null, null, `missing column${missing.length > 1 ? "s" : ""} ${list} (the file has: ${[...columns.keys()].join(", ")})`);
    }
    files.push({path, columns, rows});
  }
  return files;
}

function session(spec: ParquetSpec, connection: DuckDBConnection, files: ParquetFile[]): ParquetSession {
  const from = (file: ParquetFile) => `read_parquet(${sqlString(file.path)}, file_row_number = true)`;
  const fail = (file: ParquetFile, error: unknown) =>
    error instanceof DatasetReadError ? error : new DatasetReadError(spec.dataset, file.path, null, null, `DuckDB could not read it (${firstLine(error)})`);
  return {
    files,
    async *rows(file, select, where) {
      let result;
      try {
        result = await connection.stream(
          `SELECT file_row_number::DOUBLE AS file_row_number, ${select} FROM ${from(file)}${where ? ` WHERE ${where}` : ""}`
        );
      } catch (error) {
        throw fail(file, error);
      }
      for await (const batch of result.yieldRowObjectJson()) yield* batch;
    },
    async count(file, where) {
      try {
        const reader = await connection.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${from(file)} WHERE ${where}`);
        return Number(reader.getRowObjectsJson()[0].n);
      } catch (error) {
        throw fail(file, error);
      }
    }
  };
}

function remoteError(spec: ParquetSpec, error: unknown): DatasetReadError {
  const cause = error instanceof RemoteTimeout ? error.message : error instanceof DatasetReadError ? error.message : firstLine(error);
  return new DatasetReadError(
    spec.dataset,
    spec.path,
    null,
    null,
    `cannot read this remote path (${cause}). This machine may be offline; download the files once and point the config at the local copy:\n${spec.downloadHint}`
  );
}

class RemoteTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new RemoteTimeout(ms));
    }, ms);
  });
  work.catch(() => undefined); // a late failure after the timeout must not become an unhandled rejection
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** DuckDB messages span lines (hints, a caret under the SQL); one short line reads better inside ours. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("LINE ") && !/^\^+$/.test(l));
  const text = lines.join(" ").replace(/For more info, visit \S+\s*/g, "");
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/** Increments `counts[reason]`. */
export function count(counts: Record<string, number>, reason: string, by = 1): void {
  if (by > 0) counts[reason] = (counts[reason] ?? 0) + by;
}

/** The file's name only: what goes into a problem's `origin`, so the content hash does not depend on where the file sits. */
export function fileLabel(path: string): string {
  return basename(path);
}

/** Pairs `input[i]` with `output[i]`; unequal lengths are an error naming the field. */
export function zipTests(input: Json, output: Json, where: (field: string, problem: string) => never, field: string): {input: string; output: string}[] {
  const inputs = input === null ? [] : input;
  const outputs = output === null ? [] : output;
  if (!Array.isArray(inputs) || !Array.isArray(outputs)) where(field, "expected lists of inputs and outputs");
  const ins = inputs as Json[];
  const outs = outputs as Json[];
  if (ins.length !== outs.length) where(field, `${ins.length} inputs but ${outs.length} outputs`);
  return ins.map((value, i) => ({input: String(value ?? ""), output: String(outs[i] ?? "")}));
}

/** How to fetch a Hub dataset's files for offline use, and what path to put in the config afterwards. */
export function hubDownloadHint(repo: string, include: string, localDir: string): string {
  return [
    `  huggingface-cli download ${repo} --repo-type dataset --include '${include}' --local-dir ${localDir}`,
    `  then set the dataset's path to "${localDir}/${include.replace(/\*$/, "*.parquet")}"`
  ].join("\n");
}
