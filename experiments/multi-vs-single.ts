// Multi-turn vs single-turn at an equal budget of programs: pass n@k over the study's grid (study §5.1).
import {defineExperiment} from "../loaders/trajectories/experiment.ts";
import {NK_GRID, NO_COT} from "./_grid.ts";

export default defineExperiment({
  name: "multi-vs-single",
  title: "Multi-turn vs single-turn at equal sample budget",
  figure: "multi-vs-single",
  description: "Independent single-turn samples against ≤ 3-turn trajectories with binary feedback, same number of programs.",
  profiles: {
    demo: {
      problems: {source: "demo"},
      models: ["human"],
      strategies: [NO_COT, {kind: "multi", feedback: "binary", maxTurns: 3}],
      samples: 60,
      nk: [
        [1, 3],
        [10, 30]
      ]
    },
    paper: {
      problems: {source: "codecontests-test"},
      models: "configured",
      strategies: [NO_COT, {kind: "multi", feedback: "binary", maxTurns: 3}],
      samples: 300,
      nk: NK_GRID
    }
  }
});
