// Execution-feedback granularity: binary, failed tests, failed + passed tests, LDB traces (study §5.2, Figure 6).
import {defineExperiment} from "../loaders/trajectories/experiment.ts";
import {FEEDBACK_GRID, NK_GRID} from "./_grid.ts";

const strategies = FEEDBACK_GRID.map((feedback) => ({kind: "multi" as const, feedback, maxTurns: 3}));

export default defineExperiment({
  name: "feedback-granularity",
  title: "Execution feedback granularity",
  figure: "feedback-granularity",
  description: "pass n@k per feedback kind, and the similarity of consecutive programs within a trajectory.",
  profiles: {
    demo: {problems: {source: "demo"}, models: ["human"], strategies, samples: 30, nk: [[1, 3], [10, 30]]},
    paper: {problems: {source: "codecontests-test"}, models: "configured", strategies, samples: 200, nk: [[1, 3], [100, 300]]}
  }
});
