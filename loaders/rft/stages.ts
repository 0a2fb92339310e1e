// The RFT data stages as pure functions over trajectories: filter, split, near-dedup with a per-problem cap, strip, count.
import type {ChatMessage} from "../prompts/index.ts";
import type {TrajectoryRecord} from "../trajectories/trajectory.ts";
import {stripCotPrompts, type StripOptions} from "./conversation.ts";
import {conversationTokens, type TokenCounter} from "./export.ts";
import {nearDuplicateClusters, seededOrder, type MinHashParams} from "./minhash.ts";

export type Split = "single-turn" | "multi-turn";

/** One trajectory on its way through the pipeline. */
export interface Entry {
  key: string;
  trajectory: TrajectoryRecord;
  problemKey: string;
  /** The conversation as sent (before stripping), then as exported (after). */
  messages: ChatMessage[];
  /** Prompt ids stripped from it (empty before the strip stage). */
  stripped: string[];
}

export interface StageCount {
  stage: string;
  split: "all" | Split;
  problems: number;
  trajectories: number;
  tokens: number;
}

export function countStage(stage: string, split: StageCount["split"], entries: readonly Entry[], counter: TokenCounter): StageCount {
  return {
    stage,
    split,
    problems: new Set(entries.map((e) => e.problemKey)).size,
    trajectories: entries.length,
    tokens: entries.reduce((n, e) => n + conversationTokens(e.messages, counter), 0)
  };
}

/** The study's filter: the trajectory's last program passes all tests (public and hidden). */
export function passedAll(entries: readonly Entry[]): Entry[] {
  return entries.filter((e) => e.trajectory.final.allPassed);
}

/** Single-turn = solved by the first program; multi-turn = needed feedback at least once. */
export function splitOf(entry: Entry): Split {
  return entry.trajectory.turns.length === 1 ? "single-turn" : "multi-turn";
}

export function finalCode(entry: Entry): string {
  return entry.trajectory.turns.at(-1)?.code ?? "";
}

export interface DedupSummary {
  /** Programs in, clusters found, clusters dropped by the per-problem cap, programs kept. */
  programs: number;
  clusters: number;
  capped: number;
  kept: number;
  candidatePairs: number;
  mergedPairs: number;
  /** Problems that hit the cap. */
  problemsCapped: number;
}

/**
 * Near-dedup within each problem: MinHash/LSH clusters over the final programs (normalised code), one
 * trajectory kept per cluster (the first in plan order), then at most `maxPerProblem` clusters per problem
 * chosen by a seeded hash order (stable whatever order the trajectories come in).
 */
export function dedupPerProblem(entries: readonly Entry[], params: MinHashParams, maxPerProblem: number, seed: number): {kept: Entry[]; summary: DedupSummary} {
  const byProblem = new Map<string, Entry[]>();
  for (const e of entries) {
    const list = byProblem.get(e.problemKey);
    if (list) list.push(e);
    else byProblem.set(e.problemKey, [e]);
  }
  const summary: DedupSummary = {programs: entries.length, clusters: 0, capped: 0, kept: 0, candidatePairs: 0, mergedPairs: 0, problemsCapped: 0};
  const keptKeys = new Set<string>();
  for (const list of byProblem.values()) {
    const result = nearDuplicateClusters(list.map(finalCode), params);
    summary.clusters += result.representatives.length;
    summary.candidatePairs += result.candidatePairs;
    summary.mergedPairs += result.mergedPairs;
    let reps = result.representatives.map((i) => list[i]!);
    if (reps.length > maxPerProblem) {
      summary.capped += reps.length - maxPerProblem;
      summary.problemsCapped++;
      const order = seededOrder(reps.map((e) => e.key), seed);
      reps = order.slice(0, maxPerProblem).map((i) => reps[i]!);
    }
    for (const e of reps) keptKeys.add(e.key);
  }
  const kept = entries.filter((e) => keptKeys.has(e.key));
  summary.kept = kept.length;
  return {kept, summary};
}

/** Strips the CoT prompts from every conversation; returns new entries and how often each prompt was removed. */
export function stripEntries(entries: readonly Entry[], options: StripOptions = {}): {entries: Entry[]; removed: Record<string, number>} {
  const removed: Record<string, number> = {};
  const out = entries.map((e) => {
    const result = stripCotPrompts(e.messages, options);
    for (const id of result.removed) removed[id] = (removed[id] ?? 0) + 1;
    return {...e, messages: result.messages, stripped: result.removed};
  });
  return {entries: out, removed};
}
