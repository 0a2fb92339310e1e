// `npm run bench [-- exec|generate|metrics|store|figures|all]`: the project's benchmarks; each prints its headline last.
const which = process.argv[2] ?? "all";
const log = (line: string) => console.log(line);
const benches: Record<string, () => Promise<unknown>> = {
  exec: async () => (await import("./exec.ts")).benchExec(log),
  generate: async () => (await import("./generate.ts")).benchGenerate(log),
  metrics: async () => (await import("./metrics.ts")).benchMetrics(log),
  store: async () => (await import("./store/index.ts")).benchStore(process.argv.slice(3), log),
  figures: async () => (await import("./figures.ts")).benchFigures(log, process.argv.slice(3))
};
// `all` runs the quick ones; `store` writes gigabytes and runs only when named
const names = which === "all" ? Object.keys(benches).filter((name) => name !== "store") : [which];
for (const name of names) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; choose one of ${Object.keys(benches).join(", ")} or all`);
    process.exit(2);
  }
  if (!process.argv.includes("--json")) console.log(`== bench ${name}`);
  await bench();
}
