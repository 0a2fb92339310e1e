// Problems as data: the normalised Problem, its readers (JSONL, CodeContests, TACO), difficulty labels, and configured sources.
export * from "./problem.ts";
export {difficultyOrder, normaliseDifficulty, tacoLevel} from "./difficulty.ts";
export {MAX_REPORTED_BAD_LINES, parseProblemsJsonl, ProblemFileError, readProblemsJsonl, type ProblemFileOptions} from "./jsonl.ts";
export {DatasetReadError, isRemotePath, type DatasetLoad, type ParquetReadOptions} from "./parquet.ts";
export {CODECONTESTS_DATASET, codeContestsDownloadHint, codeContestsId, readCodeContests, type CodeContestsOptions} from "./codecontests.ts";
export {parseMemoryLimit, parseTimeLimit, readTaco, TACO_DATASET, TACO_DIFFICULTIES, tacoDownloadHint, type TacoDifficulty, type TacoOptions} from "./taco.ts";
export {
  DEMO_SOURCE,
  loadSource,
  loadSourceReport,
  resolveProjectPath,
  storeProblems,
  type CodeContestsSource,
  type DatasetSource,
  type JsonlSource,
  type LoadSourceOptions,
  type StoredProblem,
  type TacoSource
} from "./sources.ts";
