// The store benchmark's fresh reader: times opening a store, 100k membership tests or a figure-like aggregate.
import {performance} from "node:perf_hooks";
import {queryStore, Store} from "../../loaders/store/index.ts";

const [dir, what, recordsArg] = process.argv.slice(2);
const records = Number(recordsArg);
const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
if (what === "open") {
  let t = performance.now();
  const store = Store.open({dir});
  // ready = both kinds loaded (indexes read, live tail scanned) and one record of each readable
  const first = store.key("request", {bench: 0});
  if (!store.get("request", first) || !store.has("execution", store.key("execution", {bench: 0}))) throw new Error("bench: records missing");
  const open_s = (performance.now() - t) / 1000;
  const open_rss_mb = rssMb();
  // 100k membership tests: half stored keys, half absent ones
  const keys: string[] = [];
  for (let i = 0; i < 100_000; i++) keys.push(store.key("request", {bench: i % 2 ? Math.floor((i * 7919) % records) : records + i}));
  t = performance.now();
  let hits = 0;
  for (const key of keys) if (store.has("request", key)) hits++;
  const has_100k_s = (performance.now() - t) / 1000;
  if (hits !== 50_000) throw new Error(`bench: ${hits} of 50000 stored keys found`);
  console.log(JSON.stringify({open_s, open_rss_mb, has_100k_s}));
  store.close();
} else {
  const t = performance.now();
  const q = await queryStore(dir, {seal: false});
  // what a figure runs: per (problem, verdict) counts and mean time over every execution, and a count of completions
  const a = await q.all<{n: number}>(
    `SELECT count(*)::INTEGER AS n FROM (SELECT data->>'problem' AS problem, data->>'verdict' AS verdict, count(*) AS n, avg((data->>'timeMs')::INTEGER) AS ms FROM execution GROUP BY 1, 2)`
  );
  const b = await q.all<{total: number}>(`SELECT count(*)::BIGINT AS total FROM request`);
  const aggregate_s = (performance.now() - t) / 1000;
  if (Number(b[0].total) !== records) throw new Error(`bench: aggregate saw ${b[0].total} of ${records} completions`);
  q.close();
  console.log(JSON.stringify({aggregate_s, aggregate_rss_mb: rssMb(), groups: a[0].n}));
}
