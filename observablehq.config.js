// Observable Framework configuration. Offline-safe: no Google Fonts, no DuckDB extension downloads, no build
// date in the footer (reproducible output). See notes on building offline in README.md.
export default {
  title: "reprompt",
  root: "src",
  pages: [
    {name: "The paper's numbers", path: "/paper"},
    {name: "Benchmarks", path: "/benchmarks"},
    {
      name: "Findings",
      open: true,
      pages: [
        {name: "1 · Single-turn grid", path: "/single-turn-grid"},
        {name: "2 · CoT by size and difficulty", path: "/cot-size-difficulty"},
        {name: "3 · Multi-turn vs single-turn", path: "/multi-vs-single"},
        {name: "4 · Feedback granularity", path: "/feedback-granularity"},
        {name: "5 · CoT-retry", path: "/cot-retry"},
        {name: "6 · RFT", path: "/rft"},
        {name: "7 · Calibration and explorer", path: "/calibration"}
      ]
    },
    {name: "Your experiments", path: "/your-experiments"}
  ],
  globalStylesheets: [],
  footer: "Built by reprompt — every number on this site names the model, backend and data that produced it.",
  head: `<link rel="icon" href="data:,">`,
  duckdb: {extensions: {json: null, parquet: null}},
  interpreters: {".ts": ["node", "--import", "tsx"]}
};
