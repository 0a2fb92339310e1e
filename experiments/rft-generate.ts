// RFT data generation: CoT-retry trajectories (≤ 3 turns) on a training split, the input of `reprompt rft build`.
import {defineExperiment} from "../loaders/trajectories/experiment.ts";

/** The study's best multi-turn strategy, used to generate the fine-tuning data (paper.md §4). */
const strategies = [{kind: "cot-retry" as const, feedback: "binary" as const, maxTurns: 3}];

export default defineExperiment({
  name: "rft-generate",
  title: "RFT data: CoT-retry trajectories on a training split",
  figure: "rft-funnel",
  description:
    "200 CoT-retry trajectories per CodeContests train problem (paper); 30 per demo problem with the human baseline (demo, " +
    "which shares its trajectories with the cot-retry experiment's demo profile). `reprompt rft build` filters, splits, " +
    "deduplicates, strips and decontaminates them. With `models: \"configured\"`, rft build runs the model marked " +
    "role \"base\" (or the one named by --model).",
  profiles: {
    demo: {problems: {source: "demo"}, models: ["human"], strategies, samples: 30},
    paper: {problems: {source: "codecontests-train"}, models: "configured", strategies, samples: 200}
  }
});
