// `npm run bench -- store --records N [--writers W] [--json] [--keep DIR]`: writes N completion records (≥ 6 KB)
// and N execution records (≥ 2 KB) from W writer processes through `put`, seals and converts to Parquet (as a
// build's first query does), then measures open, membership and an aggregate in fresh processes.
import {spawn} from "node:child_process";
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {performance} from "node:perf_hooks";
import {execFileSync} from "node:child_process";
import {parseArgs} from "node:util";
import {queryStore} from "../../loaders/store/index.ts";

const here = resolve(import.meta.dirname);

function run(script: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, script), ...args], {stdio: ["ignore", "pipe", "inherit"]});
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) => (code === 0 ? done(out) : fail(new Error(`${script} exited with ${code}`))));
  });
}

export async function benchStore(argv: string[], log: (line: string) => void): Promise<void> {
  const {values} = parseArgs({args: argv, options: {records: {type: "string", default: "10000"}, writers: {type: "string", default: "24"}, json: {type: "boolean"}, dir: {type: "string"}, keep: {type: "boolean"}}});
  const records = Number(values.records);
  const writers = Number(values.writers);
  if (!Number.isInteger(records) || records < 1) throw new Error(`bench store: --records must be a positive integer (got ${values.records})`);
  if (!Number.isInteger(writers) || writers < 24) throw new Error(`bench store: --writers must be at least 24 (got ${values.writers})`);
  const dir = values.dir ? resolve(values.dir) : mkdtempSync(join(process.env.REPROMPT_BENCH_DIR ?? tmpdir(), "store-bench-"));
  const problems = Math.max(1, Math.floor(records / 200));
  try {
    let t = performance.now();
    await Promise.all(Array.from({length: writers}, (_, w) => run("writer.ts", [dir, String(w), String(writers), String(records), String(problems)])));
    const put_s = (performance.now() - t) / 1000;
    t = performance.now();
    (await queryStore(dir)).close(); // seals what writers could not (lock busy) and writes each pack's Parquet
    const seal_s = (performance.now() - t) / 1000;
    const bytes = Number(execFileSync("du", ["-sb", dir], {encoding: "utf8"}).split("\t")[0]);
    const open = JSON.parse(await run("measure.ts", [dir, "open", String(records)]));
    const aggregate = JSON.parse(await run("measure.ts", [dir, "aggregate", String(records)]));
    const result = {records, bytes, write_s: put_s + seal_s, put_s, seal_s, ...open, aggregate_s: aggregate.aggregate_s, aggregate_rss_mb: aggregate.aggregate_rss_mb};
    const round = (v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v);
    const line = JSON.stringify(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, round(v)])));
    if (values.json) console.log(line);
    else log(`store bench: ${line}`);
  } finally {
    if (!values.keep) rmSync(dir, {recursive: true, force: true});
  }
}
