// The RFT page's tables: the data funnel and contamination (from an rft build) and the before/after comparison.
import {loadConfig} from "../config/index.ts";
import {BEFORE_AFTER_CONFIG_EXAMPLE, beforeAfterMetrics, beforeAfterModels, runBeforeAfter} from "../rft/beforeAfter.ts";
import {buildRft, type RftDataCard} from "../rft/pipeline.ts";
import {rftProfileFor} from "../rft/profiles.ts";
import type {ChatExample} from "../rft/export.ts";
import {openDefaultStore} from "../store/index.ts";
import {loadExperiment, profileOf} from "../trajectories/experiment.ts";
import {paperRows, provenanceOf} from "./common.ts";
import {siteProfile} from "./runs.ts";

function log(line: string): void {
  process.stderr.write(`[rft] ${line}\n`);
}

/** The latest stored build of a profile (`reprompt rft build` stores its data card), or null. */
function latestStoredBuild(profile: string): RftDataCard | null {
  const store = openDefaultStore();
  try {
    let latest: RftDataCard | null = null;
    for (const [, card] of store.entries<RftDataCard>("rft_build")) {
      if (card.profile === profile && (!latest || card.builtAt > latest.builtAt)) latest = card;
    }
    return latest;
  } finally {
    store.close();
  }
}

/** A short look at one training conversation, to show what "CoT prompts stripped" leaves. */
function sampleOf(example: ChatExample | undefined) {
  if (!example) return null;
  const cut = (text: string, n: number) => (text.length > n ? `${text.slice(0, n)} …[${text.length - n} more characters]` : text);
  return {problem: example.problem, turns: example.turns, stripped: example.stripped_prompts, messages: example.messages.map((m, i) => ({role: m.role, content: cut(m.content, i === 0 ? 300 : 700)}))};
}

/**
 * The funnel and contamination tables. The demo profile runs the pipeline itself (human baseline, planted
 * evaluation stand-in, lexical stand-in for embeddings because the site must build offline with no model);
 * other profiles show the latest build `reprompt rft build` stored, or say which command makes one.
 */
export async function rftFunnelTable(profile = siteProfile()) {
  const rft = rftProfileFor(profile, await loadConfig());
  const paper = {
    pipeline: paperRows((r) => r.source.startsWith("RFT data pipeline")),
    training: paperRows((r) => r.source.startsWith("RFT training"))
  };
  const command = `npx reprompt rft build --profile ${profile} --out out/rft` + (rft?.siteEmbeddings === "lexical" ? " --embeddings lexical" : " --embeddings openai --embeddings-url URL --embeddings-model NAME");
  let card: RftDataCard | null;
  let sample = null;
  // A profile whose embeddings need no model (the demo's lexical stand-in) is built here; others show their stored build.
  if (rft?.siteEmbeddings) {
    const build = await buildRft({profile, embeddings: {kind: rft.siteEmbeddings}, log});
    card = build.card;
    sample = sampleOf(build.train.find((e) => e.turns === 3) ?? build.train[0]);
  } else {
    card = latestStoredBuild(profile);
  }
  if (!card) return {status: "empty" as const, profile, command, paper};
  const d = card.decontamination;
  return {
    status: "ok" as const,
    profile,
    command,
    stages: card.stages.map((s, i) => ({...s, order: i})),
    dedup: card.dedup,
    strip: card.strip,
    contamination: {
      embedder: d.embedder,
      evaluation: card.sources.evaluation,
      trainProblems: d.trainProblems,
      comparedPairs: d.comparedPairs,
      maxUnflagged: d.maxUnflagged,
      removedProblems: d.removed.length,
      removedEntries: d.removedEntries,
      pairs: d.pairs.map((p) => ({
        train: p.train,
        eval: p.eval,
        similarity: p.similarity,
        forward: `${p.forward.accepted}/${p.forward.programs} pass`,
        backward: `${p.backward.accepted}/${p.backward.programs} pass`,
        decision: p.decision
      })),
      truth: d.truth,
      nearest: d.nearest
    },
    sample,
    provenance: {
      figure: "rft-funnel",
      profile: card.profile,
      builtAt: card.builtAt,
      engine: card.engine,
      training: card.sources.training,
      generation: card.generation,
      tokens: card.tokens.counter,
      seeds: card.seeds,
      embedder: d.embedder
    },
    paper
  };
}

/**
 * The before/after comparison. Without a base and a fine-tuned model in the config there is nothing to
 * run: the table says how to add them (the page shows the paper's numbers and that recipe, not an empty chart).
 */
export async function rftBeforeAfterTable(profile = siteProfile()) {
  const paper = {
    results: paperRows((r) => r.source.startsWith("RFT results")),
    behaviour: paperRows((r) => r.source.startsWith("RFT behaviour"))
  };
  const config = await loadConfig();
  const found = beforeAfterModels(config);
  if ("missing" in found) {
    return {status: "needs-models" as const, profile, missing: found.missing, configExample: BEFORE_AFTER_CONFIG_EXAMPLE, command: "npx reprompt figure rft-before-after", paper};
  }
  const experiment = await loadExperiment("rft-before-after");
  const p = profileOf(experiment, profile);
  const store = openDefaultStore();
  try {
    const run = await runBeforeAfter(experiment, profile, found.pair, {store, config});
    const grid = (p.nk ?? []).filter(([, k]) => k <= run.record.samples);
    const metrics = beforeAfterMetrics(run, grid);
    return {
      status: "ok" as const,
      profile,
      grid: grid.map(([n, k]) => `${n}@${k}`),
      unsupported: (p.nk ?? []).filter(([, k]) => k > run.record.samples).map(([n, k]) => `${n}@${k}`),
      pair: {base: found.pair.base.label ?? found.pair.base.name, finetuned: found.pair.finetuned.label ?? found.pair.finetuned.name},
      ...metrics,
      provenance: provenanceOf(run, "RFT: base model vs its fine-tuned version"),
      paper
    };
  } finally {
    store.close();
  }
}
