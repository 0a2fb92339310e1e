// Problems as data: the normalised Problem, its JSONL reader, difficulty labels, and configured sources.
export * from "./problem.ts";
export {difficultyOrder, normaliseDifficulty, tacoLevel} from "./difficulty.ts";
export {parseProblemsJsonl, ProblemFileError, readProblemsJsonl} from "./jsonl.ts";
export {DEMO_SOURCE, loadSource, resolveProjectPath, storeProblems, type DatasetSource, type JsonlSource, type StoredProblem} from "./sources.ts";
