// Decontamination: flag training/evaluation problem pairs with similar statements, confirm by cross-testing, remove confirmed ones.
import {problemRef, type Problem} from "../datasets/index.ts";
import {cosine, type StatementEmbedder} from "./embeddings.ts";

/** A training problem as decontamination sees it: its key, the problem, and programs known to solve it. */
export interface TrainingProblem {
  key: string;
  problem: Problem;
  /** Distinct programs that passed all its tests (the kept trajectories' final programs). */
  solutions: string[];
}

export interface CrossTest {
  /** Programs run, and how many passed all the other problem's tests. */
  programs: number;
  accepted: number;
  verdicts: string[];
}

export type Decision = "removed: confirmed by cross-testing" | "kept: cross-testing did not confirm" | "kept: no solutions to cross-test";

export interface FlaggedPair {
  train: string;
  trainKey: string;
  eval: string;
  similarity: number;
  /** Training solutions judged on the evaluation problem's tests. */
  forward: CrossTest;
  /** Evaluation solutions (the dataset's correct human ones) judged on the training problem's tests. */
  backward: CrossTest;
  decision: Decision;
}

export interface DecontaminationResult {
  embedder: {kind: string; identity: string; description: string; paperEquivalent: boolean; threshold: number};
  trainProblems: number;
  evalProblems: number;
  comparedPairs: number;
  /** Highest similarity among pairs below the threshold (how close the nearest miss came). */
  maxUnflagged: number | null;
  pairs: FlaggedPair[];
  /** Keys of the training problems removed. */
  removed: string[];
  /** For each evaluation problem, its most similar training problem (to audit misses). */
  nearest: Array<{eval: string; train: string; similarity: number; flagged: boolean}>;
}

export interface DecontaminationEffects {
  /** Judges `code` on all of `problem`'s tests with its limits; the verdict ("accepted" = passes all). */
  judge(problem: Problem, code: string): Promise<string>;
  /** Called once per flagged pair as it is settled (progress). */
  onPair?(done: number, total: number): void;
}

export interface DecontaminationOptions {
  /** Programs per direction run in a cross-test (default 3). */
  crossTestPrograms?: number;
  threshold?: number;
}

/** What an embedding model reads of a problem: its statement (the name when a dataset has none). */
export function statementText(problem: Problem): string {
  return (problem.statement ?? problem.name ?? problem.id).trim();
}

async function crossTest(programs: string[], target: Problem, effects: DecontaminationEffects): Promise<CrossTest> {
  const verdicts: string[] = [];
  let accepted = 0;
  for (const code of programs) {
    const verdict = await effects.judge(target, code);
    verdicts.push(verdict);
    if (verdict === "accepted") {
      accepted++;
      break; // one program solving the other problem is confirmation enough
    }
  }
  return {programs: verdicts.length, accepted, verdicts};
}

/**
 * Flags every (training, evaluation) pair whose statement embeddings have cosine ≥ threshold (the study:
 * 0.8), then cross-tests it both ways: up to N training solutions on the evaluation problem's tests, and up
 * to N of the evaluation problem's correct solutions on the training problem's tests. A pair is confirmed
 * when any program passes all the other problem's tests; confirmed training problems are removed. A flagged
 * pair with no program on either side cannot be confirmed and is kept (recorded as such).
 */
export async function decontaminate(
  train: readonly TrainingProblem[],
  evalSet: readonly Problem[],
  embedder: StatementEmbedder,
  effects: DecontaminationEffects,
  options: DecontaminationOptions = {}
): Promise<DecontaminationResult> {
  const threshold = options.threshold ?? embedder.threshold;
  const perSide = options.crossTestPrograms ?? 3;
  const vectors = await embedder.vectors([...train.map((t) => statementText(t.problem)), ...evalSet.map(statementText)]);
  const trainVectors = vectors.slice(0, train.length);
  const evalVectors = vectors.slice(train.length);
  const flagged: Array<{t: number; e: number; similarity: number}> = [];
  const nearest = evalSet.map(() => ({t: -1, similarity: -Infinity}));
  let maxUnflagged: number | null = null;
  for (let t = 0; t < train.length; t++) {
    for (let e = 0; e < evalSet.length; e++) {
      const similarity = cosine(trainVectors[t]!, evalVectors[e]!);
      if (similarity > nearest[e]!.similarity) nearest[e] = {t, similarity};
      if (similarity >= threshold) flagged.push({t, e, similarity});
      else if (maxUnflagged === null || similarity > maxUnflagged) maxUnflagged = similarity;
    }
  }
  flagged.sort((a, b) => b.similarity - a.similarity);
  const pairs: FlaggedPair[] = [];
  for (const {t, e, similarity} of flagged) {
    const tp = train[t]!;
    const ep = evalSet[e]!;
    const evalSolutions = ep.solutions.filter((s) => s.label === "correct").map((s) => s.code);
    const forward = await crossTest(tp.solutions.slice(0, perSide), ep, effects);
    const backward = forward.accepted > 0 ? {programs: 0, accepted: 0, verdicts: []} : await crossTest(evalSolutions.slice(0, perSide), tp.problem, effects);
    const ran = forward.programs + backward.programs;
    const decision: Decision =
      forward.accepted + backward.accepted > 0 ? "removed: confirmed by cross-testing" : ran === 0 ? "kept: no solutions to cross-test" : "kept: cross-testing did not confirm";
    pairs.push({train: problemRef(tp.problem), trainKey: tp.key, eval: problemRef(ep), similarity: round(similarity), forward, backward, decision});
    effects.onPair?.(pairs.length, flagged.length);
  }
  const removed = [...new Set(pairs.filter((p) => p.decision.startsWith("removed")).map((p) => p.trainKey))];
  return {
    embedder: {kind: embedder.kind, identity: embedder.identity, description: embedder.description, paperEquivalent: embedder.paperEquivalent, threshold},
    trainProblems: train.length,
    evalProblems: evalSet.length,
    comparedPairs: train.length * evalSet.length,
    maxUnflagged: maxUnflagged === null ? null : round(maxUnflagged),
    pairs,
    removed,
    nearest: evalSet.map((ep, e) => {
      const n = nearest[e]!;
      return {eval: problemRef(ep), train: n.t >= 0 ? problemRef(train[n.t]!.problem) : "", similarity: n.t >= 0 ? round(n.similarity) : 0, flagged: n.similarity >= threshold};
    })
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
