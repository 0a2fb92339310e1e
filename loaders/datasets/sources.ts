// Dataset sources a user can configure, and putting their problems into the store.
import {isAbsolute, resolve} from "node:path";
import {hashOf, projectRoot, type Store} from "../store/index.ts";
import {readProblemsJsonl} from "./jsonl.ts";
import type {Problem} from "./problem.ts";

/** A problem file in the project's JSONL schema (the demo benchmark is one). */
export interface JsonlSource {
  kind: "jsonl";
  name: string;
  path: string;
}

export type DatasetSource = JsonlSource;

/** The embedded default: the demo benchmark committed with the project (original problems). */
export const DEMO_SOURCE: JsonlSource = {kind: "jsonl", name: "demo", path: "data/demo/problems.jsonl"};

export function resolveProjectPath(path: string): string {
  return isAbsolute(path) ? path : resolve(projectRoot, path);
}

export async function loadSource(source: DatasetSource): Promise<Problem[]> {
  switch (source.kind) {
    case "jsonl":
      return readProblemsJsonl(resolveProjectPath(source.path));
  }
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
