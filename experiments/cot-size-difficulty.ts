// CoT by model size and difficulty: the best CoT combination vs no CoT, per model and TACO difficulty (study §4).
import {defineExperiment} from "../loaders/trajectories/experiment.ts";
import {SINGLE_TURN_GRID} from "./_grid.ts";

export default defineExperiment({
  name: "cot-size-difficulty",
  title: "CoT gains by model size and problem difficulty",
  figure: "cot-size-difficulty",
  description: "Gain of the best reasoning × instruction combination over no CoT, per model and per difficulty.",
  profiles: {
    demo: {problems: {source: "demo"}, models: ["human"], strategies: SINGLE_TURN_GRID, samples: 10, k: [1, 10]},
    paper: {problems: {source: "taco-test"}, models: "configured", strategies: SINGLE_TURN_GRID, samples: 200, k: [1, 10, 100]}
  }
});
