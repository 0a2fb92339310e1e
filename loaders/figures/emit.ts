// Writing a figure's table to stdout, the way Framework data loaders hand data to pages.
import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {StoreQuery} from "../store/index.ts";

/** Runs `sql` against the store and returns the result as Parquet bytes. */
export async function parquetBytes(query: StoreQuery, sql: string): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), "reprompt-export-"));
  try {
    const file = join(dir, "out.parquet");
    await query.exportParquet(sql, file);
    return readFileSync(file);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

/** Writes bytes or JSON to stdout and waits until they are flushed (loaders exit right after). */
export function emit(data: Buffer | string | object): Promise<void> {
  const chunk = Buffer.isBuffer(data) || typeof data === "string" ? data : JSON.stringify(data);
  return new Promise((resolve, reject) => process.stdout.write(chunk, (error) => (error ? reject(error) : resolve())));
}
