// Observable Framework configuration. Offline-safe: no Google Fonts, no DuckDB extension downloads, no build
// date in the footer (reproducible output). See notes on building offline in README.md.
export default {
  title: "reprompt",
  root: "src",
  pages: [
    {name: "The paper's numbers", path: "/paper"},
    {name: "Benchmarks", path: "/benchmarks"}
  ],
  globalStylesheets: [],
  footer: "Built by reprompt — every number on this site names the model, backend and data that produced it.",
  head: `<link rel="icon" href="data:,">`,
  duckdb: {extensions: {json: null, parquet: null}},
  interpreters: {".ts": ["node", "--import", "tsx"]}
};
