// The benchmark corpus: the demo problems' human solutions, plus the shared sample when it sits beside the repo.
import {existsSync} from "node:fs";
import {join} from "node:path";
import {DEMO_SOURCE, loadSource, readProblemsJsonl, type Problem} from "../loaders/datasets/index.ts";
import {projectRoot} from "../loaders/store/index.ts";

export const SHARED_SAMPLE = join(projectRoot, "..", "shared", "data", "sample-problems.jsonl");

export async function benchProblems(log: (line: string) => void): Promise<Problem[]> {
  const problems = existsSync(join(projectRoot, DEMO_SOURCE.path)) ? await loadSource(DEMO_SOURCE) : [];
  if (existsSync(SHARED_SAMPLE)) problems.push(...readProblemsJsonl(SHARED_SAMPLE));
  else log(`(shared sample not found at ${SHARED_SAMPLE}: demo problems only)`);
  return problems;
}
