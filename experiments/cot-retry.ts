// CoT-retry: reasoning prompts only after a failed attempt, vs plain multi-turn, by maximum number of turns.
import {defineExperiment} from "../loaders/trajectories/experiment.ts";
import {NK_GRID} from "./_grid.ts";

const strategies = [1, 2, 3].flatMap((maxTurns) => [
  {kind: "multi" as const, feedback: "binary" as const, maxTurns},
  {kind: "cot-retry" as const, feedback: "binary" as const, maxTurns}
]);

export default defineExperiment({
  name: "cot-retry",
  title: "CoT-retry vs plain multi-turn by maximum turns",
  figure: "cot-retry",
  description: "pass n@k by maximum turns for plain multi-turn and for CoT-retry.",
  profiles: {
    demo: {problems: {source: "demo"}, models: ["human"], strategies, samples: 30, nk: [[1, 3], [10, 30]]},
    paper: {problems: {source: "codecontests-test"}, models: "configured", strategies, samples: 200, nk: NK_GRID}
  }
});
