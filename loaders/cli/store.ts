// `reprompt store merge|stats|seal`: housekeeping of the result store (DESIGN.md, "The store").
import {readdirSync, statSync} from "node:fs";
import {join, resolve} from "node:path";
import type {Command} from "commander";
import {defaultStoreDir, queryStore, Store} from "../store/index.ts";
import {mergeStores} from "../store/merge.ts";
import {storeKinds} from "../store/query.ts";
import {UsageError, type CliIo} from "./io.ts";

function bytesUnder(dir: string): number {
  let total = 0;
  try {
    for (const entry of readdirSync(dir, {withFileTypes: true})) if (entry.isFile()) total += statSync(join(dir, entry.name)).size;
  } catch {
    /* no such directory */
  }
  return total;
}

export function registerStore(program: Command, io: CliIo): void {
  const store = program.command("store").description("the result store: merge stores, show sizes, seal segments");
  store
    .command("merge")
    .description("union stores (e.g. one per shard) into one; idempotent; reports duplicate keys whose records differ")
    .argument("<sources...>", "store directories to read")
    .requiredOption("--into <dir>", "the store to write into")
    .option("--json", "machine-readable report")
    .action((sources: string[], options: {into: string; json?: boolean}) => {
      for (const source of sources) if (!statSync(source, {throwIfNoEntry: false})?.isDirectory()) throw new UsageError(`store merge: ${source} is not a directory`);
      const report = mergeStores(sources, options.into, options.json ? undefined : (line) => io.stdout(line + "\n"));
      if (options.json) io.stdout(JSON.stringify(report) + "\n");
      const conflicts = Object.values(report).reduce((n, r) => n + r.conflicts, 0);
      if (conflicts && !options.json) io.stdout(`${conflicts} keys differ between stores; the target's records were kept\n`);
    });
  store
    .command("stats")
    .description("records, packs and bytes per record kind")
    .option("--store <dir>", "store directory (default: $REPROMPT_STORE or data/store)")
    .option("--json", "machine-readable output")
    .action((options: {store?: string; json?: boolean}) => {
      const dir = options.store ? resolve(options.store) : defaultStoreDir();
      const s = Store.open({dir, autoCompactAt: 0, sealOnClose: false});
      try {
        const rows = storeKinds(dir).map((kind) => ({kind, ...s.stats(kind), bytes: bytesUnder(join(dir, "sealed", kind)) + bytesUnder(join(dir, "segments", kind))}));
        if (options.json) io.stdout(JSON.stringify(rows) + "\n");
        else for (const r of rows) io.stdout(`${r.kind.padEnd(14)} ${String(r.sealed).padStart(10)} sealed ${String(r.live).padStart(8)} live ${String(r.packs).padStart(4)} packs ${(r.bytes / 2 ** 20).toFixed(1).padStart(10)} MiB\n`);
      } finally {
        s.close();
      }
    });
  store
    .command("seal")
    .description("seal finished segments into packs and write their Parquet now (a build's first query does it too)")
    .option("--store <dir>", "store directory (default: $REPROMPT_STORE or data/store)")
    .action(async (options: {store?: string}) => {
      const q = await queryStore(options.store ? resolve(options.store) : defaultStoreDir());
      io.stdout(`sealed; views: ${q.kinds.join(", ") || "(none)"}\n`);
      q.close();
    });
}
