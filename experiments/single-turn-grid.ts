// Single-turn CoT grid: every reasoning × instruction combination, pass@1/10/100 per model (study §4).
import {defineExperiment} from "../loaders/trajectories/experiment.ts";
import {SINGLE_TURN_GRID} from "./_grid.ts";

export default defineExperiment({
  name: "single-turn-grid",
  title: "Single-turn grid: reasoning × instruction prompts",
  figure: "single-turn-grid",
  description: "Which combination of a reasoning prompt and an instruction prompt solves most problems in one turn.",
  profiles: {
    demo: {problems: {source: "demo"}, models: ["human"], strategies: SINGLE_TURN_GRID, samples: 10, k: [1, 10]},
    paper: {problems: {source: "codecontests-test"}, models: "configured", strategies: SINGLE_TURN_GRID, samples: 200, k: [1, 10, 100]}
  }
});
