// RFT build profiles: which generation run, which evaluation set, and the dedup/decontamination parameters.
import {BIGCODE_MINHASH, type MinHashParams} from "./minhash.ts";

export interface RftProfile {
  name: string;
  /** The generation experiment and its profile (run through runExperiment, so resumable and stored). */
  generation: {experiment: string; profile: string};
  /** The evaluation set to decontaminate against: a configured dataset, or the demo's planted stand-in. */
  evaluation: {kind: "dataset"; name: string; description: string} | {kind: "planted-demo"; description: string};
  dedup: MinHashParams;
  /** At most this many kept programs per problem and split, after near-dedup (the study: 50). */
  maxPerProblem: number;
  /** Programs per direction in a decontamination cross-test. */
  crossTestPrograms: number;
  /** Seed of the per-problem cap (which clusters are kept when more than maxPerProblem remain). */
  seed: number;
}

export const RFT_PROFILES: Record<string, RftProfile> = {
  demo: {
    name: "demo",
    generation: {experiment: "rft-generate", profile: "demo"},
    evaluation: {
      kind: "planted-demo",
      description: "planted stand-in for TACO test: 2 rewrites of demo problems (same tests), 1 look-alike, 2 unrelated problems (loaders/rft/demoEval.ts)"
    },
    dedup: BIGCODE_MINHASH,
    maxPerProblem: 50,
    crossTestPrograms: 3,
    seed: 0
  },
  paper: {
    name: "paper",
    generation: {experiment: "rft-generate", profile: "paper"},
    evaluation: {kind: "dataset", name: "taco-test", description: "TACO test split (configured dataset `taco-test`)"},
    dedup: BIGCODE_MINHASH,
    maxPerProblem: 50,
    crossTestPrograms: 3,
    seed: 0
  }
};
