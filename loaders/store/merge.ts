// `reprompt store merge SRC… --into DST`: unions stores (e.g. one per shard) into one, idempotently.
// Every source record is checked (a valid key, a record that parses and carries the key it is indexed under);
// a key DST already holds is skipped when the records are equal and reported as a conflict when they differ
// (DST's record is kept, as every reader of DST would have seen it: the dedup rule of store.ts).
import {resolve} from "node:path";
import {canonicalJson} from "./keys.ts";
import {storeKinds} from "./query.ts";
import {Store} from "./store.ts";

export interface MergeKindReport {
  added: number;
  same: number;
  conflicts: number;
  invalid: number;
  /** Up to 10 conflicting keys, to look at. */
  conflictKeys: string[];
}

export type MergeReport = Record<string, MergeKindReport>;

const KEY = /^[A-Za-z0-9_-]{1,128}$/;

export function mergeStores(sources: string[], into: string, log: (message: string) => void = () => {}): MergeReport {
  const target = resolve(into);
  for (const source of sources) if (resolve(source) === target) throw new Error(`store merge: ${source} is the target itself`);
  const dst = Store.open({dir: target, autoCompactAt: 0});
  const report: MergeReport = {};
  try {
    for (const source of sources) {
      const src = Store.open({dir: resolve(source), autoCompactAt: 0, sealOnClose: false});
      try {
        for (const kind of storeKinds(src.dir)) {
          const r = (report[kind] ??= {added: 0, same: 0, conflicts: 0, invalid: 0, conflictKeys: []});
          for (const key of src.keys(kind)) {
            let record;
            try {
              record = KEY.test(key) ? src.read(kind, key) : undefined;
            } catch {
              record = undefined; // a line that does not parse
            }
            if (!record || record.key !== key) {
              r.invalid++;
              continue;
            }
            const existing = dst.read(kind, key);
            if (!existing) {
              dst.putWithKeys(kind, [{key, data: record.data}], {ts: record.ts});
              r.added++;
            } else if (canonicalJson(existing.data) === canonicalJson(record.data)) {
              r.same++;
            } else {
              r.conflicts++;
              if (r.conflictKeys.length < 10) r.conflictKeys.push(key);
            }
          }
          log(`${source} ${kind}: +${r.added} new, ${r.same} already there, ${r.conflicts} conflicting, ${r.invalid} invalid`);
        }
      } finally {
        src.close();
      }
    }
  } finally {
    dst.close(); // seals what was added
  }
  return report;
}
