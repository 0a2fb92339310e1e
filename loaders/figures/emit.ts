// Writing a figure's table to stdout, the way Framework data loaders hand data to pages.
import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {basename, dirname, resolve} from "node:path";
import {projectRoot, type StoreQuery} from "../store/index.ts";

/** Errors written for the user (file, field, what to do): a failing loader prints them without a stack trace. */
const USER_ERRORS = new Set(["ConfigError", "ExperimentError", "StrategySpecError", "DatasetReadError", "ProblemFileError", "OpenAIBackendError", "IdentityChangedError", "LlamaModelFileError", "RftError"]);

if (loaderOfProcess()) {
  process.on("uncaughtException", (error) => {
    const loader = loaderOfProcess();
    process.stderr.write(`reprompt: loader ${loader}: ${USER_ERRORS.has(error.name) ? error.message : (error.stack ?? String(error))}\n`);
    process.exit(1);
  });
}

/** The output name (`single-turn-grid.json`) when this process is one of the site's data loaders. */
function loaderOfProcess(): string | null {
  const script = process.argv[1] ? resolve(process.argv[1]) : "";
  return dirname(script) === resolve(projectRoot, "src", "data") && script.endsWith(".ts") ? basename(script).replace(/\.ts$/, "") : null;
}

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

/**
 * Writes bytes or JSON to stdout and waits until they are flushed (loaders exit right after). A JSON object from
 * a loader in src/data/ carries `inputs`: the profile, models and datasets it was computed from, and their
 * digest (see loaderInputs.ts), so a page can say what it shows and a stale cache can be told apart.
 */
export async function emit(data: Buffer | string | object): Promise<void> {
  const loader = loaderOfProcess();
  if (loader && !Buffer.isBuffer(data) && typeof data === "object" && !Array.isArray(data)) {
    const {loaderInputs} = await import("./loaderInputs.ts");
    const {siteProfile} = await import("./runs.ts");
    data = {...data, inputs: await loaderInputs(loader, siteProfile())};
  }
  const chunk = Buffer.isBuffer(data) || typeof data === "string" ? data : JSON.stringify(data);
  return new Promise((resolve, reject) => process.stdout.write(chunk, (error) => (error ? reject(error) : resolve())));
}
