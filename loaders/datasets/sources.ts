// Dataset sources a user can configure, and putting their problems into the store.
import {isAbsolute, resolve} from "node:path";
import {hashOf, projectRoot, type Store} from "../store/index.ts";
import {readCodeContests} from "./codecontests.ts";
import {readProblemsJsonl} from "./jsonl.ts";
import {isRemotePath, type DatasetLoad} from "./parquet.ts";
import {judgeDefect, type Problem} from "./problem.ts";
import {readTaco, type TacoDifficulty} from "./taco.ts";

/** A problem file in the project's JSONL schema (the demo benchmark is one). */
export interface JsonlSource {
  kind: "jsonl";
  name: string;
  path: string;
}

/** CodeContests Parquet: a local file or glob, or an hf:// path (needs network). */
export interface CodeContestsSource {
  kind: "codecontests";
  name: string;
  path: string;
  split: string;
  /** At most this many problems. */
  limit?: number;
  /** At most this many Python 3 solutions of each label per problem. */
  maxSolutionsPerLabel?: number;
}

/** TACO Parquet: a local file or glob, or an hf:// path (needs network). */
export interface TacoSource {
  kind: "taco";
  name: string;
  path: string;
  split: string;
  difficulties?: TacoDifficulty[];
  limit?: number;
  maxSolutionsPerLabel?: number;
}

export type DatasetSource = JsonlSource | CodeContestsSource | TacoSource;

/** The embedded default: the demo benchmark committed with the project (original problems). */
export const DEMO_SOURCE: JsonlSource = {kind: "jsonl", name: "demo", path: "data/demo/problems.jsonl"};

export function resolveProjectPath(path: string): string {
  return isAbsolute(path) || isRemotePath(path) ? path : resolve(projectRoot, path);
}

/** Reads a source and says what was left out (`skipped`) or kept with a caveat (`flagged`), by reason. */
export async function loadSourceReport(source: DatasetSource): Promise<DatasetLoad> {
  const load = await readSource(source);
  const judgeable = load.problems.filter((problem) => {
    const defect = judgeDefect(problem);
    if (defect) load.skipped[defect] = (load.skipped[defect] ?? 0) + 1;
    return !defect;
  });
  return {...load, problems: judgeable};
}

async function readSource(source: DatasetSource): Promise<DatasetLoad> {
  switch (source.kind) {
    case "jsonl":
      return {problems: readProblemsJsonl(resolveProjectPath(source.path)), skipped: {}, flagged: {}};
    case "codecontests":
      return readCodeContests({
        path: resolveProjectPath(source.path),
        split: source.split,
        limit: source.limit,
        maxSolutionsPerLabel: source.maxSolutionsPerLabel
      });
    case "taco":
      return readTaco({
        path: resolveProjectPath(source.path),
        split: source.split,
        difficulties: source.difficulties,
        limit: source.limit,
        maxSolutionsPerLabel: source.maxSolutionsPerLabel
      });
  }
}

export interface LoadSourceOptions {
  /** Told about every source that left rows out or flagged some; by default one line on stderr. */
  report?: (source: DatasetSource, load: DatasetLoad) => void;
}

/** The problems of a source. Left-out rows are never silent: they go to `options.report` (stderr by default). */
export async function loadSource(source: DatasetSource, options: LoadSourceOptions = {}): Promise<Problem[]> {
  const load = await loadSourceReport(source);
  if (Object.keys(load.skipped).length || Object.keys(load.flagged).length) (options.report ?? reportToStderr)(source, load);
  return load.problems;
}

function reportToStderr(source: DatasetSource, load: DatasetLoad): void {
  const list = (counts: Record<string, number>) => Object.entries(counts).map(([reason, n]) => `${reason} ${n}`).join(", ");
  const parts = [`${load.problems.length} problems`];
  if (Object.keys(load.skipped).length) parts.push(`skipped: ${list(load.skipped)}`);
  if (Object.keys(load.flagged).length) parts.push(`flagged: ${list(load.flagged)}`);
  process.stderr.write(`dataset ${source.name} (${source.kind}): ${parts.join("; ")}\n`);
}

/** A stored problem remembers which configured source it came from. */
export interface StoredProblem {
  source: string;
  problem: Problem;
}

/**
 * Puts problems into the store. The key covers the problem's content, not only its id, so editing a
 * problem's tests makes a new record and results judged on the old tests stay tied to the old ones.
 */
export function storeProblems(store: Store, source: string, problems: Problem[]): {keys: string[]; created: number} {
  const records = problems.map((problem) => ({
    key: store.key("problem", {dataset: problem.dataset, id: problem.id, content: hashOf(problem)}),
    data: {source, problem} satisfies StoredProblem
  }));
  const created = store.putWithKeys("problem", records).length;
  return {keys: records.map((r) => r.key), created};
}
