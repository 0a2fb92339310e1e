// The benchmark corpus: the demo problems' human solutions, plus the shared sample when it sits beside the repo.
import {existsSync} from "node:fs";
import {join} from "node:path";
import {DEMO_SOURCE, loadSource, readProblemsJsonl, type Problem} from "../loaders/datasets/index.ts";
import {projectRoot} from "../loaders/store/index.ts";

export const SHARED_SAMPLE = join(projectRoot, "..", "shared", "data", "sample-problems.jsonl");

export interface Corpus {
  name: string;
  problems: Problem[];
}

export async function benchCorpora(log: (line: string) => void): Promise<Corpus[]> {
  const corpora: Corpus[] = [];
  if (existsSync(join(projectRoot, DEMO_SOURCE.path))) corpora.push({name: "demo", problems: await loadSource(DEMO_SOURCE)});
  if (existsSync(SHARED_SAMPLE)) corpora.push({name: "shared sample", problems: readProblemsJsonl(SHARED_SAMPLE)});
  else log(`(shared sample not found at ${SHARED_SAMPLE}: demo problems only)`);
  return corpora;
}

/** Every problem of every corpus, in one list. */
export async function benchProblems(log: (line: string) => void): Promise<Problem[]> {
  return (await benchCorpora(log)).flatMap((c) => c.problems);
}
