// RFT before/after: a base model and its fine-tuned version, multi-turn without CoT prompts and with CoT-retry (study §RFT).
import {defineExperiment} from "../loaders/trajectories/experiment.ts";

/**
 * Both models run both strategies (the schema has no per-model strategies): the comparison the study reports
 * is base (CoT-retry, its best prompting) vs fine-tuned with **no** CoT prompt; base without CoT and
 * fine-tuned with CoT-retry are shown for reference.
 *
 * `models: "configured"` is resolved by the figure builder (loaders/rft/beforeAfter.ts), not by the runner
 * alone: it needs one entry with role "finetuned" and its base (its `baseModel`, or the one entry with role
 * "base"), runs exactly those two, and without them shows how to add them instead of an empty chart. The demo
 * profile therefore only runs once such models are configured (the human baseline cannot be fine-tuned).
 */
const strategies = [
  {kind: "multi" as const, feedback: "binary" as const, maxTurns: 3},
  {kind: "cot-retry" as const, feedback: "binary" as const, maxTurns: 3}
];

export default defineExperiment({
  name: "rft-before-after",
  title: "RFT: base model vs its fine-tuned version",
  figure: "rft-before-after",
  description: "pass n@k, diversity, non-code fraction and per-turn self-correction of a base model and its RFT version.",
  profiles: {
    demo: {problems: {source: "demo"}, models: "configured", strategies, samples: 30, nk: [[1, 3], [10, 30]]},
    paper: {
      problems: {source: "codecontests-test"},
      models: "configured",
      strategies,
      samples: 200,
      nk: [
        [1, 3],
        [10, 30],
        [10, 100],
        [33, 100]
      ]
    }
  }
});
