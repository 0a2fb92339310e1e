// RFT build profiles as data: the built-in demo and paper, and any config profile with an `rft` entry.
import type {RepromptConfig} from "../config/index.ts";
import {BIGCODE_MINHASH, type MinHashParams} from "./minhash.ts";

export interface RftProfile {
  name: string;
  /**
   * The generation experiment and its profile (run through runExperiment, so resumable and stored); `dataset`
   * and `model` override that profile's problems and (configured) models: the training split, the base model.
   */
  generation: {experiment: string; profile: string; dataset?: string; model?: string};
  /** The evaluation set to decontaminate against: a configured dataset, or the demo's planted stand-in. */
  evaluation: {kind: "dataset"; name: string; description: string} | {kind: "planted-demo"; description: string};
  dedup: MinHashParams;
  /** At most this many kept programs per problem and split, after near-dedup (the study: 50). */
  maxPerProblem: number;
  /** Programs per direction in a decontamination cross-test. */
  crossTestPrograms: number;
  /** Seed of the per-problem cap (which clusters are kept when more than maxPerProblem remain). */
  seed: number;
  /**
   * Statement embeddings the site build uses for this profile without asking: "lexical" (the offline
   * stand-in, labelled not paper-equivalent) makes the RFT page run the pipeline itself; null = the page
   * shows the latest `reprompt rft build` instead (real embeddings need a configured model).
   */
  siteEmbeddings: "lexical" | null;
}

const COMMON = {dedup: BIGCODE_MINHASH, maxPerProblem: 50, crossTestPrograms: 3, seed: 0};

/** The built-in profiles: the demo is "human baseline, lexical embeddings, planted evaluation set". */
export const RFT_PROFILES: Record<string, RftProfile> = {
  demo: {
    name: "demo",
    generation: {experiment: "rft-generate", profile: "demo"},
    evaluation: {
      kind: "planted-demo",
      description: "planted stand-in for TACO test: 2 rewrites of demo problems (same tests), 1 look-alike, 2 unrelated problems (loaders/rft/demoEval.ts)"
    },
    ...COMMON,
    siteEmbeddings: "lexical"
  },
  paper: {
    name: "paper",
    generation: {experiment: "rft-generate", profile: "paper"},
    evaluation: {kind: "dataset", name: "taco-test", description: "TACO test split (configured dataset `taco-test`)"},
    ...COMMON,
    siteEmbeddings: null
  }
};

/**
 * The RFT profile of a name: a config profile with an `rft` entry (generation on its training dataset with
 * its model, decontaminated against its evaluation dataset), else a built-in one, else null.
 */
export function rftProfileFor(name: string, config: Pick<RepromptConfig, "profiles">): RftProfile | null {
  const user = config.profiles?.[name];
  if (user?.rft) {
    const base = RFT_PROFILES[user.extends]!;
    return {
      ...base,
      name,
      generation: {experiment: base.generation.experiment, profile: name, dataset: user.rft.training, ...(user.rft.model ? {model: user.rft.model} : {})},
      evaluation: {kind: "dataset", name: user.rft.evaluation, description: `configured dataset \`${user.rft.evaluation}\` (profile ${name})`},
      siteEmbeddings: null
    };
  }
  return RFT_PROFILES[name] ?? null;
}

/** Names `rft build --profile` accepts under a config. */
export function rftProfileNames(config: Pick<RepromptConfig, "profiles">): string[] {
  return [...Object.keys(RFT_PROFILES), ...Object.entries(config.profiles ?? {}).filter(([, p]) => p.rft).map(([n]) => n)].filter((n, i, all) => all.indexOf(n) === i);
}
